"""{% order_card ticket %}: the customer's latest orders beside the conversation, their status,
the return, refund or logistics case under way, and the one-click actions (a return or exchange
with the §9.6 policy shown first, a refund for the second key, a 查件 / 延长收货时间 case), each a
plain POST that comes back to the ticket. The ticket page loads this library by name; tickets
imports nothing of commerce."""

from __future__ import annotations

from django import template

from kefu.accounts.desks import COMMERCE, has_desk
from kefu.commerce import selectors
from kefu.commerce.order_card import card_orders, case_kind_choices

register = template.Library()
CARD_ORDERS = 5


@register.inclusion_tag("commerce/_order_card.html", takes_context=True)
def order_card(context, ticket) -> dict:
    request = context.get("request")
    return card_context(getattr(request, "user", None), ticket, context.get("csrf_token"))


def card_context(user, ticket, csrf_token) -> dict:
    """What the card shows to ``user`` beside ``ticket`` (the ticket page, and the card alone
    when an action answers an htmx request)."""
    if user is None or not ticket.customer_id:
        return {"orders": []}
    orders, by_order = selectors.order_card_for(
        user=user, customer_id=ticket.customer_id, limit=CARD_ORDERS
    )
    if not orders:
        return {"orders": []}
    line = next((o.shop.business_line for o in orders if o.shop_id), None)
    items = card_orders(orders=orders, by_order=by_order, tier=orders[0].customer.tier, line=line)
    return {
        "orders": items,
        "ticket": ticket,
        "actions": line is not None and has_desk(user, COMMERCE),
        "case_kinds": case_kind_choices(),
        "csrf_token": csrf_token,
    }
