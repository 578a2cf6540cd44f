"""{% order_card ticket %}: the customer's latest orders and their status beside the
conversation (the ticket page loads this library by name; tickets imports nothing of commerce)."""

from __future__ import annotations

from django import template

from kefu.commerce import order_merge, selectors
from kefu.commerce.words import order_status_label

register = template.Library()
CARD_ORDERS = 5


@register.inclusion_tag("commerce/_order_card.html", takes_context=True)
def order_card(context, ticket) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not ticket.customer_id:
        return {"orders": []}
    orders = list(
        selectors.customer_orders_for(user=user, customer_id=ticket.customer_id, limit=CARD_ORDERS)
    )
    for o in orders:
        o.stage = order_status_label(order_merge.status_of(o.__dict__))
    return {"orders": orders}
