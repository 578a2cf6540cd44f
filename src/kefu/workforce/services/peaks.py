"""Peak-event plans (双11): the template, borrowed staff and checklists (spec §1.13, SCH-1, STF-5)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.core import audit
from kefu.core.errors import Invalid
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
    return plan


@transaction.atomic
def borrowed_add(
    *,
    actor,
    plan: PeakPlan,
    name: str,
    from_department: str,
    group: str,
    training_status: str = TrainingStatus.NOT_STARTED,
) -> BorrowedStaff:
    """Someone lent by another department (PK-1) with their training status (PK-3/4)."""
    require_planner(actor)
    _line_of(actor, plan.business_line_id)
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
    return BorrowedStaff.objects.create(
        plan=plan,
        name=name,
        from_department=from_department,
        group=group,
        training_status=training_status,
    )


@transaction.atomic
def borrowed_set_training(*, actor, staff: BorrowedStaff, training_status: str) -> BorrowedStaff:
    require_planner(actor)
    _line_of(actor, staff.plan.business_line_id)
    if training_status not in TrainingStatus.values:
        raise Invalid(_("Unknown training status."), fields={"training_status": _("Unknown.")})
    staff.training_status = training_status
    staff.save(update_fields=["training_status", "updated_at"])
    return staff


@transaction.atomic
def checklist_set_done(*, actor, item: ChecklistItem, done: bool) -> ChecklistItem:
    require_planner(actor)
    _line_of(actor, item.plan.business_line_id)
    item.done = done
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_at", "updated_at"])
    return item
