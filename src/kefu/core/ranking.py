"""Standard competition ranking, shared by every leaderboard (§9.10 "ties share a rank"). Pure."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def ranked(rows: Iterable[T], key: Callable[[T], Hashable]) -> list[tuple[int, T]]:
    """``rows`` already in leaderboard order, each with its rank: rows with equal ``key`` share
    a rank and the next rank skips as many places (90, 90, 80 → 1, 1, 3)."""
    out: list[tuple[int, T]] = []
    previous: object = object()
    rank = 0
    for place, row in enumerate(rows, start=1):
        k = key(row)
        if k != previous:
            rank = place
            previous = k
        out.append((rank, row))
    return out
