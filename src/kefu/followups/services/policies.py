"""Cadence policies per business line and the line-wide followup settings."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.accounts.models import BusinessLine
from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.followups import cadence
from kefu.followups.models import CadencePolicy, Kind

SCRIPTS = {
    Kind.RESOLUTION_FIRST: gettext_lazy(
        "Hello, this is customer service. We are calling about the issue we resolved for you "
        "recently. Is everything working well now? Are you satisfied with how we handled it?"
    ),
    Kind.RESOLUTION_SECOND: gettext_lazy(
        "Hello, this is customer service again. How has it been since our last call? Is there "
        "anything new we can help you with? (Do not repeat the first call's questions.)"
    ),
    Kind.EVENT_NOTICE: gettext_lazy(
        "Hello, we would like to invite you to our event: tell the customer its content, date "
        "and address, and that a written invitation follows."
    ),
    Kind.EVENT_LETTER: gettext_lazy(
        "Send the written invitation (post or e-mail) and register it in the letter register."
    ),
    Kind.MAINTENANCE: gettext_lazy(
        "Hello, your vehicle's next maintenance is due soon. May we book a time for you?"
    ),
    Kind.INACTIVITY: gettext_lazy(
        "Hello, we have not seen you for a few weeks. Is everything all right? Would you like "
        "to book your next visit or lesson?"
    ),
    Kind.NO_SHOW: gettext_lazy(
        "Hello, we missed you today. Remind the customer of the leave rule (tell us at least a "
        "day ahead) and ask whether to book a new time."
    ),
    Kind.REVIEW: gettext_lazy(
        "Hello, thank you for your review. We are sorry it was not a good experience: what went "
        "wrong, and how can we put it right?"
    ),
    Kind.FIRST_LESSON: gettext_lazy(
        "Hello, how was your first lesson? Are you happy with the teacher and the schedule?"
    ),
    Kind.FIRST_CONTACT: gettext_lazy(
        "Hello, I am your customer-service contact from now on. Introduce yourself, confirm the "
        "customer's details and what they need from us, and note it in the archive."
    ),
}
EDITABLE = (
    "enabled",
    "start_days",
    "end_days",
    "second_days",
    "working_days",
    "max_attempts",
    "retry_days",
    "script",
)
MAX_DAYS = 366
MAX_ATTEMPTS = 10


def _default_script(kind: str) -> str:
    # stored in the site's language: the script is data the department may edit afterwards
    with translation.override(settings.LANGUAGE_CODE):
        return str(SCRIPTS[kind])


@transaction.atomic
def policies_seed(business_line: BusinessLine) -> list[CadencePolicy]:
    """Create the line's missing cadence policies with the defaults of ``cadence.DEFAULTS``;
    existing ones are left as the department edited them. Idempotent."""
    existing = {p.kind: p for p in CadencePolicy.objects.filter(business_line=business_line)}
    missing = []
    for kind, default in cadence.DEFAULTS.items():
        if kind in existing:
            continue
        missing.append(
            CadencePolicy(
                business_line=business_line,
                kind=kind,
                enabled=default.industries is None or business_line.industry in default.industries,
                start_days=default.start_days,
                end_days=default.end_days,
                second_days=default.second_days,
                working_days=default.working_days,
                max_attempts=default.max_attempts,
                retry_days=default.retry_days,
                script=_default_script(kind),
            )
        )
    if missing:
        CadencePolicy.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {p.kind: p for p in CadencePolicy.objects.filter(business_line=business_line)}
    return [existing[k] for k in cadence.DEFAULTS if k in existing]


def policy_for(business_line: BusinessLine, kind: str) -> CadencePolicy:
    """The line's policy of ``kind``, seeding the defaults on first use."""
    policy = CadencePolicy.objects.filter(business_line=business_line, kind=kind).first()
    if policy is None:
        policies_seed(business_line)
        policy = CadencePolicy.objects.get(business_line=business_line, kind=kind)
    return policy


def policies_by_kind(business_line: BusinessLine) -> dict[str, CadencePolicy]:
    policies = {p.kind: p for p in CadencePolicy.objects.filter(business_line=business_line)}
    if len(policies) < len(cadence.DEFAULTS):
        policies = {p.kind: p for p in policies_seed(business_line)}
    return policies


def check_supervisor_of_line(actor, line_id: int) -> None:
    """Supervisors and managers of the line (and admins) configure followups; others may not."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change this."))
    if not scope.is_admin(actor) and actor.business_line_id != line_id:
        raise NotFound()


def _int(name: str, value, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Some fields are not valid."), fields={name: _("Enter a whole number.")})
    if isinstance(value, bool) or not low <= number <= high:
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                name: _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}
            },
        )
    return number


@transaction.atomic
def policy_update(*, actor, policy: CadencePolicy, changes: dict) -> CadencePolicy:
    """Edit a cadence policy's switch, numbers or script (supervisor or manager of its line)."""
    check_supervisor_of_line(actor, policy.business_line_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    values: dict = {}
    for name in ("start_days", "end_days"):
        if name in changes:
            values[name] = _int(name, changes[name], -MAX_DAYS, MAX_DAYS)
    if "second_days" in changes:
        raw = changes["second_days"]
        values["second_days"] = None if raw in (None, "") else _int("second_days", raw, 0, MAX_DAYS)
    if "max_attempts" in changes:
        values["max_attempts"] = _int("max_attempts", changes["max_attempts"], 1, MAX_ATTEMPTS)
    if "retry_days" in changes:
        values["retry_days"] = _int("retry_days", changes["retry_days"], 1, MAX_DAYS)
    for name in ("enabled", "working_days"):
        if name in changes:
            values[name] = bool(changes[name])
    if "script" in changes:
        script = str(changes["script"] or "").replace("\x00", "").strip()
        if len(script) > 5000:
            raise Invalid(_("The script is too long."), fields={"script": _("Too long.")})
        values["script"] = script
    start = values.get("start_days", policy.start_days)
    end = values.get("end_days", policy.end_days)
    if end < start:
        raise Invalid(
            _("The window cannot close before it opens."),
            fields={"end_days": _("Must be at least the opening day.")},
        )
    before = {name: getattr(policy, name) for name in values}
    for name, value in values.items():
        setattr(policy, name, value)
    changed = audit.diff(before, values)
    if changed:
        policy.save(update_fields=[*values, "updated_at"])
        audit.record(
            actor=actor,
            action="followups.policy_update",
            obj=policy,
            business_line_id=policy.business_line_id,
            changes=changed,
        )
    return policy


def line_setting(line: BusinessLine, key: str):
    """A line-wide followup setting from ``BusinessLine.policies``, else its default."""
    value = (line.policies or {}).get(key)
    return cadence.LINE_DEFAULTS[key] if value is None else value


@transaction.atomic
def line_settings_update(*, actor, line: BusinessLine, values: dict) -> BusinessLine:
    """Set the followup keys of ``BusinessLine.policies`` (cadence.LINE_DEFAULTS) for a line."""
    check_supervisor_of_line(actor, line.pk)
    unknown = set(values) - set(cadence.LINE_DEFAULTS)
    if unknown:
        raise Invalid(_("Unknown settings: %(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = {}
    for key, value in values.items():
        if isinstance(cadence.LINE_DEFAULTS[key], bool):
            cleaned[key] = bool(value)
        else:
            high = {"repeat_window_days": 366, "callback_rate_target": 100}.get(key, 99)
            cleaned[key] = _int(key, value, 1, high)
    line = BusinessLine.objects.select_for_update().get(pk=line.pk)
    before = {k: line_setting(line, k) for k in cleaned}
    line.policies = {**(line.policies or {}), **cleaned}
    line.save(update_fields=["policies", "updated_at"])
    audit.record(
        actor=actor,
        action="followups.settings_update",
        obj=line,
        business_line_id=line.pk,
        changes=audit.diff(before, cleaned),
    )
    return line
