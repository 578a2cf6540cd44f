"""The performance-management cycle (PM-1) as pure rules: the six stages in order, the SMART
check of a cycle's indicators and the PM-3 classes of appraisees. Pure: no Django.

plan → SMART indicators → evaluator briefing → evaluation → feedback interview → results
(pay, promotion or discipline, bonus, improvement plan) → closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

STAGES = ("plan", "indicators", "briefing", "evaluation", "feedback", "results", "closed")


def next_stage(stage: str) -> str | None:
    """The stage after ``stage``; None once closed (or for an unknown stage)."""
    if stage not in STAGES or stage == STAGES[-1]:
        return None
    return STAGES[STAGES.index(stage) + 1]


def smart_problems(indicators: list[dict], start: dt.date, end: dt.date) -> list[str]:
    """What keeps a cycle's indicators from being SMART, as codes (empty: ready for briefing).

    Specific: a name and how it is measured; Measurable: a target; Relevant: a weight above 0,
    the weights adding up to exactly 100; Time-bound: a due day inside the cycle."""
    if not indicators:
        return ["none"]
    problems = []
    for i, row in enumerate(indicators):
        if not (row.get("name") and row.get("measure")):
            problems.append(f"specific:{i}")
        if not row.get("target"):
            problems.append(f"measurable:{i}")
        if Decimal(str(row.get("weight") or 0)) <= 0:
            problems.append(f"relevant:{i}")
        due = row.get("due")
        if due is None or not start <= due <= end:
            problems.append(f"time_bound:{i}")
    if sum(Decimal(str(r.get("weight") or 0)) for r in indicators) != 100:
        problems.append("weights")
    return problems


# PM-3: appraisees are classified before their interview; the lower two owe an improvement plan
CLASSES = ("excellent", "good", "improve", "poor")
NEEDS_PLAN = frozenset({"improve", "poor"})


def suggested_class(score: Decimal | float | None) -> str | None:
    """A first classification from the weighted score: ≥ 90 excellent, ≥ 75 good, ≥ 60 needs
    improvement, below 60 poor (the interviewer may choose another)."""
    if score is None:
        return None
    score = Decimal(str(score))
    if score >= 90:
        return "excellent"
    if score >= 75:
        return "good"
    if score >= 60:
        return "improve"
    return "poor"
