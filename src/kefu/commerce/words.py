"""Words for the codes of the pure modules (rules, channels) and the app's audit actions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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
        "delivered": _("Delivered"),
        "closed": _("Closed"),
    }
    return labels.get(code, _("Unknown"))


def channel_label(code: str) -> str:
    from kefu.commerce.models import Channel

    try:
        return str(Channel(code).label)
    except ValueError:
        return _("Unknown")
