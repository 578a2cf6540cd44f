"""Small template helpers of the ticket pages."""

from __future__ import annotations

from functools import cache

from django import template
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import Stage

register = template.Library()

# timeline entries whose field is not a column of the ticket
TIMELINE_FIELDS = {
    "complaint_stage": _("Complaint stage"),
    "handoff": _("Hand-off"),
    "promise": _("Promise"),
    "callback": _("Callback"),
    "grade": _("Complaint grade"),
    "escalation": _("Escalation"),
    # an order action taken from the order card beside the conversation (written by commerce)
    "order": _("Order action"),
}
# a timeline value and the note written after it, e.g. "重复投诉 · 两次回访未解决"
NOTE_SEPARATOR = " · "


@register.filter
def field_label(name: str) -> str:
    """The translated name of a ticket field, as the timeline shows it."""
    if name in TIMELINE_FIELDS:
        return str(TIMELINE_FIELDS[name])
    try:
        return capfirst(str(Ticket._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return str(_("Other field"))


def _choices(field: str):
    if field in ("status", "type", "channel", "priority"):
        return Ticket._meta.get_field(field).flatchoices
    if field == "complaint_stage":
        return Stage.choices
    if field == "grade":
        return apps.get_model("followups", "GradeChange")._meta.get_field("after").flatchoices
    return ()


@cache
def _codes(field: str) -> dict[str, str]:
    """Every spelling of a choice a timeline may hold (its code, its label in each language)
    → its code. Older entries hold the label in the language of the day they were written."""
    found = {}
    for code, label in _choices(field):
        found[str(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[str(label)] = code
    return found


@register.filter
def event_value(value: str, field: str) -> str:
    """A timeline value in the reader's language: a choice is shown by its label, whatever
    language (or code) it was stored in; other values are shown as they were written."""
    if not value:
        return value
    codes = _codes(field)
    if not codes:
        return value
    head, sep, note = str(value).partition(NOTE_SEPARATOR)
    code = codes.get(head)
    if code is None:
        return value
    label = str(dict(_choices(field))[code])
    return f"{label}{sep}{note}"
