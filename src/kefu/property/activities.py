"""The community activities calendar (PM-X5): supervisors and above publish an activity with
its time, place and the activity centre's fee (0 = free), and the activity centre's standing
fees (a room by the hour, a gym card by the month); everyone on the line sees the month's
calendar and the fee list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.property.models import CentreFee, CentrePer, CommunityActivity

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


def centre_fees_for(user):
    return CentreFee.objects.filter(scope.business_line_q(user)).order_by("item", "id")


def _fee(value) -> Decimal:
    try:
        fee = Decimal(str(value if value not in (None, "") else "x")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        fee = Decimal(-1)
    if not fee.is_finite() or not 0 <= fee <= MAX_FEE:
        raise Invalid(
            _("Some fields are not valid."), fields={"price_yuan": _("Between 0 and 99999 yuan.")}
        )
    return fee


@transaction.atomic
def centre_fee_publish(*, actor, item, price_yuan, per, note="") -> CentreFee:
    """Publish an activity-centre fee, or change the published one of the same item."""
    if not may_publish(actor):
        raise PermissionDenied(_("Only a supervisor or above of the line publishes fees."))
    item = _text("item", item, 40)
    price = _fee(price_yuan)
    if per not in CentrePer.values:
        raise Invalid(_("Some fields are not valid."), fields={"per": _("Choose one of the list.")})
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > 100:
        raise Invalid(_("Some fields are not valid."), fields={"note": _("Too long.")})
    fee = (
        CentreFee.objects.select_for_update()
        .filter(business_line_id=actor.business_line_id, item=item)
        .first()
    )
    before = {} if fee is None else {"price_yuan": fee.price_yuan, "per": fee.per, "note": fee.note}
    after = {"price_yuan": price, "per": per, "note": note}
    if fee is None:
        fee = CentreFee.objects.create(
            business_line_id=actor.business_line_id, item=item, published_by=actor, **after
        )
    else:
        for key, value in after.items():
            setattr(fee, key, value)
        fee.published_by = actor
        fee.version += 1
        fee.save()
    audit.record(
        actor=actor,
        action="property.centre_fee",
        obj=fee,
        changes={"item": item, **audit.diff(before, after)},
        business_line_id=actor.business_line_id,
    )
    return fee
