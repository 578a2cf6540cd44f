"""Every read of the followups app, scoped to what the user may see (core.scope)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Team, User
from kefu.core import scope
from kefu.core.errors import Invalid, NotFound
from kefu.core.inputs import lenient_date
from kefu.core.pagination import Page, paginate
from kefu.followups import cadence
from kefu.followups.models import (
    CadencePolicy,
    CallbackTask,
    CallRecord,
    CallResult,
    ComplaintGrade,
    CustomerIntake,
    Deputy,
    Direction,
    Escalation,
    Grade,
    GradeChange,
    Kind,
    LetterChannel,
    LetterDirection,
    LetterKind,
    LetterRecord,
    ManualEscalation,
    Outcome,
    SolutionNotice,
    TaskStatus,
    UserAbsence,
)

MAX_ID = 2**63 - 1
WORKBENCH_ROWS = 50
CONTACT_LIMIT = 50
ME = "me"


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 1 <= pk <= MAX_ID:
        raise NotFound()
    return pk


# -- callbacks -----------------------------------------------------------------------------


def callback_qs_for(user) -> QuerySet[CallbackTask]:
    """Callbacks ``user`` may see: agents their own and their team's, leads the team's,
    supervisors the department's, managers the line's, admins all."""
    return CallbackTask.objects.filter(scope.records_q(user, owners=("owner_id",)))


def callback_get_for(*, user, pk) -> CallbackTask:
    task = (
        callback_qs_for(user)
        .select_related("customer", "ticket", "owner", "business_line")
        .filter(pk=_pk(pk))
        .first()
    )
    if task is None:
        raise NotFound()
    return task


@dataclass
class CallbackFilters:
    status: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    owner: str | int | None = None
    customer: int | None = None
    ticket: int | None = None
    due_after: dt.date | None = None
    due_before: dt.date | None = None

    @classmethod
    def parse(cls, params: dict) -> CallbackFilters:
        """From query parameters; a bad value is Invalid naming the parameter."""
        f = cls()

        def bad(name: str, message: str):
            raise Invalid(_("Some filters are not valid."), fields={name: message})

        for name, choices in (("status", TaskStatus.values), ("kind", Kind.values)):
            raw = (params.get(name) or "").strip()
            values = [v for v in raw.split(",") if v]
            if any(v not in choices for v in values):
                bad(name, _("Choose from %(c)s.") % {"c": ", ".join(choices)})
            setattr(f, name, values)
        owner = (params.get("owner") or "").strip()
        if owner:
            if owner == ME:
                f.owner = ME
            elif owner.isdigit() and 1 <= int(owner) <= MAX_ID:
                f.owner = int(owner)
            else:
                bad("owner", _("A user id or “me”."))
        for name in ("customer", "ticket"):
            raw = str(params.get(name) or "").strip()
            if raw:
                if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
                    bad(name, _("Enter a valid id."))
                setattr(f, name, int(raw))
        for name in ("due_after", "due_before"):
            raw = str(params.get(name) or "").strip()
            if raw:
                day = lenient_date(raw)
                if day is None:
                    bad(name, _("Enter a date such as 2026-11-30."))
                setattr(f, name, day)
        return f


def callback_list_for(*, user, filters: CallbackFilters) -> QuerySet[CallbackTask]:
    qs = callback_qs_for(user)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.kind:
        qs = qs.filter(kind__in=filters.kind)
    if filters.owner == ME:
        qs = qs.filter(owner_id=user.pk)
    elif filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    if filters.customer is not None:
        qs = qs.filter(customer_id=filters.customer)
    if filters.ticket is not None:
        qs = qs.filter(ticket_id=filters.ticket)
    if filters.due_after is not None:
        qs = qs.filter(window_end__gte=filters.due_after)
    if filters.due_before is not None:
        qs = qs.filter(window_end__lte=filters.due_before)
    return qs.select_related("customer", "ticket", "owner")


def workbench_for(*, user, today: dt.date | None = None) -> list[CallbackTask]:
    """The agent's calls for today: open, window already open, overdue first (earliest window
    end), then by window start."""
    today = today or timezone.localdate()
    return list(
        CallbackTask.objects.filter(owner=user, status=TaskStatus.OPEN, window_start__lte=today)
        .select_related("customer", "ticket", "original_owner")
        .order_by("window_end", "window_start", "id")[:WORKBENCH_ROWS]
    )


def workbench_counts(*, user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = CallbackTask.objects.filter(owner=user, status=TaskStatus.OPEN, window_start__lte=today)
    return qs.aggregate(total=Count("id"), overdue=Count("id", filter=Q(window_end__lt=today)))


def notices_for(user) -> QuerySet[SolutionNotice]:
    """Same-day "tell the customer" tasks ``user`` may see (CMP-4)."""
    return SolutionNotice.objects.filter(scope.records_q(user, owners=("owner_id",)))


def notice_get_for(*, user, pk) -> SolutionNotice:
    notice = notices_for(user).select_related("customer", "ticket").filter(pk=_pk(pk)).first()
    if notice is None:
        raise NotFound()
    return notice


def open_notices_for(user) -> list[SolutionNotice]:
    """The user's own open "tell the customer" tasks, the earliest due first."""
    return list(
        SolutionNotice.objects.filter(owner=user, done_at=None)
        .select_related("customer", "ticket")
        .order_by("due_at", "id")[:WORKBENCH_ROWS]
    )


def open_issues_for(user) -> list[CallbackTask]:
    """Issues customers raised in the user's callbacks outside a ticket (不满意) still without a
    solution: the workbench asks for the solution (a ticket's issue is solved on the ticket)."""
    return list(
        CallbackTask.objects.filter(
            owner=user,
            outcome=Outcome.DISSATISFIED,
            issue_resolved_at=None,
            ticket__isnull=True,
        )
        .select_related("customer")
        .order_by("done_at", "id")[:WORKBENCH_ROWS]
    )


def manual_escalations_for(user) -> QuerySet[ManualEscalation]:
    """Escalations by hand and difficult-customer reports ``user`` may see (ESC-4/5/6)."""
    return ManualEscalation.objects.filter(
        scope.records_q(user, owners=("actor_id", "recipient_id"))
    )


def ticket_escalations(ticket) -> list[ManualEscalation]:
    """The ticket's escalations by hand, newest first (the ticket came through its scope)."""
    return list(
        ManualEscalation.objects.filter(ticket_id=ticket.pk)
        .select_related("actor", "recipient")
        .order_by("-id")[:20]
    )


@dataclass
class EscalationCounts:
    period: str
    # [(level code, label, complaints escalated by hand, difficult customers reported)]
    rows: list[tuple[str, str, int, int]]
    complaints: int
    difficult: int


def escalation_counts(*, user, period: str | None) -> EscalationCounts:
    """ESC-5: complaints escalated per level in the month (each complaint counted once per level,
    however many times it went there), and difficult customers reported (ESC-6), one query."""
    from kefu.followups.models import EscalationLevel

    period, first, following = parse_period(period)
    start, end = _month_bounds(first, following)
    rows = (
        manual_escalations_for(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("level")
        .annotate(
            complaints=Count(
                "ticket_id",
                distinct=True,
                filter=Q(is_complaint=True, kind=ManualEscalation.Reason.ESCALATION),
            ),
            difficult=Count(
                "customer_id", distinct=True, filter=Q(kind=ManualEscalation.Reason.DIFFICULT)
            ),
        )
    )
    found = {r["level"]: (r["complaints"], r["difficult"]) for r in rows}
    table = [
        (code, str(label), *found.get(code, (0, 0))) for code, label in EscalationLevel.choices
    ]
    return EscalationCounts(
        period=period,
        rows=table,
        complaints=sum(r[2] for r in table),
        difficult=sum(r[3] for r in table),
    )


def _month_bounds(first: dt.date, following: dt.date) -> tuple[dt.datetime, dt.datetime]:
    def aware(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    return aware(first), aware(following)


INTAKE_ROWS = 50  # a page of the new-customers list


def intakes_for(
    *,
    user,
    overdue: bool = False,
    today: dt.date | None = None,
    cursor: str | None = None,
    limit: int = INTAKE_ROWS,
) -> Page:
    """A page of the new customers ``user`` may see (ARC-1/6), newest first, each with ``why``
    (the allocation's reason in words), ``missing_labels``, ``overdue`` and ``first_contact``
    (the first-contact callback, or None). Three queries a page."""
    from kefu.customers.models import Customer, Tier

    today = today or timezone.localdate()
    qs = CustomerIntake.objects.filter(scope.records_q(user, owners=("agent_id",)))
    if overdue:
        qs = qs.filter(archive_done_at__isnull=True, archive_due_on__lt=today)
    page = paginate(
        qs.select_related("customer", "agent"), ordering="-id", cursor=cursor, limit=limit
    )
    rows = page.items
    tasks = {
        t.customer_id: t
        for t in CallbackTask.objects.filter(
            customer_id__in=[r.customer_id for r in rows], kind=Kind.FIRST_CONTACT, attempt=1
        )
    }
    labels = {
        name: str(Customer._meta.get_field(name).verbose_name)
        for name in ("phone", "address", "first_visit_on")
    }
    labels["vehicle"] = _("vehicle")
    for row in rows:
        row.first_contact = tasks.get(row.customer_id)
        row.overdue = row.archive_done_at is None and row.archive_due_on < today
        row.missing_labels = [labels.get(m, m) for m in row.missing]
        if row.agent_id is None:
            row.why = ""
        elif row.preassigned or row.load is None:
            row.why = _("Dedicated agent given at intake")
        elif row.customer.tier != Tier.NORMAL:
            row.why = _(
                "Higher-tier customer: the most skilled agent near the lightest load "
                "(%(load)s customers before, %(skill)s%% satisfied callbacks)"
            ) % {"load": row.load, "skill": row.skill}
        else:
            row.why = _("Fewest customers (%(load)s before); %(skill)s%% satisfied callbacks") % {
                "load": row.load,
                "skill": row.skill,
            }
    return page


def intake_counts(*, user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = CustomerIntake.objects.filter(scope.records_q(user, owners=("agent_id",)))
    return qs.aggregate(
        waiting=Count("id", filter=Q(agent__isnull=True)),
        overdue=Count("id", filter=Q(archive_done_at__isnull=True, archive_due_on__lt=today)),
    )


# -- 回访率 ----------------------------------------------------------------------------------


@dataclass
class RateRow:
    id: int | None
    name: str
    due: int
    completed: int
    # FU-5: the 回访率 target of the row's line in percent (100 by default)
    target: int | None = None

    @property
    def rate(self) -> float | None:
        return cadence.rate(self.completed, self.due)

    @property
    def met(self) -> bool | None:
        return cadence.rate_met(self.rate, self.target)


@dataclass
class Rates:
    period: str
    agents: list[RateRow]
    teams: list[RateRow]
    total: RateRow
    # the months up to the period, oldest first, each against the target (FU-5)
    months: list[RateRow] = field(default_factory=list)
    target: int | None = None


RATE_MONTHS = 6


def _rate_targets(line_ids) -> dict[int, int]:
    """{line id: 回访率 target} (FU-5), one query."""
    from kefu.accounts.models import BusinessLine
    from kefu.followups.services.policies import line_setting

    return {
        line.pk: int(line_setting(line, "callback_rate_target"))
        for line in BusinessLine.objects.filter(pk__in=[i for i in line_ids if i])
    }


def _months_back(first: dt.date, count: int) -> dt.date:
    year, month = first.year, first.month - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


def parse_period(period: str | None) -> tuple[str, dt.date, dt.date]:
    """'2026-11' (default: this month) → (period, first day, first day of the next month)."""
    period = (period or "").strip() or timezone.localdate().strftime("%Y-%m")
    try:
        first, nxt = cadence.month_bounds(period)
    except ValueError:
        raise Invalid(
            _("Give the period as a month such as 2026-11."),
            fields={"period": _("Not a month.")},
        ) from None
    return period, first, nxt


def callback_rates(*, user, period: str | None) -> Rates:
    """回访率 = completed ÷ due (§9.12) per agent, per team and in all, over the callbacks in the
    user's scope that were due (first attempt's window end) in the month, each against its line's
    target (FU-5, 100 % by default), and the months up to it. Five queries."""
    period, first, nxt = parse_period(period)
    base = callback_qs_for(user).filter(
        attempt=1, due_on__gte=first, due_on__lt=nxt, status__in=(TaskStatus.OPEN, TaskStatus.DONE)
    )
    figures = {"due": Count("id"), "completed": Count("id", filter=Q(reached_at__isnull=False))}
    by_owner = list(
        base.values("owner_id", "business_line_id").annotate(**figures).order_by("owner_id")
    )
    by_team = list(
        base.values("team_id", "business_line_id").annotate(**figures).order_by("team_id")
    )
    start = _months_back(first, RATE_MONTHS)
    by_month = list(
        callback_qs_for(user)
        .filter(
            attempt=1,
            due_on__gte=start,
            due_on__lt=nxt,
            status__in=(TaskStatus.OPEN, TaskStatus.DONE),
        )
        .annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(**figures)
        .order_by("month")
    )
    line_ids = {r["business_line_id"] for r in by_owner + by_team}
    if user.business_line_id:
        line_ids.add(user.business_line_id)
    targets = _rate_targets(line_ids)
    own = user.business_line_id or (next(iter(targets)) if len(targets) == 1 else None)
    target = targets.get(own) if own else None
    names = {
        u.pk: u.name
        for u in User.objects.filter(pk__in=[r["owner_id"] for r in by_owner if r["owner_id"]])
    }
    teams = {
        t.pk: t.name
        for t in Team.objects.filter(pk__in=[r["team_id"] for r in by_team if r["team_id"]])
    }
    nobody = _("Unassigned")
    agents = [
        RateRow(
            r["owner_id"],
            names.get(r["owner_id"], nobody),
            r["due"],
            r["completed"],
            targets.get(r["business_line_id"]),
        )
        for r in by_owner
    ]
    team_rows = [
        RateRow(
            r["team_id"],
            teams.get(r["team_id"], nobody),
            r["due"],
            r["completed"],
            targets.get(r["business_line_id"]),
        )
        for r in by_team
    ]
    total = RateRow(
        None, _("All"), sum(r.due for r in agents), sum(r.completed for r in agents), target
    )
    agents.sort(key=lambda r: (r.name, r.id or 0))
    team_rows.sort(key=lambda r: (r.name, r.id or 0))
    months = [
        RateRow(None, r["month"].strftime("%Y-%m"), r["due"], r["completed"], target)
        for r in by_month
    ]
    return Rates(
        period=period,
        agents=agents,
        teams=team_rows,
        total=total,
        months=months,
        target=target,
    )


# -- grades --------------------------------------------------------------------------------


def grade_changes_qs_for(user) -> QuerySet[GradeChange]:
    return GradeChange.objects.filter(scope.records_q(user))


def graded_complaints_for(*, user, period: str | None, grade: str) -> list[GradeChange]:
    """The complaints that became ``grade`` (repeat or malignant) in the month, one row per
    complaint (its latest such change), newest first, with the ticket and who changed it."""
    if grade not in (Grade.REPEAT, Grade.MALIGNANT):
        raise Invalid(_("Choose repeat or malignant."), fields={"grade": _("Not valid.")})
    _period, first, nxt = parse_period(period)
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()), tz)
    end = timezone.make_aware(dt.datetime.combine(nxt, dt.time()), tz)
    changes = (
        grade_changes_qs_for(user)
        .filter(after=grade, created_at__gte=start, created_at__lt=end)
        .select_related("ticket", "ticket__customer", "ticket__team", "actor")
        .order_by("-id")
    )
    seen: set[int] = set()
    rows = []
    for change in changes[:2000]:
        if change.ticket_id in seen:
            continue
        seen.add(change.ticket_id)
        rows.append(change)
    return rows


def grade_of(ticket) -> ComplaintGrade | None:
    return ComplaintGrade.objects.filter(ticket_id=ticket.pk).first()


@dataclass
class TicketFollowups:
    grade: ComplaintGrade | None
    callbacks: list[CallbackTask]
    changes: list[GradeChange]
    # §9.9 repeat links: later complaints of the same customer on the same subject (number, time)
    repeated_by: list = field(default_factory=list)


def ticket_followups(*, ticket) -> TicketFollowups:
    """What the ticket page shows from followups: grade (with the complaint it repeats),
    callbacks, grade history and the complaints that repeat it (4 queries; the links carry only
    number and time). The caller obtained ``ticket`` through ``ticket_get_for``."""
    return TicketFollowups(
        grade=ComplaintGrade.objects.filter(ticket_id=ticket.pk)
        .select_related("repeat_of")
        .first(),
        repeated_by=list(
            ComplaintGrade.objects.filter(repeat_of_id=ticket.pk)
            .select_related("ticket")
            .only("ticket__id", "ticket__number", "ticket__created_at")
            .order_by("ticket__created_at", "ticket_id")[:20]
        ),
        callbacks=list(
            CallbackTask.objects.filter(ticket_id=ticket.pk)
            .select_related("owner")
            .order_by("-id")[:20]
        ),
        changes=list(
            GradeChange.objects.filter(ticket_id=ticket.pk)
            .select_related("actor")
            .order_by("-id")[:20]
        ),
    )


def escalations_for(user) -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(scope.records_q(user, owners=("supervisor_id",)))
        .select_related("callback", "callback__customer", "ticket", "supervisor")
        .order_by("-id")
    )


# -- registers -----------------------------------------------------------------------------


def call_qs_for(user) -> QuerySet[CallRecord]:
    return CallRecord.objects.filter(scope.records_q(user, owners=("agent_id",)))


def letter_qs_for(user) -> QuerySet[LetterRecord]:
    return LetterRecord.objects.filter(scope.records_q(user, owners=("agent_id",)))


def _range(qs, field_name: str, start: dt.date | None, end: dt.date | None, *, dates: bool):
    if dates:
        if start:
            qs = qs.filter(**{f"{field_name}__gte": start})
        if end:
            qs = qs.filter(**{f"{field_name}__lte": end})
        return qs
    tz = timezone.get_default_timezone()
    if start:
        qs = qs.filter(
            **{f"{field_name}__gte": timezone.make_aware(dt.datetime.combine(start, dt.time()), tz)}
        )
    if end:
        nxt = end + dt.timedelta(days=1)
        qs = qs.filter(
            **{f"{field_name}__lt": timezone.make_aware(dt.datetime.combine(nxt, dt.time()), tz)}
        )
    return qs


def parse_day(name: str, raw) -> dt.date | None:
    raw = str(raw or "").strip()
    if not raw:
        return None
    day = lenient_date(raw)  # None for 2026-02-30 and for days out of range (0001-01-01)
    if day is None:
        raise Invalid(
            _("Some filters are not valid."), fields={name: _("Enter a date such as 2026-11-30.")}
        )
    return day


# the registers' filters: query parameter → (model field, its choices)
CALL_FILTERS = {"direction": ("direction", Direction), "result": ("result", CallResult)}
LETTER_FILTERS = {
    "letter_direction": ("direction", LetterDirection),
    "kind": ("kind", LetterKind),
    "channel": ("channel", LetterChannel),
}


# the letter register's filters under the API's names (the page names its direction
# letter_direction beside the call register's)
LETTER_API_FILTERS = {
    "direction": LETTER_FILTERS["letter_direction"],
    **{k: v for k, v in LETTER_FILTERS.items() if k != "letter_direction"},
}
MAX_SEARCH = 100


def register_filters(params, spec: dict) -> dict:
    """The filters of a register read from ``params`` (a QueryDict or a dict): ``{field: code}``
    for the choices of ``spec``, plus ``team_id`` (``team``, a team id) and ``q`` (words looked
    up in the customer's name and phone, the notes, the subject and the tracking number); an
    unknown code, a team that is not a number or a search too long is a client mistake
    (Invalid, nothing shown), an empty value no filter."""
    chosen = {}
    team = str(params.get("team") or "").strip()
    if team:
        if not team.isdigit() or len(team) > 18:
            raise Invalid(
                _("Some filters are not valid."), fields={"team": _("Choose a team from the list.")}
            )
        chosen["team_id"] = int(team)
    q = " ".join(str(params.get("q") or "").split())
    if len(q) > MAX_SEARCH:
        raise Invalid(
            _("Some filters are not valid."),
            fields={"q": _("At most %(n)d characters.") % {"n": MAX_SEARCH}},
        )
    if q:
        chosen["q"] = q
    for name, (field_name, choices) in spec.items():
        value = str(params.get(name) or "").strip()
        if not value:
            continue
        if value not in choices.values:
            raise Invalid(
                _("Some filters are not valid."),
                fields={name: _("Choose from %(c)s.") % {"c": ", ".join(choices.values)}},
            )
        chosen[field_name] = value
    return chosen


def register_teams(user) -> QuerySet[Team]:
    """The teams the registers' team filter offers: the active teams of the user's line (every
    line's for an administrator); the rows shown stay within the user's scope."""
    return (
        Team.objects.filter(scope.business_line_q(user), is_active=True)
        .select_related("business_line")
        .order_by("business_line_id", "id")
    )


_PHONE_WORD = re.compile(r"\+?[\d()\-]*\d[\d()\-]*")


@dataclass(frozen=True)
class RegisterSearch:
    """A register search read once for a user (the page searches both registers with it; a
    search by more phone digits than the mask shows is a reveal, audited once)."""

    words: tuple[tuple[str, tuple[str, ...], Q | None], ...]  # (word, its jieba terms, also)


def register_search(*, user, q: str) -> RegisterSearch:
    """What a register search finds, word by word (every word must match), the way the ticket
    search finds tickets:

    - a word is found in the customer's name or the row's text as typed or cut into words
      (空调漏水 finds 空调一直漏水);
    - a ticket number (T2612060000123, or its last 4+ digits) finds the rows of that ticket;
      more than 4 digits that are a ticket's number in the user's line are not a phone;
    - 4+ digits (a whole ``+86 138-0013-8000`` counts as one word) find the customers whose
      phone has them: only the last 4 for a user who sees phones masked, more digits as a
      reveal (audited and rate-limited, customers.phone_search); for a role that may not
      reveal, or past the budget, such a word is looked up in the text only (a tracking
      number)."""
    from kefu.core import search
    from kefu.core.masking import normalize_phone
    from kefu.customers.phone_search import RevealRefused, RevealThrottled, guard_digits
    from kefu.tickets.models import Ticket
    from kefu.tickets.selectors import ticket_number_q

    q = " ".join((q or "").split())
    whole = q.replace(" ", "")
    raw_words = [q] if q and _PHONE_WORD.fullmatch(whole) else q.split()
    words = []
    for word in raw_words:
        also = None
        number = ticket_number_q(word)
        tickets = None
        if number is not None:
            tickets = Ticket.objects.filter(number, scope.business_line_q(user))
            also = Q(ticket_id__in=tickets.values("pk"))
        digits = normalize_phone(word) if _PHONE_WORD.fullmatch(word.replace(" ", "")) else ""
        if len(digits) > 4 and tickets is not None and tickets.exists():
            digits = ""  # a ticket's number (or its tail) of the line: not a phone to reveal
        if len(digits) >= 4:
            try:
                tail_only = guard_digits(user=user, digits=digits)
            except (RevealRefused, RevealThrottled):
                # more digits than the mask shows, by a user who may not (now) reveal: the word
                # is still looked up in the text (a tracking number), never in the phones
                tail_only = None
            if tail_only is not None:
                how = "endswith" if tail_only else "contains"
                phone = Q(**{f"customer__phone__{how}": digits}) | Q(
                    **{f"customer__phone2__{how}": digits}
                )
                also = phone if also is None else also | phone
        terms = tuple(t for t in search.query_terms(word) if t) if not digits else ()
        words.append((word, terms, also))
    return RegisterSearch(words=tuple(words))


def _search(qs, found: RegisterSearch, text_fields: tuple[str, ...]):
    """Rows that every word of the search finds (``register_search``)."""

    def anywhere(text: str) -> Q:
        term = Q(customer__name__icontains=text)
        for name in text_fields:
            term |= Q(**{f"{name}__icontains": text})
        return term

    for word, terms, also in found.words:
        cond = anywhere(word)
        if len(terms) > 1:
            every = Q()
            for t in terms:
                every &= anywhere(t)
            cond |= every
        if also is not None:
            cond |= also
        qs = qs.filter(cond)
    return qs


def _filtered(qs, filters: dict | None, text_fields: tuple[str, ...], *, user):
    filters = dict(filters or {})
    q = filters.pop("q", "")
    if filters:
        qs = qs.filter(**filters)
    if not q:
        return qs
    found = q if isinstance(q, RegisterSearch) else register_search(user=user, q=q)
    return _search(qs, found, text_fields)


def call_list_for(
    *, user, start=None, end=None, customer: int | None = None, filters: dict | None = None
):
    qs = _range(call_qs_for(user), "started_at", start, end, dates=False)
    if customer:
        qs = qs.filter(customer_id=customer)
    qs = _filtered(qs, filters, ("notes",), user=user)
    return qs.select_related("customer", "ticket", "agent")


def letter_list_for(
    *, user, start=None, end=None, customer: int | None = None, filters: dict | None = None
):
    qs = _range(letter_qs_for(user), "sent_on", start, end, dates=True)
    if customer:
        qs = qs.filter(customer_id=customer)
    qs = _filtered(qs, filters, ("subject", "tracking_number", "notes"), user=user)
    return qs.select_related("customer", "ticket", "agent")


@dataclass
class ContactEntry:
    at: dt.datetime
    kind: str  # call | letter | callback
    title: str
    detail: str = ""
    actor: str = ""
    ref: dict = field(default_factory=dict)


def contacts_for_customer(customer, limit: int = CONTACT_LIMIT, *, user=None) -> list[ContactEntry]:
    """Calls, letters and logged callbacks of ``customer``, newest first, at most ``limit``, in
    three queries, for the customer's timeline. The caller holds scope on the customer; with a
    ``user`` only the rows that user's registers and callback lists show are included."""
    entries: list[ContactEntry] = []
    calls_qs = CallRecord.objects.all() if user is None else call_qs_for(user)
    letters_qs = LetterRecord.objects.all() if user is None else letter_qs_for(user)
    callbacks_qs = CallbackTask.objects.all() if user is None else callback_qs_for(user)
    calls = (
        calls_qs.filter(customer_id=customer.pk)
        .select_related("agent")
        .order_by("-started_at", "-id")[:limit]
    )
    entries.extend(
        ContactEntry(
            at=c.started_at,
            kind="call",
            title=_("%(direction)s call: %(result)s")
            % {"direction": c.get_direction_display(), "result": c.get_result_display()},
            detail=c.notes,
            actor=c.agent.name if c.agent else "",
            ref={"id": c.pk, "duration_seconds": c.duration_seconds, "ticket": c.ticket_id},
        )
        for c in calls
    )
    tz = timezone.get_default_timezone()
    letters = (
        letters_qs.filter(customer_id=customer.pk)
        .select_related("agent")
        .order_by("-sent_on", "-id")[:limit]
    )
    entries.extend(
        ContactEntry(
            at=timezone.make_aware(dt.datetime.combine(letter.sent_on, dt.time(12)), tz),
            kind="letter",
            title=_("%(kind)s by %(channel)s")
            % {"kind": letter.get_kind_display(), "channel": letter.get_channel_display()},
            detail=" ".join(x for x in (letter.subject, letter.tracking_number) if x),
            actor=letter.agent.name if letter.agent else "",
            ref={"id": letter.pk, "tracking_number": letter.tracking_number},
        )
        for letter in letters
    )
    done = (
        callbacks_qs.filter(customer_id=customer.pk, status=TaskStatus.DONE)
        .exclude(outcome="")
        .select_related("done_by")
        .order_by("-done_at", "-id")[:limit]
    )
    entries.extend(
        ContactEntry(
            at=t.done_at,
            kind="callback",
            title=_("%(kind)s: %(outcome)s")
            % {"kind": t.get_kind_display(), "outcome": t.get_outcome_display()},
            detail=t.notes,
            actor=t.done_by.name if t.done_by else "",
            ref={"id": t.pk, "ticket": t.ticket_id, "outcome": t.outcome},
        )
        for t in done
        if t.done_at is not None
    )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# -- people and policies -------------------------------------------------------------------


def staff_for(user) -> QuerySet[User]:
    """The people a supervisor manages (their department; a manager's line; all for admins)."""
    qs = User.objects.filter(is_active=True).exclude(role__in=("admin", "manager"))
    if scope.is_admin(user):
        return qs.order_by("display_name", "username")
    qs = qs.filter(business_line_id=user.business_line_id)
    if user.role == "supervisor" and user.department_id:
        qs = qs.filter(department_id=user.department_id)
    return qs.select_related("team").order_by("display_name", "username")


def deputies_for(user) -> list[Deputy]:
    staff = staff_for(user).values("pk")
    return list(
        Deputy.objects.filter(owner__in=staff).select_related("owner", "deputy").order_by("id")
    )


def absences_for(user, *, today: dt.date | None = None) -> list[UserAbsence]:
    today = today or timezone.localdate()
    staff = staff_for(user).values("pk")
    return list(
        UserAbsence.objects.filter(user__in=staff, ends_on__gte=today)
        .select_related("user")
        .order_by("starts_on", "id")[:200]
    )


def policies_for(user) -> list[CadencePolicy]:
    if not user.business_line_id:
        return []
    from kefu.followups.services.policies import policies_by_kind

    return list(policies_by_kind(user.business_line).values())
