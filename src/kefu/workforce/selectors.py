"""Reads for workforce pages and API, scoped by role (spec ACL-1).

Managers and supervisors plan for their business line; leads see their team's rows and
schedules; agents see only their own schedule. Objects outside the scope are NotFound.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.core.pagination import Page, paginate
from kefu.workforce import forecast as fc
from kefu.workforce.models import (
    AgentProfile,
    Forecast,
    PeakPlan,
    RosterAssignment,
    RosterRun,
    RunStatus,
    ShiftTemplate,
    SkillGroup,
)
from kefu.workforce.roster_model import MINUTES_PER_DAY

MAX_SCHEDULE_DAYS = 62


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def can_plan(user) -> bool:
    return scope.at_least(user, scope.SUPERVISOR)


def require_planner(user) -> None:
    if not can_plan(user):
        raise PermissionDenied(_("Only supervisors and managers plan the workforce."))


def line_q(user, field: str = "business_line_id") -> Q:
    return scope.business_line_q(user, field)


# -- forecasts and skill groups ---------------------------------------------------------------
def skill_groups_for(*, user) -> QuerySet[SkillGroup]:
    return SkillGroup.objects.filter(line_q(user)).order_by("id")


def skill_group_get_for(*, user, pk) -> SkillGroup:
    group = skill_groups_for(user=user).filter(pk=pk).first()
    if group is None:
        raise NotFound()
    return group


def forecast_list_for(*, user, cursor: str | None = None, limit: int | None = None) -> Page:
    if not scope.at_least(user, scope.LEAD):
        return Page(items=[], next=None)
    qs = Forecast.objects.filter(line_q(user)).select_related("group").defer("volumes", "required")
    return paginate(qs, ordering="-created_at", cursor=cursor, limit=limit)


def forecast_get_for(*, user, pk) -> Forecast:
    if not scope.at_least(user, scope.LEAD):
        raise NotFound()
    obj = Forecast.objects.filter(line_q(user), pk=pk).select_related("group").first()
    if obj is None:
        raise NotFound()
    return obj


def requirement_for(
    *, user, business_line_id: int, start: dt.date, days: int, interval_minutes: int
) -> dict[str, list[list[int]]]:
    """Required agents per group, day and interval from each group's latest forecast that
    covers the day (0 where no forecast does)."""
    n = fc.per_day(interval_minutes)
    groups = list(SkillGroup.objects.filter(business_line_id=business_line_id).order_by("id"))
    out = {g.code: [[0] * n for _ in range(days)] for g in groups}
    end = start + dt.timedelta(days=days)
    forecasts = (
        Forecast.objects.filter(
            line_q(user),
            business_line_id=business_line_id,
            group__isnull=False,
            interval_minutes=interval_minutes,
            start_date__lt=end,
        )
        .select_related("group")
        .order_by("-created_at", "-id")
    )
    filled: set[tuple[str, int]] = set()
    for f in forecasts[:50]:
        code = f.group.code
        if code not in out:
            continue
        for d in range(days):
            day = start + dt.timedelta(days=d)
            offset = (day - f.start_date).days
            if (code, d) in filled or not 0 <= offset < f.days or not f.required:
                continue
            out[code][d] = list(f.required[offset * n : (offset + 1) * n])
            filled.add((code, d))
    return out


# -- rosters ----------------------------------------------------------------------------------
def roster_runs_for(*, user, cursor: str | None = None, limit: int | None = None) -> Page:
    if not scope.at_least(user, scope.LEAD):
        return Page(items=[], next=None)
    qs = RosterRun.objects.filter(line_q(user)).defer("requirement", "explanations", "scheduled")
    return paginate(qs, ordering="-created_at", cursor=cursor, limit=limit)


def roster_run_get_for(*, user, pk) -> RosterRun:
    if not scope.at_least(user, scope.LEAD):
        raise NotFound()
    run = RosterRun.objects.filter(line_q(user), pk=pk).first()
    if run is None:
        raise NotFound()
    return run


def visible_agents_q(user, field: str = "") -> Q:
    """Users whose schedule ``user`` may see: self; the team for leads; the department for
    supervisors; the line for managers; everyone for admins."""
    p = field
    r = scope.rank(user)
    if r >= scope.RANK[scope.ADMIN]:
        return Q()
    q = Q(**{f"{p}pk": user.pk})
    if r >= scope.RANK[scope.MANAGER] and user.business_line_id:
        q |= Q(**{f"{p}business_line_id": user.business_line_id})
    elif r >= scope.RANK[scope.SUPERVISOR] and user.department_id:
        q |= Q(**{f"{p}department_id": user.department_id})
    elif r >= scope.RANK[scope.LEAD] and user.team_id:
        q |= Q(**{f"{p}team_id": user.team_id})
    return q


def roster_grid(*, user, run: RosterRun) -> dict:
    """Rows of agents (those the viewer may see) × the run's days, with their leave and
    unavailable days; three queries."""
    profiles = list(
        AgentProfile.objects.filter(
            visible_agents_q(user, "user__"), user__business_line_id=run.business_line_id
        )
        .select_related("user", "user__team")
        .order_by("user__team_id", "user_id")
    )
    dates = [run.start_date + dt.timedelta(days=d) for d in range(run.days)]
    cells: dict[tuple[int, dt.date], list[RosterAssignment]] = defaultdict(list)
    ids = [p.user_id for p in profiles]
    for a in RosterAssignment.objects.filter(run=run, user_id__in=ids).select_related(
        "shift", "group"
    ):
        cells[(a.user_id, a.date)].append(a)
    away = leave_days(run=run, user_ids=ids)
    rows = [
        {
            "profile": p,
            "cells": [
                {
                    "date": d,
                    "items": cells.get((p.user_id, d), []),
                    "absence": away.get((p.user_id, d), ""),
                }
                for d in dates
            ],
        }
        for p in profiles
    ]
    return {"dates": dates, "rows": rows}


def coverage_day(run: RosterRun, day_index: int) -> list[dict]:
    """Per interval of one day: required and scheduled summed over groups, per group too."""
    n = MINUTES_PER_DAY // run.interval_minutes
    out = []
    for i in range(n):
        req = sched = 0
        for code, grid in run.requirement.items():
            if day_index < len(grid):
                req += grid[day_index][i]
            sg = run.scheduled.get(code)
            if sg and day_index < len(sg):
                sched += sg[day_index][i]
        minute = i * run.interval_minutes
        out.append(
            {"label": f"{minute // 60:02d}:{minute % 60:02d}", "required": req, "scheduled": sched}
        )
    return out


def schedule_for(
    *, viewer, user_id: int | None = None, start: dt.date, days: int = 14
) -> tuple[User, list[RosterAssignment]]:
    """One agent's shifts from ``start``: their own for everyone, their team's for leads, …
    Another agent outside the viewer's scope is NotFound."""
    if days < 1 or days > MAX_SCHEDULE_DAYS:
        raise Invalid(
            _("Show between 1 and %(max)d days.") % {"max": MAX_SCHEDULE_DAYS},
            fields={"days": _("Out of range.")},
        )
    target_id = user_id or viewer.pk
    target = User.objects.filter(visible_agents_q(viewer), pk=target_id).first()
    if target is None:
        raise NotFound()
    items = list(
        RosterAssignment.objects.filter(
            user=target,
            date__gte=start,
            date__lt=start + dt.timedelta(days=days),
            shift__isnull=False,
        )
        .select_related("shift", "group", "run")
        .order_by("date", "shift__start_minute")
    )
    return target, items


def shifts_for_line(business_line_id: int) -> list[ShiftTemplate]:
    return list(
        ShiftTemplate.objects.filter(business_line_id=business_line_id, is_active=True).order_by(
            "start_minute", "id"
        )
    )


# -- peak plans -------------------------------------------------------------------------------
def peak_plans_for(*, user, cursor: str | None = None, limit: int | None = None) -> Page:
    if not scope.at_least(user, scope.LEAD):
        return Page(items=[], next=None)
    return paginate(
        PeakPlan.objects.filter(line_q(user)), ordering="-created_at", cursor=cursor, limit=limit
    )


def peak_plan_get_for(*, user, pk) -> PeakPlan:
    if not scope.at_least(user, scope.LEAD):
        raise NotFound()
    plan = PeakPlan.objects.filter(line_q(user), pk=pk).first()
    if plan is None:
        raise NotFound()
    return plan


def intraday(*, business_line_id: int, day: dt.date) -> list[dict]:
    """Per hour of ``day`` (local time): planned agents and forecast volume against tickets
    created and agents active (distinct first-ask owners of those tickets), all aggregated in SQL
    or bounded by one day's assignments."""
    from kefu.tickets.models import Ticket

    zone = tz()
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = start + dt.timedelta(days=1)
    actual = (
        Ticket.objects.filter(
            business_line_id=business_line_id, created_at__gte=start, created_at__lt=end
        )
        .annotate(hour=ExtractHour("created_at", tzinfo=zone))
        .values("hour")
        .annotate(tickets=Count("id"), agents=Count("first_owner", distinct=True))
        .order_by("hour")
    )
    tickets = {row["hour"]: row for row in actual}
    planned = [0] * 24
    assignments = RosterAssignment.objects.filter(
        run__business_line_id=business_line_id,
        run__status=RunStatus.DONE,
        date__in=[day - dt.timedelta(days=1), day],
        shift__isnull=False,
        group__isnull=False,
    ).select_related("shift")
    seen: set[tuple[int, int]] = set()
    for a in assignments:
        offset = (a.date - day).days * MINUTES_PER_DAY
        s = a.shift
        parts = [(s.start_minute, s.start_minute + s.duration_minutes)]
        if s.second_start_minute is not None:
            parts.append((s.second_start_minute, s.second_start_minute + s.second_duration_minutes))
        for begin, finish in parts:
            for h in range(24):
                lo, hi = h * 60, h * 60 + 60
                if begin + offset < hi and finish + offset > lo and (a.user_id, h) not in seen:
                    seen.add((a.user_id, h))
                    planned[h] += 1
    volume = [0.0] * 24
    groups_done: set[int | None] = set()
    for f in (
        Forecast.objects.filter(
            business_line_id=business_line_id, start_date__lte=day, group__isnull=False
        )
        .order_by("-created_at", "-id")
        .only("group_id", "start_date", "days", "interval_minutes", "volumes")[:20]
    ):
        offset = (day - f.start_date).days
        if f.group_id in groups_done or offset >= f.days:
            continue
        groups_done.add(f.group_id)
        n = fc.per_day(f.interval_minutes)
        for h, v in enumerate(
            fc.hourly(f.volumes[offset * n : (offset + 1) * n], f.interval_minutes)
        ):
            volume[h] += v
    return [
        {
            "hour": h,
            "planned_agents": planned[h],
            "forecast_volume": round(volume[h], 1),
            "tickets": tickets.get(h, {}).get("tickets", 0),
            "active_agents": tickets.get(h, {}).get("agents", 0),
        }
        for h in range(24)
    ]


def ticket_history_days(*, business_line_id: int) -> list[dt.date]:
    """Days with tickets (for the forecast form's hint); bounded to the last 400."""
    from kefu.tickets.models import Ticket

    return list(
        Ticket.objects.filter(business_line_id=business_line_id)
        .annotate(day=TruncDate("created_at", tzinfo=tz()))
        .values_list("day", flat=True)
        .distinct()
        .order_by("-day")[:400]
    )


def group_names(business_line_id: int) -> dict[str, str]:
    return dict(
        SkillGroup.objects.filter(business_line_id=business_line_id).values_list("code", "name")
    )


def cell_items(*, run: RosterRun, user_id: int, day: dt.date) -> list[RosterAssignment]:
    return list(
        RosterAssignment.objects.filter(run=run, user_id=user_id, date=day).select_related(
            "shift", "group"
        )
    )


def checklist_item_get(*, plan: PeakPlan, pk: int):
    from kefu.workforce.models import ChecklistItem

    item = ChecklistItem.objects.filter(plan=plan, pk=pk).select_related("owner", "plan").first()
    if item is None:
        raise NotFound()
    return item


def borrowed_get(*, plan: PeakPlan, pk: int):
    from kefu.workforce.models import BorrowedStaff

    staff = BorrowedStaff.objects.filter(plan=plan, pk=pk).select_related("plan").first()
    if staff is None:
        raise NotFound()
    return staff


def requirement_api_for(
    *, user, start: dt.date, days: int, interval_minutes: int
) -> dict[str, list[list[int]]]:
    """The requirement of the user's own line (leads and above)."""
    if not scope.at_least(user, scope.LEAD) or user.business_line_id is None:
        raise NotFound()
    if not 1 <= days <= 35 or interval_minutes not in (15, 30, 60):
        raise Invalid(
            _("Ask for 1 to 35 days of 15, 30 or 60-minute intervals."),
            fields={"days": _("Out of range.")},
        )
    return requirement_for(
        user=user,
        business_line_id=user.business_line_id,
        start=start,
        days=days,
        interval_minutes=interval_minutes,
    )


# -- setup pages (shift templates, agent profiles, leave, skill groups) ------------------------
def require_reader(user) -> None:
    """Setup pages: leads and above read them; agents get the 404 page."""
    if not scope.at_least(user, scope.LEAD) or (
        user.business_line_id is None and not scope.is_admin(user)
    ):
        raise NotFound()


def shift_templates_for(*, user, cursor: str | None = None, limit: int | None = None) -> Page:
    require_reader(user)
    return paginate(
        ShiftTemplate.objects.filter(line_q(user)),
        ordering="start_minute",
        cursor=cursor,
        limit=limit,
    )


def shift_template_get_for(*, user, pk) -> ShiftTemplate:
    require_reader(user)
    obj = ShiftTemplate.objects.filter(line_q(user), pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def line_agents_for(*, user, cursor: str | None = None, limit: int | None = None) -> Page:
    """The agents and leads of the viewer's line whom they may see (a lead: their team), each
    with its rostering profile and skills: three queries a page."""
    require_reader(user)
    from django.db.models import Prefetch

    qs = (
        User.objects.filter(
            visible_agents_q(user),
            scope.business_line_q(user),
            is_active=True,
            role__in=[scope.AGENT, scope.LEAD],
        )
        .select_related("team", "workforce_profile")
        .prefetch_related(
            Prefetch("workforce_profile__groups", queryset=SkillGroup.objects.order_by("id"))
        )
    )
    return paginate(qs, ordering="id", cursor=cursor, limit=limit)


def line_agent_get_for(*, user, pk) -> User:
    require_reader(user)
    target = (
        User.objects.filter(
            visible_agents_q(user),
            scope.business_line_q(user),
            is_active=True,
            role__in=[scope.AGENT, scope.LEAD],
            pk=pk,
        )
        .select_related("team", "workforce_profile")
        .first()
    )
    if target is None:
        raise NotFound()
    return target


def line_agent_choices(*, user) -> QuerySet[User]:
    require_reader(user)
    return User.objects.filter(
        visible_agents_q(user),
        scope.business_line_q(user),
        is_active=True,
        role__in=[scope.AGENT, scope.LEAD],
    ).order_by("team_id", "id")


def leaves_for(*, user, cursor: str | None = None, limit: int | None = None) -> Page:
    """Leave and unavailable days of the agents the viewer may see, newest first."""
    from kefu.workforce.models import Leave

    require_reader(user)
    qs = Leave.objects.filter(
        visible_agents_q(user, "user__"), scope.business_line_q(user, "user__business_line_id")
    ).select_related("user", "user__team")
    return paginate(qs, ordering="-start_date", cursor=cursor, limit=limit)


def leave_get_for(*, user, pk):
    from kefu.workforce.models import Leave

    require_reader(user)
    obj = (
        Leave.objects.filter(
            visible_agents_q(user, "user__"),
            scope.business_line_q(user, "user__business_line_id"),
            pk=pk,
        )
        .select_related("user")
        .first()
    )
    if obj is None:
        raise NotFound()
    return obj


def skill_groups_page_for(*, user) -> list[SkillGroup]:
    """The line's skill groups with how many rostered agents have each skill; two queries."""
    require_reader(user)
    return list(
        skill_groups_for(user=user).annotate(
            agent_count=Count("agents", filter=Q(agents__is_active=True))
        )
    )


def skill_group_edit_get_for(*, user, pk) -> SkillGroup:
    require_reader(user)
    return skill_group_get_for(user=user, pk=pk)


def leave_days(*, run: RosterRun, user_ids: list[int]) -> dict[tuple[int, dt.date], str]:
    """(user id, date) → kind of absence within the run's days, for the roster grid."""
    from kefu.workforce.models import Leave

    end = run.start_date + dt.timedelta(days=run.days - 1)
    out: dict[tuple[int, dt.date], str] = {}
    for lv in Leave.objects.filter(
        user_id__in=user_ids, start_date__lte=end, end_date__gte=run.start_date
    ).only("user_id", "start_date", "end_date", "kind"):
        day = max(lv.start_date, run.start_date)
        while day <= min(lv.end_date, end):
            out[(lv.user_id, day)] = lv.kind
            day += dt.timedelta(days=1)
    return out


def checklist_owner_choices(*, plan: PeakPlan) -> QuerySet[User]:
    return User.objects.filter(business_line_id=plan.business_line_id, is_active=True).order_by(
        "role", "id"
    )
