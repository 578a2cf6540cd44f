"""An entered requirement pasted from Excel (tab-separated): one row per interval, a time in the
first column, then the agents required on each day of the roster (issue 6 §3). Pure: no Django.

    09:00<TAB>3<TAB>3<TAB>4
    09:30<TAB>4<TAB>4<TAB>5

A first row whose first cell is not a time is a header and is skipped; blank lines are ignored;
an empty cell is 0; intervals not listed need nobody.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MINUTES_PER_DAY = 24 * 60
MAX_AGENTS = 10_000
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")


@dataclass
class PasteError(Exception):
    """A bad cell: ``row`` and ``column`` count from 1 as Excel shows them; ``kind`` is one of
    time, off_grid, duplicate, columns, number, range."""

    row: int
    column: int
    kind: str
    value: str = ""


def _minute(cell: str) -> int | None:
    m = _TIME.match(cell.strip())
    if not m:
        return None
    hours, minutes = int(m.group(1)), int(m.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def parse_paste(text: str, *, days: int, interval_minutes: int) -> list[list[int]]:
    """The grid ``[day][interval]`` of required agents; raises PasteError at the first bad cell."""
    per_day = MINUTES_PER_DAY // interval_minutes
    grid = [[0] * per_day for _ in range(days)]
    seen: set[int] = set()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for r, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        minute = _minute(cells[0])
        if minute is None:
            if r == 1:
                continue  # a header row
            raise PasteError(r, 1, "time", cells[0].strip())
        if minute % interval_minutes:
            raise PasteError(r, 1, "off_grid", cells[0].strip())
        slot = minute // interval_minutes
        if slot in seen:
            raise PasteError(r, 1, "duplicate", cells[0].strip())
        seen.add(slot)
        values = cells[1:]
        while values and not values[-1].strip():
            values.pop()
        if len(values) > days:
            raise PasteError(r, days + 2, "columns", values[days].strip())
        for c, raw in enumerate(values, start=2):
            cell = raw.strip()
            if not cell:
                continue
            try:
                number = float(cell)
            except ValueError:
                raise PasteError(r, c, "number", cell) from None
            if not math.isfinite(number) or number != int(number):
                raise PasteError(r, c, "number", cell)
            if not 0 <= number <= MAX_AGENTS:
                raise PasteError(r, c, "range", cell)
            grid[c - 2][slot] = int(number)
    return grid
