"""The poor-review statistics workbook (CARE-3): one sheet of the period's 中差评, one of the counts
per day and grade; every row through ``core.xlsx.safe_row`` (a review text is never a formula)."""

from __future__ import annotations

import io
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from kefu.core.xlsx import XLSX, safe_row

__all__ = ["XLSX", "poor_reviews_xlsx"]
MAX_ROWS = 100_000


def poor_reviews_xlsx(reviews, first, last) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Poor reviews")[:31]
    ws.append(
        safe_row(
            [
                _("Reviewed at"),
                _("Shop"),
                pgettext("commerce", "Order"),
                _("Customer"),
                _("Rating"),
                pgettext("commerce", "Grade"),
                pgettext("commerce", "Review"),
                _("Replied"),
                _("Reply"),
                _("Callback task"),
            ]
        )
    )
    per_day: Counter = Counter()
    for r in reviews[:MAX_ROWS]:
        day = timezone.localtime(r.reviewed_at).date()
        per_day[(day, r.grade)] += 1
        ws.append(
            safe_row(
                [
                    timezone.localtime(r.reviewed_at).strftime("%Y-%m-%d %H:%M"),
                    r.shop.name,
                    r.order.order_no,
                    r.customer.name,
                    r.rating,
                    str(r.get_grade_display()),
                    r.text,
                    _("Yes") if r.replied_at else _("No"),
                    r.reply,
                    r.callback_id or "",
                ]
            )
        )
    summary = wb.create_sheet(pgettext("commerce", "Per day")[:31])
    summary.append(
        safe_row([pgettext("commerce", "Day"), _("Neutral (中评)"), _("Negative (差评)")])
    )
    for day in sorted({d for d, _g in per_day}):
        summary.append([day.isoformat(), per_day[(day, "medium")], per_day[(day, "poor")]])
    summary.append(
        safe_row(
            [
                _("Total %(first)s – %(last)s") % {"first": first, "last": last},
                sum(n for (_d, g), n in per_day.items() if g == "medium"),
                sum(n for (_d, g), n in per_day.items() if g == "poor"),
            ]
        )
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def registers_xlsx(registers, day) -> bytes:
    """RET-8: one sheet per register of ``day``: time, order, customer, details, status."""
    wb = Workbook()
    wb.remove(wb.active)
    header = [
        _("Time"),
        pgettext("commerce", "Order"),
        _("Customer"),
        _("Details"),
        _("Status"),
    ]
    for _code, title, rows in registers:
        ws = wb.create_sheet(title[:31].replace("/", " "))
        ws.append(safe_row([f"{title} · {day.isoformat()}"]))
        ws.append(safe_row(header))
        for r in rows[:MAX_ROWS]:
            ws.append(
                safe_row(
                    [
                        timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M"),
                        r.order_no,
                        r.customer,
                        r.detail,
                        r.status,
                    ]
                )
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
