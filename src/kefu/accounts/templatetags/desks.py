"""``{% line_desks as desks %}``: the More menu's desks the signed-in user works at
(``accounts.desks``)."""

from __future__ import annotations

from django import template

from kefu.accounts.desks import desks_for

register = template.Library()


@register.simple_tag(takes_context=True)
def line_desks(context) -> frozenset[str]:
    return desks_for(context.get("user"))
