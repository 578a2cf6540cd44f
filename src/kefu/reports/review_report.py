"""§4 of issue 22, the e-commerce row's poor-review report (CARE-3, FU-11): the month's 中差评
per shop — neutral and negative, replied, called back — and the list itself, as a page, .xlsx
and printable PDF within the viewer's scope. The rows and the reply-rate rule are the commerce
app's (``care_selectors.poor_reviews_for``, ``care_rules.reply_rate``); the shop's own
workbook stays on its reviews page."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.reports import periods
from kefu.reports import statement as st
from kefu.reports.periodic_reports import Report, _line_name

MAX_ROWS = 2_000  # the page's list (capability_reports.MAX_ROWS); the counts cover every row


def poor_reviews(user, value, line_id) -> Report:
    from kefu.commerce import care_rules
    from kefu.commerce.care_selectors import poor_reviews_for

    month = st.parse_month(value)
    span = periods.Span(month.label, month.start, month.end)
    start, end = month.bounds
    rows = poor_reviews_for(user=user, start=start, end=end)
    if line_id:
        rows = rows.filter(business_line_id=line_id)
    per_shop = list(
        rows.values("shop__name")
        .annotate(
            medium=Count("id", filter=Q(grade="medium")),
            poor=Count("id", filter=Q(grade="poor")),
            total=Count("id"),
            replied=Count("id", filter=Q(replied_at__isnull=False)),
            called=Count("id", filter=Q(callback_id__isnull=False)),
        )
        .order_by("shop__name")
    )
    shops = [
        {
            "shop": r["shop__name"],
            **{k: r[k] for k in ("medium", "poor", "total", "replied", "called")},
            "reply_rate": _float(care_rules.reply_rate(r["replied"], r["total"])),
        }
        for r in per_shop
    ]
    figures = ("medium", "poor", "total", "replied", "called")
    total = {k: sum(s[k] for s in shops) for k in figures}
    total["reply_rate"] = _float(care_rules.reply_rate(total["replied"], total["total"]))
    listed = [
        {
            "reviewed_at": timezone.localtime(r.reviewed_at).strftime("%Y-%m-%d %H:%M"),
            "shop": r.shop.name,
            "order": r.order.order_no,
            "customer": r.customer.name,
            "rating": r.rating,
            "grade": str(r.get_grade_display()),
            "text": r.text,
            "replied": r.replied_at is not None,
            "called_back": r.callback_id is not None,
        }
        for r in rows[:MAX_ROWS]
    ]
    data = {
        "period": month.label,
        "business_line": line_id,
        "shops": shops,
        "total": total,
        "reviews": listed,
    }
    counts = [
        _("Neutral (中评)"),
        _("Negative (差评)"),
        _("Poor reviews"),
        _("Replied"),
        _("Reply rate"),
        _("Called back"),
    ]

    def line(name, r):
        rate = "—" if r["reply_rate"] is None else f"{r['reply_rate']:.2f} %"
        return [name, r["medium"], r["poor"], r["total"], r["replied"], rate, r["called"]]

    yes, no = _("Yes"), _("No")
    title = _("Poor-review report %(period)s · %(line)s") % {
        "period": month.label,
        "line": _line_name(line_id),
    }
    return Report(
        "poor_reviews",
        span,
        title,
        data,
        [
            (
                _("Per shop"),
                [_("Shop"), *counts],
                [line(s["shop"], s) for s in shops] + [line(_("Total"), total)],
            ),
            (
                _("Poor reviews"),
                [
                    _("Reviewed at"),
                    _("Shop"),
                    pgettext("commerce", "Order"),
                    _("Customer"),
                    _("Rating"),
                    pgettext("commerce", "Grade"),
                    pgettext("commerce", "Review"),
                    _("Replied"),
                    _("Called back"),
                ],
                [
                    [
                        r["reviewed_at"],
                        r["shop"],
                        r["order"],
                        r["customer"],
                        r["rating"],
                        r["grade"],
                        r["text"],
                        yes if r["replied"] else no,
                        yes if r["called_back"] else no,
                    ]
                    for r in listed
                ],
            ),
        ],
    )


def _float(value) -> float | None:
    return None if value is None else float(value)
