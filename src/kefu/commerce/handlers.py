"""The app's reactions to domain events (subscribed in apps.py)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def on_indicator_warning(event) -> None:
    """SAT-7: the line's supervisors get an in-app notice (and e-mail / SMS after the commit) of a
    shop indicator close to an event's entry threshold."""
    from kefu.accounts.models import User
    from kefu.commerce.words import indicator_warning_text
    from kefu.customers.models import Shop
    from kefu.tickets.models_sla import Notification
    from kefu.tickets.notify import notify

    p = event.payload
    shop = Shop.objects.filter(pk=p["shop"]).first()
    supervisors = User.objects.filter(
        business_line_id=event.business_line_id, role="supervisor", is_active=True
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = indicator_warning_text(
            shop=shop.name if shop else "",
            code=p["code"],
            status=p["status"],
            value=p["value"],
            threshold=p["threshold"],
            event=p["event"],
        )
    notify(supervisors, kind=Notification.Kind.TASK, text=text[:300])
