"""The 4S advisor's workshop page: the day's slots by load (quiet hours first), booking a vehicle,
moving appointments along with the customer told at each step, a progress word during the repair,
the month's figures against the targets, and recording 续保 and in-store events. A refused write
re-renders the page with its message (4xx)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.booking import workshop, workshop_selectors, workshop_services
from kefu.booking.models import ActivityKind, AppointmentStatus, ServiceKind
from kefu.core import scope
from kefu.core.errors import DomainError
from kefu.core.idempotency import once

VEHICLE_CHOICES = 200


def _day(request) -> dt.date:
    text = request.GET.get("day") or request.POST.get("day") or ""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return timezone.localdate()
    return day if dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1) else timezone.localdate()


def _page(request, *, error=None, status=200):
    user, day = request.user, _day(request)
    board = workshop_selectors.day_board(user, day)
    appointments = (
        list(board["appointments"].prefetch_related("updates")[:100]) if board["workshop"] else []
    )
    labels = dict(AppointmentStatus.choices)
    for item in appointments:
        item.moves = [(s, labels[s]) for s in workshop.NEXT_STATUS[item.status]]
    vehicles = workshop_selectors.vehicles_for(user)[:VEHICLE_CHOICES]
    context = {
        "day": day,
        "prev_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "board": board,
        "appointments": appointments,
        "months": workshop_selectors.monthly_figures(user),
        "vehicles": vehicles,
        "kinds": ServiceKind.choices,
        "activity_kinds": ActivityKind.choices,
        "today": timezone.localdate(),
        "may_set": scope.at_least(user, scope.SUPERVISOR),
        "error": error,
    }
    return render(request, "booking/workshop.html", context, status=status)


@login_required
def workshop_page(request):
    return _page(request)


def _back(request):
    return redirect(f"{reverse('booking:workshop')}?day={_day(request).isoformat()}")


def _run(request, action):
    try:
        action()
    except DomainError as exc:
        error = {"message": str(exc.message), "fields": [str(v) for v in exc.fields.values()]}
        return _page(request, error=error, status=exc.status)
    return _back(request)


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else 0


@login_required
@require_POST
@once
def appointment_new(request):
    post = request.POST
    return _run(
        request,
        lambda: workshop_services.appointment_book(
            actor=request.user,
            customer_id=None,
            vehicle_id=_int(post.get("vehicle", "")) or -1,
            kind=post.get("kind", ""),
            start_at=post.get("start_at", ""),
            estimate_hours=post.get("estimate_hours", ""),
            comeback_of_id=_int(post.get("comeback_of", "")) or None,
            note=post.get("note", ""),
        ),
    )


@login_required
@require_POST
def appointment_move(request, pk: int):
    post = request.POST
    return _run(
        request,
        lambda: workshop_services.appointment_move(
            actor=request.user,
            appointment_id=pk,
            version=_int(post.get("version", "")),
            status=post.get("status", ""),
        ),
    )


@login_required
@require_POST
def appointment_progress(request, pk: int):
    return _run(
        request,
        lambda: workshop_services.appointment_progress(
            actor=request.user, appointment_id=pk, text=request.POST.get("text", "")
        ),
    )


@login_required
@require_POST
@once
def activity_new(request):
    post = request.POST
    return _run(
        request,
        lambda: workshop_services.activity_record(
            actor=request.user,
            kind=post.get("kind", ""),
            happened_on=post.get("happened_on", ""),
            customer_id=_int(post.get("customer", "")) or None,
            title=post.get("title", ""),
            amount_yuan=post.get("amount_yuan") or None,
            attendees=post.get("attendees") or None,
        ),
    )


@login_required
@require_POST
def workshop_settings(request):
    """A supervisor (or above) sets the bays, mechanics, advisors, hours and intake targets."""
    post = request.POST

    def number(name: str) -> int:
        return _int(post.get(name, "")) or -1

    return _run(
        request,
        lambda: workshop_services.workshop_set(
            actor=request.user,
            bays=number("bays"),
            mechanics=number("mechanics"),
            advisors=number("advisors"),
            opens=post.get("opens", ""),
            closes=post.get("closes", ""),
            day_target=number("day_target"),
            month_target=number("month_target"),
        ),
    )
