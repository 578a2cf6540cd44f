"""Small template helpers of the ticket pages."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist

from kefu.tickets.models import Ticket

register = template.Library()


@register.filter
def field_label(name: str) -> str:
    """The translated name of a ticket field, as the timeline shows it."""
    try:
        return str(Ticket._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
