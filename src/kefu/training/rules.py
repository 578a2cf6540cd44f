"""Training rules with no Django import: papers by blueprint with a seed, the rest-day cap
(SCH-9), the 4S yearly minimums (TRN-6) and micro-course lengths (TRN-1)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

REST_DAY_CAP_HOURS = 4.0  # half a day (SCH-9)
MICRO_COURSE_MINUTES = (15, 30, 60, 120, 180)  # 1 h default; 2–3 h 准微课


class BlueprintShort(ValueError):
    """The bank has fewer questions of a category than the blueprint asks: {category: missing}."""

    def __init__(self, missing: dict[str, int]):
        self.missing = missing
        super().__init__(missing)


def draw_paper(bank: dict[str, list[int]], blueprint: dict[str, int], seed: int) -> list[int]:
    """Question ids drawn from ``bank`` ({category: ids}) by ``blueprint`` ({category: count})
    with ``seed``: the same bank, blueprint and seed always give the same paper."""
    rng = random.Random(seed)
    missing = {
        c: n - len(bank.get(c, ())) for c, n in blueprint.items() if n > len(bank.get(c, ()))
    }
    if missing:
        raise BlueprintShort(missing)
    paper: list[int] = []
    for category in sorted(blueprint):
        paper.extend(rng.sample(sorted(bank[category]), blueprint[category]))
    return paper


def rest_day_fits(booked_hours: float, new_hours: float, cap: float = REST_DAY_CAP_HOURS) -> bool:
    """Training on a rest day is capped at half a day: booked + new ≤ cap."""
    return booked_hours + new_hours <= cap + 1e-9


# TRN-6, the 4S dealership's yearly minimum sessions per category
FOUR_S_MINIMUMS: dict[str, int] = {
    "前台接车业务技巧": 4,
    "专业技术基础知识": 2,
    "车间维修技术": 6,
    "疑难技术问题探讨": 3,
    "风行汽车讲堂": 4,
    "专业技术讲座": 2,
    "部门内部活动": 3,
}


@dataclass(frozen=True)
class MinimumRow:
    category: str
    required: int
    done: int
    met: bool
    months_left: int


def minimums_status(
    done: dict[str, int], minimums: dict[str, int], today: dt.date
) -> list[MinimumRow]:
    """Each category's sessions this year against its minimum, with the months left (the
    current month counts as left)."""
    months_left = 12 - today.month + 1
    return [
        MinimumRow(c, n, done.get(c, 0), done.get(c, 0) >= n, months_left)
        for c, n in minimums.items()
    ]


def grade_answer(kind: str, answer: str, given) -> bool | None:
    """Whether ``given`` answers a question of ``kind`` right; None for a short answer (a
    trainer grades it). Multiple choice: the same set of letters; fill-in: equal after trimming
    (alternatives separated by |)."""
    if kind == "short":
        return None
    if given is None:
        return False
    if isinstance(given, (list, tuple)):
        given = "".join(str(g) for g in given)
    given = str(given).strip()
    if kind == "multiple":
        return sorted(given.upper().replace(",", "")) == sorted(answer.upper().replace(",", ""))
    if kind == "truefalse":
        yes = {"true", "t", "对", "正确", "√", "y", "yes"}
        return (given.lower() in yes) == (answer.strip().lower() in yes)
    if kind == "fill":
        return given in [a.strip() for a in answer.split("|")]
    return given.upper() == answer.strip().upper()
