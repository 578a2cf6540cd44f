"""Template filters that mask contact data for the viewing user and label segments."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from kefu.customers import selectors

register = template.Library()


@register.filter
def phone_for(phone: str, user) -> str:
    """``{{ customer.phone|phone_for:user }}`` → 138****1234 unless the user has full access."""
    return selectors.shown_phone(user, phone or "")


@register.filter
def address_for(address: str, user) -> str:
    return selectors.shown_address(user, address or "")


@register.filter
def segment_label(segment: str) -> str:
    return {"loyal": _("Loyal"), "general": _("General"), "lost": _("Lost")}.get(segment, "")


@register.filter
def segment_badge(segment: str) -> str:
    return {
        "loyal": "text-bg-success",
        "general": "text-bg-secondary",
        "lost": "text-bg-danger",
    }.get(segment, "text-bg-light")


@register.filter
def tier_badge(tier: str) -> str:
    return {
        "vip": "text-bg-danger",
        "gold": "text-bg-warning",
        "silver": "text-bg-info",
    }.get(tier, "text-bg-light")
