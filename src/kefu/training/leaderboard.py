"""Competition rules with no Django import (PK-4, TRN-9): leaderboards where ties share a rank
(90, 90, 80 → 1, 1, 3), the role-play scoring form, and the order of a knowledge contest (score
first, then the shorter time)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kefu.core.ranking import ranked

#: The default role-play form: what an examiner marks, each from 0 to its maximum (100 in all).
ROLEPLAY_FORM: tuple[dict, ...] = (
    {"code": "opening", "max": 15},
    {"code": "needs", "max": 25},
    {"code": "solution", "max": 25},
    {"code": "etiquette", "max": 20},
    {"code": "closing", "max": 15},
)


@dataclass(frozen=True)
class ContestRow:
    user_id: int
    score: float
    seconds: int


def contest_board(rows: Iterable[ContestRow]) -> list[tuple[int, ContestRow]]:
    """A knowledge contest: the higher score first, then the shorter time; the same score in the
    same time shares a rank."""
    order = sorted(rows, key=lambda r: (-r.score, r.seconds, r.user_id))
    return ranked(order, key=lambda r: (r.score, r.seconds))


def best_attempts(attempts: Iterable[tuple[int, float, int]]) -> list[ContestRow]:
    """Each person's best (user id, score, seconds): the highest score, then the shortest time."""
    best: dict[int, ContestRow] = {}
    for user_id, score, seconds in attempts:
        row = ContestRow(user_id, float(score), int(seconds))
        mine = best.get(user_id)
        if mine is None or (row.score, -row.seconds) > (mine.score, -mine.seconds):
            best[user_id] = row
    return list(best.values())


def points_board(points: dict[int, float]) -> list[tuple[int, int, float]]:
    """(rank, user id, points), most points first; equal points share a rank."""
    order = sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(rank, uid, pts) for rank, (uid, pts) in ranked(order, key=lambda kv: kv[1])]


class FormError(ValueError):
    """A role-play form with a mark missing or out of range: {criterion code: maximum}."""

    def __init__(self, bad: dict[str, int]):
        self.bad = bad
        super().__init__(bad)


def form_total(criteria: Sequence[dict], marks: dict) -> tuple[dict[str, float], float]:
    """Check an examiner's marks against the form: every criterion marked from 0 to its maximum.
    Returns the cleaned marks and their total."""
    clean: dict[str, float] = {}
    bad: dict[str, int] = {}
    for c in criteria:
        code, top = c["code"], int(c["max"])
        try:
            value = float(marks.get(code))
        except (TypeError, ValueError):
            bad[code] = top
            continue
        if not 0 <= value <= top or value != value:
            bad[code] = top
            continue
        clean[code] = value
    if bad:
        raise FormError(bad)
    return clean, round(sum(clean.values()), 2)
