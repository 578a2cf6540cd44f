"""§4 of issue 22: the other apps' reports as pages, .xlsx and PDF, within the viewer's scope —
回访总结报告 (the month's callbacks per team, by outcome, with the unhappy customers' words), the
repeat and malignant complaint lists (unit and reason), and the property office's collection
rate per fee type and building with the arrears list (RPT-7). The figures are the owning apps'
(followups, tickets, property selectors); this module shows them."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kefu.reports import periods
from kefu.reports import statement as st
from kefu.reports.periodic_reports import Report, _line_name, _pct

KINDS = (
    "callbacks",
    "graded",
    "collection",
    "repairs",
    "aftersales",
    "repeat_repairs",
    "conversion",
    "training",
    "double11",
    "poor_reviews",
)
MAX_ROWS = 2_000  # rows of a list in one report (the page says when more exist)
UNHAPPY = ("dissatisfied", "rejected_solution")


def _month_span(value) -> tuple[st.Month, periods.Span]:
    month = st.parse_month(value)
    return month, periods.Span(month.label, month.start, month.end)


def callbacks_summary(user, value, line_id) -> Report:
    """回访总结报告: per team the first callbacks due in the month and those that reached the
    customer (回访率, the statement's rule), the callbacks done in the month by outcome, and the
    unhappy customers' remarks."""
    from kefu.accounts.models import Team
    from kefu.followups.models import Outcome, TaskStatus
    from kefu.followups.selectors import callback_qs_for

    month, span = _month_span(value)
    due = st.callbacks_qs(user, line_id, month)
    start, end = month.bounds
    done = callback_qs_for(user).filter(status=TaskStatus.DONE, done_at__gte=start, done_at__lt=end)
    if line_id:
        done = done.filter(business_line_id=line_id)
    rows: dict = {}
    for r in (
        due.values("team_id")
        .annotate(due=Count("id"), completed=Count("id", filter=Q(reached_at__isnull=False)))
        .order_by()
    ):
        rows.setdefault(r["team_id"], {}).update(due=r["due"], completed=r["completed"])
    for r in done.values("team_id", "outcome").annotate(n=Count("id")).order_by():
        rows.setdefault(r["team_id"], {})[r["outcome"]] = r["n"]
    names = dict(Team.objects.filter(pk__in=[t for t in rows if t]).values_list("pk", "name"))
    teams = []
    for team_id, r in sorted(rows.items(), key=lambda kv: names.get(kv[0]) or "~"):
        teams.append(
            {
                "team_id": team_id,
                "team": names.get(team_id) or _("(no team)"),
                "due": r.get("due", 0),
                "completed": r.get("completed", 0),
                "rate": st._pct(r.get("completed", 0), r.get("due", 0)),
                "outcomes": {code: r.get(code, 0) for code in Outcome.values},
            }
        )
    total_due = sum(t["due"] for t in teams)
    total_completed = sum(t["completed"] for t in teams)
    unhappy = list(
        done.filter(outcome__in=UNHAPPY)
        .order_by("-done_at", "-id")
        .values(
            "ticket__number",
            "team__name",
            "owner__display_name",
            "owner__username",
            "outcome",
            "notes",
            "done_at",
        )[:MAX_ROWS]
    )
    labels = dict(Outcome.choices)
    data = {
        "period": month.label,
        "business_line": line_id,
        "teams": teams,
        "total": {
            "due": total_due,
            "completed": total_completed,
            "rate": st._pct(total_completed, total_due),
            "outcomes": {c: sum(t["outcomes"][c] for t in teams) for c in Outcome.values},
        },
        "unhappy": [
            {
                "ticket": u["ticket__number"] or "",
                "team": u["team__name"] or "",
                "owner": u["owner__display_name"] or u["owner__username"] or "",
                "outcome": str(labels.get(u["outcome"], u["outcome"])),
                "notes": u["notes"],
            }
            for u in unhappy
        ],
    }
    headers = [_("Team"), _("Callbacks due"), _("Callbacks completed"), _("Callback rate")]
    headers += [str(label) for _code, label in Outcome.choices]
    body = [
        [t["team"], t["due"], t["completed"], _pct(t["rate"]), *t["outcomes"].values()]
        for t in [*teams, {"team": _("Total"), **data["total"]}]
    ]
    title = _("Callback summary report %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    return Report(
        "callbacks",
        span,
        title,
        data,
        [
            (_("Callbacks per team"), headers, body),
            (
                _("Unhappy customers"),
                [_("Ticket"), _("Team"), _("Owner"), _("Outcome"), _("Remarks")],
                [
                    [u["ticket"], u["team"], u["owner"], u["outcome"], u["notes"]]
                    for u in data["unhappy"]
                ],
            ),
        ],
    )


def graded_lists(user, value, line_id) -> Report:
    """The month's repeat and malignant complaints with their units and the grading's reason."""
    from kefu.followups.models import Grade

    month, span = _month_span(value)
    lists = {}
    for grade in (Grade.REPEAT, Grade.MALIGNANT):
        lists[grade] = _graded(user, line_id, month, grade)
    data = {
        "period": month.label,
        "business_line": line_id,
        "repeat": lists[Grade.REPEAT],
        "malicious": lists[Grade.MALIGNANT],
    }
    headers = [_("Ticket"), _("Title"), _("Received"), _("Unit"), _("Reason")]

    def rows(items):
        return [[r["number"], r["title"], r["created"], r["unit"], r["reason"]] for r in items]

    title = _("Repeat and malignant complaints %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    return Report(
        "graded",
        span,
        title,
        data,
        [
            (_("Repeat complaints"), headers, rows(data["repeat"])),
            (_("Malignant complaints"), headers, rows(data["malicious"])),
        ],
    )


def _graded(user, line_id, month, grade: str) -> list[dict]:
    from kefu.followups.models import GradeChange
    from kefu.tickets.models_sla import Handoff

    figure = "repeat" if grade == "repeat" else "malicious"
    tickets = list(
        st.drill(user, line_id, month, figure)
        .order_by("-created_at", "-id")
        .values("pk", "number", "title", "created_at")[:MAX_ROWS]
    )
    ids = [t["pk"] for t in tickets]
    units: dict[int, set] = {}
    for ticket_id, name in Handoff.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "unit__name"
    ):
        units.setdefault(ticket_id, set()).add(name)
    reasons = dict(
        GradeChange.objects.filter(ticket_id__in=ids, after=grade)
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "reason")
    )
    from django.utils import timezone

    return [
        {
            "ticket_id": t["pk"],
            "number": t["number"],
            "title": t["title"],
            "created": timezone.localtime(t["created_at"]).strftime("%Y-%m-%d"),
            "unit": "、".join(sorted(units.get(t["pk"], ()))),
            "reason": reasons.get(t["pk"], ""),
        }
        for t in tickets
    ]


def collection(user, value, line_id) -> Report:
    """The property office's collection rate per fee type and building for a year's bills, and
    the households in arrears at the year's end (or today), largest first (RPT-7)."""
    import datetime as dt

    from django.utils import timezone

    from kefu.property import selectors as prop

    span = periods.parse_year(value)
    bills = prop.bills_for(user)
    if line_id:
        bills = bills.filter(business_line_id=line_id)
    figures = prop.collection_rate(bills=bills, year=span.start.year)
    as_of = min(span.end, timezone.localdate() + dt.timedelta(days=1))
    owing = prop.with_units(prop.arrears(bills=bills, as_of=as_of)[:MAX_ROWS])

    def rate(value):  # the property rules' fraction (0.9512) as a percentage (95.12)
        return None if value is None else round(float(value) * 100, 2)

    data = {
        "year": span.label,
        "business_line": line_id,
        "billed_yuan": float(figures["billed_yuan"]),
        "collected_yuan": float(figures["collected_yuan"]),
        "rate": rate(figures["rate"]),
        "meets_target": figures["meets_target"],
        "by_fee_type": [
            {
                **f,
                "billed_yuan": float(f["billed_yuan"]),
                "collected_yuan": float(f["collected_yuan"]),
                "rate": rate(f["rate"]),
            }
            for f in figures["by_fee_type"]
        ],
        "by_building": [
            {
                **b,
                "billed_yuan": float(b["billed_yuan"]),
                "collected_yuan": float(b["collected_yuan"]),
                "rate": rate(b["rate"]),
            }
            for b in figures["by_building"]
        ],
        "arrears_as_of": (as_of - dt.timedelta(days=1)).isoformat(),
        "arrears": [
            {
                "unit": a["unit"],
                "building": a["building"],
                "arrears_yuan": float(a["arrears"]),
                "oldest_due": a["oldest_due"].isoformat(),
            }
            for a in owing
        ],
    }
    money = [_("Billed (yuan)"), _("Collected (yuan)"), _("Collection rate")]
    title = _("Collection report %(year)s · %(line)s") % {
        "year": span.label,
        "line": _line_name(line_id),
    }
    return Report(
        "collection",
        span,
        title,
        data,
        [
            (
                _("Per fee type"),
                [_("Fee type"), *money],
                [
                    [f["name"], f["billed_yuan"], f["collected_yuan"], _pct(f["rate"])]
                    for f in data["by_fee_type"]
                ]
                + [[_("Total"), data["billed_yuan"], data["collected_yuan"], _pct(data["rate"])]],
            ),
            (
                _("Per building"),
                [_("Building"), *money],
                [
                    [b["building"], b["billed_yuan"], b["collected_yuan"], _pct(b["rate"])]
                    for b in data["by_building"]
                ],
            ),
            (
                _("Households in arrears"),
                [_("Unit"), _("Building"), _("Arrears (yuan)"), _("Oldest due")],
                [
                    [a["unit"], a["building"], a["arrears_yuan"], a["oldest_due"]]
                    for a in data["arrears"]
                ],
            ),
        ],
    )


def repairs(user, value, line_id) -> Report:
    """The property office's repairs of a year per month (RPT-8): reported in the home and in
    public areas, done, done within the deadline (SR-2), called back and satisfied."""
    from django.db.models import F
    from django.db.models.functions import TruncMonth

    from kefu.property import selectors as prop
    from kefu.property.models import RepairScope

    span = periods.parse_year(value)
    start, end = span.bounds
    jobs = prop.repairs_for(user).filter(reported_at__gte=start, reported_at__lt=end)
    if line_id:
        jobs = jobs.filter(business_line_id=line_id)
    figures = ("home", "public", "total", "done", "on_time", "called_back", "satisfied")
    rows = {
        r["m"].strftime("%Y-%m"): r
        for r in jobs.annotate(m=TruncMonth("reported_at"))
        .values("m")
        .annotate(
            home=Count("pk", filter=Q(scope=RepairScope.HOME)),
            public=Count("pk", filter=Q(scope=RepairScope.PUBLIC)),
            total=Count("pk"),
            done=Count("pk", filter=Q(done_at__isnull=False)),
            on_time=Count("pk", filter=Q(done_at__isnull=False, done_at__lte=F("due_at"))),
            called_back=Count("pk", filter=Q(called_back_at__isnull=False)),
            satisfied=Count("pk", filter=Q(callback_satisfied=True)),
        )
        .order_by()
    }
    months = []
    day = span.start
    while day < span.end:
        month = st.month_of(day)
        row = rows.get(month.label, {})
        months.append({"month": month.label, **{f: row.get(f, 0) for f in figures}})
        day = month.end
    total = {f: sum(m[f] for m in months) for f in figures}
    data = {
        "year": span.label,
        "business_line": line_id,
        "months": months,
        "total": total,
        "on_time_rate": st._pct(total["on_time"], total["done"]),
        "satisfied_rate": st._pct(total["satisfied"], total["called_back"]),
    }
    headers = [
        _("Month"),
        _("In the home"),
        _("Public area"),
        _("Repairs"),
        _("Done"),
        _("Done in time"),
        _("Called back"),
        _("Satisfied"),
    ]
    body = [[m["month"], *(m[f] for f in figures)] for m in months]
    body.append([_("Total"), *(total[f] for f in figures)])
    title = _("Repair report %(year)s · %(line)s") % {
        "year": span.label,
        "line": _line_name(line_id),
    }
    return Report("repairs", span, title, data, [(_("Repairs per month"), headers, body)])


def _conversion_month(user, line_id, month: st.Month) -> dict:
    """One month's enquiries (咨询 tickets received), those followed by an order of their customer
    within the month (SEG-10: conversion = orders ÷ enquiries, 42 ÷ 1,459 = 2.88 %), and those
    whose customer record holds both 单位名称 and the install address (ARC-11: 993 ÷ 1,459 = 68 %)."""
    from django.db.models import Exists, OuterRef

    from kefu.customers.models import Order
    from kefu.tickets.models import TicketType

    _start, end = month.bounds
    enquiries = st._tickets(user, line_id, month).filter(type=TicketType.CONSULT)
    counts = enquiries.aggregate(
        enquiries=Count("id"),
        complete=Count("id", filter=~Q(customer__organisation="") & ~Q(customer__address="")),
    )
    # an enquiry converts when its customer placed an order after it, within the month (one
    # order per enquiry at most, so the rate never passes 100 %)
    ordered_after = Order.objects.filter(
        customer_id=OuterRef("customer_id"),
        placed_at__gte=OuterRef("created_at"),
        placed_at__lt=end,
    )
    orders = enquiries.filter(Exists(ordered_after)).count()
    return {
        "month": month.label,
        "enquiries": counts["enquiries"],
        "orders": orders,
        "conversion": st._pct(orders, counts["enquiries"]),
        "complete": counts["complete"],
        "completeness": st._pct(counts["complete"], counts["enquiries"]),
    }


def conversion(user, value, line_id) -> Report:
    """RPT-9: the month's conversion of enquiries into orders and the completeness of the
    enquiring customers' records, per team, with the twelve months up to it."""
    from kefu.accounts.models import Team
    from kefu.tickets.models import TicketType

    month, span = _month_span(value)
    figures = _conversion_month(user, line_id, month)
    per_team = (
        st._tickets(user, line_id, month)
        .filter(type=TicketType.CONSULT)
        .values("team_id")
        .annotate(
            enquiries=Count("id"),
            complete=Count("id", filter=~Q(customer__organisation="") & ~Q(customer__address="")),
        )
        .order_by()
    )
    per_team = list(per_team)
    names = dict(
        Team.objects.filter(pk__in=[r["team_id"] for r in per_team]).values_list("pk", "name")
    )
    teams = sorted(
        (
            {
                "team": names.get(r["team_id"]) or _("(no team)"),
                "enquiries": r["enquiries"],
                "complete": r["complete"],
                "completeness": st._pct(r["complete"], r["enquiries"]),
            }
            for r in per_team
        ),
        key=lambda t: t["team"],
    )
    months, m = [], month
    for _i in range(12):
        months.append(_conversion_month(user, line_id, m) if m != month else figures)
        m = m.previous()
    months.reverse()
    data = {"period": month.label, "business_line": line_id, **figures, "teams": teams}
    data["months"] = months
    title = _("Conversion and record completeness %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    trend_headers = [
        _("Month"),
        _("Enquiries"),
        _("Orders placed"),
        _("Conversion"),
        _("Complete records"),
        _("Record completeness"),
    ]
    return Report(
        "conversion",
        span,
        title,
        data,
        [
            (
                _("Enquiries per team"),
                [_("Team"), _("Enquiries"), _("Complete records"), _("Record completeness")],
                [[t["team"], t["enquiries"], t["complete"], _pct(t["completeness"])] for t in teams]
                + [
                    [
                        _("Total"),
                        figures["enquiries"],
                        figures["complete"],
                        _pct(figures["completeness"]),
                    ]
                ],
            ),
            (
                _("The last twelve months"),
                trend_headers,
                [
                    [
                        r["month"],
                        r["enquiries"],
                        r["orders"],
                        _pct(r["conversion"]),
                        r["complete"],
                        _pct(r["completeness"]),
                    ]
                    for r in months
                ],
            ),
        ],
    )


def training(user, value, line_id) -> Report:
    """The month-end training evaluation summary (TRN-5, TRN-8, SAT-6): the classes held in the
    month (those the line's plan named among them), hours, attendances, and course and trainer
    satisfaction from the class evaluations, micro-courses against all training."""
    from django.db.models import Sum
    from django.utils import timezone

    from kefu.core import scope
    from kefu.training.evaluation_selectors import satisfaction_board
    from kefu.training.models import Enrolment, TrainingClass

    month, span = _month_span(value)
    start, end = month.bounds
    held = TrainingClass.objects.filter(
        scope.business_line_q(user), starts_at__gte=start, starts_at__lt=min(end, timezone.now())
    )
    if line_id:
        held = held.filter(business_line_id=line_id)
    totals = held.aggregate(
        classes=Count("id"), planned=Count("id", filter=Q(plan__isnull=False)), hours=Sum("hours")
    )
    attended = Enrolment.objects.filter(training_class__in=held, status="attended").count()
    board = satisfaction_board(user, since=month.start, until=month.end, line_id=line_id)
    data = {
        "period": month.label,
        "business_line": line_id,
        "classes": totals["classes"],
        "planned": totals["planned"],
        "hours": float(totals["hours"] or 0),
        "attended": attended,
        "ratings": board["overall_ratings"],
        "satisfaction": board["overall"],
        "micro_satisfaction": board["micro"],
        "gap": board["gap"],
        "by_course": [
            {k: c[k] for k in ("title", "ratings", "satisfaction")} for c in board["by_course"]
        ],
        "by_trainer": [
            {k: t[k] for k in ("name", "ratings", "satisfaction")} for t in board["by_trainer"]
        ],
    }
    title = _("Month-end training summary %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    summary = [
        [_("Classes held"), data["classes"]],
        [_("Of them in the training plan"), data["planned"]],
        [_("Training hours"), data["hours"]],
        [_("Attendances"), data["attended"]],
        [_("Class evaluations"), data["ratings"]],
        [_("Course satisfaction"), _pct(data["satisfaction"])],
        [_("Micro-course satisfaction"), _pct(data["micro_satisfaction"])],
    ]
    rated = [_("Class evaluations"), _("Satisfaction")]
    return Report(
        "training",
        span,
        title,
        data,
        [
            (_("The month"), [_("Figure"), _("Value")], summary),
            (
                _("Per course"),
                [_("Course"), *rated],
                [[c["title"], c["ratings"], _pct(c["satisfaction"])] for c in data["by_course"]],
            ),
            (
                _("Per trainer"),
                [_("Trainer"), *rated],
                [[t["name"], t["ratings"], _pct(t["satisfaction"])] for t in data["by_trainer"]],
            ),
        ],
    )


def build(user, kind: str, value, *, business_line=None) -> Report:
    from kefu.reports.campaign_report import campaign_report
    from kefu.reports.repair_reports import aftersales, repeat_repairs
    from kefu.reports.review_report import poor_reviews

    line_id = st.line_for(user, business_line)
    return {
        "callbacks": callbacks_summary,
        "graded": graded_lists,
        "collection": collection,
        "repairs": repairs,
        "aftersales": aftersales,
        "repeat_repairs": repeat_repairs,
        "conversion": conversion,
        "training": training,
        "double11": campaign_report,
        "poor_reviews": poor_reviews,
    }[kind](user, value, line_id)
