"""Peak-event plans (双11): the template, borrowed staff and checklists (spec §1.13, SCH-1, STF-5)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.accounts.models import User
from kefu.core import audit
from kefu.core.errors import Invalid, StaleWrite
from kefu.workforce.models import (
    BorrowedStaff,
    ChecklistItem,
    PeakPlan,
    Phase,
    TrainingStatus,
)
from kefu.workforce.selectors import require_planner
from kefu.workforce.services.forecasts import _line_of

#: SCH-1: Nov 10–17; 24 h on the 10th and 11th, at least 15 h on the 12th to the 17th.
FULL_DAY_HOURS = 24
AFTER_DAY_HOURS = 15
#: STF-5 (demo default): during the event 售前 10 / 催付 2 / 售后 2, after it 5 / 1 / 7, as
#: pre-sale staff move to after-sales. "Before" is the ordinary staffing the plan starts from.
GROUP_SIZES = {
    Phase.BEFORE: {"售前": 6, "催付": 1, "售后": 3},
    Phase.DURING: {"售前": 10, "催付": 2, "售后": 2},
    Phase.AFTER: {"售前": 5, "催付": 1, "售后": 7},
}

#: (phase, spec reference, task, days relative to Nov 10). Titles are translated when shown.
CHECKLIST = (
    (
        Phase.BEFORE,
        "PK-1",
        gettext_noop("Set up the Double 11 team: 1–2 people from each department"),
        -45,
    ),
    (Phase.BEFORE, "PK-2", gettext_noop("Forecast contacts and size each group"), -40),
    (
        Phase.BEFORE,
        "PK-2",
        gettext_noop("Open accounts and sub-accounts for every agent and helper"),
        -35,
    ),
    (Phase.BEFORE, "PK-3", gettext_noop("Train agents and borrowed staff (one month ahead)"), -30),
    (Phase.BEFORE, "PK-3", gettext_noop("Distribute quick replies and the event FAQ"), -21),
    (
        Phase.BEFORE,
        "PK-4",
        gettext_noop(
            "Pre-duty certification: product exam, role-play, quick-reply and typing tests"
        ),
        -10,
    ),
    (
        Phase.BEFORE,
        "PK-2",
        gettext_noop("Publish the roster with 24-hour cover on the first two days"),
        -7,
    ),
    (
        Phase.BEFORE,
        "PK-5",
        gettext_noop("Warehouse: forecast orders per brand, pre-pack best sellers, book couriers"),
        -7,
    ),
    (Phase.BEFORE, "PK-6", gettext_noop("Set targets and incentives; hold the kickoff"), -3),
    (Phase.BEFORE, "PK-2", gettext_noop("Agree the refund policy for the event"), -3),
    (Phase.DURING, "PK-2", gettext_noop("Monitor traffic and move staff between groups"), 0),
    (
        Phase.DURING,
        "PK-7",
        gettext_noop("Run payment reminders (SMS, phone, IM) within their windows"),
        0,
    ),
    (Phase.DURING, "PK-6", gettext_noop("Mid-event incentives"), 1),
    (Phase.DURING, "PK-2", gettext_noop("Process refunds for unshipped orders"), 1),
    (Phase.AFTER, "PK-5", gettext_noop("Ship every order within 5 days"), 6),
    (
        Phase.AFTER,
        "PK-2",
        gettext_noop("Returns and exchanges; customer care; review follow-up"),
        7,
    ),
    (Phase.AFTER, "PK-2", gettext_noop("Incident response for logistics exceptions"), 7),
    (
        Phase.AFTER,
        "PK-7",
        gettext_noop("Results per group: reminders, refunds, returns against their targets"),
        10,
    ),
    (Phase.AFTER, "PK-6", gettext_noop("Award meeting"), 14),
)


def double11_coverage(year: int) -> list[dict]:
    out = []
    for day in range(10, 18):
        date = dt.date(year, 11, day)
        during = day <= 11
        out.append(
            {
                "date": date.isoformat(),
                "hours": FULL_DAY_HOURS if during else AFTER_DAY_HOURS,
                "phase": Phase.DURING.value if during else Phase.AFTER.value,
            }
        )
    return out


@transaction.atomic
def peak_plan_from_template(*, actor, business_line=None, year: int, name: str = "") -> PeakPlan:
    """A 双11 plan for ``year`` with the template's dates, coverage, group sizes and checklists."""
    require_planner(actor)
    line = _line_of(actor, business_line)
    if not 2000 <= year <= 2100:
        raise Invalid(_("Enter a year between 2000 and 2100."), fields={"year": _("Out of range.")})
    start = dt.date(year, 11, 10)
    plan = PeakPlan.objects.create(
        business_line=line,
        name=name.strip() or _("Double 11 %(year)d") % {"year": year},
        start_date=start,
        end_date=dt.date(year, 11, 17),
        coverage=double11_coverage(year),
        group_sizes={str(k): dict(v) for k, v in GROUP_SIZES.items()},
        created_by=actor,
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                plan=plan,
                phase=phase,
                spec_ref=ref,
                title=title,
                owner=actor,
                due_date=start + dt.timedelta(days=offset),
            )
            for phase, ref, title, offset in CHECKLIST
        ]
    )
    audit.record(actor=actor, action="workforce.peak_plan_create", obj=plan, changes={"year": year})
    return plan


@transaction.atomic
def peak_plan_set_group_sizes(
    *, actor, plan: PeakPlan, phase: str, sizes: dict[str, int]
) -> PeakPlan:
    require_planner(actor)
    _line_of(actor, plan.business_line_id)
    if phase not in Phase.values:
        raise Invalid(_("Unknown phase."), fields={"phase": _("Unknown.")})
    if any(
        not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > 10_000 for v in sizes.values()
    ):
        raise Invalid(
            _("Group sizes are whole numbers of at least 0."), fields={"sizes": _("Invalid.")}
        )
    plan.group_sizes = {**plan.group_sizes, phase: dict(sizes)}
    plan.save(update_fields=["group_sizes", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.peak_group_sizes",
        obj=plan,
        changes={"phase": phase, "sizes": dict(sizes)},
    )
    return plan


def _clean_sizes(group_sizes: dict) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for phase, sizes in group_sizes.items():
        if phase not in Phase.values:
            raise Invalid(_("Unknown phase."), fields={"phase": _("Unknown.")})
        for group, v in sizes.items():
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 10_000:
                raise Invalid(
                    _("Group sizes are whole numbers of at least 0."),
                    fields={f"size-{phase}-{group}": _("Invalid.")},
                )
        out[phase] = dict(sizes)
    return out


@transaction.atomic
def peak_plan_update(
    *,
    actor,
    plan: PeakPlan,
    version: int,
    coverage_hours: dict[str, int],
    group_sizes: dict[str, dict[str, int]],
) -> PeakPlan:
    """Coverage hours per day (0–24) and group sizes before, during and after the event in one
    change; a plan someone else changed since ``version`` is refused (409)."""
    require_planner(actor)
    _line_of(actor, plan.business_line_id)
    days = {c["date"] for c in plan.coverage}
    for day, hours in coverage_hours.items():
        if day not in days:
            raise Invalid(
                _("The day is outside this plan."), fields={f"hours-{day}": _("Unknown.")}
            )
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 24:
            raise Invalid(
                _("Coverage is 0 to 24 hours a day."), fields={f"hours-{day}": _("Out of range.")}
            )
    sizes = _clean_sizes(group_sizes)
    coverage = [{**c, "hours": coverage_hours.get(c["date"], c["hours"])} for c in plan.coverage]
    merged = {**plan.group_sizes, **sizes}
    if not PeakPlan.objects.filter(pk=plan.pk, version=version).update(
        coverage=coverage, group_sizes=merged, version=F("version") + 1
    ):
        raise StaleWrite()
    before = {"coverage": plan.coverage, "group_sizes": plan.group_sizes}
    plan.coverage, plan.group_sizes, plan.version = coverage, merged, version + 1
    audit.record(
        actor=actor,
        action="workforce.peak_plan_update",
        obj=plan,
        changes=audit.diff(before, {"coverage": coverage, "group_sizes": merged}),
    )
    return plan


@transaction.atomic
def checklist_item_update(*, actor, item: ChecklistItem, owner, due_date: dt.date) -> ChecklistItem:
    """Who owns a checklist task and when it is due; the owner works on the plan's line."""
    require_planner(actor)
    line = _line_of(actor, item.plan.business_line_id)
    if owner is not None and owner.business_line_id != line.pk:
        raise Invalid(
            _("The owner must work on this business line."), fields={"owner": _("Unknown.")}
        )
    if abs((due_date - item.plan.start_date).days) > 366:
        raise Invalid(
            _("The due date is within a year of the event."),
            fields={"due_date": _("Out of range.")},
        )
    before = {"owner": item.owner_id, "due_date": item.due_date}
    item.owner, item.due_date = owner, due_date
    item.save(update_fields=["owner", "due_date", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.checklist_update",
        obj=item,
        changes=audit.diff(before, {"owner": item.owner_id, "due_date": due_date}),
        business_line_id=line.pk,
    )
    return item


@transaction.atomic
def borrowed_add(
    *,
    actor,
    plan: PeakPlan,
    name: str,
    from_department: str,
    group: str,
    training_status: str = TrainingStatus.NOT_STARTED,
    username: str = "",
) -> BorrowedStaff:
    """Someone lent by another department (PK-1) with their training status (PK-3/4), linked to
    their account on the plan's line when ``username`` names one (the name defaults to it)."""
    require_planner(actor)
    _line_of(actor, plan.business_line_id)
    user = None
    username = (username or "").strip()
    if username:
        user = User.objects.filter(
            username=username, business_line_id=plan.business_line_id, is_active=True
        ).first()
        if user is None:
            raise Invalid(
                _("No active account of that user name on the business line."),
                fields={"username": _("Unknown.")},
            )
        name = name.strip() or user.display_name or user.username
    name, from_department, group = name.strip(), from_department.strip(), group.strip()
    if not name or not from_department or not group:
        raise Invalid(
            _("Enter the name, the department and the group."),
            fields={
                k: _("Required.")
                for k, v in (("name", name), ("from_department", from_department), ("group", group))
                if not v
            },
        )
    if training_status not in TrainingStatus.values:
        raise Invalid(_("Unknown training status."), fields={"training_status": _("Unknown.")})
    staff = BorrowedStaff.objects.create(
        plan=plan,
        name=name,
        user=user,
        from_department=from_department,
        group=group,
        training_status=training_status,
    )
    audit.record(
        actor=actor,
        action="workforce.borrowed_add",
        obj=staff,
        changes={
            "name": name,
            "user": getattr(user, "pk", None),
            "from_department": from_department,
            "group": group,
        },
        business_line_id=plan.business_line_id,
    )
    return staff


@transaction.atomic
def borrowed_remove(*, actor, staff: BorrowedStaff) -> None:
    """Someone no longer lent for the event."""
    require_planner(actor)
    _line_of(actor, staff.plan.business_line_id)
    audit.record(
        actor=actor,
        action="workforce.borrowed_remove",
        obj=staff,
        changes={"name": staff.name},
        business_line_id=staff.plan.business_line_id,
    )
    staff.delete()


@transaction.atomic
def borrowed_set_training(*, actor, staff: BorrowedStaff, training_status: str) -> BorrowedStaff:
    require_planner(actor)
    _line_of(actor, staff.plan.business_line_id)
    if training_status not in TrainingStatus.values:
        raise Invalid(_("Unknown training status."), fields={"training_status": _("Unknown.")})
    staff.training_status = training_status
    staff.save(update_fields=["training_status", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.borrowed_training",
        obj=staff,
        changes={"training_status": training_status},
        business_line_id=staff.plan.business_line_id,
    )
    return staff


@transaction.atomic
def checklist_set_done(*, actor, item: ChecklistItem, done: bool) -> ChecklistItem:
    require_planner(actor)
    _line_of(actor, item.plan.business_line_id)
    item.done = done
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_at", "updated_at"])
    return item
