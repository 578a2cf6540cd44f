"""Bulk-loading helpers for the demo builder: preassigned ids, historic timestamps, sequences."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model


class Ids:
    """Hands out primary keys ahead of the insert, so related rows can point at them at once."""

    def __init__(self, *models: type[Model]):
        self._next = {m: (m.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for m in models}

    def take(self, model: type[Model]) -> int:
        pk = self._next[model]
        self._next[model] = pk + 1
        return pk


@contextlib.contextmanager
def historic_timestamps(*models: type[Model]) -> Iterator[None]:
    """Let the builder write past ``created_at``/``updated_at`` values: auto_now and
    auto_now_add are switched off on these models' fields for the duration (the demo only)."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def reset_sequences(*models: type[Model]) -> None:
    """After inserting preassigned ids, move the database sequences past them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if not statements:
        return
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
