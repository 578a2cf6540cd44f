"""Writes of the reports app: unit bases (entered or imported) and the signed monthly statement.
Every write is one transaction with its audit record; bad input changes nothing."""

from __future__ import annotations

import csv
import io

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.reports import statement as st
from kefu.reports.models import BaseKind, MonthlyStatement, UnitBase

MAX_BASE = 100_000_000
MAX_SUMMARY = 20_000
MAX_IMPORT_ROWS = 10_000


def can_manage(user) -> bool:
    """Supervisors and above enter bases and sign their line's statement."""
    return scope.at_least(user, scope.SUPERVISOR)


def _require(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only a supervisor or a manager may do this."))


def _unit(user, unit_id):
    from kefu.tickets.models_sla import ResponsibleUnit

    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    unit = ResponsibleUnit.objects.filter(scope.business_line_q(user), pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


def _base(value) -> int:
    try:
        base = int(str(value).strip().replace(",", ""))
    except (TypeError, ValueError):
        base = -1
    if not 0 <= base <= MAX_BASE:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"base": _("Enter a whole number from 0 to 100,000,000.")},
        )
    return base


def _kind(value) -> str:
    value = (value or BaseKind.CUSTOMERS) if isinstance(value, str | None) else ""
    if value not in BaseKind.values:
        raise Invalid(_("Some fields are not valid."), fields={"kind": _("Not valid.")})
    return value


def set_unit_base(
    *, user, unit_id, period, base, kind=None, expected_version: int | None = None
) -> UnitBase:
    """Enter or correct a unit's base for a month (409 when someone changed it meanwhile)."""
    _require(user)
    month = st.parse_month(period)
    unit = _unit(user, unit_id)
    value, kind = _base(base), _kind(kind)
    with transaction.atomic():
        row = UnitBase.objects.select_for_update().filter(unit=unit, month=month.start).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = UnitBase.objects.create(
                        business_line_id=unit.business_line_id,
                        unit=unit,
                        month=month.start,
                        base=value,
                        kind=kind,
                        updated_by=user if user.pk else None,
                    )
            except IntegrityError:
                raise StaleWrite() from None
            audit.record(
                actor=user,
                action="reports.base_set",
                obj=row,
                changes={"unit": unit.pk, "month": month.label, "base": [None, value]},
            )
            return row
        if expected_version is not None and row.version != expected_version:
            raise StaleWrite()
        changes = audit.diff({"base": row.base, "kind": row.kind}, {"base": value, "kind": kind})
        if not changes:
            return row
        updated = UnitBase.objects.filter(pk=row.pk, version=row.version).update(
            base=value,
            kind=kind,
            version=row.version + 1,
            updated_by=user if user.pk else None,
            updated_at=timezone.now(),
        )
        if not updated:
            raise StaleWrite()
        row.refresh_from_db()
        audit.record(
            actor=user,
            action="reports.base_set",
            obj=row,
            changes={"unit": unit.pk, "month": month.label, **changes},
        )
        return row


def import_bases(*, user, text: str, business_line=None) -> int:
    """Bases from CSV text ``unit,month,base[,kind]`` (unit by name within the line); all rows or
    none: the first bad row is reported with its line number."""
    from kefu.tickets.models_sla import ResponsibleUnit

    _require(user)
    line_id = st.line_for(user, business_line)
    units = ResponsibleUnit.objects.filter(scope.business_line_q(user))
    if line_id:
        units = units.filter(business_line_id=line_id)
    by_name: dict[str, list] = {}
    for unit in units:
        by_name.setdefault(unit.name, []).append(unit)
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and rows[0] and rows[0][0].strip().lower() in ("unit", "单位", "责任单位"):
        rows = rows[1:]
    if len(rows) > MAX_IMPORT_ROWS:
        raise Invalid(_("At most 10,000 rows may be imported at once."))
    parsed = []
    for n, row in enumerate(rows, start=1):
        try:
            if len(row) < 3:
                raise Invalid(_("Each row needs a unit, a month and a base."))
            matches = by_name.get(row[0].strip(), [])
            if len(matches) != 1:
                raise Invalid(_("No single responsible unit has this name."))
            parsed.append((matches[0], st.parse_month(row[1]), _base(row[2]), _kind(_cell(row, 3))))
        except Invalid as exc:
            raise Invalid(
                _("Row %(n)s: %(error)s") % {"n": n, "error": _detail(exc)},
                fields={"file": _("Row %(n)s is not valid.") % {"n": n}},
            ) from None
    with transaction.atomic():
        for unit, month, base, kind in parsed:
            set_unit_base(user=user, unit_id=unit.pk, period=month.label, base=base, kind=kind)
    return len(parsed)


def _cell(row: list[str], i: int) -> str | None:
    return row[i].strip() or None if len(row) > i else None


def _detail(exc: Invalid) -> str:
    fields = getattr(exc, "fields", None) or {}
    return "; ".join(str(v) for v in fields.values()) or str(exc.message)


def sign_statement(*, user, period, business_line=None, summary: str) -> MonthlyStatement:
    """Close a finished month: the supervisor's written 小结 and signature; the figures are frozen
    as they are now. A month is signed once (a later data change shows as a difference)."""
    _require(user)
    month = st.parse_month(period)
    line_id = st.line_for(user, business_line)
    if not line_id:
        raise Invalid(
            _("Choose the business line whose month you sign."),
            fields={"business_line": _("Required.")},
        )
    text = summary.replace("\x00", "").strip() if isinstance(summary, str) else ""
    if not text:
        raise Invalid(_("Some fields are not valid."), fields={"summary": _("Write the summary.")})
    if len(text) > MAX_SUMMARY:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"summary": _("At most 20,000 characters.")},
        )
    if month.end > timezone.localdate():
        raise Invalid(
            _("A month can be signed once it has ended."),
            fields={"period": _("This month has not ended yet.")},
        )
    data = st.monthly(user, period=month, business_line=line_id)
    with transaction.atomic():
        if MonthlyStatement.objects.filter(business_line_id=line_id, month=month.start).exists():
            raise Conflict(_("This month is already signed."))
        try:
            with transaction.atomic():
                signed = MonthlyStatement.objects.create(
                    business_line_id=line_id,
                    month=month.start,
                    summary=text,
                    snapshot={"data": data, "figures": st.frozen_figures(data)},
                    signed_by=user if user.pk else None,
                    signed_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("This month is already signed.")) from None
        audit.record(
            actor=user,
            action="reports.statement_signed",
            obj=signed,
            changes={"month": month.label, "complaints": data["complaints"]["total"]},
        )
    return signed
