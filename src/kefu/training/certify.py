"""Certification before 上岗 (PK-4's combined selection, TRN-7), pure.

A certification lists components (a written exam, a role-play, the quick-reply exam, the typing
test …) each with a weight, a minimum score and whether it must be passed. The candidate passes
when every must-pass component is at or above its minimum and the weighted total (0–100) is at
or above the threshold. A component without a score counts 0.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    code: str
    weight: float = 1.0
    min_score: float = 60.0
    must_pass: bool = True


@dataclass(frozen=True)
class Outcome:
    passed: bool
    total: float
    failed: tuple[str, ...]  # codes of the must-pass components below their minimum


def components_from(rows: list[dict]) -> list[Component]:
    return [
        Component(
            code=str(r["code"]),
            weight=float(r.get("weight", 1)),
            min_score=float(r.get("min_score", 60)),
            must_pass=bool(r.get("must_pass", True)),
        )
        for r in rows
    ]


def evaluate(components: list[Component], scores: dict[str, float], threshold: float) -> Outcome:
    weights = sum(c.weight for c in components)
    total = (
        sum(c.weight * float(scores.get(c.code) or 0) for c in components) / weights
        if weights
        else 0.0
    )
    failed = tuple(
        c.code for c in components if c.must_pass and float(scores.get(c.code) or 0) < c.min_score
    )
    total = round(total, 2)
    return Outcome(
        passed=bool(components) and not failed and total >= threshold, total=total, failed=failed
    )
