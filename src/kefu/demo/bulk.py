"""Bulk-loading helpers for the demo builder: preassigned ids, historic timestamps, sequences."""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Iterator
from functools import partial

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


class RawInsert:
    """A fast INSERT for rows given as dicts of attnames or as unsaved model instances.

    ``bulk_create`` spends most of a large build preparing every field of every instance
    (about 70% of the time in a profile of 20,000 tickets); here one ``executemany`` runs per
    batch and only values that need it (dates, decimals, JSON) are adapted. ``names`` are the
    fields the rows carry (default: every concrete field but an unset primary key); the other
    fields get the model field's default, so fields added later with a default keep working.
    """

    def __init__(self, model: type[Model], names: list[str] | None = None):
        ops, qn = connection.ops, connection.ops.quote_name
        fields = model._meta.concrete_fields
        if names is None:
            names = [f.attname for f in fields if not f.primary_key]
        self.plan: list[tuple[str | None, object]] = []
        columns = []
        for f in fields:
            kind = f.get_internal_type()
            if f.attname in names:
                if kind == "DateTimeField":
                    adapt = ops.adapt_datetimefield_value
                elif kind in ("DateField", "DecimalField", "JSONField"):
                    adapt = partial(_prep, f)
                else:
                    adapt = None
                self.plan.append((f.attname, adapt))
            elif f.primary_key:
                continue
            else:
                self.plan.append((None, f.get_db_prep_save(f.get_default(), connection)))
            columns.append(qn(f.column))
        marks = ", ".join(["%s"] * len(columns))
        # bandit: identifiers come from model metadata; values are bound parameters
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) VALUES ({marks})"  # nosec B608

    def __call__(self, rows: list) -> None:
        if not rows:
            return
        get = operator.getitem if isinstance(rows[0], dict) else getattr
        params = []
        plan = self.plan
        for row in rows:
            values = []
            for name, how in plan:
                if name is None:
                    values.append(how)
                else:
                    value = get(row, name)
                    values.append(how(value) if how is not None and value is not None else value)
            params.append(values)
        with connection.cursor() as cur:
            cur.executemany(self.sql, params)


def _prep(field, value):
    return field.get_db_prep_save(value, connection)
