"""The community activities calendar (PM-X5): supervisors and above publish an activity with
its time, place and the activity centre's fee (0 = free); everyone on the line sees the month's
calendar with the fees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.property.models import CommunityActivity

MAX_FEE = Decimal("99999")


def activities_for(user):
    return CommunityActivity.objects.filter(scope.business_line_q(user))


def may_publish(user) -> bool:
    return scope.at_least(user, scope.SUPERVISOR) and bool(user.business_line_id)


def _text(name: str, value, limit: int) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value or len(value) > limit:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("Required, at most %(n)d characters.") % {"n": limit}},
        )
    return value


@transaction.atomic
def activity_publish(*, actor, title, starts_at, place, fee_yuan="0") -> CommunityActivity:
    if not may_publish(actor):
        raise PermissionDenied(_("Only a supervisor or above of the line publishes activities."))
    title, place = _text("title", title, 100), _text("place", place, 60)
    try:
        start = (
            starts_at
            if isinstance(starts_at, dt.datetime)
            else dt.datetime.fromisoformat(starts_at)
        )
    except (TypeError, ValueError):
        raise Invalid(
            _("Enter a time such as 2026-11-24 19:00."),
            fields={"starts_at": _("Not a valid time.")},
        ) from None
    start = timezone.make_aware(start) if timezone.is_naive(start) else start
    if start < timezone.now():
        raise Invalid(_("Some fields are not valid."), fields={"starts_at": _("In the past.")})
    try:
        fee = Decimal(str(fee_yuan or "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        fee = Decimal(-1)
    if not fee.is_finite() or not 0 <= fee <= MAX_FEE:
        raise Invalid(
            _("Some fields are not valid."), fields={"fee_yuan": _("Between 0 and 99999 yuan.")}
        )
    activity = CommunityActivity.objects.create(
        business_line_id=actor.business_line_id,
        title=title,
        starts_at=start,
        place=place,
        fee_yuan=fee,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="property.activity",
        obj=activity,
        changes={"title": title, "fee_yuan": fee},
        business_line_id=actor.business_line_id,
    )
    return activity


def month_calendar(user, month: str | None = None) -> dict:
    today = timezone.localdate()
    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    rows = activities_for(user).filter(
        starts_at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        starts_at__lt=dt.datetime.combine(after, dt.time.min, tzinfo=tz),
    )
    return {"month": first, "activities": rows.order_by("starts_at", "id")[:200]}
