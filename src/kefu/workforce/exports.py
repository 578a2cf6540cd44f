"""The roster as .xlsx: one row per agent, one column per day (shift code and group)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
safe = safe_cell  # the rule lives in kefu.core.xlsx


def roster_xlsx(*, run, grid: dict) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Roster")[:31])
    sheet.append([safe(run.name)])
    sheet.append([_("Agent"), _("Team")] + [d.strftime("%m-%d %a") for d in grid["dates"]])
    for row in grid["rows"]:
        user = row["profile"].user
        cells = []
        for cell in row["cells"]:
            parts = []
            for a in cell["items"]:
                if a.shift is None:
                    parts.append(_("day off"))
                else:
                    parts.append(
                        f"{a.shift.code} {a.shift.label}" + (f" {a.group.name}" if a.group else "")
                    )
            cells.append(safe(" / ".join(parts)))
        sheet.append([safe(user.name), safe(user.team.name if user.team else ""), *cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
