"""A process's copy of the rows intake reads about a business line for every ticket (routing
rules, active teams, SLA policies, calendar days), kept while the line's ``settings_token`` is the
one they were read under.

Saving or deleting one of those rows gives the line a new token (signal receivers below; services
that write in bulk call ``changed``), in the same transaction, so the next ticket of that line in
any process reads them again. The token comes free with the line a request reads anyway (intake
reads the customer with its line), which is what makes the copy cheaper than the four queries.
Tokens are random, not counters, so a rolled-back change can never reuse a token.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# (line id, part) → (token, value); one entry per part and line, replaced when the token moves
_entries: dict[tuple[int, str], tuple[str, object]] = {}


def new_token() -> str:
    return uuid.uuid4().hex


def cached(line, part: str, load: Callable[[], T]) -> T:
    """``load()``'s value for ``line``, read again only when the line's token has changed.

    ``line`` must be fresh from the database in this request (a line object held across a change
    would carry the old token)."""
    key = (line.pk, part)
    entry = _entries.get(key)
    if entry is not None and entry[0] == line.settings_token:
        return entry[1]  # type: ignore[return-value]
    value = load()
    _entries[key] = (line.settings_token, value)
    return value


def changed(business_line_id: int | None) -> None:
    """Give the line a new token (every line's for None: a change that concerns all lines)."""
    from kefu.accounts.models import BusinessLine

    lines = BusinessLine.objects.all()
    if business_line_id is not None:
        lines = lines.filter(pk=business_line_id)
    lines.update(settings_token=new_token())


def _row_changed(sender, instance, **kwargs) -> None:
    # a team may move to another line, and a CalendarDay without a line is every line's
    line_id = None if sender._meta.label == "accounts.Team" else instance.business_line_id
    changed(line_id)


# the models whose rows are copied
for _model in ("tickets.RoutingRule", "tickets.SlaPolicy", "accounts.Team", "core.CalendarDay"):
    post_save.connect(_row_changed, sender=_model, dispatch_uid=f"line_settings.save.{_model}")
    post_delete.connect(_row_changed, sender=_model, dispatch_uid=f"line_settings.delete.{_model}")
