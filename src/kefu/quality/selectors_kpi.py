"""Reads of KPI schemes in versions, KPI evaluations and work logs, scoped to the user
(core.scope): leads and above see their scope's people; an agent sees their own evaluations, the
rows they owe as an evaluator and their own work logs."""

from __future__ import annotations

from django.db.models import Q

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.quality import months
from kefu.quality.models import KpiScheme
from kefu.quality.models_kpi import KpiEvaluation, KpiEvaluationScore, WorkLog

_PEOPLE_SCOPE = {
    "business_line": "person__business_line_id",
    "department": "person__department_id",
    "team": "person__team_id",
}


def scheme_get_for(*, user, pk: int) -> KpiScheme:
    scheme = (
        KpiScheme.objects.filter(scope.business_line_q(user), pk=pk)
        .prefetch_related("indicators", "evaluators")
        .first()
    )
    if scheme is None:
        raise NotFound()
    return scheme


def evaluations_for(*, user):
    mine = Q(person=user) | Q(scores__evaluator=user)
    if scope.at_least(user, scope.LEAD):
        mine |= scope.records_q(user, **_PEOPLE_SCOPE) & ~Q(person=user)
    return (
        KpiEvaluation.objects.filter(mine)
        .distinct()
        .select_related("person", "scheme", "signed_by")
        .order_by("-period", "-id")
    )


def evaluation_get_for(*, user, pk: int) -> KpiEvaluation:
    evaluation = evaluations_for(user=user).filter(pk=pk).first()
    if evaluation is None:
        raise NotFound()
    return evaluation


def score_rows(evaluation: KpiEvaluation):
    return (
        KpiEvaluationScore.objects.filter(evaluation=evaluation)
        .select_related("evaluator", "entered_by")
        .order_by("id")
    )


def _num(value) -> float | None:
    return None if value is None else float(value)


def live_json(rows: list[dict]) -> list[dict]:
    return [
        {
            **{
                k: r[k]
                for k in ("indicator", "figure", "unit", "numerator", "denominator", "target")
            },
            "weight": _num(r["weight"]),
            "value": _num(r["value"]),
            "score": _num(r["score"]),
            "counted": r["score"] is not None,
        }
        for r in rows
    ]


def evaluation_json(ev: KpiEvaluation, viewer=None) -> dict:
    """One KPI evaluation for the API and CLI: each evaluator's weight and score, who has not
    scored yet, the evaluators' weighted score and the total. With ``viewer``, also the live
    indicators (frozen once signed) and, while it is being scored, the total they give now."""
    from kefu.quality import selectors_live

    rows = list(score_rows(ev))

    def who(r) -> str:
        return r.evaluator.username if r.evaluator_id else r.evaluator_name

    out = {
        "id": ev.pk,
        "person": ev.person.username,
        "period": months.label(ev.period),
        "scheme": ev.scheme_id,
        "scheme_revision": ev.scheme.revision,
        "status": ev.status,
        "score": _num(ev.score),
        "evaluators_score": _num(ev.evaluators_score),
        "signed_by": ev.signed_by.username if ev.signed_by_id else None,
        "signed_at": ev.signed_at.isoformat() if ev.signed_at else None,
        "version": ev.version,
        "scores": [
            {
                "evaluator_type": r.evaluator_type,
                "evaluator": who(r),
                "weight": float(r.weight),
                "score": _num(r.score),
            }
            for r in rows
        ],
        "not_scored": [who(r) for r in rows if r.score is None],
    }
    if viewer is not None:
        now = selectors_live.standing(viewer, ev)
        out.update(
            score=_num(now["score"]),
            measured_weight=float(now["measured_weight"]),
            judged_weight=float(now["judged_weight"]),
            live=live_json(now["live"]),
        )
    return out


def score_row_get_for(*, user, pk: int) -> KpiEvaluationScore:
    row = (
        KpiEvaluationScore.objects.select_related("evaluation__person")
        .filter(pk=pk, evaluation__in=evaluations_for(user=user))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def colleagues_for(*, user):
    """Who may be named as a peer, subordinate or direct manager: active people of the line."""
    if user.business_line_id is None:
        return User.objects.none()
    return (
        User.objects.filter(business_line_id=user.business_line_id, is_active=True)
        .select_related("team")
        .order_by("team_id", "id")
    )


def worklogs_for(*, user):
    qs = WorkLog.objects.select_related("author", "team", "submitted_to")
    if not scope.at_least(user, scope.LEAD):
        return qs.filter(author=user)
    return qs.filter(scope.records_q(user, department="team__department_id") | Q(author=user))
