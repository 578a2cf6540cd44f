"""Reads of the shift's logs that pages and the API share, scoped to the user (core.scope):
an agent or a lead sees their team's entries and their own, a supervisor the department's, a
manager the business line's, an administrator everything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope, search
from kefu.core.errors import Invalid, NotFound
from kefu.core.inputs import lenient_date
from kefu.shiftlogs.models import Category, EntryStatus, LogKind, ShiftLogEntry

MAX_Q = 100


def entry_qs_for(user) -> QuerySet:
    return ShiftLogEntry.objects.filter(scope.records_q(user, owners=("author_id",)))


def _day(name: str, raw) -> dt.date | None:
    raw = str(raw or "").strip()
    if not raw:
        return None
    day = lenient_date(raw)
    if day is None:
        raise Invalid(
            _("Some filters are not valid."), fields={name: _("Enter a date such as 2026-11-30.")}
        )
    return day


def _int(name: str, raw) -> int | None:
    raw = str(raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1 or int(raw) > 2**63 - 1:
        raise Invalid(_("Some filters are not valid."), fields={name: _("Not a valid id.")})
    return int(raw)


def _code(name: str, raw, choices) -> str:
    raw = str(raw or "").strip()
    if raw and raw not in choices.values:
        raise Invalid(_("Some filters are not valid."), fields={name: _("Not a valid choice.")})
    return raw


@dataclass
class EntryFilters:
    kind: str = ""
    status: str = ""
    category: str = ""
    team: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str = ""

    @classmethod
    def parse(cls, data, *, kind: str = "") -> EntryFilters:
        """Filters from a query string (pages: ``from``/``to``); a bad value is a 400 naming it."""
        q = str(data.get("q") or "").strip()
        if len(q) > MAX_Q:
            raise Invalid(
                _("Some filters are not valid."),
                fields={"q": _("At most %(n)d characters.") % {"n": MAX_Q}},
            )
        start = _day("from", data.get("from"))
        end = _day("to", data.get("to"))
        if start and end and start > end:
            raise Invalid(
                _("Some filters are not valid."), fields={"to": _("The end is before the start.")}
            )
        return cls(
            kind=kind or _code("kind", data.get("kind"), LogKind),
            status=_code("status", data.get("status"), EntryStatus),
            category=_code("category", data.get("category"), Category),
            team=_int("team", data.get("team")),
            start=start,
            end=end,
            q=q,
        )

    def is_set(self) -> bool:
        return bool(self.status or self.category or self.team or self.start or self.end or self.q)


def entry_list_for(*, user, filters: EntryFilters) -> QuerySet:
    qs = entry_qs_for(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.start:
        qs = qs.filter(shift_date__gte=filters.start)
    if filters.end:
        qs = qs.filter(shift_date__lte=filters.end)
    if filters.q:
        qs = search.filter_queryset(qs, filters.q)
    return qs.select_related("team", "author", "handed_to", "signed_by").defer("search_text")


def entry_get_for(*, user, pk) -> ShiftLogEntry:
    entry = (
        entry_qs_for(user)
        .filter(pk=pk)
        .select_related("team", "author", "handed_to", "signed_by", "business_line")
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def addenda_of(entry: ShiftLogEntry) -> list:
    return list(entry.addenda.select_related("author").order_by("created_at", "id"))


def review_queue_for(*, user) -> QuerySet:
    """The entries awaiting the supervisor's sign-off in their scope, oldest shift first."""
    return (
        entry_qs_for(user)
        .filter(status=EntryStatus.PENDING)
        .select_related("team", "author", "handed_to")
        .defer("search_text")
    )


def review_counts_for(*, user) -> dict:
    """{"today": n, "overdue": n}: pending entries of today's shifts, and of earlier days (the
    supervisor signs every day's entries off that day, SR-3)."""
    today = timezone.localdate()
    return review_queue_for(user=user).aggregate(
        today=Count("id", filter=Q(shift_date__gte=today)),
        overdue=Count("id", filter=Q(shift_date__lt=today)),
    )
