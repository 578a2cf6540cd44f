"""Every read of tickets, scoped to what the user may see (core.scope)."""

from __future__ import annotations

import re

from django.db.models import Count, Max, Q, QuerySet, Subquery

from kefu.accounts.models import Role, Team, User
from kefu.core import scope, search
from kefu.core.db import is_postgres
from kefu.core.errors import NotFound
from kefu.customers.selectors import customer_match_qs
from kefu.tickets.filters import ME, NONE, TicketFilters
from kefu.tickets.models import Status, Ticket, TicketEvent, TicketMessage

OWNER_FIELDS = ("assignee_id", "first_owner_id")
ASSIGNABLE_ROLES = (Role.AGENT, Role.LEAD)
MAX_ID = 2**63 - 1
# a list row shows one name of each related row: whole rows (a user's flags and dates, a
# customer's profile) took longer to parse than the page's query took to run (bench/README.md)
_USER_NAME = ("display_name", "first_name", "last_name", "username")
_ROW_NAMES = (
    "team__name",
    "customer__name",
    *(f"{owner}__{field}" for owner in ("assignee", "first_owner") for field in _USER_NAME),
)


def _as_rows(qs: QuerySet[Ticket], *, description: bool) -> QuerySet[Ticket]:
    skip = {"search_text"} if description else {"search_text", "description"}
    own = [f.name for f in Ticket._meta.concrete_fields if f.name not in skip]
    return qs.select_related("team", "assignee", "customer", "first_owner").only(*own, *_ROW_NAMES)


def ticket_qs_for(user) -> QuerySet[Ticket]:
    """Tickets ``user`` may see: agents their team's and the ones they own or hold, leads their
    team's, supervisors their department's, managers their business line's, admins all.
    A practice ticket (the live drill) only its trainee, the one it is assigned to: it is in no
    one else's queue, list or search."""
    practice = Q(is_practice=False) | Q(is_practice=True, assignee_id=getattr(user, "pk", None))
    return Ticket.all_objects.filter(scope.records_q(user, owners=OWNER_FIELDS)).filter(practice)


def _one(qs: QuerySet[Ticket], pk) -> Ticket:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 1 <= pk <= MAX_ID:
        raise NotFound()
    ticket = qs.filter(pk=pk).first()
    if ticket is None:
        raise NotFound()
    return ticket


def ticket_get_for(*, user, pk) -> Ticket:
    """One ticket in ``user``'s scope; NotFound for a ticket outside it or that does not exist."""
    related = ("team", "department", "assignee", "first_owner", "customer", "category")
    return _one(ticket_qs_for(user).select_related(*related), pk)


def ticket_row_for(*, user, pk) -> Ticket:
    """``ticket_get_for`` shaped like an API list row (TicketOut), for reading only."""
    return _one(_as_rows(ticket_qs_for(user), description=True), pk)


def ticket_rows_for(*, user, pks) -> dict[int, Ticket]:
    """Tickets of ``pks`` that ``user`` sees, shaped like API list rows, by id (one query)."""
    return _as_rows(ticket_qs_for(user), description=True).in_bulk(list(pks))


def ticket_list_for(*, user, filters: TicketFilters, description: bool = False) -> QuerySet[Ticket]:
    """The filtered list, shaped for list rows (with the description for the API's rows); order
    and paginate with core.pagination."""
    qs = ticket_qs_for(user)
    for name in ("status", "type", "priority", "channel"):
        values = getattr(filters, name)
        if values:
            qs = qs.filter(**{f"{name}__in": values})
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.customer is not None:
        qs = qs.filter(customer_id=filters.customer)
    if filters.customer_q:
        customers = customer_match_qs(user=user, q=filters.customer_q, field="customer")
        qs = qs.filter(customer_id__in=_first_ids(customers))
    if filters.assignee == ME:
        qs = qs.filter(assignee_id=user.pk)
    elif filters.assignee == NONE:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee is not None:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.created_after is not None:
        qs = qs.filter(created_at__gte=filters.created_after)
    if filters.created_before is not None:
        qs = qs.filter(created_at__lt=filters.created_before)
    if filters.updated_after is not None:
        qs = qs.filter(updated_at__gte=filters.updated_after)
    if filters.updated_before is not None:
        qs = qs.filter(updated_at__lt=filters.updated_before)
    if filters.q:
        qs = search.filter_queryset(qs, filters.q, also=_search_also(user, filters.q))
    return _as_rows(qs, description=description)


# at most this many ids a number's tail may stand for (a 4-digit tail: up to 10,000,000 tickets)
TAIL_CANDIDATES = 1000
_NUMBER = re.compile(r"([Tt]?)(\d{4,20})")


def _first_ids(customers) -> Subquery:
    from kefu.customers.selectors import MATCHES

    return Subquery(customers.order_by().values("pk")[:MATCHES])


def _number_q(q: str) -> Q | None:
    """Tickets whose number is ``q`` (T2612060010001, with or without the T) or ends with its
    digits (0010001, 10001): the number ends with the zero-padded id, so a tail stands for the
    ids that end with it, looked up by primary key."""
    from kefu.tickets.services import NUMBER_DIGITS

    m = _NUMBER.fullmatch(q.replace(" ", ""))
    if m is None:
        return None
    prefix, digits = m.groups()
    if prefix:
        return Q(number=f"T{digits}")
    tail = digits[-NUMBER_DIGITS:]
    step = 10 ** len(tail)
    top = Ticket.all_objects.aggregate(top=Max("id"))["top"] or 0
    if top // step >= TAIL_CANDIDATES:
        return Q(number=f"T{digits}")
    ids = [int(tail) + n * step for n in range(top // step + 1)]
    cond = Q(pk__in=[i for i in ids if 0 < i <= top])
    if len(digits) > len(tail):
        cond &= Q(number__endswith=digits)
    return cond


def ticket_number_q(q: str) -> Q | None:
    """Tickets whose number is ``q`` or ends with its digits (4 or more), as the ticket search
    finds them; None when ``q`` is not a number. For other lists that search by ticket number
    (the contact registers)."""
    return _number_q(q)


def _search_also(user, q: str) -> Q | None:
    """What a ticket search finds besides its words: the ticket's number or its tail, and the
    tickets of the customers the text names (a name's beginning, or 4+ phone digits: a search
    beyond what a masked phone shows is a reveal, customers.phone_search)."""
    q = q.strip()
    also = _number_q(q)
    if also is not None and q[:1] in "Tt":
        return also
    customers = customer_match_qs(user=user, q=q)
    if customers is not None:
        by_customer = Q(customer_id__in=_first_ids(customers))
        also = by_customer if also is None else also | by_customer
    return also


def ticket_branches_for(*, user, filters: TicketFilters, mine: bool = False) -> list[Q]:
    """The OR terms a page of ``ticket_list_for`` reads one by one (core.pagination), measured at
    1,000,000 tickets (bench/README.md):

    - on SQLite, which reads an OR whole and sorts it: the assignee and the first owner for
      "mine", or an agent's or a lead's scope unless a filter on one team, customer or assignee
      already narrows the list through its own index (PostgreSQL ORs the indexes in one bitmap);
    - several statuses sorted by due time, which the (…, status, due_at) indexes serve one
      status at a time — but not with a text search on PostgreSQL, whose GIN match is best ANDed
      in one bitmap (a branch in time order would test the vector of every row it passes).
    """
    postgres = is_postgres()
    if filters.q and postgres:
        return []
    if mine:
        return [] if postgres else [Q(**{field: user.pk}) for field in OWNER_FIELDS]
    narrowed = filters.team is not None or filters.customer is not None or bool(filters.customer_q)
    if not postgres and not narrowed and filters.assignee is None:
        terms = scope.own_terms(user, owners=OWNER_FIELDS)
        if terms:
            return terms
    if filters.ordering.lstrip("-") == "due_at" and len(filters.status or ()) > 1:
        return [Q(status=status) for status in filters.status]
    return []


def ticket_timeline(*, ticket: Ticket) -> list[TicketEvent]:
    """The ticket's events, oldest first, with their actor and message."""
    return list(
        TicketEvent.objects.filter(ticket_id=ticket.pk)
        .select_related("actor", "message")
        .order_by("id")
    )


def status_counts_for(user) -> dict[str, int]:
    """{status: number of tickets in ``user``'s scope}, every status present (0 when none)."""
    counts = dict.fromkeys(Status.values, 0)
    rows = ticket_qs_for(user).order_by().values_list("status").annotate(n=Count("id"))
    for status, n in rows:
        counts[status] = n
    return counts


def assignable_users_for(*, user, team) -> QuerySet[User]:
    """Active agents and leads of ``team`` (a Team or its id) when the team is in ``user``'s line."""
    team_id = team.pk if isinstance(team, Team) else team
    return (
        User.objects.filter(
            scope.business_line_q(user, "team__business_line_id"),
            team_id=team_id,
            is_active=True,
            role__in=ASSIGNABLE_ROLES,
        )
        .select_related("team")
        .order_by("display_name", "username")
    )


def ticket_events_qs(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's timeline as a queryset, for cursor pagination (order by id)."""
    return TicketEvent.objects.filter(ticket_id=ticket.pk).select_related("actor", "message")


def ticket_messages_qs(*, ticket: Ticket, kind: str) -> QuerySet[TicketMessage]:
    """The ticket's replies or notes (``kind``), for cursor pagination (order by id)."""
    return TicketMessage.objects.filter(ticket_id=ticket.pk, kind=kind).select_related("author")
