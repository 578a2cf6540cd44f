"""Pages of care notices, shipment checks, reviews and shop indicators (issue 20 §4)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.commerce import care_rules, care_selectors, exports
from kefu.commerce.models import ReviewGrade
from kefu.commerce.services import reviews
from kefu.commerce.words import (
    care_kind_label,
    indicator_label,
    indicator_status_label,
)
from kefu.core.errors import DomainError

DAYS = 30


def _days(request) -> tuple[dt.date, dt.date]:
    """The period of the page: ?first=&last= (ISO dates) else the last 30 days."""
    today = timezone.localdate()
    try:
        last = (
            dt.date.fromisoformat(request.GET.get("last", "")) if request.GET.get("last") else today
        )
        first = (
            dt.date.fromisoformat(request.GET["first"])
            if request.GET.get("first")
            else last - dt.timedelta(days=DAYS - 1)
        )
    except (ValueError, OverflowError):  # OverflowError: 30 days before 0001-01-01
        return today - dt.timedelta(days=DAYS - 1), today
    if first > last or (last - first).days > 366 or first.year < 2000 or last.year > 9998:
        return today - dt.timedelta(days=DAYS - 1), today
    return first, last


@login_required
def care(request):
    today = timezone.localdate()
    start, end = care_selectors.local_range(today - dt.timedelta(days=6), today)
    counts = care_selectors.notice_counts_for(user=request.user, start=start, end=end)
    notices = [
        {
            "label": care_kind_label(kind),
            "sent": counts[kind].get("sent", 0),
            "waiting": counts[kind].get("pending", 0),
            "refused": counts[kind].get("refused", 0),
        }
        for kind in care_rules.KINDS
    ]
    yesterday = today - dt.timedelta(days=1)
    board = care_selectors.indicator_board_for(user=request.user)
    for entry in board:
        entry["rows"] = [
            {
                "event": c.event,
                "label": indicator_label(c.code),
                "value": c.value,
                "threshold": c.threshold,
                "status": c.status,
                "status_label": indicator_status_label(c.status),
            }
            for c in entry["checks"]
        ]
    return render(
        request,
        "commerce/care.html",
        {
            "notices": notices,
            "yesterday": yesterday,
            "check": care_selectors.shipment_check_for(user=request.user, day=yesterday),
            "board": board,
        },
    )


@login_required
def review_list(request):
    first, last = _days(request)
    start, end = care_selectors.local_range(first, last)
    grade = request.GET.get("grade", "")
    unreplied = request.GET.get("unreplied") == "1"
    return render(
        request,
        "commerce/review_list.html",
        {
            "first": first,
            "last": last,
            "figures": care_selectors.review_figures_for(user=request.user, start=start, end=end),
            "items": care_selectors.reviews_for(
                user=request.user, grade=grade, unreplied=unreplied
            ),
            "grade": grade,
            "unreplied": unreplied,
            "grades": ReviewGrade.choices,
        },
    )


@login_required
@require_POST
def review_reply(request, pk: int):
    review = care_selectors.review_get_for(user=request.user, pk=pk)
    try:
        reviews.review_reply(
            actor=request.user,
            review=review,
            version=int(request.POST.get("version", "0") or 0),
            text=request.POST.get("text", ""),
        )
    except ValueError:
        messages.error(request, _("The page was out of date: reload it and try again."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The reply is saved."))
    return redirect("commerce:reviews")


@login_required
@require_POST
def review_cashback(request, pk: int):
    review = care_selectors.review_get_for(user=request.user, pk=pk)
    try:
        reviews.cashback_pay(
            actor=request.user,
            review=review,
            version=int(request.POST.get("version", "0") or 0),
        )
    except ValueError:
        messages.error(request, _("The page was out of date: reload it and try again."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The cash-back is recorded as paid."))
    return redirect("commerce:reviews")


@login_required
def poor_reviews_export(request):
    first, last = _days(request)
    body = reviews.poor_reviews_export(actor=request.user, first=first, last=last)
    name = _("poor-reviews-%(first)s-%(last)s.xlsx") % {"first": first, "last": last}
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
