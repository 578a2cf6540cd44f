"""``{% idempotency_field %}``: the hidden token of a create form (``core.idempotency``)."""

from django import template

from kefu.core import idempotency

register = template.Library()


@register.simple_tag
def idempotency_field():
    return idempotency.field()
