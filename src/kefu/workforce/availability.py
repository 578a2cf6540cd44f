"""Busy time the roster must leave free, from apps above workforce (booked training classes …).

An app registers a provider in its ``AppConfig.ready()``; workforce asks every provider when it
builds a roster problem and never imports the app (the layering of ``.importlinter``). A
provider is ``fn(user_ids, start, end) -> {user id: [(start, end), …]}`` with aware datetimes;
the roster gives nobody a covering shift that overlaps their busy time. A provider names the
reason code its busy time gives in the roster's under-coverage diagnostic (``in_training`` for
booked classes, one of ``roster_explain.REASONS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

Provider = Callable[[list[int], dt.datetime, dt.datetime], dict[int, list[tuple]]]

_providers: dict[str, tuple[Provider, str]] = {}

#: the reason of busy time whose provider names none
BUSY = "busy"


def register(name: str, provider: Provider, reason: str = BUSY) -> Provider:
    """Register (or replace) the provider ``name``; idempotent, so ``ready()`` may run twice."""
    _providers[name] = (provider, reason)
    return provider


def busy_periods(
    user_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime, str]]]:
    """Every provider's busy periods of ``user_ids`` that overlap [start, end), each with its
    provider's reason code."""
    ids = list(user_ids)
    out: dict[int, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    if not ids:
        return out
    for provider, reason in _providers.values():
        for user_id, periods in provider(ids, start, end).items():
            out.setdefault(user_id, []).extend(
                (a, b, reason) for a, b in periods if a < end and b > start and a < b
            )
    return out
