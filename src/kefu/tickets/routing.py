"""Routing strategies (pure, no Django import): which team a new ticket goes to and who in the
team takes it. Rules are tried in order, the first match wins (CH-2: 产品问题 vs 物流问题 to
different groups); round-robin and least open load pick among the agents available now."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class Rule:
    """A routing rule; empty criteria match anything, ``keywords`` match any one of them in the
    ticket's title or description (case-insensitive)."""

    team_id: int
    ticket_type: str = ""
    channel: str = ""
    category: str = ""
    keywords: str = ""
    position: int = 0
    pk: int | None = None

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in _SEPARATORS.split(self.keywords.lower()) if k]

    def matches(
        self, *, ticket_type: str, channel: str, categories: Sequence[str], text: str
    ) -> bool:
        if self.ticket_type and self.ticket_type != ticket_type:
            return False
        if self.channel and self.channel != channel:
            return False
        if self.category and self.category not in categories:
            return False
        keywords = self.keyword_list
        return not keywords or any(k in text.lower() for k in keywords)


def first_match(
    rules: Iterable[Rule], *, ticket_type: str, channel: str, categories: Sequence[str], text: str
) -> Rule | None:
    """The first rule (by position, then as listed) that matches the ticket."""
    ordered = sorted(enumerate(rules), key=lambda pair: (pair[1].position, pair[0]))
    for _index, rule in ordered:
        if rule.matches(ticket_type=ticket_type, channel=channel, categories=categories, text=text):
            return rule
    return None


def round_robin(candidates: Sequence[int], last: int | None) -> int | None:
    """The next candidate id after ``last`` in ascending id order, wrapping around; the first
    when ``last`` is None or no longer among them (ids above it come first)."""
    ordered = sorted(candidates)
    if not ordered:
        return None
    if last is None:
        return ordered[0]
    for candidate in ordered:
        if candidate > last:
            return candidate
    return ordered[0]


def least_load(loads: Mapping[int, int]) -> int | None:
    """The candidate with the fewest open tickets; ties go to the lowest id."""
    if not loads:
        return None
    return min(loads, key=lambda user_id: (loads[user_id], user_id))


@dataclass(frozen=True)
class Shift:
    """A working window on some weekdays (0 = Monday); ``ends`` may be before ``starts`` for a
    night shift that runs past midnight."""

    weekdays: frozenset[int]
    starts: dt.time
    ends: dt.time

    def on_shift(self, local: dt.datetime) -> bool:
        clock = local.time().replace(tzinfo=None)
        if self.starts <= self.ends:
            return local.weekday() in self.weekdays and self.starts <= clock < self.ends
        if clock >= self.starts:
            return local.weekday() in self.weekdays
        yesterday = (local.weekday() - 1) % 7
        return yesterday in self.weekdays and clock < self.ends
