"""The audit log in words: an action code (``ticket.update``), an object (``tickets.ticket``)
and a change (``{"status": ["new", "in_progress"]}``) as a reader says them."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "business_line.calendar": gettext_lazy("Business line calendar changed"),
    "business_line.create": gettext_lazy("Business line created"),
    "business_line.update": gettext_lazy("Business line changed"),
    "calendar_day.delete": gettext_lazy("Calendar day removed"),
    "calendar_day.set": gettext_lazy("Calendar day set"),
    "calendar_year.enter": gettext_lazy("Calendar year entered"),
    "callback.create": gettext_lazy("Callback task created"),
    "callback.issue_resolved": gettext_lazy("Callback issue resolved"),
    "callback.notice": gettext_lazy("Same-day task to tell the customer created"),
    "callback.notice_done": gettext_lazy("Customer told the solution"),
    "callback.outcome": gettext_lazy("Callback outcome recorded"),
    "complaint.grade": gettext_lazy("Complaint graded"),
    "complaint.handoff": gettext_lazy("Complaint handed off"),
    "complaint.handoff_done": gettext_lazy("Hand-off reported done"),
    "complaint.stage": gettext_lazy("Complaint stage changed"),
    "customer.buyer_account_add": gettext_lazy("Buyer account added"),
    "customer.archive_complete": gettext_lazy("Customer archive complete"),
    "customer.create": gettext_lazy("Customer created"),
    "customer.export": gettext_lazy("Customers exported"),
    "customer.import": gettext_lazy("Customers imported"),
    "customer.membership_add": gettext_lazy("Membership added"),
    "customer.merge": gettext_lazy("Customers merged"),
    "customer.merged_into": gettext_lazy("Customer merged into another"),
    "customer.note": gettext_lazy("Customer note added"),
    "customer.order_add": gettext_lazy("Order added"),
    "customer.reveal": gettext_lazy("Full phone number or address shown"),
    "customer.service_record_add": gettext_lazy("Service record added"),
    "customer.unit_add": gettext_lazy("Property unit added"),
    "customer.update": gettext_lazy("Customer changed"),
    "customer.vehicle_add": gettext_lazy("Vehicle added"),
    "customer.vehicle_update": gettext_lazy("Vehicle changed"),
    "department.create": gettext_lazy("Department created"),
    "department.update": gettext_lazy("Department changed"),
    "followups.absence_create": gettext_lazy("Absence recorded"),
    "followups.call_register": gettext_lazy("Call registered"),
    "followups.deputy_clear": gettext_lazy("Deputy removed"),
    "followups.deputy_set": gettext_lazy("Deputy set"),
    "followups.escalate": gettext_lazy("Escalated to a supervisor"),
    "followups.event_create": gettext_lazy("Follow-up event created"),
    "followups.export_calls": gettext_lazy("Call register exported"),
    "followups.export_letters": gettext_lazy("Letter register exported"),
    "followups.letter_register": gettext_lazy("Letter registered"),
    "followups.policy_update": gettext_lazy("Callback policy changed"),
    "followups.settings_update": gettext_lazy("Follow-up settings changed"),
    "kb.article.create": gettext_lazy("Article created"),
    "kb.article.import": gettext_lazy("Articles imported"),
    "kb.article.update": gettext_lazy("Article changed"),
    "kb.attachment.add": gettext_lazy("Article attachment added"),
    "kb.auto_reply.save": gettext_lazy("Auto-reply saved"),
    "kb.dictionary.add": gettext_lazy("Dictionary word added"),
    "kb.dictionary.remove": gettext_lazy("Dictionary word removed"),
    "kb.phrase.create": gettext_lazy("Quick reply created"),
    "kb.phrase.update": gettext_lazy("Quick reply changed"),
    "kb.phrase_set.create": gettext_lazy("Quick reply set created"),
    "kb.phrase_set.switch": gettext_lazy("Quick reply set switched"),
    "kb.rule.create": gettext_lazy("Language rule created"),
    "kb.rule.update": gettext_lazy("Language rule changed"),
    "kb.synonyms.delete": gettext_lazy("Synonyms removed"),
    "kb.synonyms.save": gettext_lazy("Synonyms saved"),
    "login.failed": gettext_lazy("Sign-in failed"),
    "login.success": gettext_lazy("Signed in"),
    "password.change": gettext_lazy("Password changed"),
    "routing.rule_create": gettext_lazy("Routing rule created"),
    "routing.rule_delete": gettext_lazy("Routing rule removed"),
    "routing.rule_update": gettext_lazy("Routing rule changed"),
    "routing.shift_set": gettext_lazy("Routing shift set"),
    "routing.team_strategy": gettext_lazy("Team assignment strategy set"),
    "shiftlog.addendum": gettext_lazy("Shift log addendum added"),
    "shiftlog.export": gettext_lazy("Shift log exported"),
    "shiftlog.sign": gettext_lazy("Shift log entry signed off"),
    "shiftlog.update": gettext_lazy("Shift log entry corrected"),
    "shiftlog.write": gettext_lazy("Shift log entry written"),
    "sla.level": gettext_lazy("SLA escalation level reached"),
    "sla.policies_seed": gettext_lazy("Default SLA policies loaded"),
    "sla.policy_create": gettext_lazy("SLA policy created"),
    "sla.policy_delete": gettext_lazy("SLA policy removed"),
    "sla.policy_update": gettext_lazy("SLA policy changed"),
    "survey.campaign_create": gettext_lazy("Survey campaign created"),
    "survey.question_add": gettext_lazy("Question added"),
    "survey.question_remove": gettext_lazy("Question removed"),
    "survey.questionnaire_create": gettext_lazy("Questionnaire created"),
    "survey.questionnaire_delete": gettext_lazy("Questionnaire removed"),
    "survey.questionnaire_update": gettext_lazy("Questionnaire changed"),
    "survey.response": gettext_lazy("Survey answered"),
    "survey.target_set": gettext_lazy("Survey target set"),
    "task.done": gettext_lazy("Task done"),
    "team.create": gettext_lazy("Team created"),
    "team.update": gettext_lazy("Team changed"),
    "ticket.attach": gettext_lazy("File attached to a ticket"),
    "ticket.bulk_update": gettext_lazy("Tickets changed in bulk"),
    "ticket.create": gettext_lazy("Ticket created"),
    "ticket.escalate": gettext_lazy("Escalated by hand"),
    "ticket.export": gettext_lazy("Tickets exported"),
    "ticket.note": gettext_lazy("Ticket note added"),
    "ticket.promise": gettext_lazy("Promise recorded"),
    "ticket.reply": gettext_lazy("Ticket replied"),
    "ticket.reply_delivery": gettext_lazy("Reply delivery recorded"),
    "ticket.reply_retry": gettext_lazy("Reply sent again"),
    "ticket.update": gettext_lazy("Ticket changed"),
    "token.create": gettext_lazy("API token created"),
    "token.revoke": gettext_lazy("API token revoked"),
    "unit.create": gettext_lazy("Hand-off unit created"),
    "user.create": gettext_lazy("User created"),
    "user.password_reset": gettext_lazy("Password reset"),
    "user.update": gettext_lazy("User changed"),
    "workforce.assignment_pin": gettext_lazy("Roster shift pinned"),
    "workforce.borrowed_add": gettext_lazy("Borrowed staff added"),
    "workforce.borrowed_remove": gettext_lazy("Borrowed staff removed"),
    "workforce.borrowed_training": gettext_lazy("Borrowed staff training recorded"),
    "workforce.checklist_update": gettext_lazy("Peak checklist changed"),
    "workforce.forecast_create": gettext_lazy("Forecast created"),
    "workforce.group_create": gettext_lazy("Skill group created"),
    "workforce.group_update": gettext_lazy("Skill group changed"),
    "workforce.intervals_import": gettext_lazy("Interval history imported"),
    "workforce.leave_add": gettext_lazy("Leave added"),
    "workforce.leave_delete": gettext_lazy("Leave removed"),
    "workforce.leave_update": gettext_lazy("Leave changed"),
    "workforce.peak_group_sizes": gettext_lazy("Peak group sizes changed"),
    "workforce.peak_plan_create": gettext_lazy("Peak plan created"),
    "workforce.peak_plan_update": gettext_lazy("Peak plan changed"),
    "workforce.profile_activate": gettext_lazy("Agent planning profile switched on or off"),
    "workforce.profile_set": gettext_lazy("Agent planning profile set"),
    "workforce.roster_create": gettext_lazy("Roster created"),
    "workforce.roster_reoptimise": gettext_lazy("Roster optimised again"),
    "workforce.shift_activate": gettext_lazy("Shift template switched on or off"),
    "workforce.shift_create": gettext_lazy("Shift template created"),
    "workforce.shift_update": gettext_lazy("Shift template changed"),
}
# messaging (kefu.channels.messaging)
ACTION_LABELS.update(
    {
        "message.send": gettext_lazy("SMS or IM message sent"),
        "message.receive": gettext_lazy("Customer message received"),
        "message.opt_out": gettext_lazy("Customer opted out of messages"),
        "message.web_form": gettext_lazy("Web form submitted"),
    }
)

# change keys that are not a field of the object they were recorded on
KEY_LABELS = {
    "asset": gettext_lazy("Asset"),
    "attachment": gettext_lazy("Attachment"),
    "count": gettext_lazy("Count"),
    "created": gettext_lazy("Created"),
    "days": gettext_lazy("Days"),
    "fields": gettext_lazy("Fields"),
    "from": gettext_lazy("From"),
    "group": gettext_lazy("Skill group"),
    "groups": gettext_lazy("Skill groups"),
    "id": gettext_lazy("Number"),
    "kind": gettext_lazy("Kind"),
    "name": gettext_lazy("Name"),
    "questions": gettext_lazy("Questions"),
    "reason": gettext_lazy("Reason"),
    "role": gettext_lazy("Role"),
    "rows": gettext_lazy("Rows"),
    "rule": gettext_lazy("Rule"),
    "size": gettext_lazy("Size"),
    "skipped": gettext_lazy("Skipped"),
    "ticket": gettext_lazy("Ticket"),
    "tickets": gettext_lazy("Tickets"),
    "to": gettext_lazy("To"),
    "updated": gettext_lazy("Updated"),
    "user": gettext_lazy("User"),
    "wape": gettext_lazy("Forecast error (WAPE)"),
    "year": gettext_lazy("Year"),
}


# changes whose value is a list of things, never a [before, after] pair
LIST_KEYS = {"created", "fields", "groups", "questions", "tickets"}
# changes that name records by their code: (action, key) → (model, code field, label attribute)
VALUE_LOOKUPS = {
    ("sla.policies_seed", "created"): ("tickets.SlaPolicy", "name", "label"),
    ("workforce.profile_set", "groups"): ("workforce.SkillGroup", "code", "name"),
}


# changes recorded on an object whose field they are not, read through the field of the model
# that keeps them (its label and choices): (action, key) → (model, field)
FIELDS_ELSEWHERE = {
    ("complaint.grade", "grade"): ("followups.ComplaintGrade", "grade"),
    ("complaint.grade", "rule"): ("followups.GradeChange", "rule"),
}


def _field_elsewhere(action: str, key: str):
    found = FIELDS_ELSEWHERE.get((action, key))
    return _field(_model(found[0]), found[1]) if found else None


def action_label(code: str) -> str:
    """The action in words; an action nobody named yet is shown as the change it records."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else _("Other change")


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def object_label(object_type: str, object_id: str) -> str:
    model = _model(object_type)
    name = str(model._meta.verbose_name) if model is not None else _("Other record")
    return f"{name} #{object_id}" if object_id else name


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _value(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(None, k)}: {_value(None, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_value(field, v) for v in value)
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    if value in choices:
        return str(choices[value])
    return str(value)


def _key_label(model, key: str) -> str:
    field = _field(model, key)
    if getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    return key.replace("_", " ")


def _named(action: str, key: str, value):
    """Codes of records (a policy's code name, a skill group's code) → the records' names."""
    lookup = VALUE_LOOKUPS.get((action, key))
    if lookup is None or not isinstance(value, list) or not value:
        return value
    label, code_field, attr = lookup
    model = apps.get_model(label)
    names = {}
    for obj in model.objects.filter(**{f"{code_field}__in": value}):
        names.setdefault(getattr(obj, code_field), str(getattr(obj, attr)))
    return [names.get(v, v) for v in value]


def change_rows(object_type: str, changes, action: str = "") -> list[tuple[str, str]]:
    """(label, value) for each recorded change; a [before, after] pair reads “before → after”."""
    if not isinstance(changes, dict):
        return [(_("Change"), _value(None, changes))]
    model = _model(object_type)
    rows = []
    for key, value in changes.items():
        own = _field(model, key)
        field = own or _field_elsewhere(action, key)
        value = _named(action, key, value)
        if (
            isinstance(value, list)
            and len(value) == 2
            and key not in LIST_KEYS
            and not any(isinstance(v, (list, dict)) for v in value)
        ):
            text = f"{_value(field, value[0])} → {_value(field, value[1])}"
        else:
            text = _value(field, value)
        if own is None and field is not None:
            label = capfirst(str(field.verbose_name))
        else:
            label = _key_label(model, key)
        rows.append((label, text))
    return rows
