"""Reads of the performance-management cycle, scoped to the user (core.scope): leads and above
see their scope's cycles and every appraisee; an agent sees the cycles they are appraised in,
and in them only their own row and the scores they owe."""

from __future__ import annotations

from django.db.models import Q

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.quality.models_cycle import AppraisalCycle, CycleMember, CycleScore


def cycles_for(*, user):
    qs = AppraisalCycle.objects.select_related("team")
    if not scope.at_least(user, scope.LEAD):
        return qs.filter(members__user=user)
    return qs.filter(scope.records_q(user))


def cycle_get_for(*, user, pk: int) -> AppraisalCycle:
    cycle = cycles_for(user=user).filter(pk=pk).first()
    if cycle is None:
        raise NotFound()
    return cycle


def sees_everyone(user, cycle: AppraisalCycle) -> bool:
    return scope.at_least(user, scope.LEAD)


def members_for(*, user, cycle: AppraisalCycle):
    qs = (
        CycleMember.objects.filter(cycle=cycle)
        .select_related("user", "interviewed_by")
        .prefetch_related("scores__evaluator")
        .order_by("id")
    )
    return qs if sees_everyone(user, cycle) else qs.filter(user=user)


def _enters_named(user, cycle: AppraisalCycle) -> bool:
    """The team lead and the cycle's supervisors enter customers' and experts' scores."""
    from kefu.quality.services_cycle import may_drive

    return (user.role == scope.LEAD and user.team_id == cycle.team_id) or may_drive(
        user, cycle.team
    )


def scores_owed(*, user, cycle: AppraisalCycle):
    """The evaluation rows this user scores (scored or not): their own as an evaluator, and for
    the team lead or a supervisor the customers' and external experts' they enter."""
    mine = Q(evaluator=user)
    if _enters_named(user, cycle):  # never the scores of themselves as an appraisee
        mine |= Q(evaluator__isnull=True) & ~Q(member__user=user)
    return (
        CycleScore.objects.filter(mine, member__cycle=cycle)
        .select_related("member__user")
        .order_by("member_id", "id")
    )


def score_get_for(*, user, pk: int) -> CycleScore:
    row = (
        CycleScore.objects.select_related("member__cycle__team", "member__user")
        .filter(pk=pk, member__cycle__in=cycles_for(user=user))
        .first()
    )
    if row is None or not (
        row.evaluator_id == user.pk
        or (
            row.evaluator_id is None
            and row.member.user_id != user.pk
            and _enters_named(user, row.member.cycle)
        )
    ):
        raise NotFound()
    return row


def member_get_for(*, user, pk: int) -> CycleMember:
    member = (
        CycleMember.objects.select_related("cycle__team", "user")
        .filter(pk=pk, cycle__in=cycles_for(user=user))
        .first()
    )
    if member is None or not scope.at_least(user, scope.LEAD):
        raise NotFound()
    return member


def cycle_json(cycle: AppraisalCycle, *, user=None, members: bool = False) -> dict:
    """A cycle as the API and ``kefu quality cycles --json`` print it: stage, dates, KPI-2
    weights and, with ``members``, each appraisee's score and who has not scored yet."""
    out = {
        "id": cycle.pk,
        "name": cycle.name,
        "team": cycle.team_id,
        "team_name": cycle.team.name,
        "starts_on": cycle.starts_on.isoformat(),
        "ends_on": cycle.ends_on.isoformat(),
        "stage": cycle.stage,
        "stage_label": str(cycle.get_stage_display()),
        "self_weight": float(cycle.self_weight),
        "manager_weight": float(cycle.manager_weight),
        "version": cycle.version,
    }
    if members:
        rows = (
            members_for(user=user, cycle=cycle)
            if user is not None
            else (
                CycleMember.objects.filter(cycle=cycle)
                .select_related("user")
                .prefetch_related("scores__evaluator")
                .order_by("id")
            )
        )
        out["members"] = [
            {
                "user": m.user.username,
                "score": float(m.score) if m.score is not None else None,
                "appraisal_class": m.appraisal_class,
                "not_scored": [
                    {
                        "evaluator": s.evaluator.username if s.evaluator else s.evaluator_name,
                        "evaluator_type": s.evaluator_type,
                    }
                    for s in m.scores.all()
                    if s.score is None
                ],
                "scored": [
                    {
                        "evaluator": s.evaluator.username if s.evaluator else s.evaluator_name,
                        "evaluator_type": s.evaluator_type,
                    }
                    for s in m.scores.all()
                    if s.score is not None
                ],
            }
            for m in rows
        ]
    return out
