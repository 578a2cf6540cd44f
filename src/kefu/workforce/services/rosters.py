"""Roster writes: shift templates, agent profiles, leave, roster runs solved in a Huey job, and
managers' pins followed by re-optimisation (spec §1.12; issue 6 §3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, events
from kefu.core.errors import Ineligible, Invalid, NotFound, StaleWrite
from kefu.workforce import availability
from kefu.workforce import roster_model as rm
from kefu.workforce.models import (
    AgentProfile,
    Leave,
    LeaveKind,
    RosterAssignment,
    RosterRun,
    RunStatus,
    ShiftKind,
    ShiftTemplate,
    SkillGroup,
)
from kefu.workforce.roster_solver import reoptimise, solve_roster
from kefu.workforce.selectors import require_planner, requirement_for
from kefu.workforce.services.forecasts import _line_of

log = logging.getLogger("kefu.workforce")

# time a solve may take beyond its own limit (building the problem, storing the result) before a
# run still marked solving is taken for one whose worker stopped
LEASE_GRACE_SECONDS = 120

MAX_RUN_DAYS = 35
MAX_TIME_LIMIT = 600
RULE_FIELDS = {f.name for f in dataclasses.fields(rm.Rules)}

#: The shifts of SCH-3/SCH-4 plus a day, a night and a split shift: (code, label, start, minutes,
#: second start, second minutes, kind).
DEFAULT_SHIFTS = (
    ("E", "07:00–14:00", 7 * 60, 420, None, 0, ShiftKind.DAY),
    ("L", "14:00–21:00", 14 * 60, 420, None, 0, ShiftKind.DAY),
    ("D", "09:00–18:00", 9 * 60, 540, None, 0, ShiftKind.DAY),
    ("N", "21:00–07:00", 21 * 60, 600, None, 0, ShiftKind.NIGHT),
    ("S", "10:00–14:00 + 17:00–21:00", 10 * 60, 240, 17 * 60, 240, ShiftKind.DAY),
    ("K", "早课 08:00–09:00", 8 * 60, 60, None, 0, ShiftKind.EARLY_CLASS),
)


@transaction.atomic
def shift_templates_ensure(*, business_line) -> list[ShiftTemplate]:
    """The default templates for a line, created once; idempotent."""
    out = []
    for code, label, start, minutes, second, second_minutes, kind in DEFAULT_SHIFTS:
        obj, _created = ShiftTemplate.objects.get_or_create(
            business_line=business_line,
            code=code,
            defaults={
                "label": label,
                "start_minute": start,
                "duration_minutes": minutes,
                "second_start_minute": second,
                "second_duration_minutes": second_minutes,
                "kind": kind,
            },
        )
        out.append(obj)
    return out


@transaction.atomic
def agent_profile_set(
    *,
    actor,
    user,
    groups: list[SkillGroup],
    max_weekly_hours: float | None = None,
    cost_per_hour: float = 0,
) -> AgentProfile:
    """Skills, weekly hours and cost of an agent of the actor's line (created or updated)."""
    require_planner(actor)
    line = _line_of(actor, user.business_line_id)
    if not groups or any(g.business_line_id != line.pk for g in groups):
        raise Invalid(_("Choose the agent's skill groups."), fields={"groups": _("Required.")})
    if cost_per_hour < 0 or (max_weekly_hours is not None and max_weekly_hours <= 0):
        raise Invalid(
            _("Hours and cost must be positive."), fields={"cost_per_hour": _("Invalid.")}
        )
    profile, _created = AgentProfile.objects.get_or_create(user=user)
    profile.max_weekly_hours = max_weekly_hours
    profile.cost_per_hour = cost_per_hour
    profile.save(update_fields=["max_weekly_hours", "cost_per_hour", "updated_at"])
    profile.groups.set(groups)
    audit.record(
        actor=actor,
        action="workforce.profile_set",
        obj=profile,
        changes={
            "user": user.pk,
            "groups": sorted(g.code for g in groups),
            "max_weekly_hours": max_weekly_hours,
            "cost_per_hour": cost_per_hour,
        },
        business_line_id=line.pk,
    )
    return profile


@transaction.atomic
def leave_add(
    *,
    actor,
    user,
    start_date: dt.date,
    end_date: dt.date,
    reason: str = "",
    kind: str = LeaveKind.LEAVE,
) -> Leave:
    """Leave or unavailable days of an agent of the actor's line; the optimiser gives them no
    shift on those days."""
    require_planner(actor)
    line = _line_of(actor, user.business_line_id)
    if kind not in LeaveKind.values:
        raise Invalid(_("Unknown kind of absence."), fields={"kind": _("Unknown.")})
    if end_date < start_date:
        raise Invalid(_("Leave ends before it starts."), fields={"end_date": _("Too early.")})
    if (end_date - start_date).days > 366:
        raise Invalid(_("Enter at most a year at a time."), fields={"end_date": _("Too late.")})
    obj = Leave.objects.create(
        user=user, start_date=start_date, end_date=end_date, reason=reason.strip()[:100], kind=kind
    )
    audit.record(
        actor=actor,
        action="workforce.leave_add",
        obj=obj,
        changes={"user": user.pk, "start_date": start_date, "end_date": end_date, "kind": kind},
        business_line_id=line.pk,
    )
    return obj


def _clean_requirement(
    requirement: Mapping, *, groups: dict[str, SkillGroup], days: int, per_day: int
) -> dict[str, list[list[int]]]:
    out: dict[str, list[list[int]]] = {}
    for code, grid in requirement.items():
        if code not in groups:
            raise Invalid(
                _("Unknown skill group %(code)s.") % {"code": code},
                fields={"requirement": _("Unknown group.")},
            )
        ok = (
            isinstance(grid, list)
            and len(grid) == days
            and all(
                isinstance(row, list)
                and len(row) == per_day
                and all(
                    isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10_000 for v in row
                )
                for row in grid
            )
        )
        if not ok:
            raise Invalid(
                _(
                    "The requirement of %(code)s must be %(days)d days × %(n)d intervals of "
                    "whole numbers of agents."
                )
                % {"code": code, "days": days, "n": per_day},
                fields={"requirement": _("Wrong shape.")},
            )
        out[code] = grid
    return out


@transaction.atomic
def roster_run_create(
    *,
    actor,
    business_line=None,
    name: str = "",
    start_date: dt.date,
    days: int = 7,
    interval_minutes: int = 30,
    requirement: Mapping | None = None,
    rules: Mapping | None = None,
    time_limit_seconds: int = 30,
) -> RosterRun:
    """A roster run for the line: the requirement as given, else from the latest forecasts;
    the solve runs in a background job after commit."""
    require_planner(actor)
    line = _line_of(actor, business_line)
    if not 1 <= days <= MAX_RUN_DAYS:
        raise Invalid(
            _("A roster covers 1 to %(max)d days.") % {"max": MAX_RUN_DAYS},
            fields={"days": _("Out of range.")},
        )
    if interval_minutes not in (15, 30, 60):
        raise Invalid(
            _("The interval must be 15, 30 or 60 minutes."),
            fields={"interval_minutes": _("Invalid.")},
        )
    if not 1 <= time_limit_seconds <= MAX_TIME_LIMIT:
        raise Invalid(
            _("The time limit is 1 to %(max)d seconds.") % {"max": MAX_TIME_LIMIT},
            fields={"time_limit_seconds": _("Out of range.")},
        )
    rules = dict(rules or {})
    unknown = set(rules) - RULE_FIELDS
    if unknown:
        raise Invalid(
            _("Unknown rules: %(names)s") % {"names": ", ".join(sorted(unknown))},
            fields={"rules": _("Unknown.")},
        )
    try:
        rm.Rules(**rules)
    except TypeError:
        raise Invalid(_("The rules are not valid."), fields={"rules": _("Invalid.")})
    groups = {g.code: g for g in SkillGroup.objects.filter(business_line=line)}
    per_day = rm.MINUTES_PER_DAY // interval_minutes
    if requirement is None:
        requirement = requirement_for(
            user=actor,
            business_line_id=line.pk,
            start=start_date,
            days=days,
            interval_minutes=interval_minutes,
        )
    requirement = _clean_requirement(requirement, groups=groups, days=days, per_day=per_day)
    if not any(v for grid in requirement.values() for row in grid for v in row):
        raise Invalid(
            _("Nothing is required in this period: make a forecast or enter the requirement."),
            fields={"requirement": _("Empty.")},
        )
    run = RosterRun.objects.create(
        business_line=line,
        name=name.strip() or _("Roster from %(day)s") % {"day": start_date.isoformat()},
        start_date=start_date,
        days=days,
        interval_minutes=interval_minutes,
        requirement=requirement,
        rules=rules,
        time_limit_seconds=time_limit_seconds,
        created_by=actor,
    )
    audit.record(actor=actor, action="workforce.roster_create", obj=run, changes={"days": days})
    _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    from kefu.workforce.tasks import roster_solve_task

    transaction.on_commit(lambda: roster_solve_task(run_id))


def _not_staffable(groups, profiles) -> set[tuple[int, int]]:
    """(user id, group id) pairs the ``roster.staffing`` guard refuses (the 上岗 gate of the
    training app): the solver does not roster an agent to a group they may not work yet."""
    barred: set[tuple[int, int]] = set()
    for group in groups:
        ids = [p.user_id for p in profiles if any(g.pk == group.pk for g in p.groups.all())]
        if not ids:
            continue
        try:
            events.publish(
                "roster.staffing",
                object_id=group.pk,
                business_line_id=group.business_line_id,
                payload={"agents": ids, "source": "solver"},
            )
        except Ineligible as exc:
            barred.update((pk, group.pk) for pk in exc.user_ids)
    return barred


def _busy_minutes(
    run: RosterRun, user_ids: list[int]
) -> dict[int, tuple[tuple[int, int, str], ...]]:
    """Busy time other apps registered (booked training classes, ``workforce.availability``) as
    (start, end) minutes from 00:00 of the run's first day, local time, with its reason code."""
    start = timezone.make_aware(dt.datetime.combine(run.start_date, dt.time.min))
    end = start + dt.timedelta(days=run.days + 1)
    out: dict[int, tuple[tuple[int, int, str], ...]] = {}
    for user_id, periods in availability.busy_periods(user_ids, start, end).items():
        out[user_id] = tuple(
            sorted(
                (
                    int((a - start).total_seconds() // 60),
                    int(-((start - b).total_seconds() // 60)),
                    reason,
                )
                for a, b, reason in periods
            )
        )
    return out


def build_problem(
    run: RosterRun,
) -> tuple[rm.RosterProblem, dict[str, int], dict[str, int], dict[str, int]]:
    """The pure roster problem of a run from the database, with id maps
    (agent id → user id, shift code → template id, group code → group id)."""
    groups = list(SkillGroup.objects.filter(business_line_id=run.business_line_id).order_by("id"))
    shifts = list(
        ShiftTemplate.objects.filter(business_line_id=run.business_line_id, is_active=True)
    )
    if not shifts:
        raise Invalid(_("The business line has no shift templates."))
    profiles = list(
        AgentProfile.objects.filter(
            user__business_line_id=run.business_line_id, user__is_active=True, is_active=True
        )
        .select_related("user")
        .prefetch_related("groups")
        .order_by("user_id")
    )
    end = run.start_date + dt.timedelta(days=run.days - 1)
    leave: dict[int, set[int]] = {}
    for lv in Leave.objects.filter(
        user_id__in=[p.user_id for p in profiles], start_date__lte=end, end_date__gte=run.start_date
    ):
        days = leave.setdefault(lv.user_id, set())
        for d in range(run.days):
            if lv.start_date <= run.start_date + dt.timedelta(days=d) <= lv.end_date:
                days.add(d)
    barred = _not_staffable(groups, profiles)
    busy = _busy_minutes(run, [p.user_id for p in profiles])
    agents = tuple(
        rm.Agent(
            id=str(p.user_id),
            groups=tuple(g.code for g in p.groups.all() if (p.user_id, g.pk) not in barred),
            cost_per_hour=float(p.cost_per_hour),
            max_weekly_hours=p.max_weekly_hours,
            unavailable_days=frozenset(leave.get(p.user_id, ())),
            name=p.user.name,
            busy=busy.get(p.user_id, ()),
        )
        for p in profiles
        if any((p.user_id, g.pk) not in barred for g in p.groups.all())
    )
    shift_by_id = {s.pk: s for s in shifts}
    group_by_id = {g.pk: g for g in groups}
    pins = tuple(
        rm.Pin(
            agent_id=str(a.user_id),
            day=(a.date - run.start_date).days,
            shift=shift_by_id[a.shift_id].code if a.shift_id else None,
            group=group_by_id[a.group_id].code if a.group_id else None,
        )
        for a in RosterAssignment.objects.filter(run=run, pinned=True)
        if a.shift_id is None or a.shift_id in shift_by_id
    )
    need = {
        (d, i, code): v
        for code, grid in run.requirement.items()
        for d, row in enumerate(grid)
        for i, v in enumerate(row)
        if v
    }
    problem = rm.RosterProblem(
        start_date=run.start_date,
        days=run.days,
        groups=tuple(g.code for g in groups),
        shifts=tuple(
            rm.ShiftTemplate(
                code=s.code,
                start=s.start_minute,
                duration=s.duration_minutes,
                second_start=s.second_start_minute,
                second_duration=s.second_duration_minutes,
                kind=s.kind,
                label=s.label,
            )
            for s in shifts
        ),
        agents=agents,
        requirement=rm.Requirement(need),
        rules=rm.Rules(**run.rules),
        pins=pins,
        interval_minutes=run.interval_minutes,
    )
    return (
        problem,
        {a.id: int(a.id) for a in agents},
        {s.code: s.pk for s in shifts},
        {g.code: g.pk for g in groups},
    )


def roster_run_solve(*, run_id: int) -> RosterRun:
    """Solve (or re-optimise around the pins) and store the assignments; run by the job.

    The solve runs outside a transaction (it may take the whole time limit); the result is
    written in one. A bad problem marks the run failed with its message."""
    run = RosterRun.objects.get(pk=run_id)
    lease = timezone.now() + dt.timedelta(seconds=run.time_limit_seconds + LEASE_GRACE_SECONDS)
    RosterRun.objects.filter(pk=run_id).update(status=RunStatus.RUNNING, lease_until=lease)
    try:
        problem, _agents, shift_ids, group_ids = build_problem(run)
        previous = [
            rm.Assignment(
                str(a.user_id),
                (a.date - run.start_date).days,
                a.shift.code,
                a.group.code if a.group_id else None,
            )
            for a in RosterAssignment.objects.filter(
                run=run, pinned=False, shift__isnull=False
            ).select_related("shift", "group")
        ]
        if previous:
            result = reoptimise(problem, previous, (), time_limit_seconds=run.time_limit_seconds)
        else:
            result = solve_roster(problem, time_limit_seconds=run.time_limit_seconds)
    except (rm.RosterInputError, Invalid) as exc:
        RosterRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            message=str(getattr(exc, "message", exc))[:200],
            lease_until=None,
        )
        return RosterRun.objects.get(pk=run_id)
    pinned = {(str(p.agent_id), p.day) for p in problem.pins}
    per_day = problem.intervals_per_day
    scheduled = {
        code: [
            [result.scheduled.get((d, i, code), 0) for i in range(per_day)] for d in range(run.days)
        ]
        for code in problem.groups
    }
    with transaction.atomic():
        RosterAssignment.objects.filter(run=run, pinned=False).delete()
        RosterAssignment.objects.bulk_create(
            [
                RosterAssignment(
                    run=run,
                    user_id=int(a.agent_id),
                    date=run.start_date + dt.timedelta(days=a.day),
                    shift_id=shift_ids[a.shift],
                    group_id=group_ids[a.group] if a.group else None,
                )
                for a in result.assignments
                if (a.agent_id, a.day) not in pinned or a.group is None
            ],
            batch_size=1000,
        )
        summary = result.summary()
        RosterRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE if result.assignments or not result.message else RunStatus.FAILED,
            summary=summary,
            scheduled=scheduled,
            explanations=[
                {
                    "day": e.day,
                    "interval": e.interval,
                    "group": e.group,
                    "required": e.required,
                    "scheduled": e.scheduled,
                    "reason": e.reason,
                    "agents": e.agents,
                }
                for e in result.explanations
            ],
            message=result.message[:200],
            lease_until=None,
            version=F("version") + 1,
        )
    log.info("roster %s solved: %s", run_id, summary)
    return RosterRun.objects.get(pk=run_id)


@transaction.atomic
def assignment_pin(
    *,
    actor,
    run: RosterRun,
    user_id: int,
    date: dt.date,
    shift_code: str | None,
    group_code: str | None = None,
    version: int | None = None,
) -> RosterAssignment:
    """Fix one agent's day: a shift for a group, or a day off (``shift_code`` None). The rest of
    the roster keeps its assignments until the manager re-optimises. ``version`` guards against
    editing a roster someone else changed meanwhile (409)."""
    require_planner(actor)
    _line_of(actor, run.business_line_id)
    if not run.start_date <= date < run.start_date + dt.timedelta(days=run.days):
        raise Invalid(_("The day is outside this roster."), fields={"date": _("Out of range.")})
    profile = (
        AgentProfile.objects.filter(user_id=user_id, user__business_line_id=run.business_line_id)
        .prefetch_related("groups")
        .first()
    )
    if profile is None:
        raise NotFound(_("No such agent on this roster."))
    shift = None
    group = None
    if shift_code:
        shift = ShiftTemplate.objects.filter(
            business_line_id=run.business_line_id, code=shift_code, is_active=True
        ).first()
        if shift is None:
            raise Invalid(_("Unknown shift."), fields={"shift": _("Unknown.")})
        skills = {g.code: g for g in profile.groups.all()}
        if shift.kind != ShiftKind.EARLY_CLASS:
            if group_code is None and len(skills) >= 1:
                group_code = next(iter(skills))
            if group_code not in skills:
                raise Invalid(
                    _("The agent does not have this skill."), fields={"group": _("Not a skill.")}
                )
            group = skills[group_code]
            events.publish(
                "roster.staffing",
                object_id=group.pk,
                business_line_id=group.business_line_id,
                payload={"agents": [user_id], "source": "pin"},
                actor=actor,
            )
        if Leave.objects.filter(user_id=user_id, start_date__lte=date, end_date__gte=date).exists():
            raise Invalid(_("The agent is on leave that day."), fields={"date": _("On leave.")})
    bump = RosterRun.objects.filter(pk=run.pk)
    if version is not None:
        bump = bump.filter(version=version)
    if not bump.update(version=F("version") + 1):
        raise StaleWrite()
    run.version = (version or run.version) + 1
    RosterAssignment.objects.filter(run=run, user_id=user_id, date=date).delete()
    obj = RosterAssignment.objects.create(
        run=run, user_id=user_id, date=date, shift=shift, group=group, pinned=True
    )
    audit.record(
        actor=actor,
        action="workforce.assignment_pin",
        obj=run,
        changes={"user": user_id, "date": date, "shift": shift_code, "group": group_code},
    )
    return obj


@transaction.atomic
def assignment_unpin(*, actor, run: RosterRun, user_id: int, date: dt.date) -> int:
    require_planner(actor)
    _line_of(actor, run.business_line_id)
    return RosterAssignment.objects.filter(run=run, user_id=user_id, date=date, pinned=True).update(
        pinned=False
    )


@transaction.atomic
def roster_reoptimise(*, actor, run: RosterRun) -> RosterRun:
    """Re-solve the run around its pins in the background."""
    require_planner(actor)
    _line_of(actor, run.business_line_id)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise Invalid(_("This roster is already being solved."))
    RosterRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    run.status = RunStatus.QUEUED
    audit.record(actor=actor, action="workforce.roster_reoptimise", obj=run)
    _enqueue(run.pk)
    return run


def roster_runs_reap(*, now: dt.datetime | None = None) -> int:
    """Mark failed every run still solving after its lease ran out: its worker stopped (kill -9,
    out of memory, a restart) and Huey does not run a task twice. The page offers Retry."""
    stale = RosterRun.objects.filter(
        status=RunStatus.RUNNING, lease_until__lt=now or timezone.now()
    )
    count = stale.update(
        status=RunStatus.FAILED,
        message=RosterRun.WORKER_STOPPED,
        lease_until=None,
        version=F("version") + 1,
    )
    if count:
        log.warning("marked %d roster run(s) failed: their worker stopped", count)
    return count
