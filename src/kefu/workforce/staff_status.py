"""The 上岗 status of people named on a peak-event plan (PK-3/PK-4), from apps above workforce.

The training app registers a provider in its ``AppConfig.ready()``; workforce never imports it.
A provider is ``fn(business_line_id, names) -> {name: {"code", "certifications", "valid_until"}}``
with ``code`` one of ``certified``, ``expired``, ``none`` (未上岗) and ``unknown`` (no account of
that name on the line); a name missing from every answer shows as unknown.
"""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[int, list[str]], dict[str, dict]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> Provider:
    _providers[name] = provider
    return provider


def for_names(business_line_id: int, names: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if not names:
        return out
    for provider in _providers.values():
        out.update(provider(business_line_id, list(names)))
    return out
