"""The report builder's demo rows (issue 22 §6): RPT-11's built-in analyses; for each
supervisor and manager two saved reports of their own (one shared in the line, one private);
their weekly and monthly e-mail subscriptions; and the deliveries of the past weeks and months
as the daily job would have logged them (the figures of the last one computed for real).

Idempotent: reports, subscriptions and deliveries that exist are kept."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

PAST_WEEKS = 8
PAST_MONTHS = 3
REPORTS = (
    (
        "各组首次响应与解决时长(本月)",
        "shared",
        {
            "dimensions": ["team"],
            "measures": ["count", "frt_median", "frt_p90", "res_median", "fr_sla_pct"],
            "filters": {"days": 30},
            "chart": "bar",
        },
    ),
    (
        "投诉按渠道逐周走势",
        "private",
        {
            "dimensions": ["week", "channel"],
            "measures": ["count", "res_median"],
            "filters": {"days": 90, "type": "complaint"},
            "chart": "line",
        },
    ),
)


def build_report_builder_rows(*, now: dt.datetime | None = None) -> dict[str, int]:
    from kefu.accounts.models import User
    from kefu.reports import builder_defs as defs
    from kefu.reports import builder_services
    from kefu.reports.builder_models import ReportDelivery, ReportSubscription, SavedReport

    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"reports": builder_services.ensure_builtins(), "subscriptions": 0, "deliveries": 0}
    bosses = User.objects.filter(role__in=("supervisor", "manager"), is_active=True).order_by("id")
    for person in bosses:
        if not person.email:  # the demo's mailbox for each of them (mail goes to the console)
            person.email = f"{person.username}@example.com"
            person.save(update_fields=["email"])
        with transaction.atomic():
            mine = {r.name: r for r in SavedReport.objects.filter(owner=person)}
            for name, visibility, definition in REPORTS:
                if name not in mine:
                    mine[name] = builder_services.report_create(
                        user=person, name=name, definition=definition, visibility=visibility
                    )
                    counts["reports"] += 1
            plan = (
                (mine[REPORTS[0][0]], "weekly"),
                (SavedReport.objects.get(builtin="service"), "monthly"),
            )
            for report, frequency in plan:
                sub = ReportSubscription.objects.filter(
                    report=report, recipient=person, frequency=frequency
                ).first()
                if sub is None:
                    sub = builder_services.subscribe(
                        user=person, report=report, recipient=person.pk, frequency=frequency
                    )
                    counts["subscriptions"] += 1
                counts["deliveries"] += _past(sub, today, defs, ReportDelivery)
    return counts


def _past(sub, today: dt.date, defs, ReportDelivery) -> int:  # noqa: N803
    """The deliveries of the last weeks or months, as sent at 07:05 of the day after each."""
    from kefu.reports import builder

    n = PAST_WEEKS if sub.frequency == "weekly" else PAST_MONTHS
    periods = []
    day = today
    for _i in range(n):
        start, end = defs.last_full(sub.frequency, day)
        periods.append((start, end))
        day = start
    have = set(
        ReportDelivery.objects.filter(subscription=sub).values_list("period_start", flat=True)
    )
    definition = defs.validate(sub.report.definition)
    tz = timezone.get_current_timezone()
    rows = []
    for start, end in periods:
        if start in have:
            continue
        result = builder.run(sub.recipient, defs.for_period(definition, start, end), today=end)
        sent = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(7, 5), tzinfo=tz)
        rows.append(
            ReportDelivery(
                subscription=sub,
                period_start=start,
                period_end=end,
                status="sent",
                address=sub.recipient.email,
                rows=len(result.rows),
                sent_at=sent,
            )
        )
    ReportDelivery.objects.bulk_create(rows)
    return len(rows)
