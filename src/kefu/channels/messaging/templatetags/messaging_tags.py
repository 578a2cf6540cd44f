from django import template

from kefu.core.masking import mask_phone

register = template.Library()


@register.filter
def masked(value: str) -> str:
    """A phone number as 138****8000; an IM account as it is."""
    return mask_phone(value) if value and value.isdigit() else value
