"""Webhook fixtures: a fresh per-process subscription cache for every test."""

from __future__ import annotations

import pytest

from kefu.integrations import outbox


@pytest.fixture(autouse=True)
def _fresh_cache():
    outbox.cache.invalidate()
    yield
    outbox.cache.invalidate()


@pytest.fixture
def synthetic_events(monkeypatch):
    """Tests that publish made-up events (object ids of nothing) run only the webhooks'
    subscriber: other apps' reactions would look the objects up."""
    from collections import defaultdict

    from kefu.core import events

    monkeypatch.setattr(
        events, "_in_transaction", defaultdict(list, {events.ANY: [outbox.write_deliveries]})
    )
    monkeypatch.setattr(events, "_after_commit", defaultdict(list))
