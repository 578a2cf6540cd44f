"""Webhook fixtures: a fresh per-process subscription cache for every test."""

from __future__ import annotations

import pytest

from kefu.integrations import outbox


@pytest.fixture(autouse=True)
def _fresh_cache():
    outbox.cache.invalidate()
    yield
    outbox.cache.invalidate()
