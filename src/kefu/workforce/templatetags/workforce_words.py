"""{% load workforce_words %}: the planning pages' codes as words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# the topic of each peak-event checklist item, by the requirement it comes from
CHECKLIST_TOPICS = {
    "PK-1": _("Event team"),
    "PK-2": _("Phase checklist"),
    "PK-3": _("Training"),
    "PK-4": _("Certification"),
    "PK-5": _("Warehouse"),
    "PK-6": _("Incentives"),
    "PK-7": _("Targets"),
}


@register.filter
def checklist_topic(spec_ref: str) -> str:
    """The topic of a checklist item (“Training”), never its requirement tag (“PK-3”)."""
    topic = CHECKLIST_TOPICS.get(spec_ref)
    return str(topic) if topic is not None else ""
