"""Setup writes for planners: shift templates, agent profiles' rostered flag, leave and
unavailable days, skill-group queue settings, and a roster from an entered requirement
(issue 6 §3; spec §1.11–1.12). The caller must be a supervisor or manager of the line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Invalid
from kefu.workforce import forecast as fc
from kefu.workforce.models import (
    AgentProfile,
    Forecast,
    ForecastSource,
    Leave,
    LeaveKind,
    QueueModel,
    RosterRun,
    ShiftKind,
    ShiftTemplate,
    SkillGroup,
)
from kefu.workforce.requirement_paste import PasteError, parse_paste
from kefu.workforce.selectors import require_planner
from kefu.workforce.services.forecasts import _line_of, staffing_solver
from kefu.workforce.services.rosters import roster_run_create

MIN_SHIFT_MINUTES = 60
MAX_SHIFT_MINUTES = 12 * 60
EARLY_CLASS_MINUTES = 60
MINUTES_PER_DAY = 24 * 60
#: Forecasts re-sized when a group's settings change: the newest ones, so one save stays bounded.
RESIZE_FORECASTS = 20


# -- shift templates ----------------------------------------------------------------------------
def _shift_fields(
    *,
    code: str,
    label: str,
    start_minute: int,
    duration_minutes: int,
    second_start_minute: int | None,
    second_duration_minutes: int,
    kind: str,
) -> dict:
    """The checked fields of a shift template: 1–12 hours in all, a split part that follows the
    first without overlapping it, and the early class (早课) as one hour with no second part."""
    code, label = (code or "").strip(), (label or "").strip()
    if not code or len(code) > 10:
        raise Invalid(_("Enter a code of 1 to 10 characters."), fields={"code": _("Required.")})
    if not label:
        raise Invalid(_("Enter a label."), fields={"label": _("Required.")})
    if kind not in ShiftKind.values:
        raise Invalid(_("Unknown kind of shift."), fields={"kind": _("Unknown.")})
    if not 0 <= start_minute < MINUTES_PER_DAY:
        raise Invalid(_("The shift starts within the day."), fields={"start": _("Out of range.")})
    if second_start_minute is None:
        second_duration_minutes = 0
    elif second_duration_minutes <= 0:
        raise Invalid(
            _("Enter how long the second part lasts."),
            fields={"second_duration": _("Required.")},
        )
    total = duration_minutes + second_duration_minutes
    if duration_minutes <= 0 or not MIN_SHIFT_MINUTES <= total <= MAX_SHIFT_MINUTES:
        raise Invalid(
            _("A shift lasts 1 to 12 hours in all."), fields={"duration": _("Out of range.")}
        )
    if second_start_minute is not None:
        if second_start_minute < start_minute:
            second_start_minute += MINUTES_PER_DAY  # the second part is on the next day
        if second_start_minute < start_minute + duration_minutes:
            raise Invalid(
                _("The second part overlaps the first: it must start after the first ends."),
                fields={"second_start": _("Overlaps the first part.")},
            )
        if second_start_minute + second_duration_minutes > start_minute + MINUTES_PER_DAY:
            raise Invalid(
                _("A split shift ends within 24 hours of its start."),
                fields={"second_start": _("Too late.")},
            )
    if kind == ShiftKind.EARLY_CLASS and (
        duration_minutes != EARLY_CLASS_MINUTES or second_start_minute is not None
    ):
        raise Invalid(
            _("The early class (早课) is a single 1-hour slot."),
            fields={"duration": _("Must be 1 hour.")},
        )
    return {
        "code": code,
        "label": label,
        "start_minute": start_minute,
        "duration_minutes": duration_minutes,
        "second_start_minute": second_start_minute,
        "second_duration_minutes": second_duration_minutes,
        "kind": kind,
    }


def _code_taken(line_id: int, code: str, exclude: int | None = None) -> None:
    qs = ShiftTemplate.objects.filter(business_line_id=line_id, code=code)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Invalid(
            _("Another shift template already has the code %(code)s.") % {"code": code},
            fields={"code": _("Taken.")},
        )


@transaction.atomic
def shift_template_create(*, actor, business_line=None, **fields) -> ShiftTemplate:
    """A new shift template of the actor's line (fields as ``_shift_fields`` takes them)."""
    require_planner(actor)
    line = _line_of(actor, business_line)
    clean = _shift_fields(**fields)
    _code_taken(line.pk, clean["code"])
    obj = ShiftTemplate.objects.create(business_line=line, **clean)
    audit.record(actor=actor, action="workforce.shift_create", obj=obj, changes=clean)
    return obj


@transaction.atomic
def shift_template_update(*, actor, template: ShiftTemplate, **fields) -> ShiftTemplate:
    """Change a template; rosters already solved keep their assignments."""
    require_planner(actor)
    _line_of(actor, template.business_line_id)
    clean = _shift_fields(**fields)
    _code_taken(template.business_line_id, clean["code"], exclude=template.pk)
    before = {k: getattr(template, k) for k in clean}
    for k, v in clean.items():
        setattr(template, k, v)
    template.save(update_fields=[*clean, "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.shift_update",
        obj=template,
        changes=audit.diff(before, clean),
    )
    return template


@transaction.atomic
def shift_template_set_active(*, actor, template: ShiftTemplate, active: bool) -> ShiftTemplate:
    """Deactivate (the optimiser stops using it; old rosters keep it) or reactivate."""
    require_planner(actor)
    _line_of(actor, template.business_line_id)
    template.is_active = active
    template.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.shift_activate" if active else "workforce.shift_deactivate",
        obj=template,
    )
    return template


# -- agent profiles -----------------------------------------------------------------------------
@transaction.atomic
def agent_profile_set_active(*, actor, profile: AgentProfile, active: bool) -> AgentProfile:
    """Take an agent off the rosters (or back on) without losing their skills."""
    require_planner(actor)
    _line_of(actor, profile.user.business_line_id)
    profile.is_active = active
    profile.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.profile_activate" if active else "workforce.profile_deactivate",
        obj=profile,
        business_line_id=profile.user.business_line_id,
    )
    return profile


# -- leave and unavailable days -----------------------------------------------------------------
def _leave_fields(*, start_date: dt.date, end_date: dt.date, reason: str, kind: str) -> dict:
    if kind not in LeaveKind.values:
        raise Invalid(_("Unknown kind of absence."), fields={"kind": _("Unknown.")})
    if end_date < start_date:
        raise Invalid(_("Leave ends before it starts."), fields={"end_date": _("Too early.")})
    if (end_date - start_date).days > 366:
        raise Invalid(_("Enter at most a year at a time."), fields={"end_date": _("Too late.")})
    return {
        "start_date": start_date,
        "end_date": end_date,
        "reason": (reason or "").strip()[:100],
        "kind": kind,
    }


@transaction.atomic
def leave_update(
    *,
    actor,
    leave: Leave,
    start_date: dt.date,
    end_date: dt.date,
    reason: str = "",
    kind: str = LeaveKind.LEAVE,
) -> Leave:
    require_planner(actor)
    _line_of(actor, leave.user.business_line_id)
    clean = _leave_fields(start_date=start_date, end_date=end_date, reason=reason, kind=kind)
    before = {k: getattr(leave, k) for k in clean}
    for k, v in clean.items():
        setattr(leave, k, v)
    leave.save(update_fields=[*clean, "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.leave_update",
        obj=leave,
        changes=audit.diff(before, clean),
        business_line_id=leave.user.business_line_id,
    )
    return leave


@transaction.atomic
def leave_delete(*, actor, leave: Leave) -> None:
    require_planner(actor)
    _line_of(actor, leave.user.business_line_id)
    audit.record(
        actor=actor,
        action="workforce.leave_delete",
        obj=leave,
        changes={"user": leave.user_id, "start_date": leave.start_date, "end_date": leave.end_date},
        business_line_id=leave.user.business_line_id,
    )
    leave.delete()


# -- skill groups -------------------------------------------------------------------------------
def _group_fields(
    *,
    name: str,
    queue_model: str,
    aht_seconds: int,
    service_level: float,
    answer_seconds: int,
    shrinkage: float,
    max_occupancy: float | None,
    patience_seconds: int | None,
) -> dict:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter the group's name."), fields={"name": _("Required.")})
    if queue_model not in QueueModel.values:
        raise Invalid(_("Unknown queue model."), fields={"queue_model": _("Unknown.")})
    checks = (
        ("aht_seconds", 1 <= aht_seconds <= 7200, _("Handling time is 1 to 7,200 seconds.")),
        (
            "service_level",
            0 < service_level < 1,
            _("The service-level target is above 0 and below 1: a target of 1 is unreachable."),
        ),
        ("answer_seconds", 0 <= answer_seconds <= 3600, _("Answer within 0 to 3,600 seconds.")),
        ("shrinkage", 0 <= shrinkage <= 0.9, _("Shrinkage is between 0 and 0.9.")),
        (
            "max_occupancy",
            max_occupancy is None or 0 < max_occupancy <= 1,
            _("The maximum occupancy is above 0 and at most 1."),
        ),
        (
            "patience_seconds",
            queue_model != QueueModel.ERLANG_A
            or (patience_seconds is not None and 1 <= patience_seconds <= 3600),
            _("Erlang A needs the callers' mean patience, 1 to 3,600 seconds."),
        ),
    )
    for field, ok, message in checks:
        if not ok:
            raise Invalid(message, fields={field: _("Out of range.")})
    return {
        "name": name[:50],
        "queue_model": queue_model,
        "aht_seconds": aht_seconds,
        "service_level": service_level,
        "answer_seconds": answer_seconds,
        "shrinkage": shrinkage,
        "max_occupancy": max_occupancy,
        "patience_seconds": patience_seconds,
    }


def _resize_forecasts(group: SkillGroup) -> int:
    """Re-size the group's newest forecasts with its new settings; their volumes stay."""
    forecasts = list(
        Forecast.objects.filter(group=group).order_by("-created_at", "-id")[:RESIZE_FORECASTS]
    )
    for f in forecasts:
        if f.source != ForecastSource.IMPORT:
            f.aht_seconds = group.aht_seconds
        f.required = fc.required_agents(
            f.volumes,
            staffing_solver(group, interval_minutes=f.interval_minutes, aht_seconds=f.aht_seconds),
        )
    Forecast.objects.bulk_update(forecasts, ["required", "aht_seconds"])
    return len(forecasts)


@transaction.atomic
def skill_group_create(*, actor, business_line=None, code: str, name: str) -> SkillGroup:
    """A new skill group with the default queue settings."""
    require_planner(actor)
    line = _line_of(actor, business_line)
    code = (code or "").strip().lower()
    if not code or len(code) > 30 or not code.replace("-", "").replace("_", "").isalnum():
        raise Invalid(
            _("The code is 1 to 30 letters, digits, - or _."), fields={"code": _("Invalid.")}
        )
    if not (name or "").strip():
        raise Invalid(_("Enter the group's name."), fields={"name": _("Required.")})
    if SkillGroup.objects.filter(business_line=line, code=code).exists():
        raise Invalid(_("A group with this code exists."), fields={"code": _("Taken.")})
    group = SkillGroup.objects.create(business_line=line, code=code, name=name.strip()[:50])
    audit.record(actor=actor, action="workforce.group_create", obj=group, changes={"code": code})
    return group


@transaction.atomic
def skill_group_update(*, actor, group: SkillGroup, **fields) -> SkillGroup:
    """New queue settings (AHT, service level, answer time, shrinkage, Erlang C or A,
    patience); the group's newest forecasts get their required agents re-sized."""
    require_planner(actor)
    _line_of(actor, group.business_line_id)
    clean = _group_fields(**fields)
    before = {k: getattr(group, k) for k in clean}
    for k, v in clean.items():
        setattr(group, k, v)
    group.save(update_fields=[*clean, "updated_at"])
    resized = _resize_forecasts(group)
    audit.record(
        actor=actor,
        action="workforce.group_update",
        obj=group,
        changes={**audit.diff(before, clean), "forecasts_resized": resized},
    )
    return group


# -- an entered requirement ---------------------------------------------------------------------
def paste_message(exc: PasteError) -> str:
    """The translated message of a bad pasted cell, with its row and column."""
    where = {"row": exc.row, "column": exc.column, "value": exc.value}
    messages = {
        "time": _("Row %(row)d, column %(column)d: “%(value)s” is not a time like 09:00."),
        "off_grid": _("Row %(row)d, column %(column)d: %(value)s is not the start of an interval."),
        "duplicate": _("Row %(row)d, column %(column)d: the interval %(value)s appears twice."),
        "columns": _("Row %(row)d, column %(column)d: more columns than the roster has days."),
        "number": _("Row %(row)d, column %(column)d: “%(value)s” is not a whole number of agents."),
        "range": _("Row %(row)d, column %(column)d: %(value)s agents is out of range."),
    }
    return messages.get(exc.kind, messages["number"]) % where


def requirement_from_paste(
    *, groups: Mapping[str, SkillGroup], pastes: Mapping[str, str], days: int, interval_minutes: int
) -> dict[str, list[list[int]]]:
    """Every group's grid from its pasted text; the first bad cell raises Invalid naming the
    group, row and column."""
    out = {}
    for code, group in groups.items():
        text = pastes.get(code, "") or ""
        try:
            out[code] = parse_paste(text, days=days, interval_minutes=interval_minutes)
        except PasteError as exc:
            message = _("%(group)s: %(error)s") % {"group": group.name, "error": paste_message(exc)}
            raise Invalid(message, fields={f"paste_{code}": paste_message(exc)}) from None
    return out


def roster_run_create_entered(
    *,
    actor,
    name: str = "",
    start_date: dt.date,
    days: int,
    interval_minutes: int = 30,
    pastes: Mapping[str, str],
    time_limit_seconds: int = 30,
) -> RosterRun:
    """A roster run from a requirement entered as pasted grids instead of a forecast; nothing is
    saved when any cell is bad."""
    require_planner(actor)
    line = _line_of(actor, None)
    if not 1 <= days <= 35 or interval_minutes not in (15, 30, 60):
        raise Invalid(
            _("A roster covers 1 to 35 days of 15, 30 or 60-minute intervals."),
            fields={"days": _("Out of range.")},
        )
    groups = {g.code: g for g in SkillGroup.objects.filter(business_line=line).order_by("id")}
    requirement = requirement_from_paste(
        groups=groups, pastes=pastes, days=days, interval_minutes=interval_minutes
    )
    return roster_run_create(
        actor=actor,
        business_line=line,
        name=name,
        start_date=start_date,
        days=days,
        interval_minutes=interval_minutes,
        requirement=requirement,
        time_limit_seconds=time_limit_seconds,
    )
