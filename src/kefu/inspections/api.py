"""/api/v1/qa: quality inspection (质检): forms and their versions, the monthly sample, the
reviews in the caller's scope, scoring, the agent's appeal and the second reviewer's decision,
and the month-end service quality per advisor (SAT-5). Handlers parse, call, return."""

from __future__ import annotations

from ninja import Query, Router, Status

from kefu.accounts.models import User
from kefu.core.pagination import paginate
from kefu.inspections import selectors, services
from kefu.inspections.schemas import (
    Id,
    QaAppealIn,
    QaDecisionIn,
    QaFormOut,
    QaFormReviseIn,
    QaQualityOut,
    QaReassignIn,
    QaReviewOut,
    QaReviewPageOut,
    QaReviewStatus,
    QaSampleIn,
    QaSampleOut,
    QaScoreIn,
)

router = Router(tags=["qa"])


def _form(f, full: bool = False) -> dict:
    out = {
        "id": f.pk,
        "code": f.code,
        "version": f.number,
        "name": f.name,
        "target": f.target,
        "target_label": f.get_target_display(),
        "mode": f.mode,
        "mode_label": f.get_mode_display(),
        "pass_mark": str(f.pass_mark),
        "status": f.status,
    }
    if full:
        cats = services.form_definition(f)["categories"]
        out["categories"] = [
            {**c, "items": [{**i, "points": str(i["points"])} for i in c["items"]]} for c in cats
        ]
    return out


def _review(r, appeal=None) -> dict:
    out = {
        "id": r.pk,
        "period": f"{r.period:%Y-%m}",
        "source": r.source,
        "source_label": r.get_source_display(),
        "status": r.status,
        "status_label": r.get_status_display(),
        "agent": r.agent_id,
        "agent_name": r.agent.name if r.agent_id else None,
        "subject": r.subject_id,
        "ticket": r.ticket_id,
        "ticket_number": r.ticket.number if r.ticket_id else None,
        "callback": r.callback_id,
        "call": r.call_id,
        "language_flags": r.language_flags,
        "reviewer": r.reviewer_id,
        "reviewer_name": r.reviewer.name,
        "form": r.form_id,
        "score": None if r.score is None else str(r.score),
        "failed": r.failed,
        "comment": r.comment,
        "answers": r.answers,
        "completed_at": r.completed_at,
        "version": r.version,
    }
    if appeal is not None:
        out["appeal"] = {
            "status": appeal.status,
            "status_label": appeal.get_status_display(),
            "reason": appeal.reason,
            "decider": appeal.decider_id,
            "decider_name": appeal.decider.name,
            "deadline": appeal.deadline,
            "decision_note": appeal.decision_note,
            "score_before": str(appeal.score_before),
            "score_after": None if appeal.score_after is None else str(appeal.score_after),
        }
    return out


def _answers(raw: dict | None) -> dict:
    return dict(raw or {})


@router.get("/forms", response=list[QaFormOut], operation_id="qa_form_list")
def form_list(request):
    """The inspection forms in use in the caller's business line."""
    return [_form(f) for f in selectors.forms_for(request.user)[:200]]


@router.get("/forms/{form_id}", response=QaFormOut, operation_id="qa_form_get")
def form_get(request, form_id: Id):
    """One form version with its weighted categories and items."""
    return _form(selectors.form_get_for(request.user, form_id), full=True)


@router.post("/forms/{form_id}/versions", response={201: QaFormOut}, operation_id="qa_form_revise")
def form_revise(request, form_id: Id, payload: QaFormReviseIn):
    """Make the next version of a form (the version in use is never edited; it is retired)."""
    form = selectors.form_get_for(request.user, form_id)
    data = payload.dict(exclude_none=True)
    new = services.form_revise(actor=request.user, form=form, **data)
    return Status(201, _form(new, full=True))


@router.post("/samples", response={201: QaSampleOut}, operation_id="qa_sample_create")
def sample_create(request, payload: QaSampleIn):
    """Draw a month's sample of the caller's line (409 ``sample_exists`` when drawn)."""
    s = services.sample_create(actor=request.user, **payload.dict())
    return Status(
        201,
        {
            "id": s.pk,
            "period": f"{s.period:%Y-%m}",
            "seed": s.seed,
            "per_agent": s.per_agent,
            "form": s.form_id,
            "reviews": s.reviews.count(),
        },
    )


@router.get("/reviews", response=QaReviewPageOut, operation_id="qa_review_list")
def review_list(
    request,
    status: QaReviewStatus | None = None,
    period: str | None = Query(None, max_length=7, description="the month, YYYY-MM"),
    cursor: str | None = None,
    limit: int | None = None,
):
    """Reviews in the caller's scope, newest first."""
    month = services.parse_month(period) if period else None
    qs = selectors.reviews_for(request.user, status=status or "", period=month)
    page = paginate(qs, ordering="-id", cursor=cursor, limit=limit)
    return {"items": [_review(r) for r in page.items], "next": page.next}


@router.get("/reviews/{review_id}", response=QaReviewOut, operation_id="qa_review_get")
def review_get(request, review_id: Id):
    """One review with its appeal."""
    r = selectors.review_get_for(request.user, review_id)
    return _review(r, selectors.appeal_of(r))


@router.post("/reviews/{review_id}/score", response=QaReviewOut, operation_id="qa_review_score")
def review_score(request, review_id: Id, payload: QaScoreIn):
    """The assigned reviewer scores the review (409 ``stale`` for an old ``version``)."""
    r = selectors.review_get_for(request.user, review_id)
    services.review_score(
        actor=request.user,
        review=r,
        answers=_answers(payload.answers),
        comment=payload.comment,
        version=payload.version,
    )
    return review_get(request, review_id)


@router.post(
    "/reviews/{review_id}/reassign", response=QaReviewOut, operation_id="qa_review_reassign"
)
def review_reassign(request, review_id: Id, payload: QaReassignIn):
    """A supervisor hands a review still to score to another reviewer, never of the agent's
    team (409 ``stale`` for an old ``version``)."""
    r = selectors.review_get_for(request.user, review_id)
    reviewer = User.objects.filter(pk=payload.reviewer).first()
    services.review_reassign(
        actor=request.user,
        review=r,
        reviewer=reviewer,
        reason=payload.reason,
        version=payload.version,
    )
    return review_get(request, review_id)


@router.post(
    "/reviews/{review_id}/appeal", response={201: QaReviewOut}, operation_id="qa_review_appeal"
)
def review_appeal(request, review_id: Id, payload: QaAppealIn):
    """The reviewed agent appeals once; a second reviewer is named with a deadline."""
    r = selectors.review_get_for(request.user, review_id)
    services.appeal_file(actor=request.user, review=r, reason=payload.reason)
    return Status(201, review_get(request, review_id))


@router.post("/reviews/{review_id}/decision", response=QaReviewOut, operation_id="qa_review_decide")
def review_decide(request, review_id: Id, payload: QaDecisionIn):
    """The second reviewer upholds the review or re-scores it (``answers``)."""
    r = selectors.review_get_for(request.user, review_id)
    appeal = selectors.appeal_of(r)
    if appeal is None:
        from kefu.core.errors import NotFound

        raise NotFound()
    services.appeal_decide(
        actor=request.user,
        appeal=appeal,
        outcome=payload.outcome,
        note=payload.note,
        answers=_answers(payload.answers) if payload.answers else None,
    )
    return review_get(request, review_id)


@router.get("/quality", response=QaQualityOut, operation_id="qa_quality_month")
def quality(request, period: str = Query(..., max_length=7, description="the month, YYYY-MM")):
    """Month-end service quality per advisor in scope (SAT-5)."""
    month = services.parse_month(period)
    rows = selectors.month_quality(request.user, month)

    def s(v):
        return None if v is None else str(v)

    return {
        "period": period,
        "rows": [
            {
                "agent": r["agent"].pk,
                "agent_name": r["agent"].name,
                "team": r["team"],
                "csi": s(r["csi"]),
                "satisfied": s(r["satisfied"]),
                "praise": r["praise"],
                "complaints": r["complaints"],
                "qa_score": s(r["qa_score"]),
                "qa_reviews": r["qa_reviews"],
                "actions_open": r["actions_open"],
                "actions_done": r["actions_done"],
            }
            for r in rows
        ],
    }
