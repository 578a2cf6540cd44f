"""The cockpit per role (管理驾驶舱, issue 22 §1, RPT-11): an agent's work today, a lead's queue
health and load per agent, a supervisor's or manager's volumes, SLA, response and resolution
times (median and p90), backlog age, 回访率, CSI and complaint grades.

One definition per figure: ``drill(user, window, figure, key)`` is the queryset of exactly the
rows the figure counts, and the figure is computed from that queryset (its count, or the median
and p90 of its durations), so a figure always equals the count of its drill-down. Everything is
within the viewer's scope (``selectors.scoped_tickets`` and the owner apps' scope helpers).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.errors import Invalid
from kefu.reports import statement
from kefu.reports.selectors import scoped_tickets
from kefu.tickets.models import OPEN_STATUSES, Channel, Ticket, TicketType

WINDOWS = (7, 30, 90)
DEFAULT_DAYS = 30
OVERLOAD_FACTOR = 1.5  # an agent holding 1.5 × the mean open load of the agents listed …
OVERLOAD_MIN = 5  # … and at least this many open tickets is overloaded
AGE_BUCKETS = (  # backlog age of open tickets, in days since received: [low, high)
    ("0-1", 0, 1),
    ("1-3", 1, 3),
    ("3-7", 3, 7),
    ("7-30", 7, 30),
    ("30+", 30, None),
)
DURATIONS = {"first_response_time": "first_response_at", "resolution_time": "resolved_at"}


@dataclass(frozen=True)
class Window:
    """The last ``days`` whole days up to today (local time), and the moment of computing."""

    days: int
    now: dt.datetime

    @property
    def month(self) -> statement.Month:
        """The window as the statement's period (its drill-downs read ``start`` and ``end``)."""
        today = timezone.localtime(self.now).date()
        start = today - dt.timedelta(days=self.days - 1)
        label = f"{start:%Y-%m-%d}…{today:%Y-%m-%d}"
        return statement.Month(label, start, today + dt.timedelta(days=1))

    @property
    def today(self) -> tuple[dt.datetime, dt.datetime]:
        local = timezone.localtime(self.now)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + dt.timedelta(days=1)


def window(days=None, now: dt.datetime | None = None) -> Window:
    """``days`` one of WINDOWS (default 30); anything else is Invalid (a 4xx)."""
    try:
        n = int(days) if days not in (None, "") else DEFAULT_DAYS
    except (TypeError, ValueError):
        n = -1
    if n not in WINDOWS:
        raise Invalid(
            _("Choose 7, 30 or 90 days."), fields={"days": _("Not a valid number of days.")}
        )
    return Window(n, now or timezone.now())


def role_of(user) -> str:
    """Which cockpit the user gets: agent, lead or manager (supervisors, managers, admins)."""
    if scope.at_least(user, scope.SUPERVISOR):
        return "manager"
    if scope.at_least(user, scope.LEAD):
        return "lead"
    return "agent"


# -- the rows each figure counts ------------------------------------------------------------


def _received(user, w: Window) -> QuerySet[Ticket]:
    start, end = w.month.bounds
    return scoped_tickets(user).filter(created_at__gte=start, created_at__lt=end)


def _open(user) -> QuerySet[Ticket]:
    return scoped_tickets(user).filter(status__in=OPEN_STATUSES)


def _mine(user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(assignee_id=user.pk, status__in=OPEN_STATUSES)


def _my_callbacks(user):
    from kefu.followups.models import CallbackTask, TaskStatus

    return CallbackTask.objects.filter(owner_id=user.pk, status=TaskStatus.OPEN)


def _age_bucket(qs: QuerySet[Ticket], w: Window, key: str) -> QuerySet[Ticket]:
    for name, low, high in AGE_BUCKETS:
        if name == key:
            qs = qs.filter(created_at__lte=w.now - dt.timedelta(days=low))
            if high is not None:
                qs = qs.filter(created_at__gt=w.now - dt.timedelta(days=high))
            return qs
    raise _bad_key()


def _bad_key() -> Invalid:
    return Invalid(_("Choose a row of the cockpit."), fields={"key": _("Not valid.")})


def _agent_id(key) -> int | None:
    if key in ("none", ""):
        return None
    try:
        return int(key)
    except (TypeError, ValueError):
        raise _bad_key() from None


FIGURES = {
    "agent": (
        "my_open",
        "my_due_today",
        "my_overdue",
        "my_first_response",
        "my_first_response_met",
        "my_callbacks_today",
        "my_callbacks_overdue",
    ),
    "lead": ("queue_open", "queue_unassigned", "queue_due_today", "queue_overdue", "load"),
    "manager": (
        "received",
        "channel",
        "type",
        "first_response",
        "first_response_met",
        "resolution",
        "resolution_met",
        "first_response_time",
        "resolution_time",
        "backlog",
        "callbacks_due",
        "callbacks_completed",
        "csi",
        "grade",
    ),
}


def allowed(user) -> tuple[str, ...]:
    """The figures ``user`` sees (and may drill into): an agent's own; a lead's also the queue;
    supervisors and above every figure."""
    role = role_of(user)
    figures = FIGURES["agent"]
    if role in ("lead", "manager"):
        figures += FIGURES["lead"]
    if role == "manager":
        figures += FIGURES["manager"]
    return figures


def drill(user, w: Window, figure: str, key: str = "") -> QuerySet:
    """Exactly the rows ``figure`` (with ``key`` for the per-channel, type, grade, backlog-age and
    per-agent figures) counts: tickets, callbacks (callbacks_*) or survey answers (csi)."""
    if figure not in allowed(user):
        raise Invalid(_("Choose a figure of the cockpit."), fields={"figure": _("Not valid.")})
    start, end = w.today
    if figure.startswith("my_"):
        return _drill_mine(user, w, figure, start, end)
    if figure.startswith("queue_") or figure == "load":
        qs = _open(user)
        if figure == "queue_unassigned":
            return qs.filter(assignee__isnull=True)
        if figure == "queue_due_today":
            return qs.filter(due_at__gte=max(start, w.now), due_at__lt=end)
        if figure == "queue_overdue":
            return qs.filter(due_at__lt=w.now)
        if figure == "load":
            return qs.filter(assignee_id=_agent_id(key))
        return qs
    if figure == "received":
        return _received(user, w)
    if figure == "channel":
        if key not in Channel.values:
            raise _bad_key()
        return _received(user, w).filter(channel=key)
    if figure == "type":
        if key not in TicketType.values:
            raise _bad_key()
        return _received(user, w).filter(type=key)
    if figure in DURATIONS:
        return _received(user, w).filter(**{f"{DURATIONS[figure]}__isnull": False})
    if figure == "backlog":
        return _age_bucket(_open(user), w, key) if key else _open(user)
    if figure == "grade":
        from kefu.followups.models import Grade

        if key not in Grade.values:
            raise _bad_key()
    return statement.drill(user, None, w.month, figure, key)


def _drill_mine(user, w: Window, figure: str, start, end) -> QuerySet:
    if figure == "my_open":
        return _mine(user)
    if figure == "my_due_today":
        return _mine(user).filter(due_at__gte=max(start, w.now), due_at__lt=end)
    if figure == "my_overdue":
        return _mine(user).filter(due_at__lt=w.now)
    if figure in ("my_callbacks_today", "my_callbacks_overdue"):
        today = timezone.localtime(w.now).date()
        if figure == "my_callbacks_today":
            return _my_callbacks(user).filter(due_on=today)
        return _my_callbacks(user).filter(due_on__lt=today)
    clock = figure.removeprefix("my_")
    return statement.drill(user, None, w.month, clock).filter(assignee_id=user.pk)


# -- the figures ----------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def nearest_rank(n: int, p: float) -> int:
    """The 0-based position of the p-th percentile among n sorted values (nearest rank)."""
    return max(math.ceil(p * n) - 1, 0)


class SecondsBetween(Func):
    """Seconds from the second expression to the first, in the database's own arithmetic (no
    per-row Python function on SQLite, so ordering 100,000 spans stays a native sort)."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s)) * 86400.0)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ",
            **extra,
        )


def spans_summary(spans: list[float]) -> dict:
    """Count, median and p90 (hours, nearest rank) of durations in seconds."""
    n = len(spans)
    out = {"count": n, "median_hours": None, "p90_hours": None}
    if not n:
        return out
    spans = sorted(spans)
    for name, p in (("median_hours", 0.5), ("p90_hours", 0.9)):
        out[name] = round(float(spans[nearest_rank(n, p)]) / 3600, 1)
    return out


def _received_pass(received: QuerySet[Ticket]) -> tuple[dict, dict, dict]:
    """Counts by channel and by type, and the spans of the durations, in one read of the
    window's tickets: each ordered median or p90 read in the database scanned the window again
    (four scans of 114,000 tickets at 1,000,000, 0.75 s on SQLite; bench/README.md), while
    sorting the spans here costs tens of milliseconds. Only four narrow columns come back."""
    by_channel: dict = {}
    by_type: dict = {}
    spans: dict = {figure: [] for figure in DURATIONS}
    names = list(DURATIONS)
    rows = received.annotate(
        **{
            f"span_{i}": SecondsBetween(F(field), F("created_at"))
            for i, field in enumerate(DURATIONS.values())
        }
    ).values_list("channel", "type", *(f"span_{i}" for i in range(len(names))))
    # streamed: at 90 days and 1,000,000 tickets the window holds a third of a million rows
    for channel, kind, *values in rows.order_by().iterator(chunk_size=10_000):
        by_channel[channel] = by_channel.get(channel, 0) + 1
        by_type[kind] = by_type.get(kind, 0) + 1
        for figure, value in zip(names, values, strict=True):
            if value is not None:
                spans[figure].append(value)
    return by_channel, by_type, spans


def _agent_figures(user, w: Window) -> dict:
    counts = {f: drill(user, w, f).count() for f in FIGURES["agent"]}
    counts["my_first_response_rate"] = _rate(
        counts["my_first_response_met"], counts["my_first_response"]
    )
    return counts


def _load(user, w: Window) -> list[dict]:
    """Open tickets per assignee in scope (unassigned as ``none``), the overloaded flagged."""
    from kefu.accounts.models import User

    # grouped by ``assignee_id + 0``, an expression no index holds: grouped by the bare column,
    # SQLite walks the whole table in ticket_assignee_created order to skip a sort (1.0 s of
    # the manager's 2.5 s at 150,000 tickets) instead of reading the scope's open tickets from
    # its breakdown index and sorting those few (bench/README.md)
    rows = [
        {"assignee_id": r["a"], "n": r["n"]}
        for r in _open(user)
        .values(a=F("assignee_id") + 0)
        .annotate(n=Count("pk"))
        .order_by("-n", "a")
    ]
    names = {
        u.pk: u.name
        for u in User.objects.filter(pk__in=[r["assignee_id"] for r in rows if r["assignee_id"]])
    }
    agents = [r["n"] for r in rows if r["assignee_id"]]
    mean = sum(agents) / len(agents) if agents else 0
    return [
        {
            "key": str(r["assignee_id"] or "none"),
            "label": names.get(r["assignee_id"], "") if r["assignee_id"] else _("Unassigned"),
            "count": r["n"],
            "overloaded": bool(
                r["assignee_id"] and r["n"] >= max(OVERLOAD_MIN, OVERLOAD_FACTOR * mean)
            ),
        }
        for r in rows
    ]


def _lead_figures(user, w: Window) -> dict:
    out = {f: drill(user, w, f).count() for f in FIGURES["lead"] if f != "load"}
    out["load"] = _load(user, w)
    out["overloaded"] = sum(1 for r in out["load"] if r["overloaded"])
    return out


def _labelled(counts: dict, choices) -> list[dict]:
    return [
        {"key": code, "label": str(label), "count": counts[code]}
        for code, label in choices.choices
        if counts.get(code)
    ]


def _manager_figures(user, w: Window) -> dict:
    from kefu.followups.models import Grade

    by_channel, by_type, spans = _received_pass(_received(user, w))
    backlog = _open(user).aggregate(
        **{
            name: Count(
                "pk",
                filter=Q(created_at__lte=w.now - dt.timedelta(days=low))
                & (Q() if high is None else Q(created_at__gt=w.now - dt.timedelta(days=high))),
            )
            for name, low, high in AGE_BUCKETS
        }
    )
    sla = {
        clock: {**counts, "rate": _rate(counts["met"], counts["total"])}
        for clock, counts in statement.clocks_counts(user, None, w.month).items()
    }
    callbacks = drill(user, w, "callbacks_due").aggregate(
        due=Count("id"), completed=Count("id", filter=Q(reached_at__isnull=False))
    )
    grades = dict.fromkeys(Grade.values, 0)
    for row in (
        statement.complaints_qs(user, None, w.month)
        .values("complaint_grade__grade")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        grades[row["complaint_grade__grade"] or Grade.ORDINARY] += row["n"]
    return {
        "received": sum(by_channel.values()),
        "by_channel": _labelled(by_channel, Channel),
        "by_type": _labelled(by_type, TicketType),
        "sla": sla,
        **{figure: spans_summary(spans[figure]) for figure in DURATIONS},
        "backlog": [{"key": name, "count": backlog[name]} for name, _l, _h in AGE_BUCKETS],
        "backlog_total": sum(backlog.values()),
        "callbacks": {**callbacks, "rate": _rate(callbacks["completed"], callbacks["due"])},
        "csi": _csi(user, w),
        "grades": [
            {"key": g, "label": str(label), "count": grades[g]} for g, label in Grade.choices
        ],
    }


def _csi(user, w: Window) -> dict:
    from kefu.surveys import periods
    from kefu.surveys.selectors import results_for

    m = w.month
    survey = results_for(user=user, period=periods.Period(m.label, m.start, m.end))
    return {
        "value": statement._float(survey.total.csi),
        "target": statement._float(survey.target),
        "met": survey.met,
        "answers": survey.total.answers,
    }


def figures(user, w: Window) -> dict:
    """Every figure of ``user``'s cockpit (the view caches it for at most 60 s)."""
    role = role_of(user)
    out = {
        "role": role,
        "days": w.days,
        "period": w.month.label,
        "at": f"{timezone.localtime(w.now):%Y-%m-%d %H:%M:%S}",
    }
    out["agent"] = _agent_figures(user, w)
    if role in ("lead", "manager"):
        out["lead"] = _lead_figures(user, w)
    if role == "manager":
        out["manager"] = _manager_figures(user, w)
        out["targets"] = _targets(user, w)
    return out


def _targets(user, w: Window) -> dict:
    """This month's targets met and missed in the viewer's line (every line for an admin)."""
    from django.urls import reverse

    from kefu.reports import targets

    month = statement.month_of(timezone.localtime(w.now).date())
    rows = targets.report(user, period=month, today=timezone.localtime(w.now).date())
    return {**targets.tally(rows), "url": reverse("reports:targets")}
