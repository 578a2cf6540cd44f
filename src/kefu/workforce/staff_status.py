"""The 上岗 status of people linked to a peak-event plan (PK-3/PK-4), from apps above workforce.

The training app registers a provider in its ``AppConfig.ready()``; workforce never imports it.
A provider is ``fn(business_line_id, user_ids) -> {user id: {"code", "certifications",
"valid_until"}}`` with ``code`` one of ``certified``, ``expired`` and ``none`` (未上岗). Borrowed
staff are looked up by their linked account, never by name; someone with no account linked
shows as ``unknown``, and so does a user id missing from every answer.
"""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[int, list[int]], dict[int, dict]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> Provider:
    _providers[name] = provider
    return provider


def for_users(business_line_id: int, user_ids: list[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    ids = sorted({pk for pk in user_ids if pk is not None})
    if not ids:
        return out
    for provider in _providers.values():
        out.update(provider(business_line_id, ids))
    return out
