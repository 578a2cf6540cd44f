"""§4 of issue 22, the repair rows: the 4S after-sales year (SEG-7, RPT-12, RPR-3: 首保, 续保 and
in-store events per month, vehicles received and delivered, comebacks and the comeback rate
against its < 2 % target) and the repair centre's repeat-repair rate per month and repairer
(RPR-2, RNK-5). The booking app owns the rows and the rules (``workshop.comeback_rate``,
``rules.repeat_rate``); this module shows them for a year, within the viewer's scope."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from kefu.reports import periods
from kefu.reports import statement as st
from kefu.reports.periodic_reports import Report, _line_name, _met, _pct

AFTERSALES = (
    "received",
    "first_service",
    "delivered",
    "comebacks",
    "renewals",
    "renewal_yuan",
    "events",
    "attendees",
)


def _rate_pct(value) -> float | None:
    """The booking rules' fraction (0.0150) as a percentage (1.5)."""
    return None if value is None else round(float(value) * 100, 2)


def _months(span: periods.Span) -> list[str]:
    labels, day = [], span.start
    while day < span.end:
        month = st.month_of(day)
        labels.append(month.label)
        day = month.end
    return labels


def _by_month(rows) -> dict[str, dict]:
    out = {}
    for row in rows:
        month = row.pop("m")
        out[month.strftime("%Y-%m")] = row
    return out


def aftersales(user, value, line_id) -> Report:
    """The 4S workshop's year per month: vehicles received (arrived or further), of them 首保,
    delivered, comebacks received and the comeback rate (comebacks ÷ delivered, RPR-3, the
    workshop desk's rule), 续保 sold with their premiums, in-store events and attendees."""
    from kefu.booking import workshop
    from kefu.booking.models import ActivityKind, AppointmentStatus, ServiceKind
    from kefu.booking.workshop_selectors import activities_for, appointments_for
    from kefu.booking.workshop_services import RECEIVED

    span = periods.parse_year(value)
    start, end = span.bounds
    jobs = appointments_for(user).filter(start_at__gte=start, start_at__lt=end)
    acts = activities_for(user).filter(happened_on__gte=span.start, happened_on__lt=span.end)
    if line_id:
        jobs, acts = jobs.filter(business_line_id=line_id), acts.filter(business_line_id=line_id)
    cars = _by_month(
        jobs.annotate(m=TruncMonth("start_at"))
        .values("m")
        .annotate(
            received=Count("pk", filter=Q(status__in=RECEIVED)),
            first_service=Count(
                "pk", filter=Q(status__in=RECEIVED, kind=ServiceKind.FIRST_SERVICE)
            ),
            delivered=Count("pk", filter=Q(status=AppointmentStatus.DELIVERED)),
            comebacks=Count("pk", filter=Q(status__in=RECEIVED, comeback_of__isnull=False)),
        )
        .order_by()
    )
    sold = _by_month(
        acts.annotate(m=TruncMonth("happened_on"))
        .values("m")
        .annotate(
            renewals=Count("pk", filter=Q(kind=ActivityKind.RENEWAL)),
            renewal_yuan=Sum("amount_yuan", filter=Q(kind=ActivityKind.RENEWAL)),
            events=Count("pk", filter=Q(kind=ActivityKind.STORE_EVENT)),
            attendees=Sum("attendees", filter=Q(kind=ActivityKind.STORE_EVENT)),
        )
        .order_by()
    )
    months = []
    for label in _months(span):
        row = {**cars.get(label, {}), **sold.get(label, {})}
        row = {f: row.get(f) or 0 for f in AFTERSALES}
        row["renewal_yuan"] = float(row["renewal_yuan"])
        rate = workshop.comeback_rate(row["comebacks"], row["delivered"])
        months.append(
            {
                "month": label,
                **row,
                "comeback_rate": _rate_pct(rate),
                "comeback_met": None if rate is None else workshop.comeback_ok(rate),
            }
        )
    total = {f: sum(m[f] for m in months) for f in AFTERSALES}
    year_rate = workshop.comeback_rate(total["comebacks"], total["delivered"])
    data = {
        "year": span.label,
        "business_line": line_id,
        "months": months,
        "total": total,
        "comeback_rate": _rate_pct(year_rate),
        "comeback_target": _rate_pct(workshop.COMEBACK_TARGET),
        "comeback_met": None if year_rate is None else workshop.comeback_ok(year_rate),
    }
    headers = [
        _("Month"),
        _("Vehicles received"),
        _("First services (首保)"),
        _("Vehicles delivered"),
        _("Comebacks"),
        _("Comeback rate"),
        _("Comeback rate < 2 %"),
        _("Insurance renewals (续保)"),
        _("Renewal premiums (yuan)"),
        _("In-store events"),
        _("Event attendees"),
    ]

    def line(label, r, rate, met):
        return [
            label,
            r["received"],
            r["first_service"],
            r["delivered"],
            r["comebacks"],
            _pct(rate),
            _met(met),
            r["renewals"],
            r["renewal_yuan"],
            r["events"],
            r["attendees"],
        ]

    body = [line(m["month"], m, m["comeback_rate"], m["comeback_met"]) for m in months]
    body.append(line(_("Total"), total, data["comeback_rate"], data["comeback_met"]))
    title = _("4S after-sales report %(year)s · %(line)s") % {
        "year": span.label,
        "line": _line_name(line_id),
    }
    return Report("aftersales", span, title, data, [(_("The workshop per month"), headers, body)])


def repeat_repairs(user, value, line_id) -> Report:
    """The repair centre's year: per month repairs received and repeat repairs (the same device
    with the same fault again within 90 days), the repeat-repair rate = repeats ÷ repairs
    (RPR-2), and per repairer the same with the month's lowest rate marked (RNK-5)."""
    from kefu.booking import rules
    from kefu.booking.repairs import orders_for

    span = periods.parse_year(value)
    orders = orders_for(user).filter(received_on__gte=span.start, received_on__lt=span.end)
    if line_id:
        orders = orders.filter(business_line_id=line_id)
    per_month = _by_month(
        orders.annotate(m=TruncMonth("received_on"))
        .values("m")
        .annotate(total=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)))
        .order_by()
    )
    months = []
    for label in _months(span):
        row = per_month.get(label, {})
        total, repeats = row.get("total", 0), row.get("repeats", 0)
        months.append(
            {
                "month": label,
                "total": total,
                "repeats": repeats,
                "rate": _rate_pct(rules.repeat_rate(repeats, total)),
            }
        )
    per_repairer = list(
        orders.annotate(m=TruncMonth("received_on"))
        .values("m", "repairer_id", "repairer__display_name", "repairer__username")
        .annotate(total=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)))
        .order_by("m", "repairer__display_name", "repairer_id")
    )
    repairers = [
        {
            "month": r["m"].strftime("%Y-%m"),
            "repairer": r["repairer__display_name"] or r["repairer__username"] or _("(nobody)"),
            "total": r["total"],
            "repeats": r["repeats"],
            "rate": _rate_pct(rules.repeat_rate(r["repeats"], r["total"])),
        }
        for r in per_repairer
    ]
    best: dict[str, float] = {}
    for r in repairers:
        best[r["month"]] = min(best.get(r["month"], r["rate"]), r["rate"])
    for r in repairers:
        r["lowest"] = r["rate"] == best[r["month"]]
    total = sum(m["total"] for m in months)
    repeats = sum(m["repeats"] for m in months)
    data = {
        "year": span.label,
        "business_line": line_id,
        "months": months,
        "repairers": repairers,
        "total": total,
        "repeats": repeats,
        "rate": _rate_pct(rules.repeat_rate(repeats, total)),
    }
    title = _("Repeat-repair report %(year)s · %(line)s") % {
        "year": span.label,
        "line": _line_name(line_id),
    }
    figures = [_("Repairs received"), _("Repeat repairs"), _("Repeat-repair rate")]
    return Report(
        "repeat_repairs",
        span,
        title,
        data,
        [
            (
                _("Per month"),
                [_("Month"), *figures],
                [[m["month"], m["total"], m["repeats"], _pct(m["rate"])] for m in months]
                + [[_("Total"), total, repeats, _pct(data["rate"])]],
            ),
            (
                _("Per repairer and month"),
                [_("Month"), _("Repairer"), *figures, _("Lowest of the month")],
                [
                    [
                        r["month"],
                        r["repairer"],
                        r["total"],
                        r["repeats"],
                        _pct(r["rate"]),
                        "★" if r["lowest"] else "",
                    ]
                    for r in repairers
                ],
            ),
        ],
    )
