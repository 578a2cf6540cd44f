"""The 上岗 gate: a queue (a team that receives tickets) or a skill group names the
certifications it needs; an agent without a valid one of each is skipped by routing, refused on
manual or API assignment (400 ``not_certified``) and not rostered to the group. Tickets and
workforce ask through the core.events guards ``ticket.assigning`` and ``roster.staffing``; they
never import this app."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Ineligible
from kefu.training.borrowed_modules import progress
from kefu.training.models import CertificationGrant, GateRequirement


def valid_q(today: dt.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(valid_until__isnull=True) | Q(valid_until__gte=today)


def lacking(user_ids, required_ids, today: dt.date | None = None) -> set[int]:
    """The users among ``user_ids`` without a valid grant of every certification in
    ``required_ids``. One query."""
    required = set(required_ids)
    if not required:
        return set()
    held: dict[int, set[int]] = {}
    rows = (
        CertificationGrant.objects.filter(user_id__in=list(user_ids), certification_id__in=required)
        .filter(valid_q(today))
        .values_list("user_id", "certification_id")
    )
    for user_id, cert_id in rows:
        held.setdefault(user_id, set()).add(cert_id)
    return {pk for pk in user_ids if not required <= held.get(pk, set())}


def _refuse(ids: set[int], *, quiet: bool = False) -> None:
    """Refuse ``ids``; ``quiet`` (routing, which skips them) saves the query for their names."""
    if ids and quiet:
        raise Ineligible(user_ids=ids)
    if ids:
        from kefu.accounts.models import User

        names = "、".join(u.name for u in User.objects.filter(pk__in=ids).order_by("pk")[:5])
        raise Ineligible(
            _("%(names)s has no valid certification for this queue yet (未上岗).")
            % {"names": names},
            user_ids=ids,
            fields={"assignee": _("Not certified for this queue.")},
        )


def lacking_for_team(team_id: int, user_ids, today: dt.date | None = None) -> set[int]:
    """``lacking`` for the queue ``team_id``'s own requirements, in one plain statement: it
    runs on every intake that assigns a ticket (issue 24), where the ORM's two queries cost more
    CPU than the rest of the routing."""
    user_ids = list(user_ids)
    today = today or timezone.localdate()
    grant, requirement = CertificationGrant._meta.db_table, GateRequirement._meta.db_table
    marks = ", ".join(["%s"] * len(user_ids))
    # table names come from the models, every value is a placeholder
    sql = (
        f"SELECT r.certification_id, g.user_id FROM {requirement} r"  # nosec B608
        f" LEFT JOIN {grant} g ON g.certification_id = r.certification_id"
        f" AND g.user_id IN ({marks}) AND (g.valid_until IS NULL OR g.valid_until >= %s)"
        " WHERE r.team_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*user_ids, today, team_id])
        rows = cursor.fetchall()
    required = {cert_id for cert_id, _user in rows}
    held: dict[int, set[int]] = {}
    for cert_id, user_id in rows:
        if user_id is not None:
            held.setdefault(user_id, set()).add(cert_id)
    return {pk for pk in user_ids if not required <= held.get(pk, set())}


def on_ticket_assigning(event) -> None:
    assignees = event.payload["assignees"]
    if assignees:
        quiet = event.payload["source"] == "routing"
        _refuse(lacking_for_team(event.object_id, assignees), quiet=quiet)


def on_roster_staffing(event) -> None:
    required = list(
        GateRequirement.objects.filter(skill_group_id=event.object_id).values_list(
            "certification_id", flat=True
        )
    )
    if required:
        _refuse(
            lacking(event.payload["agents"], required), quiet=event.payload["source"] == "solver"
        )


def roster_busy(user_ids, start: dt.datetime, end: dt.datetime) -> dict[int, list[tuple]]:
    """Booked classes (a seat, not the waiting list) as busy time for the workforce rosters
    (registered with ``workforce.availability``): {user id: [(start, end), …]}."""
    from kefu.training.models import Enrolment, EnrolmentStatus

    out: dict[int, list[tuple]] = {}
    rows = Enrolment.objects.filter(
        user_id__in=list(user_ids),
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDED],
        training_class__starts_at__gte=start - dt.timedelta(hours=8),
        training_class__starts_at__lt=end,
    ).values_list("user_id", "training_class__starts_at", "training_class__hours")
    for user_id, starts_at, hours in rows:
        finish = starts_at + dt.timedelta(minutes=round(float(hours) * 60))
        if finish > start:
            out.setdefault(user_id, []).append((starts_at, finish))
    return out


def staff_status(business_line_id: int, user_ids: list[int]) -> dict[int, dict]:
    """The 上岗 status of the linked accounts of the workforce 双11 plan's borrowed staff
    (``workforce.staff_status``): certified with the valid certifications and the earliest end
    of validity, expired, or none (未上岗), and PK-3's extra modules done and missing
    (``modules``). Two queries, whatever the number of people."""
    grants: dict[int, list] = {uid: [] for uid in user_ids}
    for user_id, cert_name, valid_until in CertificationGrant.objects.filter(
        user_id__in=list(user_ids), certification__business_line_id=business_line_id
    ).values_list("user_id", "certification__name", "valid_until"):
        grants[user_id].append((cert_name, valid_until))
    today = timezone.localdate()
    out: dict[int, dict] = {}
    for user_id, mine in grants.items():
        valid = [(n, v) for n, v in mine if v is None or v >= today]
        if valid:
            ends = [v for _n, v in valid if v is not None]
            out[user_id] = {
                "code": "certified",
                "certifications": sorted({n for n, _v in valid}),
                "valid_until": min(ends) if ends and len(ends) == len(valid) else None,
            }
        else:
            out[user_id] = {
                "code": "expired" if mine else "none",
                "certifications": sorted({n for n, _v in mine}),
                "valid_until": max((v for _n, v in mine if v), default=None),
            }
    modules = progress(business_line_id, list(user_ids))
    for user_id, row in out.items():
        row["modules"] = modules[user_id]
    return out
