"""Cursor (keyset) pagination: ``?cursor=&limit=`` → ``{"items": [...], "next": "..."}``.

A cursor holds the ordering value and the id of the last row of the page, so every page is an
index range scan however deep the reader goes (no OFFSET).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid

DEFAULT_LIMIT = 25
MAX_LIMIT = 200


@dataclass
class Page:
    items: list
    next: str | None


def _encode(value, pk: int) -> str:
    if isinstance(value, dt.datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if isinstance(value, dict):
            value = dt.datetime.fromisoformat(value["dt"])
        if not isinstance(pk, int):
            raise ValueError
        return value, pk
    except (ValueError, TypeError, KeyError, json.JSONDecodeError):
        raise Invalid(_("The cursor is not valid."), fields={"cursor": _("Not a valid cursor.")})


def _check_type(model, field: str, value) -> None:
    """A cursor made for another ordering (or forged) is a client mistake, not a server error."""
    from django.db import models

    target = model._meta.pk if field in ("pk", "id") else model._meta.get_field(field)
    expected: type | tuple[type, ...] = str
    if isinstance(target, models.DateTimeField):
        expected = dt.datetime
    elif isinstance(target, (models.IntegerField, models.AutoField, models.BigAutoField)):
        expected = int
    elif isinstance(target, (models.FloatField, models.DecimalField)):
        expected = (int, float)
    ok = isinstance(value, expected) and not isinstance(value, bool)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        ok = False
    if not ok:
        raise Invalid(_("The cursor is not valid."), fields={"cursor": _("Not a valid cursor.")})


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise Invalid(
            _("limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT},
            fields={"limit": _("Out of range.")},
        )
    return limit


def paginate(
    qs: QuerySet,
    *,
    ordering: str,
    cursor: str | None,
    limit: int | None,
    branches: Sequence[Q] = (),
) -> Page:
    """One page of ``qs`` ordered by ``ordering`` (a non-null field, '-' for descending), then id.

    ``branches``, terms whose OR ``qs`` already requires (an agent's scope: team, assignee,
    first owner), turn one OR that the database must collect and sort whole into one short,
    index-ordered read per term: the page is the best rows of the branches' own pages. For
    orderings by a number or a time (values compare the same in Python and in SQL).
    """
    limit = clamp_limit(limit)
    desc = ordering.startswith("-")
    field = ordering.lstrip("-")
    if cursor:
        value, pk = _decode(cursor)
        _check_type(qs.model, field, value)
        op = "lt" if desc else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    order = [ordering, "-pk" if desc else "pk"]
    if len(branches) > 1:
        rows = _best_of_branches(qs, branches, order, field, desc, limit + 1)
    else:
        rows = list(qs.order_by(*order)[: limit + 1])
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        nxt = _encode(getattr(last, field), last.pk)
    return Page(items=rows, next=nxt)


def _best_of_branches(qs, branches, order, field, desc, n) -> list:
    keys: dict[int, object] = {}
    for branch in branches:
        keys.update(
            (pk, value)
            for value, pk in qs.filter(branch).order_by(*order).values_list(field, "pk")[:n]
        )
    best = sorted(keys.items(), key=lambda kv: (kv[1], kv[0]), reverse=desc)[:n]
    # the branches applied every filter already: the page's rows are read by id alone (a text
    # search's match set would otherwise be built once more, only to test n rows)
    rows = qs.all()
    rows.query.clear_where()
    return list(rows.filter(pk__in=[pk for pk, _ in best]).order_by(*order))
