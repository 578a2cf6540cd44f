"""Door-to-door visits (SEG-11): an agent records a visit to a household with what was learnt;
the note goes into the owner's profile. Each agent visits at least 4 households a month; the
monthly tally shows who is short. Visits are spread out: a household visited in the last 30
days is not visited again (``property.rules``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Invalid
from kefu.customers.models import PropertyUnit
from kefu.property import rules
from kefu.property.models import DoorVisit

NOTE_MAX = 300
BACKDATE_DAYS = 31


def visits_for(user):
    return DoorVisit.objects.filter(scope.records_q(user, owners=("agent_id",)))


def units_for(user):
    return PropertyUnit.objects.filter(
        scope.business_line_q(user, "customer__business_line_id"), customer__merged_into=None
    )


@transaction.atomic
def visit_record(*, actor, unit_id, visited_on, note: str) -> DoorVisit:
    from kefu.customers.services import note_add

    unit = (
        units_for(actor).filter(pk=unit_id).select_related("customer").first()
        if str(unit_id).isdigit()
        else None
    )
    if unit is None or not actor.business_line_id:
        raise Invalid(
            _("Choose a household of your business line."),
            fields={"unit": _("Unknown household.")},
        )
    try:
        day = visited_on if isinstance(visited_on, dt.date) else dt.date.fromisoformat(visited_on)
    except (TypeError, ValueError):
        raise Invalid(
            _("Enter a date such as 2026-11-24."), fields={"visited_on": _("Not a valid date.")}
        ) from None
    today = timezone.localdate()
    if not today - dt.timedelta(days=BACKDATE_DAYS) <= day <= today:
        raise Invalid(
            _("A visit is recorded within a month of it, and not ahead."),
            fields={"visited_on": _("Out of range.")},
        )
    note = (note or "").strip() if isinstance(note, str) else ""
    if not note or len(note) > NOTE_MAX:
        raise Invalid(
            _("Write what the visit found (at most %(n)d characters).") % {"n": NOTE_MAX},
            fields={"note": _("Required.") if not note else _("Too long.")},
        )
    # one visit of a household at a time: the unit's row is the lock
    PropertyUnit.objects.select_for_update().filter(pk=unit.pk).first()
    last = (
        DoorVisit.objects.filter(unit=unit)
        .order_by("-visited_on")
        .values_list("visited_on", flat=True)
        .first()
    )
    if rules.visit_too_soon(last, day):
        raise Invalid(
            _("This household was visited on %(day)s: visits are spread at least %(n)d days apart.")
            % {"day": last.isoformat(), "n": rules.VISIT_GAP_DAYS},
            fields={"unit": _("Visited recently.")},
        )
    visit = DoorVisit.objects.create(
        business_line_id=actor.business_line_id,
        department_id=actor.department_id,
        team_id=actor.team_id,
        agent=actor,
        unit=unit,
        visited_on=day,
        note=note,
    )
    note_add(
        actor=actor,
        customer=unit.customer,
        body=_("Door visit on %(day)s (%(unit)s): %(note)s")
        % {"day": day.isoformat(), "unit": str(unit), "note": note},
    )
    audit.record(
        actor=actor,
        action="property.visit",
        obj=visit,
        changes={"unit": unit.pk, "visited_on": day},
        business_line_id=actor.business_line_id,
    )
    return visit


def month_bounds(month: str | None) -> tuple[dt.date, dt.date]:
    """The first day of ``month`` (YYYY-MM, default this month) and of the next."""
    today = timezone.localdate()
    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return first, after


def monthly_tally(user, month: str | None = None) -> dict:
    """Households visited per agent in the month (distinct units), every agent of the user's
    scope listed, the short ones first. One query for the counts."""
    first, after = month_bounds(month)
    agents = User.objects.filter(
        scope.records_q(user, owners=("pk",)), role="agent", is_active=True
    ).exclude(business_line=None)
    if not scope.is_admin(user):
        agents = agents.filter(business_line_id=user.business_line_id)
    counts = dict(
        visits_for(user)
        .filter(visited_on__gte=first, visited_on__lt=after)
        .values("agent")
        .annotate(n=Count("unit", distinct=True))
        .values_list("agent", "n")
    )
    names = {a.pk: a for a in agents.order_by("id")}
    rows = rules.visit_tally({pk: counts.get(pk, 0) for pk in names})
    for row in rows:
        row["user"] = names[row["agent"]]
    return {
        "month": first,
        "rows": rows,
        "short": sum(1 for r in rows if r["short"]),
        "target": rules.VISITS_A_MONTH,
        "visits": visits_for(user)
        .filter(Q(visited_on__gte=first) & Q(visited_on__lt=after))
        .select_related("agent", "unit", "unit__customer")
        .order_by("-visited_on", "-id")[:50],
    }
