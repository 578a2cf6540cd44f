"""Half-year training needs per person (TRN-8, 4S), pure: each agent's needs for the next
half-year are filed by the person or a lead who has them in scope, and reviewed (agreed or
declined with a note) by a lead or above, never by the person themselves. The roll-up counts
people per topic, so the next plan offers what most people need."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

FILED, ACCEPTED, DECLINED = "filed", "accepted", "declined"
ACCEPT, DECLINE = "accept", "decline"
LEAD_RANK = 2  # core.scope.RANK


class NeedRefused(Exception):
    """``not_allowed`` (not the person, not a lead who has them in scope), ``own_need`` (nobody
    reviews their own needs), ``wrong_state`` or ``unknown_action``."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def next_half(today: dt.date) -> tuple[int, int]:
    """The half-year needs are filed for: from January to June the second half, else the
    first half of next year."""
    return (today.year, 2) if today.month <= 6 else (today.year + 1, 1)


def quarters(half: int) -> tuple[int, int]:
    return (1, 2) if half == 1 else (3, 4)


def topic_key(topic: str) -> str:
    """One spelling per topic, so the roll-up counts ``MOT 服务技巧`` and ``ＭＯＴ服务技巧`` once."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", topic)).strip()


def check_file(*, actor_id: int, actor_rank: int, covers: bool, person_id: int) -> None:
    if actor_id != person_id and not (actor_rank >= LEAD_RANK and covers):
        raise NeedRefused("not_allowed")


def check_review(
    action: str, *, state: str, actor_id: int, actor_rank: int, covers: bool, person_id: int
) -> str:
    """The need's state after ``action``, or ``NeedRefused``."""
    if action not in (ACCEPT, DECLINE):
        raise NeedRefused("unknown_action")
    if actor_rank < LEAD_RANK or not covers:
        raise NeedRefused("not_allowed")
    if actor_id == person_id:
        raise NeedRefused("own_need")
    if state != FILED:
        raise NeedRefused("wrong_state")
    return ACCEPTED if action == ACCEPT else DECLINED
