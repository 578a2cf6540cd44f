"""This month against last month, per capability, for the home page: tickets and complaints,
complaint grades, callbacks (回访率), surveys (CSI, NPS), service levels, escalations, the call
and letter registers and, for planners, forecast against actual contacts.

Every figure is an SQL aggregate over rows in the user's scope (each app's own scoped query),
a fixed number of queries per month whatever the table sizes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.reports.selectors import scoped_tickets


@dataclass
class Month:
    label: str  # 2026-11
    start: dt.date
    end: dt.date  # first day of the next month
    until: dt.date  # the last day counted (+1): today for the running month


@dataclass
class Figure:
    key: str
    label: str
    this: str
    last: str
    this_n: Decimal | int | None
    last_n: Decimal | int | None
    url: str = ""


def months(today: dt.date) -> tuple[Month, Month]:
    first = today.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    return (
        Month(first.strftime("%Y-%m"), first, nxt, today + dt.timedelta(days=1)),
        Month(prev.strftime("%Y-%m"), prev, first, first),
    )


def _bounds(month: Month) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(month.start, dt.time(), tzinfo=tz),
        dt.datetime.combine(month.end, dt.time(), tzinfo=tz),
    )


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _show(value) -> str:
    return "—" if value is None else str(value)


def _tickets(user, month: Month) -> dict:
    start, end = _bounds(month)
    scoped = scoped_tickets(user)
    created = scoped.filter(created_at__gte=start, created_at__lt=end).aggregate(
        received=Count("pk"), complaints=Count("pk", filter=Q(type="complaint"))
    )
    resolved = scoped.filter(resolved_at__gte=start, resolved_at__lt=end).count()
    return {**created, "resolved": resolved}


def _callbacks(user, month: Month) -> tuple[int, int]:
    """回访率 so far: first callbacks due in the month up to today, and those that reached the
    customer (the same rule as the followups rates page, which counts the whole month)."""
    from kefu.followups.models import TaskStatus
    from kefu.followups.selectors import callback_qs_for

    row = (
        callback_qs_for(user)
        .filter(
            attempt=1,
            due_on__gte=month.start,
            due_on__lt=min(month.end, month.until),
            status__in=(TaskStatus.OPEN, TaskStatus.DONE),
        )
        .aggregate(due=Count("id"), completed=Count("id", filter=Q(reached_at__isnull=False)))
    )
    return row["due"], row["completed"]


def _grades(user, month: Month) -> dict:
    from kefu.followups.models import Grade
    from kefu.followups.selectors import grade_changes_qs_for

    start, end = _bounds(month)
    return (
        grade_changes_qs_for(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .aggregate(
            repeat=Count("ticket_id", filter=Q(after=Grade.REPEAT), distinct=True),
            malignant=Count("ticket_id", filter=Q(after=Grade.MALIGNANT), distinct=True),
        )
    )


def _surveys(user, month: Month):
    from kefu.surveys import periods
    from kefu.surveys.selectors import results_for

    return results_for(user=user, period=periods.Period(month.label, month.start, month.end)).total


def _sla(user, month: Month) -> dict:
    from kefu.tickets.models_sla import Level, SlaEvent

    start, end = _bounds(month)
    return SlaEvent.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        ticket__in=scoped_tickets(user).values("pk"),
    ).aggregate(
        warnings=Count("ticket_id", filter=Q(level=Level.WARNING), distinct=True),
        breaches=Count("ticket_id", filter=Q(level=Level.BREACH), distinct=True),
    )


def _escalations(user, month: Month) -> int:
    from kefu.followups.selectors import escalations_for

    start, end = _bounds(month)
    return escalations_for(user).filter(created_at__gte=start, created_at__lt=end).count()


def _registers(user, month: Month) -> tuple[int, int]:
    from kefu.followups.selectors import call_qs_for, letter_qs_for

    start, end = _bounds(month)
    calls = call_qs_for(user).filter(started_at__gte=start, started_at__lt=end).count()
    letters = letter_qs_for(user).filter(sent_on__gte=month.start, sent_on__lt=month.end).count()
    return calls, letters


def _forecast(user, month: Month) -> tuple[int, int] | None:
    """Forecast contacts against tickets received on the month's days (up to today) that a
    forecast of the user's line covers, per skill group; None for those who do not plan."""
    from kefu.workforce import forecast as fc
    from kefu.workforce.models import Forecast
    from kefu.workforce.selectors import can_plan

    if not can_plan(user) or not user.business_line_id:
        return None
    last_day = min(month.end, month.until)
    forecasts = list(
        Forecast.objects.filter(
            business_line_id=user.business_line_id,
            group__isnull=False,
            start_date__lt=last_day,
        )
        .select_related("group")
        .defer("required", "uplift")  # the staffing per interval: not read here
        .order_by("-created_at", "-id")[:50]
    )
    forecast = 0.0
    days: dict[int, list[dt.date]] = {}  # the days each group's forecasts cover
    for i in range((last_day - month.start).days):
        day = month.start + dt.timedelta(days=i)
        for f in forecasts:  # the newest forecast of the group that covers the day
            offset = (day - f.start_date).days
            if not 0 <= offset < f.days or day in days.get(f.group_id, ()):
                continue
            n = fc.per_day(f.interval_minutes)
            forecast += sum(f.volumes[offset * n : (offset + 1) * n])
            days.setdefault(f.group_id, []).append(day)
    tz = timezone.get_current_timezone()
    groups = {f.group_id: f.group for f in forecasts}
    # the tickets of each group's types on the days its forecasts cover: one count per group,
    # all in one query over the covered days (a group's count is as if asked alone: a ticket
    # whose type two groups handle counts for both)
    counts, lows, highs, types = {}, [], [], set()
    for group_id, covered in days.items():
        if not groups[group_id].ticket_types:
            continue
        low = dt.datetime.combine(min(covered), dt.time(), tzinfo=tz)
        high = dt.datetime.combine(max(covered) + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        counts[f"g{group_id}"] = Count(
            "pk",
            filter=Q(
                type__in=groups[group_id].ticket_types, created_at__gte=low, created_at__lt=high
            ),
        )
        lows.append(low)
        highs.append(high)
        types.update(groups[group_id].ticket_types)
    actual = 0
    if counts:
        row = (
            scoped_tickets(user)
            .filter(
                business_line_id=user.business_line_id,
                type__in=sorted(types),
                created_at__gte=min(lows),
                created_at__lt=max(highs),
            )
            .aggregate(**counts)
        )
        actual = sum(row.values())
    return round(forecast), actual


def _month(user, month: Month) -> dict:
    tickets = _tickets(user, month)
    due, completed = _callbacks(user, month)
    survey = _surveys(user, month)
    sla = _sla(user, month)
    calls, letters = _registers(user, month)
    return {
        "tickets": tickets,
        "callbacks": (due, completed, _pct(completed, due)),
        "grades": _grades(user, month),
        "survey": survey,
        "sla": sla,
        "breach_rate": _pct(sla["breaches"], tickets["resolved"]),
        "escalations": _escalations(user, month),
        "calls": calls,
        "letters": letters,
        "forecast": _forecast(user, month),
    }


def month_figures(*, user, today: dt.date | None = None) -> tuple[Month, Month, list[Figure]]:
    """(this month, last month, the figures) for ``user``'s scope."""
    today = today or timezone.localdate()
    this, last = months(today)
    a, b = _month(user, this), _month(user, last)

    def fig(key, label, get, fmt=_show, url=""):
        x, y = get(a), get(b)
        return Figure(key, label, fmt(x), fmt(y), _num(x), _num(y), url)

    def rate(cb):
        due, done, pct = cb
        return "—" if pct is None else f"{pct} %  ({done}/{due})"

    def pct(value):
        return "—" if value is None else f"{value} %"

    def fc_text(value):
        if value is None:
            return "—"
        forecast, actual = value
        return _("%(forecast)s forecast · %(actual)s actual") % {
            "forecast": forecast,
            "actual": actual,
        }

    figures = [
        fig("received", _("Tickets received"), lambda m: m["tickets"]["received"]),
        fig("resolved", _("Tickets resolved"), lambda m: m["tickets"]["resolved"]),
        fig("complaints", _("Complaints received"), lambda m: m["tickets"]["complaints"]),
        fig("repeat", _("Became repeat complaints (重复)"), lambda m: m["grades"]["repeat"]),
        fig(
            "malignant",
            _("Became malignant complaints (恶性)"),
            lambda m: m["grades"]["malignant"],
        ),
        Figure(
            "callback_rate",
            _("Callback rate (回访率, due so far)"),
            rate(a["callbacks"]),
            rate(b["callbacks"]),
            a["callbacks"][2],
            b["callbacks"][2],
        ),
        fig("csi", _("CSI"), lambda m: m["survey"].csi, pct),
        fig("nps", _("NPS"), lambda m: m["survey"].nps),
        fig("answers", _("Survey answers"), lambda m: m["survey"].answers),
        fig("sla_warnings", _("SLA warnings"), lambda m: m["sla"]["warnings"]),
        fig("sla_breaches", _("SLA breaches"), lambda m: m["sla"]["breaches"]),
        fig("breach_rate", _("Breaches per resolved ticket"), lambda m: m["breach_rate"], pct),
        fig("escalations", _("Escalations to the supervisor"), lambda m: m["escalations"]),
        fig("calls", _("Calls registered"), lambda m: m["calls"]),
        fig("letters", _("Letters registered"), lambda m: m["letters"]),
    ]
    if a["forecast"] is not None:
        figures.append(
            Figure(
                "forecast",
                _("Contacts: forecast and actual"),
                fc_text(a["forecast"]),
                fc_text(b["forecast"]),
                a["forecast"][0],
                b["forecast"][0],
            )
        )
    return this, last, figures


def _num(value):
    return value if isinstance(value, int | Decimal) or value is None else None
