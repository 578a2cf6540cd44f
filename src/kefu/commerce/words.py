"""Words for the codes of the pure modules (rules, channels) and the app's audit actions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy


def rule_message(rule: str) -> str:
    messages = {
        "refunds_off": _("Refunds are switched off for this business line (no refunds)."),
        "window_expired": _("The return window after delivery has passed."),
        "opened_refused": _("Opened goods cannot be returned under this customer's policy."),
        "green_allergy": _(
            "Allowed: members may return items that caused an allergy, even opened."
        ),
        "opened_under_limit": _(
            "Allowed: higher-tier customers may return opened items under 500 yuan."
        ),
        "higher_tier_window": _(
            "Allowed: higher-tier customers have 30 days of no-reason returns."
        ),
        "no_reason_window": _("Allowed: 7-day no-reason return or exchange after delivery."),
    }
    return messages.get(rule, _("The policy does not allow this."))


ACTION_LABELS = {
    "commerce.orders_import": gettext_lazy("Orders imported"),
    "commerce.shop_create": gettext_lazy("Shop created"),
    "commerce.campaign_create": gettext_lazy("Payment-reminder campaign created"),
    "commerce.reminder_call": gettext_lazy("Payment-reminder call recorded"),
    "commerce.return_request": gettext_lazy("Return opened"),
    "commerce.return_step": gettext_lazy("Return moved on"),
    "commerce.refund_review": gettext_lazy("Refund reviewed"),
    "commerce.refund_submit": gettext_lazy("Refund submitted"),
    "commerce.refund_decide": gettext_lazy("Refund decided"),
}


def order_status_label(code: str) -> str:
    labels = {
        "placed": _("Awaiting payment"),
        "paid": _("Paid"),
        "shipped": _("Shipped"),
        "delivered": pgettext("commerce", "Delivered"),
        "closed": _("Closed"),
    }
    return labels.get(code, _("Unknown"))


def channel_label(code: str) -> str:
    from kefu.commerce.models import Channel

    try:
        return str(Channel(code).label)
    except ValueError:
        return _("Unknown")


# the words of the archive's shop and order fields added for commerce (customers migration 0005)
# are kept in this app's catalogue
ORDER_FIELD_WORDS = (
    gettext_lazy("shop"),
    gettext_lazy("shops"),
    gettext_lazy("platform"),
    pgettext_lazy("commerce", "active"),
    gettext_lazy("buyer platform ID"),
    gettext_lazy("order lines"),
    gettext_lazy("shipped at"),
    pgettext_lazy("commerce", "delivered at"),
    gettext_lazy("closed at"),
    gettext_lazy("courier"),
    pgettext_lazy("commerce", "tracking number"),
    gettext_lazy("warehouse city"),
    gettext_lazy("buyer online"),
    gettext_lazy("status time"),
)

ACTION_LABELS.update(
    {
        "commerce.review_record": gettext_lazy("Review recorded"),
        "commerce.review_reply": gettext_lazy("Review replied to"),
        "commerce.cashback_pay": gettext_lazy("Review cash-back paid"),
        "commerce.poor_reviews_export": gettext_lazy("Poor-review statistics exported"),
    }
)


def care_kind_label(kind: str) -> str:
    labels = {
        "unshipped": _("Not shipped yet"),
        "shipped": _("Dispatched"),
        "delivered": pgettext("commerce", "Delivered"),
        "confirm": _("Confirm receipt"),
    }
    return labels.get(kind, kind)


def indicator_label(code: str) -> str:
    labels = {
        "dsr_item": _("DSR: item as described"),
        "dsr_service": _("DSR: service"),
        "dsr_logistics": _("DSR: logistics"),
        "refund_rate": _("Refund rate (30 days, %)"),
        "dispute_rate": _("Dispute rate (30 days, %)"),
    }
    return labels.get(code, code)


def indicator_status_label(status: str) -> str:
    labels = {
        "ok": _("Meets the threshold"),
        "warn": _("Warning: close to the threshold"),
        "below": _("Below the threshold: cannot enter"),
    }
    return labels.get(status, status)


def group_label(code: str) -> str:
    labels = {
        "presale": _("Pre-sale reception (售前接待)"),
        "reminders": _("Order and payment reminders (催单/催付)"),
        "aftersales": _("After-sales (售后)"),
        "refunds": _("Refunds (退款)"),
        "vip": _("VIP service (VIP服务组)"),
        "returns": _("Returns and exchanges (退换货)"),
    }
    return labels.get(code, code)


def target_label(code: str) -> str:
    labels = {
        "reminder_order_rate": _("Reminders: recovered-order rate (%)"),
        "reminder_amount": _("Reminders: recovered amount (yuan)"),
        "refunds_completed": _("Refunds completed"),
        "returns_on_time": _("Returns processed in time (%)"),
    }
    return labels.get(code, code)


ACTION_LABELS.update(
    {
        "commerce.inspection": gettext_lazy("Parcel unpacked and inspected"),
        "commerce.reshipment_create": gettext_lazy("Reshipment requested"),
        "commerce.reshipment_send": gettext_lazy("Reshipment sent"),
        "commerce.reshipment_check": gettext_lazy("Reshipment checked"),
        "commerce.case_open": gettext_lazy("Logistics case opened"),
        "commerce.case_step": gettext_lazy("Logistics case moved on"),
        "commerce.registers_export": gettext_lazy("Daily after-sales registers exported"),
    }
)


def case_step_label(step: str) -> str:
    labels = {
        "confirm": _("Confirm the loss"),
        "weigh": _("Record the weight check"),
        "query": _("Record the query to the courier"),
        "remedy": _("Reship or refund"),
        "claim": _("Claim from the courier"),
        "close": _("Close the case"),
    }
    return labels.get(step, step)


def indicator_warning_text(
    *, shop: str, code: str, status: str, value, threshold, event: str
) -> str:
    """The supervisors' notice of an indicator close to (or past) an event's threshold."""
    return _(
        "%(shop)s: %(indicator)s is %(value)s against %(event)s's threshold %(threshold)s "
        "(%(status)s)."
    ) % {
        "shop": shop,
        "indicator": indicator_label(code),
        "value": value,
        "event": event,
        "threshold": threshold,
        "status": indicator_status_label(status),
    }


def forecast_stage_label(stage: str) -> str:
    """STF-3: the stage of an order when its refund is asked for."""
    labels = {
        "unshipped": pgettext("commerce", "Not shipped (未发货)"),
        "shipped": pgettext("commerce", "Shipped (已发货)"),
        "received": pgettext("commerce", "Received (已收货)"),
    }
    return labels.get(stage, stage)


ACTION_LABELS.update(
    {
        "commerce.dispute_open": gettext_lazy("Platform dispute opened"),
        "commerce.dispute_contact": gettext_lazy("Dispute: contact with the buyer logged"),
        "commerce.dispute_evidence": gettext_lazy("Dispute: evidence added"),
        "commerce.dispute_appeal": gettext_lazy("Dispute: appeal pack submitted"),
        "commerce.dispute_close": gettext_lazy("Platform dispute closed"),
    }
)


def appeal_missing_label(code: str) -> str:
    labels = {
        "contact": _("a logged contact with the buyer"),
        "purchase": _("a purchase proof (进货凭证)"),
        "chat": _("a chat log (聊天记录)"),
    }
    return labels.get(code, code)


def prepack_kind_label(kind: str) -> str:
    """PK-5: the kinds of goods packed ahead of the event."""
    from kefu.commerce.models import PrePackKind

    try:
        return str(PrePackKind(kind).label)
    except ValueError:
        return _("Unknown")


ACTION_LABELS.update(
    {
        "commerce.warehouse_forecast": gettext_lazy("Warehouse: orders expected recorded"),
        "commerce.prepack_add": gettext_lazy("Warehouse: pre-pack planned"),
        "commerce.prepack_update": gettext_lazy("Warehouse: pre-pack updated"),
        "commerce.courier_set": gettext_lazy("Warehouse: courier chosen"),
    }
)
