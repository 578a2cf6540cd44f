"""Absences and deputies (FU-12): an absent owner's callbacks go to the supervisor's chosen deputy."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.absences import absent_user_ids
from kefu.accounts.models import Role, User
from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound
from kefu.followups.models import CallbackTask, Deputy, TaskStatus, UserAbsence
from kefu.followups.services.policies import check_supervisor_of_line

DEPUTY_ROLES = (Role.AGENT, Role.LEAD, Role.SUPERVISOR)
MAX_ABSENCE_DAYS = 366


def _staff_in_scope(actor, user, field: str) -> User:
    """A user the supervisor manages: same department (supervisor) or line (manager)."""
    if not isinstance(user, User):
        try:
            user = User.objects.filter(pk=int(user)).first()
        except (TypeError, ValueError):
            user = None
    visible = user is not None and user.is_active
    if visible and not scope.is_admin(actor):
        visible = user.business_line_id == actor.business_line_id
        if visible and actor.role == Role.SUPERVISOR and actor.department_id:
            visible = user.department_id == actor.department_id
    if not visible:
        raise Invalid(_("Choose a member of your department."), fields={field: _("Unknown user.")})
    return user


def deputies_of(user_ids) -> dict[int, int]:
    """{owner id: deputy id} for the owners that have a deputy."""
    return dict(
        Deputy.objects.filter(owner_id__in=list(user_ids)).values_list("owner_id", "deputy_id")
    )


def effective_owner(owner_id: int | None, day: dt.date) -> tuple[int | None, int | None]:
    """(who makes the call, the absent owner it was taken from or None) on ``day``."""
    if owner_id is None or owner_id not in absent_user_ids([owner_id], day):
        return owner_id, None
    deputy_id = deputies_of([owner_id]).get(owner_id)
    if deputy_id is None or deputy_id in absent_user_ids([deputy_id], day):
        return owner_id, None
    return deputy_id, owner_id


def _hand_over(owner: User, deputy: User, starts_on: dt.date, ends_on: dt.date) -> int:
    """Give ``deputy`` the owner's open callbacks whose window opens within the absence."""
    return CallbackTask.objects.filter(
        owner=owner,
        status=TaskStatus.OPEN,
        window_start__lte=ends_on,
        window_end__gte=starts_on,
    ).update(
        owner=deputy,
        original_owner=owner,
        team=deputy.team,
        department=deputy.department,
        version=F("version") + 1,
    )


@transaction.atomic
def absence_create(
    *, actor, user, starts_on: dt.date, ends_on: dt.date, reason: str = ""
) -> UserAbsence:
    """Record an absence (supervisor of the user's department, or manager). The owner's open
    callbacks in the period go to their deputy at once; new ones are given to the deputy too."""
    check_supervisor_of_line(actor, actor.business_line_id)
    user = _staff_in_scope(actor, user, "user")
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise Invalid(_("Enter the dates of the absence."), fields={"starts_on": _("Required.")})
    if ends_on < starts_on:
        raise Invalid(
            _("The absence cannot end before it starts."),
            fields={"ends_on": _("Must be on or after the first day.")},
        )
    if (ends_on - starts_on).days > MAX_ABSENCE_DAYS:
        raise Invalid(_("An absence lasts at most a year."), fields={"ends_on": _("Too far.")})
    absence = UserAbsence.objects.create(
        user=user,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip()[:200],
        created_by=actor,
    )
    moved = 0
    entry = Deputy.objects.select_related("deputy").filter(owner=user).first()
    if entry is not None:
        moved = _hand_over(user, entry.deputy, starts_on, ends_on)
    audit.record(
        actor=actor,
        action="followups.absence_create",
        obj=absence,
        business_line_id=user.business_line_id,
        changes={"user": user.pk, "from": starts_on, "to": ends_on, "callbacks_moved": moved},
    )
    return absence


@transaction.atomic
def deputy_set(*, actor, owner, deputy) -> Deputy:
    """The supervisor chooses who takes ``owner``'s callbacks while ``owner`` is absent; open
    callbacks in a current or coming absence move to the deputy now."""
    check_supervisor_of_line(actor, actor.business_line_id)
    owner = _staff_in_scope(actor, owner, "owner")
    deputy = _staff_in_scope(actor, deputy, "deputy")
    if deputy.pk == owner.pk:
        raise Invalid(
            _("A deputy must be someone else."), fields={"deputy": _("Choose another person.")}
        )
    if deputy.role not in DEPUTY_ROLES:
        raise Invalid(
            _("The deputy must be an agent, team lead or supervisor."),
            fields={"deputy": _("Not allowed.")},
        )
    entry, _created = Deputy.objects.update_or_create(
        owner=owner, defaults={"deputy": deputy, "set_by": actor}
    )
    for absence in UserAbsence.objects.filter(user=owner, ends_on__gte=timezone.localdate()):
        _hand_over(owner, deputy, absence.starts_on, absence.ends_on)
    audit.record(
        actor=actor,
        action="followups.deputy_set",
        obj=entry,
        business_line_id=owner.business_line_id,
        changes={"owner": owner.pk, "deputy": deputy.pk},
    )
    return entry


@transaction.atomic
def deputy_clear(*, actor, owner) -> None:
    """Remove the deputy of ``owner`` (tasks already handed over stay with the deputy)."""
    check_supervisor_of_line(actor, actor.business_line_id)
    owner = _staff_in_scope(actor, owner, "owner")
    deleted, _rows = Deputy.objects.filter(owner=owner).delete()
    if not deleted:
        raise NotFound()
    audit.record(
        actor=actor,
        action="followups.deputy_clear",
        obj=owner,
        business_line_id=owner.business_line_id,
        changes={"owner": owner.pk},
    )
