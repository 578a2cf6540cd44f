"""Reviews (CARE-1, CARE-3, FU-11): recorded from the platform, every one replied to, 中差评
called back through the followups app's callback service, 5 stars + photo tracked for the
cash-back."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.commerce import care_rules
from kefu.commerce.models import CashbackStatus, Review
from kefu.commerce.services.care import rules_for
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.customers.models import Order

MAX_TEXT = 2000


def _stars(value, field: str, *, required: bool) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        stars = int(value)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise Invalid(_("Give 1 to 5 stars."), fields={field: _("Give 1 to 5 stars.")})
    return stars


@transaction.atomic
def review_record(
    *,
    actor,
    order: Order,
    rating,
    text: str = "",
    has_photo: bool = False,
    dsr: dict | None = None,
    reviewed_at: dt.datetime | None = None,
) -> Review:
    """Record the buyer's review of ``order`` (one per order: a second answers 409). A neutral
    or negative one makes a callback task (FU-11); 5 stars with a photo earn the cash-back."""
    from kefu.followups.services.callbacks import callback_trigger

    if order.shop_id is None:
        raise Invalid(_("Only a shop's orders take reviews."), fields={"order": _("Not allowed.")})
    stars = _stars(rating, "rating", required=True)
    dsr = dsr or {}
    dsr_stars = {
        name: _stars(dsr.get(name), name, required=False)
        for name in ("dsr_item", "dsr_service", "dsr_logistics")
    }
    text = (text or "").replace("\x00", "").strip()
    if len(text) > MAX_TEXT:
        raise Invalid(_("The text is too long."), fields={"text": _("Too long.")})
    reviewed_at = reviewed_at or timezone.now()
    if Review.objects.filter(order=order).exists():
        raise Conflict(_("This order already has a review."))
    line = order.customer.business_line
    eligible = care_rules.cashback_eligible(stars, bool(has_photo))
    review = Review.objects.create(
        business_line=line,
        shop_id=order.shop_id,
        order=order,
        customer_id=order.customer_id,
        rating=stars,
        grade=care_rules.grade_of(stars),
        text=text,
        has_photo=bool(has_photo),
        reviewed_at=reviewed_at,
        cashback=CashbackStatus.ELIGIBLE if eligible else CashbackStatus.NONE,
        cashback_amount=rules_for(line).cashback_yuan if eligible else None,
        **dsr_stars,
    )
    if review.grade != care_rules.GOOD:
        task = callback_trigger(kind="review", customer=order.customer, at=reviewed_at, actor=actor)
        if task is not None:
            review.callback_id = task.pk
            review.save(update_fields=["callback_id"])
    audit.record(
        actor=actor,
        action="commerce.review_record",
        obj=review,
        changes={"order": order.pk, "rating": stars, "callback": review.callback_id},
    )
    return review


@transaction.atomic
def review_reply(*, actor, review: Review, version: int, text: str) -> Review:
    """Reply to a review (CARE-3: every review is replied to). A stale version answers 409."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise Invalid(_("Write the reply."), fields={"text": _("Required.")})
    if len(text) > MAX_TEXT:
        raise Invalid(_("The text is too long."), fields={"text": _("Too long.")})
    now = timezone.now()
    done = Review.objects.filter(pk=review.pk, version=version).update(
        reply=text, replied_at=now, replied_by=actor, version=F("version") + 1
    )
    if not done:
        raise StaleWrite()
    review.refresh_from_db()
    audit.record(actor=actor, action="commerce.review_reply", obj=review, changes={})
    return review


@transaction.atomic
def cashback_pay(*, actor, review: Review, version: int) -> Review:
    """Record the 5-star + photo cash-back as paid (a lead or above; 403 else); only an eligible,
    unpaid review (409 else)."""
    if not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Only a team lead or above records a cash-back as paid."))
    if review.cashback != CashbackStatus.ELIGIBLE:
        raise Conflict(_("This review has no cash-back to pay."))
    done = Review.objects.filter(
        pk=review.pk, version=version, cashback=CashbackStatus.ELIGIBLE
    ).update(
        cashback=CashbackStatus.PAID, cashback_paid_at=timezone.now(), version=F("version") + 1
    )
    if not done:
        raise StaleWrite()
    review.refresh_from_db()
    audit.record(
        actor=actor,
        action="commerce.cashback_pay",
        obj=review,
        changes={"amount": review.cashback_amount},
    )
    return review


def poor_reviews_export(*, actor, first: dt.date, last: dt.date) -> bytes:
    """The poor-review statistics workbook of [first, last] in the actor's scope (CARE-3);
    every export is audited."""
    from kefu.commerce import care_selectors, exports

    start, end = care_selectors.local_range(first, last)
    rows = care_selectors.poor_reviews_for(user=actor, start=start, end=end)
    body = exports.poor_reviews_xlsx(rows, first, last)
    audit.record(
        actor=actor,
        action="commerce.poor_reviews_export",
        business_line_id=getattr(actor, "business_line_id", None),
        changes={"first": first.isoformat(), "last": last.isoformat()},
    )
    return body
