"""The door-visits tab of the property office (SEG-11): record a visit, the month's tally per
agent against the 4-household target, the month's visits; and the community activities tab
(PM-X5). A refused write re-renders the page with its message and the values entered (4xx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.idempotency import once
from kefu.property import visits as door_visits
from kefu.property.models import CentrePer
from kefu.property.views import _error

UNIT_CHOICES = 1000


def _page(request, *, error=None, status=200, entered=None):
    user = request.user
    context = {
        "tally": door_visits.monthly_tally(user, request.GET.get("month")),
        "units": door_visits.units_for(user)
        .select_related("customer")
        .order_by("building", "unit", "room")[:UNIT_CHOICES],
        "today": timezone.localdate(),
        "entered": entered or {},
        "error": error,
    }
    return render(request, "property/visits.html", context, status=status)


@login_required
def visits(request):
    return _page(request)


@login_required
@require_POST
@once
def visit_add(request):
    entered = {k: request.POST.get(k, "") for k in ("unit", "visited_on", "note")}
    try:
        door_visits.visit_record(
            actor=request.user,
            unit_id=entered["unit"],
            visited_on=entered["visited_on"],
            note=entered["note"],
        )
    except DomainError as exc:
        return _page(request, error=_error(exc), status=exc.status, entered=entered)
    return redirect("property:visits")


def _activities_page(request, *, error=None, status=200, entered=None):
    from kefu.property import activities

    context = {
        "calendar": activities.month_calendar(request.user, request.GET.get("month")),
        "centre_fees": activities.centre_fees_for(request.user),
        "per_choices": CentrePer.choices,
        "may_publish": activities.may_publish(request.user),
        "entered": entered or {},
        "error": error,
    }
    return render(request, "property/activities.html", context, status=status)


@login_required
def activities(request):
    """PM-X5: the community activities calendar with the activity centre's fees."""
    return _activities_page(request)


@login_required
@require_POST
@once
def activity_add(request):
    from kefu.property.activities import activity_publish

    entered = {k: request.POST.get(k, "") for k in ("title", "starts_at", "place", "fee_yuan")}
    try:
        activity_publish(actor=request.user, **entered)
    except DomainError as exc:
        return _activities_page(request, error=_error(exc), status=exc.status, entered=entered)
    return redirect("property:activities")


@login_required
@require_POST
@once
def centre_fee_add(request):
    """PM-X5: publish (or change) one of the activity centre's fees."""
    from kefu.property.activities import centre_fee_publish

    entered = {k: request.POST.get(k, "") for k in ("item", "price_yuan", "per", "note")}
    try:
        centre_fee_publish(actor=request.user, **entered)
    except DomainError as exc:
        return _activities_page(
            request, error=_error(exc), status=exc.status, entered={"fee": entered}
        )
    return redirect("property:activities")
