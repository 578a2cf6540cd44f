"""Certifications made from a template (PK-3, PK-4, TRN-7) and edited afterwards: in a
transaction, audited. Bad input raises ``Invalid`` (400) and changes nothing; an edit against a
stale ``version`` raises ``StaleWrite`` (409)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, StaleWrite
from kefu.training import cert_templates
from kefu.training.models import Certification, ScoreKind
from kefu.training.services import require_lead

MAX_TOPICS = 10


def _template(code) -> cert_templates.Template:
    template = cert_templates.TEMPLATES.get(code) if isinstance(code, str) else None
    if template is None:
        raise Invalid(
            _("Choose one of the certification templates."), fields={"template": _("Unknown.")}
        )
    return template


def _line_id(actor, business_line) -> int:
    line_id = getattr(business_line, "pk", business_line)
    if actor is not None:
        require_lead(actor)
        line_id = line_id or actor.business_line_id
        if not scope.is_admin(actor) and line_id != actor.business_line_id:
            line_id = None
    if not line_id:
        raise Invalid(_("Choose your own business line."), fields={"business_line": _("Unknown.")})
    return line_id


def _number(name: str, value, low: float, high: float) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if (
        isinstance(value, bool)
        or number is None
        or not number.is_finite()
        or not (low <= number <= high)
    ):
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                name: _("Must be a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            },
        )
    return number


def clean_components(rows) -> list[dict]:
    """Each component once, a known score kind, a weight above 0, a minimum of 0–100."""
    if not isinstance(rows, list) or not rows:
        raise Invalid(
            _("A certification needs at least one component."),
            fields={"components": _("Required.")},
        )
    kinds = set(ScoreKind.values)
    seen: set[str] = set()
    clean = []
    for row in rows:
        code = row.get("code") if isinstance(row, dict) else None
        if code not in kinds or code in seen:
            raise Invalid(
                _("Each component must be one of the tests, each at most once."),
                fields={"components": _("Not valid.")},
            )
        seen.add(code)
        weight = _number("weight", row.get("weight", 1), 0, 100)
        if weight <= 0:
            raise Invalid(_("Some fields are not valid."), fields={"weight": _("Must be above 0.")})
        topics = row.get("topics") or []
        if (
            not isinstance(topics, list)
            or len(topics) > MAX_TOPICS
            or not all(isinstance(t, str) and 0 < len(t.strip()) <= 100 for t in topics)
        ):
            raise Invalid(_("Some fields are not valid."), fields={"topics": _("Not valid.")})
        out = {
            "code": code,
            "weight": float(weight) if weight % 1 else int(weight),
            "min_score": float(m)
            if (m := _number("min_score", row.get("min_score", 60), 0, 100)) % 1
            else int(m),
            "must_pass": bool(row.get("must_pass", True)),
        }
        if topics:
            out["topics"] = [t.strip() for t in topics]
        clean.append(out)
    return clean


@transaction.atomic
def certification_from_template(
    *, actor, template: str, business_line=None, code: str = "", name: str = ""
) -> Certification:
    """The template's certification on the line, in one step (a lead or above; the CLI passes
    no actor and names the line). Its code defaults to the template's, its name to the
    template's in the current language."""
    tpl = _template(template)
    line_id = _line_id(actor, business_line)
    code = (code or tpl.code).strip() if isinstance(code, str) else None
    name = (
        (name or tpl.name(get_language() or "zh-hans")).strip() if isinstance(name, str) else None
    )
    if (
        not code
        or len(code) > 40
        or not code.replace("-", "").replace("_", "").isalnum()
        or not code.isascii()
    ):
        raise Invalid(
            _("Some fields are not valid."), fields={"code": _("Letters, digits and hyphens only.")}
        )
    if not name or len(name) > 100:
        raise Invalid(_("Some fields are not valid."), fields={"name": _("Required.")})
    if Certification.objects.filter(business_line_id=line_id, code=code).exists():
        raise Invalid(_("Some fields are not valid."), fields={"code": _("Already used.")})
    cert = Certification.objects.create(
        business_line_id=line_id,
        code=code,
        name=name,
        components=tpl.components(),
        threshold=tpl.threshold,
        validity_days=tpl.validity_days,
        template=tpl.code,
        training_days=tpl.training_days,
    )
    audit.record(
        actor=actor,
        action="training.certification_create",
        obj=cert,
        business_line_id=line_id,
        changes={"name": name, "template": tpl.code},
    )
    return cert


@transaction.atomic
def certification_update(
    *,
    actor,
    cert: Certification,
    version: int,
    name=None,
    components=None,
    threshold=None,
    validity_days=None,
    training_days=None,
) -> Certification:
    """Change what a certification asks (a lead or above of its line). Grants already given
    stay; the next score is judged by the new rules."""
    require_lead(actor)
    if not scope.is_admin(actor) and cert.business_line_id != actor.business_line_id:
        raise Invalid(_("Choose your own business line."), fields={"business_line": _("Unknown.")})
    changes: dict = {}
    if name is not None:
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > 100:
            raise Invalid(_("Some fields are not valid."), fields={"name": _("Required.")})
        changes["name"] = name
    if components is not None:
        changes["components"] = clean_components(components)
    if threshold is not None:
        changes["threshold"] = _number("threshold", threshold, 0, 100)
    for key, value in (("validity_days", validity_days), ("training_days", training_days)):
        if value is not None:
            # 0 clears it: valid for ever / no set training period
            changes[key] = int(_number(key, value, 0, 3650)) or None
    updated = Certification.objects.filter(pk=cert.pk, version=version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleWrite()
    audit.record(
        actor=actor,
        action="training.certification_update",
        obj=cert,
        changes={k: str(v) if isinstance(v, Decimal) else v for k, v in changes.items()},
    )
    cert.refresh_from_db()
    return cert
