"""{% load audit_words %}: the audit log's codes as words (see ``kefu.core.audit_words``)."""

from __future__ import annotations

from django import template

from kefu.core import audit_words

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return audit_words.action_label(code)


@register.filter
def object_label(event) -> str:
    return audit_words.object_label(event.object_type, event.object_id)


@register.filter
def change_rows(event) -> list[tuple[str, str]]:
    return audit_words.change_rows(event.object_type, event.changes, event.action)
