"""Writes of targets: a target set or cleared, a month's actual entered, actuals imported from
CSV (all or nothing). Supervisors and above, within their line; one transaction each with its
audit record; a stale version is refused (409)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, StaleWrite
from kefu.reports import services, statement
from kefu.reports import target_rules as rules
from kefu.reports.target_models import Target, TargetActual
from kefu.reports.targets import subject_of

MAX_VALUE = Decimal("999999999999")
MAX_IMPORT_ROWS = 10_000


def _metric(value) -> str:
    if not isinstance(value, str) or value not in rules.METRICS:
        raise Invalid(_("Some fields are not valid."), fields={"metric": _("Choose a metric.")})
    return value


def _value(value, *, blank_ok: bool) -> Decimal | None:
    text = "" if value is None else str(value).strip().replace(",", "").rstrip("%")
    if text == "" and blank_ok:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or not 0 <= number <= MAX_VALUE:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"value": _("Enter a number from 0 to 999,999,999,999.")},
        )
    return number.quantize(Decimal("0.01"))


def _line(user, business_line) -> int:
    line_id = statement.line_for(user, business_line)
    if not line_id:
        raise Invalid(
            _("Choose the business line of the target."),
            fields={"business_line": _("Required.")},
        )
    return line_id


def _subject(user, line_id: int, unit_id, agent_id) -> tuple[int | None, int | None]:
    from kefu.accounts.models import User
    from kefu.tickets.models_sla import ResponsibleUnit

    def pk(value):
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise NotFound() from None

    unit_id, agent_id = pk(unit_id), pk(agent_id)
    if unit_id and agent_id:
        raise Invalid(
            _("A target belongs to a unit or to an agent, not both."),
            fields={"unit": _("Choose one.")},
        )
    if unit_id and not ResponsibleUnit.objects.filter(pk=unit_id, business_line_id=line_id):
        raise NotFound()
    if agent_id and not User.objects.filter(
        scope.business_line_q(user), pk=agent_id, business_line_id=line_id
    ):
        raise NotFound()
    return unit_id, agent_id


def _period(kind, text) -> tuple[str, object]:
    if kind == rules.YEAR:
        month = statement.parse_month(f"{str(text or '').strip()[:4]}-01")
        return rules.YEAR, month.start
    if kind not in (rules.MONTH, None, ""):
        raise Invalid(_("Some fields are not valid."), fields={"period_kind": _("Not valid.")})
    return rules.MONTH, statement.parse_month(text).start


def set_target(
    *,
    user,
    metric,
    period,
    value,
    period_kind=rules.MONTH,
    business_line=None,
    unit=None,
    agent=None,
    expected_version: int | None = None,
) -> Target:
    """Set (or, with a blank value, clear) a target; 409 when someone changed it meanwhile."""
    services._require(user)
    metric = _metric(metric)
    kind, start = _period(period_kind, period)
    line_id = _line(user, business_line)
    unit_id, agent_id = _subject(user, line_id, unit, agent)
    number = _value(value, blank_ok=True)
    key = {
        "business_line_id": line_id,
        "subject": subject_of(unit_id, agent_id),
        "metric": metric,
        "period_kind": kind,
        "period": start,
    }
    return _upsert(
        user, Target, key, {"unit_id": unit_id, "agent_id": agent_id}, number, expected_version
    )


def set_actual(
    *, user, metric, period, value, business_line=None, unit=None, agent=None,
    expected_version: int | None = None,
) -> TargetActual:  # fmt: skip
    """Enter or correct a month's actual of a metric the platform does not hold."""
    services._require(user)
    metric = _metric(metric)
    start = statement.parse_month(period).start
    line_id = _line(user, business_line)
    unit_id, agent_id = _subject(user, line_id, unit, agent)
    number = _value(value, blank_ok=False)
    key = {
        "business_line_id": line_id,
        "subject": subject_of(unit_id, agent_id),
        "metric": metric,
        "month": start,
    }
    return _upsert(
        user, TargetActual, key, {"unit_id": unit_id, "agent_id": agent_id}, number,
        expected_version,
    )  # fmt: skip


def _upsert(user, model, key: dict, more: dict, number, expected_version):
    action = f"reports.{model._meta.model_name}_set"
    by = user if user.pk else None
    with transaction.atomic():
        row = model.objects.select_for_update().filter(**key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = model.objects.create(**key, **more, value=number, updated_by=by)
            except IntegrityError:
                raise StaleWrite() from None
            audit.record(actor=user, action=action, obj=row, changes={"value": [None, _s(number)]})
            return row
        if expected_version is not None and row.version != expected_version:
            raise StaleWrite()
        if row.value == number:
            return row
        updated = model.objects.filter(pk=row.pk, version=row.version).update(
            value=number, version=row.version + 1, updated_by=by, updated_at=timezone.now()
        )
        if not updated:
            raise StaleWrite()
        before = row.value
        row.refresh_from_db()
        audit.record(
            actor=user, action=action, obj=row, changes={"value": [_s(before), _s(number)]}
        )
        return row


def _s(value) -> str | None:
    return None if value is None else str(value)


def import_actuals(*, user, text: str, business_line=None) -> int:
    """Actuals from CSV ``metric,YYYY-MM,value[,unit name]`` (the metric by its code or its name
    in the user's language); all rows or none, the first bad row reported with its number."""
    from kefu.tickets.models_sla import ResponsibleUnit

    services._require(user)
    line_id = _line(user, business_line)
    units: dict[str, list[int]] = {}
    for pk, name in ResponsibleUnit.objects.filter(business_line_id=line_id).values_list(
        "pk", "name"
    ):
        units.setdefault(name, []).append(pk)
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and rows[0] and rows[0][0].strip().lower() in ("metric", "指标"):
        rows = rows[1:]
    if len(rows) > MAX_IMPORT_ROWS:
        raise Invalid(_("At most 10,000 rows may be imported at once."))
    parsed = []
    for n, row in enumerate(rows, start=1):
        try:
            if len(row) < 3:
                raise Invalid(_("Each row needs a metric, a month and a value."))
            unit = None
            if len(row) > 3 and row[3].strip():
                matches = units.get(row[3].strip(), [])
                if len(matches) != 1:
                    raise Invalid(_("No single responsible unit has this name."))
                unit = matches[0]
            names = {str(m.label): code for code, m in rules.METRICS.items()}
            metric = _metric(names.get(row[0].strip(), row[0].strip()))
            statement.parse_month(row[1])
            _value(row[2], blank_ok=False)
            parsed.append((metric, row[1].strip(), row[2], unit))
        except Invalid as exc:
            raise Invalid(
                _("Row %(n)s: %(error)s") % {"n": n, "error": services._detail(exc)},
                fields={"file": _("Row %(n)s is not valid.") % {"n": n}},
            ) from None
    with transaction.atomic():
        for metric, period, value, unit in parsed:
            set_actual(
                user=user, metric=metric, period=period, value=value, business_line=line_id,
                unit=unit,
            )  # fmt: skip
    return len(parsed)
