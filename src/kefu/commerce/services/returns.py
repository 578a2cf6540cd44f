"""Returns, exchanges and two-key refunds (§9.6; RET-1…6, RET-10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.commerce import return_policy
from kefu.commerce.models import (
    OPEN_RETURN_STATUSES,
    Refund,
    RefundStatus,
    Return,
    ReturnStatus,
)
from kefu.commerce.ticket_link import check_ticket, note_on_ticket
from kefu.commerce.words import rule_message
from kefu.core import audit, scope
from kefu.core.business_calendar import calendar_for
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.customers.models import Order


def policy_for(line) -> return_policy.ReturnPolicy:
    return return_policy.ReturnPolicy.from_policy(
        line.policy("returns"), refunds_enabled=line.policy("refunds_enabled") is not False
    )


@transaction.atomic
def return_request(
    *,
    actor,
    order: Order,
    reason: str = "",
    opened: bool = False,
    exchange: bool = False,
    allergy: bool = False,
    requested_at: dt.datetime | None = None,
    ticket=None,
) -> Return:
    """Open a return or exchange if the policy allows it; a refusal changes nothing and says
    which rule refused (400). An order has one open return at a time (409 for a second, e.g.
    two agents clicking on the same card). ``ticket``: the conversation it came from (the order
    card), kept on the return and written on the ticket's timeline."""
    requested_at = requested_at or timezone.now()
    check_ticket(ticket, order)
    # one at a time per order: the order row is the lock two racing requests queue on
    Order.objects.select_for_update().filter(pk=order.pk).first()
    already = (
        Return.objects.filter(order=order, status__in=OPEN_RETURN_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    if already is not None:
        raise Conflict(
            _("A return of this order is already open (R%(id)s).") % {"id": already},
            code="return_open",
        )
    customer = order.customer
    line = customer.business_line
    if order.delivered_at is None:
        raise Invalid(_("The order has not been delivered yet: no return can be opened."))
    if requested_at < order.delivered_at:
        raise Invalid(_("The request cannot be earlier than the delivery."))
    policy = policy_for(line)
    verdict = return_policy.check(
        policy,
        tier=customer.tier,
        delivered_at=order.delivered_at,
        requested_at=requested_at,
        amount=order.amount,
        opened=opened,
        reason=return_policy.ALLERGY if allergy else "",
        refund=not exchange,
    )
    if not verdict.eligible:
        raise Invalid(rule_message(verdict.rule), code=f"return_{verdict.rule}")
    ret = Return.objects.create(
        business_line=line,
        order=order,
        customer=customer,
        exchange=exchange,
        reason=(reason or "").strip()[:200],
        opened=opened,
        amount=order.amount,
        vip=customer.tier in policy.vip_tiers,
        rule=verdict.rule,
        requested_at=requested_at,
        handled_by=actor if getattr(actor, "pk", None) else None,
        ticket=ticket,
    )
    audit.record(
        actor=actor,
        action="commerce.return_request",
        obj=ret,
        changes={
            "order": order.pk,
            "rule": verdict.rule,
            "exchange": exchange,
            "ticket": ticket.pk if ticket is not None else None,
        },
    )
    note_on_ticket(
        actor=actor,
        ticket=ticket,
        words=lambda: (
            (
                _("Exchange R%(id)s opened for order %(order)s (¥%(amount)s)")
                if exchange
                else _("Return R%(id)s opened for order %(order)s (¥%(amount)s)")
            )
            % {"id": ret.pk, "order": order.order_no, "amount": ret.amount}
        ),
    )
    return ret


_NEXT = {
    "approve": (("requested",), ReturnStatus.APPROVED),
    "ship_back": (("approved",), ReturnStatus.SHIPPED_BACK),
    "receive": (("approved", "shipped_back"), ReturnStatus.RECEIVED),
    "inspect": (("received",), ReturnStatus.INSPECTED),
    "refund": (("inspected",), ReturnStatus.REFUNDED),
    "exchange": (("inspected",), ReturnStatus.EXCHANGED),
    "refuse": (("inspected",), ReturnStatus.REFUSED),
    "dispute": (("refused",), ReturnStatus.DISPUTED),
}
STEPS = tuple(_NEXT)


@transaction.atomic
def return_step(
    *,
    actor,
    ret: Return,
    version: int,
    step: str,
    tracking_no: str = "",
    intact: bool | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    dispute_case_no: str = "",
) -> Return:
    """Move a return one step along RET-6. A stale ``version`` is refused (409); a step that
    does not follow from the status is refused (409); missing input is a 400."""
    if step not in _NEXT:
        raise Invalid(_("Unknown step."), fields={"step": _("Unknown.")})
    allowed, target = _NEXT[step]
    if ret.version != version:
        raise StaleWrite()
    if ret.status not in allowed:
        raise Conflict(_("This step does not follow from the return's current status."))
    now = at or timezone.now()
    changes: dict = {"status": target}
    if step == "approve":
        changes["approved_at"] = now
    elif step == "ship_back":
        tracking_no = (tracking_no or "").strip()
        if not tracking_no:
            raise Invalid(
                _("Enter the return tracking number."), fields={"tracking_no": _("Required.")}
            )
        changes["return_tracking_no"] = tracking_no[:60]
    elif step == "receive":
        policy = policy_for(ret.business_line)
        tier = ret.customer.tier
        changes["received_at"] = now
        calendar = None
        if policy.sla_clock == return_policy.BUSINESS:
            calendar = calendar_for(ret.business_line)  # the closed-loop SLA engine's calendar
        changes["due_at"] = return_policy.sla_due(
            policy, tier=tier, received_at=now, calendar=calendar
        )
    elif step == "inspect":
        if intact is None:
            raise Invalid(_("Say whether the goods are intact."), fields={"intact": _("Required.")})
        changes["intact"] = intact
        changes["inspected_at"] = now
        changes["inspection_note"] = (note or "").strip()[:2000]
    elif step == "refuse":
        if ret.intact:
            raise Invalid(_("Intact goods cannot be refused."))
    elif step == "refund":
        if ret.exchange:
            raise Invalid(_("This is an exchange: send the replacement instead of a refund."))
        if ret.business_line.policy("refunds_enabled") is False:
            raise Invalid(rule_message("refunds_off"), code="return_refunds_off")
    if step in ("refund", "exchange", "refuse"):
        changes["resolved_at"] = now
    changes["handled_by"] = actor
    updated = Return.objects.filter(pk=ret.pk, version=version).update(
        **changes, version=ret.version + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleWrite()
    before = ret.status
    for k, v in changes.items():
        setattr(ret, k, v)
    ret.version += 1
    if step == "refund":
        # the return's part ends here; granting the money is finance's second key (RET-5)
        Refund.objects.create(
            business_line_id=ret.business_line_id,
            order_id=ret.order_id,
            ret=ret,
            amount=ret.amount,
            status=RefundStatus.SUBMITTED,
            reviewed_by=actor,
            submitted_by=actor,
            submitted_at=now,
            priority=ret.customer.tier in policy_for(ret.business_line).green_tiers,
        )
    audit.record(
        actor=actor,
        action="commerce.return_step",
        obj=ret,
        changes={"status": [before, ret.status]},
    )
    if step == "dispute":
        # the buyer took it to the platform (CMP-11): the dispute opens in negotiation
        from kefu.commerce.services import disputes

        disputes.create_for_return(actor=actor, ret=ret, at=now, case_no=dispute_case_no)
    return ret


@transaction.atomic
def refund_create(*, actor, order: Order, amount) -> Refund:
    """客户审核: the agent has reviewed the customer's refund request."""
    line = order.customer.business_line
    if line.policy("refunds_enabled") is False:
        raise Invalid(rule_message("refunds_off"), code="refunds_off")
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise Invalid(_("The amount is not a number."), fields={"amount": _("Invalid.")}) from None
    if amount <= 0 or amount > order.amount:
        raise Invalid(
            _("The refund must be more than 0 and at most the order's amount."),
            fields={"amount": _("Invalid.")},
        )
    refund = Refund.objects.create(
        business_line=line, order=order, amount=amount, reviewed_by=actor
    )
    audit.record(
        actor=actor, action="commerce.refund_review", obj=refund, changes={"amount": str(amount)}
    )
    return refund


PENDING_REFUND_STATUSES = (RefundStatus.REVIEW, RefundStatus.SUBMITTED)


@transaction.atomic
def refund_request(*, actor, order: Order, amount, ticket=None) -> Refund:
    """A refund asked for beside the conversation (the order card): the agent's 客户审核 and
    提交退款 in one step; it waits in the back office's queue for the second key (财务审批 by
    somebody else). One refund of an order waits at a time (409 for a second)."""
    check_ticket(ticket, order)
    Order.objects.select_for_update().filter(pk=order.pk).first()
    waiting = (
        Refund.objects.filter(order=order, status__in=PENDING_REFUND_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    if waiting is not None:
        raise Conflict(
            _("A refund of this order is already waiting (F%(id)s).") % {"id": waiting},
            code="refund_waiting",
        )
    refund = refund_create(actor=actor, order=order, amount=amount)
    refund = refund_submit(actor=actor, refund=refund, version=refund.version)
    if ticket is not None:
        Refund.objects.filter(pk=refund.pk).update(ticket=ticket)
        refund.ticket = ticket
    note_on_ticket(
        actor=actor,
        ticket=ticket,
        words=lambda: (
            _("Refund F%(id)s of ¥%(amount)s for order %(order)s sent for approval")
            % {"id": refund.pk, "amount": refund.amount, "order": order.order_no}
        ),
    )
    return refund


def _move(refund: Refund, version: int, allowed: tuple, **changes) -> Refund:
    if refund.version != version:
        raise StaleWrite()
    if refund.status not in allowed:
        raise Conflict(_("This step does not follow from the refund's current status."))
    if not Refund.objects.filter(pk=refund.pk, version=version).update(
        **changes, version=version + 1, updated_at=timezone.now()
    ):
        raise StaleWrite()
    for k, v in changes.items():
        setattr(refund, k, v)
    refund.version = version + 1
    return refund


@transaction.atomic
def refund_submit(*, actor, refund: Refund, version: int) -> Refund:
    """提交退款."""
    _move(
        refund,
        version,
        (RefundStatus.REVIEW,),
        status=RefundStatus.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    audit.record(actor=actor, action="commerce.refund_submit", obj=refund, changes={})
    return refund


@transaction.atomic
def refund_decide(*, actor, refund: Refund, version: int, approve: bool) -> Refund:
    """财务审批, the second key: a lead or above who neither reviewed nor submitted it."""
    if not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Only a team lead or above approves refunds."))
    if actor.pk in (refund.reviewed_by_id, refund.submitted_by_id):
        raise PermissionDenied(
            _("Nobody approves their own refund: another person must approve it.")
        )
    status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
    _move(
        refund,
        version,
        (RefundStatus.SUBMITTED,),
        status=status,
        approved_by=actor,
        approved_at=timezone.now(),
    )
    audit.record(
        actor=actor, action="commerce.refund_decide", obj=refund, changes={"status": status}
    )
    return refund
