"""Every read of the customer archive, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core import scope
from kefu.core.errors import Invalid, NotFound
from kefu.core.inputs import date_in_range
from kefu.core.masking import mask_address, mask_phone, normalize_phone
from kefu.customers import loyalty
from kefu.customers.models import (
    Customer,
    CustomerNote,
    Order,
    PhoneGram,
    ServiceRecord,
    Tier,
    Vehicle,
)

FULL, REVEAL, MASKED = "full", "reveal", "masked"
_ROLE_DEFAULT = {
    "agent": REVEAL,
    "lead": REVEAL,
    "supervisor": FULL,
    "manager": FULL,
    "admin": FULL,
}
YEAR = dt.timedelta(days=365)
TIMELINE_LIMIT = 50
ASSET_ROWS = 20  # orders shown per customer page
EVENT_LABELS = {
    "customer.create": gettext_lazy("Archive created"),
    "customer.update": gettext_lazy("Archive changed"),
    "customer.note": gettext_lazy("Note added"),
    "customer.merge": gettext_lazy("Another entry merged in"),
    "customer.merged_into": gettext_lazy("Merged into another entry"),
    "customer.reveal": gettext_lazy("Contact data revealed"),
    "customer.vehicle_add": gettext_lazy("Vehicle added"),
    "customer.vehicle_update": gettext_lazy("Maintenance plan changed"),
    "customer.service_record_add": gettext_lazy("Service recorded"),
    "customer.unit_add": gettext_lazy("Property unit added"),
    "customer.buyer_account_add": gettext_lazy("Buyer account added"),
    "customer.order_add": gettext_lazy("Order added"),
    "customer.membership_add": gettext_lazy("Membership added"),
}


def contact_access(user) -> str:
    """How ``user`` sees phones and addresses: always, masked with an audited reveal, or masked."""
    if getattr(user, "contact_access", ""):
        return user.contact_access
    if scope.is_admin(user):
        return FULL
    return _ROLE_DEFAULT.get(getattr(user, "role", ""), MASKED)


def shown_phone(user, phone: str) -> str:
    return phone if contact_access(user) == FULL else mask_phone(phone)


def shown_address(user, address: str) -> str:
    return address if contact_access(user) == FULL else mask_address(address)


def customer_qs_for(user) -> QuerySet[Customer]:
    """Customers of the user's business line (all for admins), merged-away records excluded."""
    return Customer.objects.filter(scope.business_line_q(user), merged_into=None)


def customer_get_for(*, user, pk: int) -> Customer:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    customer = customer_qs_for(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if customer is None:
        raise NotFound()
    return customer


def _digits_query(q: str) -> str:
    """The digits of ``q`` when ``q`` is a phone fragment (4+ digits, no letters), else ''."""
    digits = normalize_phone(q)
    if len(digits) >= 4 and all(ch.isdigit() or ch in " +-()" for ch in q):
        return digits  # also as written with +86 or 0086, spaces and dashes
    return ""


def _phone_filter(
    qs: QuerySet[Customer], user, digits: str, *, tail_only: bool = False
) -> QuerySet[Customer]:
    """Customers with ``digits`` in a phone (found through the 4-digit index); ``tail_only``:
    as the phone's last digits only (what a masked phone shows)."""
    grams = PhoneGram.objects.filter(gram=digits[-4:] if tail_only else digits[:4])
    grams = grams.values("customer_id")
    if not scope.is_admin(user):
        grams = grams.filter(business_line_id=user.business_line_id)
    qs = qs.filter(pk__in=grams)
    if tail_only:
        qs = qs.filter(Q(phone__endswith=digits) | Q(phone2__endswith=digits))
    elif len(digits) > 4:
        qs = qs.filter(Q(phone__contains=digits) | Q(phone2__contains=digits))
    return qs


def phone_search(qs: QuerySet[Customer], user, digits: str, *, field: str = "q"):
    """``_phone_filter`` for ``user``: a search beyond what a masked phone shows is a reveal
    (customers.phone_search: audited, rate-limited, or refused)."""
    from kefu.customers.phone_search import guard_digits

    tail_only = guard_digits(user=user, digits=digits, field=field)
    return _phone_filter(qs, user, digits, tail_only=tail_only)


def _name_prefix_q(q: str) -> Q:
    """Names that begin with ``q``, read from the name index on both databases (SQLite's LIKE
    ignores the index; a range over the code points does not)."""
    from kefu.core.db import is_postgres

    if is_postgres():
        return Q(name__startswith=q)
    return Q(name__gte=q, name__lt=q + "\U0010ffff")


def customer_match_qs(*, user, q: str, field: str = "q") -> QuerySet[Customer] | None:
    """Customers of ``user``'s scope that ``q`` names: 4+ phone digits (as ``phone_search``) or
    the beginning of the name; None for an empty ``q``. For filters and searches of other
    lists (tickets), which take the first ``MATCHES`` of them."""
    q = (q or "").strip()
    if not q:
        return None
    qs = customer_qs_for(user)
    digits = _digits_query(q)
    if digits:
        return phone_search(qs, user, digits, field=field)
    return qs.filter(_name_prefix_q(q))


MATCHES = 200  # customers a ticket search or filter looks at, at most


def customer_search_for(*, user, q: str, limit: int = 20) -> list[Customer]:
    """Find by any 4+ consecutive phone digits (indexed) or by name."""
    q = (q or "").strip()
    qs = customer_qs_for(user)
    digits = _digits_query(q)
    if digits:
        return list(phone_search(qs, user, digits).order_by("-id")[:limit])
    if not q:
        return []
    starts = list(qs.filter(name__istartswith=q).order_by("-id")[:limit])
    if len(starts) >= limit:
        return starts
    seen = {c.pk for c in starts}
    more = qs.filter(name__icontains=q).exclude(pk__in=seen).order_by("-id")[: limit - len(starts)]
    return starts + list(more)


# -- the list ------------------------------------------------------------------------------


def _moment(value: str, name: str, *, end: bool) -> dt.datetime:
    """An ISO date-time, or a date meaning its start (``end``: the next day's start) in the
    default time zone (Asia/Shanghai)."""
    parsed = None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None and date_in_range(day):
                day = day + dt.timedelta(days=1) if end else day
                parsed = dt.datetime.combine(day, dt.time())
    except ValueError:
        parsed = None
    if parsed is not None and not date_in_range(parsed):  # 0001-01-01 overflows in UTC
        parsed = None
    if parsed is None:
        raise Invalid(
            _("Some filters are not valid."), fields={name: _("Enter a date such as 2026-03-31.")}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


@dataclass
class CustomerFilters:
    q: str = ""
    tier: str = ""
    tag: str = ""
    agent: str = ""  # a user id, "me" or "none"
    segment: str = ""
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    # the incremental export: merged-away entries are listed too (with ``merged_into``)
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    raw: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, params) -> CustomerFilters:
        """From a query dict; a bad value is ``Invalid`` naming the parameter."""
        get = lambda key: (params.get(key) or "").strip()  # noqa: E731
        f = cls(q=get("q")[:100], tier=get("tier"), tag=get("tag")[:30], agent=get("agent"))
        f.segment = get("segment")
        if f.tier and f.tier not in Tier.values:
            raise Invalid(_("Some filters are not valid."), fields={"tier": _("Not a known tier.")})
        if f.segment and f.segment not in loyalty.SEGMENTS:
            raise Invalid(
                _("Some filters are not valid."), fields={"segment": _("Not a known segment.")}
            )
        if f.agent and f.agent not in ("me", "none") and not f.agent.isdigit():
            raise Invalid(_("Some filters are not valid."), fields={"agent": _("Not a user id.")})
        if get("created_after"):
            f.created_after = _moment(get("created_after"), "created_after", end=False)
        if get("created_before"):
            f.created_before = _moment(get("created_before"), "created_before", end=True)
        if get("updated_after"):
            f.updated_after = _moment(get("updated_after"), "updated_after", end=False)
        if get("updated_before"):
            f.updated_before = _moment(get("updated_before"), "updated_before", end=True)
        f.raw = {
            k: get(k)
            for k in (
                "q",
                "tier",
                "tag",
                "agent",
                "segment",
                "created_after",
                "created_before",
                "updated_after",
                "updated_before",
            )
            if get(k)
        }
        return f


def with_visits(
    qs: QuerySet[Customer], now: dt.datetime | None = None, *, user=None
) -> QuerySet[Customer]:
    """Annotate ``visits_12m``: tickets of the customer created in the last 365 days; with a
    ``user``, only the tickets that user may see (a count never tells of hidden tickets)."""
    from kefu.tickets.models import Ticket
    from kefu.tickets.selectors import OWNER_FIELDS

    since = (now or timezone.now()) - YEAR
    tickets = Ticket.objects.filter(customer_id=OuterRef("pk"), created_at__gte=since)
    if user is not None:
        tickets = tickets.filter(scope.records_q(user, owners=OWNER_FIELDS))
    visits = tickets.order_by().values("customer_id").annotate(n=Count("id")).values("n")
    return qs.annotate(visits_12m=Coalesce(Subquery(visits, output_field=IntegerField()), Value(0)))


def _segment_q(segment: str, lines, now: dt.datetime) -> Q:
    """SQL for one segment over the given business lines (each with its own policy)."""
    result = scope.NOTHING
    for line in lines:
        lost_before = now - dt.timedelta(days=int(line.policy("lost_after_days") or 180))
        loyal_min = int(line.policy("loyal_min_visits_12m") or 4)
        lost = Q(last_contact_at__lt=lost_before) | Q(
            last_contact_at=None, created_at__lt=lost_before
        )
        if segment == loyalty.LOST:
            q = lost
        elif segment == loyalty.LOYAL:
            q = ~lost & Q(visits_12m__gte=loyal_min)
        else:
            q = ~lost & Q(visits_12m__lt=loyal_min)
        result |= Q(business_line_id=line.pk) & q
    return result


def customer_list_for(*, user, filters: CustomerFilters) -> QuerySet[Customer]:
    """The customer list: scoped, filtered, with visits and the columns the list shows."""
    from kefu.accounts.models import BusinessLine

    now = timezone.now()
    if filters.updated_after or filters.updated_before:
        # an incremental export also tells of entries merged away since (``merged_into``)
        qs = Customer.objects.filter(scope.business_line_q(user))
        if filters.updated_after:
            qs = qs.filter(updated_at__gte=filters.updated_after)
        if filters.updated_before:
            qs = qs.filter(updated_at__lt=filters.updated_before)
    else:
        qs = customer_qs_for(user)
    qs = qs.select_related("business_line", "dedicated_agent")
    if filters.q:
        digits = _digits_query(filters.q)
        if digits:
            qs = phone_search(qs, user, digits)
        else:
            qs = qs.filter(name__icontains=filters.q)
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.tag:
        qs = qs.filter(tag_index__contains=f"|{filters.tag}|")
    if filters.agent == "me":
        qs = qs.filter(dedicated_agent_id=user.pk)
    elif filters.agent == "none":
        qs = qs.filter(dedicated_agent=None)
    elif filters.agent:
        qs = qs.filter(dedicated_agent_id=int(filters.agent[:18]))
    if filters.created_after:
        qs = qs.filter(created_at__gte=filters.created_after)
    if filters.created_before:
        qs = qs.filter(created_at__lt=filters.created_before)
    qs = with_visits(qs, now, user=user)
    if filters.segment:
        lines = (
            list(BusinessLine.objects.all())
            if scope.is_admin(user)
            else [user.business_line]
            if user.business_line_id
            else []
        )
        qs = qs.filter(_segment_q(filters.segment, lines, now))
    return qs


def attach_segments(customers, now: dt.datetime | None = None) -> list[Customer]:
    """Set ``segment`` on customers that carry ``visits_12m`` (business_line selected)."""
    now = now or timezone.now()
    for c in customers:
        c.segment = loyalty.segment_of(
            visits_12m=c.visits_12m,
            last_contact_at=c.last_contact_at,
            created_at=c.created_at,
            now=now,
            loyal_min_visits=int(c.business_line.policy("loyal_min_visits_12m") or 4),
            lost_after_days=int(c.business_line.policy("lost_after_days") or 180),
        )
    return list(customers)


def customer_detail_for(*, user, pk) -> Customer:
    """One customer with loyalty figures and every asset the page shows (bounded rows)."""
    customer_get_for(user=user, pk=pk)
    qs = with_visits(
        Customer.objects.filter(pk=pk).select_related("business_line", "dedicated_agent"),
        user=user,
    ).prefetch_related(
        Prefetch(
            "vehicles",
            queryset=Vehicle.objects.prefetch_related(
                Prefetch(
                    "service_records",
                    queryset=ServiceRecord.objects.order_by("-serviced_on", "-id"),
                )
            ),
        ),
        "units",
        "buyer_accounts",
        "memberships",
    )
    customer = qs.get()
    customer.recent_orders = list(
        Order.objects.filter(customer=customer).order_by("-placed_at", "-id")[:ASSET_ROWS]
    )
    attach_segments([customer])
    return customer


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # ticket | note | event | call | letter | callback
    title: str
    detail: str = ""
    actor: str = ""
    ref: dict = field(default_factory=dict)


def customer_timeline(
    *, customer: Customer, user, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Tickets, notes, audit events, calls, letters and callbacks of the customer (and of entries
    merged into it), newest first, at most ``limit`` entries in seven queries. Tickets, calls,
    letters and callbacks are only those ``user`` may see (their team's, line's …), as on their
    own lists; ``user=None`` for the whole history (system use)."""
    from kefu.core.models import AuditEvent
    from kefu.tickets.models import Ticket
    from kefu.tickets.selectors import ticket_qs_for

    ids = [customer.pk, *Customer.objects.filter(merged_into=customer).values_list("pk", flat=True)]
    entries: list[TimelineEntry] = []
    tickets = (
        (Ticket.objects.all() if user is None else ticket_qs_for(user))
        .filter(customer=customer)
        .only("id", "number", "title", "status", "type", "created_at")
        .order_by("-created_at", "-id")[:limit]
    )
    entries.extend(
        TimelineEntry(
            at=t.created_at,
            kind="ticket",
            title=f"{t.number} {t.title}",
            detail=t.get_status_display(),
            ref={
                "id": t.pk,
                "number": t.number,
                "title": t.title,
                "status": t.status,
                "type": t.type,
            },
        )
        for t in tickets
    )
    notes = (
        CustomerNote.objects.filter(customer_id__in=ids)
        .select_related("author")
        .order_by("-id")[:limit]
    )
    entries.extend(
        TimelineEntry(
            at=n.created_at,
            kind="note",
            title=_("Note"),
            detail=n.body,
            actor=n.author.name if n.author else "",
            ref={"id": n.pk},
        )
        for n in notes
    )
    events = (
        AuditEvent.objects.filter(
            object_type=Customer._meta.label_lower, object_id__in=[str(i) for i in ids]
        )
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    entries.extend(
        TimelineEntry(
            at=e.created_at,
            kind="event",
            title=str(EVENT_LABELS.get(e.action, e.action)),
            detail=str((e.changes or {}).get("asset", "")),
            actor=e.actor.name if e.actor else "",
            ref={"id": e.pk, "action": e.action},
        )
        for e in events
    )
    from kefu.followups.selectors import contacts_for_customer

    entries.extend(
        TimelineEntry(
            at=c.at, kind=c.kind, title=c.title, detail=c.detail, actor=c.actor, ref=c.ref
        )
        for c in contacts_for_customer(customer, limit=limit, user=user)
    )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def customer_notes_for(*, customer: Customer) -> QuerySet[CustomerNote]:
    return CustomerNote.objects.filter(customer=customer).select_related("author")


def merge_candidates_for(*, user, customer: Customer, q: str) -> list[Customer]:
    """Other customers of the same line that match ``q`` (to merge into ``customer``)."""
    return [c for c in customer_search_for(user=user, q=q, limit=20) if c.pk != customer.pk]
