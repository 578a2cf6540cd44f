"""/api/v1/surveys: questionnaires (CRUD, leads and above edit), invitations, results (CSI,
satisfied rate, NPS per agent/team/department/line and period), the public answer endpoint
(no auth) and answers recorded during a callback. Handlers parse, call, return."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Status

from kefu.core.errors import Invalid
from kefu.core.pagination import paginate
from kefu.surveys import selectors, services
from kefu.surveys.schemas import (
    AnswerIn,
    CallbackAnswerIn,
    Id,
    InvitationPageOut,
    QuestionnaireCreateIn,
    QuestionnaireOut,
    QuestionnairePageOut,
    QuestionnaireUpdateIn,
    ResponseOut,
    ResultsOut,
)

router = Router(tags=["surveys"])
InvitationState = Literal["", "answered", "waiting", "expired"]
ResultsGroup = Literal["agent", "team", "department", "business_line"]


def _questionnaire(q) -> dict:
    return {
        "id": q.pk,
        "business_line": q.business_line_id,
        "name": q.name,
        "intro": q.intro,
        "status": q.status,
        "status_label": q.get_status_display(),
        "after_close": q.after_close,
        "link_days": q.link_days,
        "version": q.version,
        "questions": [
            {
                "id": x.pk,
                "order": x.order,
                "kind": x.kind,
                "kind_label": x.get_kind_display(),
                "text": x.text,
                "dimension": x.dimension,
                "required": x.required,
                "choices": x.choices,
            }
            for x in q.questions.all()
        ],
    }


def _response(r) -> dict:
    return {
        "id": r.pk,
        "invitation": r.invitation_id,
        "submitted_at": r.submitted_at,
        "channel": r.channel,
    }


def _metrics(m) -> dict:
    return {
        "answers": m.answers,
        "csi": m.csi,
        "satisfied": m.satisfied,
        "nps": m.nps,
        "dimensions": m.dimensions,
    }


@router.get("/questionnaires", response=QuestionnairePageOut)
def questionnaire_list(request, cursor: str | None = None, limit: int | None = None):
    """Questionnaires of the caller's business line, newest first."""
    qs = selectors.questionnaire_qs_for(request.user)
    page = paginate(qs, ordering="-id", cursor=cursor, limit=limit)
    return {
        "items": [
            {
                "id": q.pk,
                "business_line": q.business_line_id,
                "name": q.name,
                "status": q.status,
                "after_close": q.after_close,
                "version": q.version,
            }
            for q in page.items
        ],
        "next": page.next,
    }


@router.post("/questionnaires", response={201: QuestionnaireOut})
def questionnaire_create(request, payload: QuestionnaireCreateIn):
    data = payload.dict()
    line = selectors.business_line_for(user=request.user, pk=data.pop("business_line"))
    q = services.questionnaire_create(actor=request.user, business_line=line, **data)
    return Status(201, _questionnaire(selectors.questionnaire_get_for(user=request.user, pk=q.pk)))


@router.get(
    "/questionnaires/{questionnaire_id}",
    response=QuestionnaireOut,
    operation_id="questionnaire_get",
)
def questionnaire_detail(request, questionnaire_id: Id):
    return _questionnaire(selectors.questionnaire_get_for(user=request.user, pk=questionnaire_id))


@router.patch("/questionnaires/{questionnaire_id}", response=QuestionnaireOut)
def questionnaire_update(request, questionnaire_id: Id, payload: QuestionnaireUpdateIn):
    q = selectors.questionnaire_get_for(user=request.user, pk=questionnaire_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.questionnaire_update(
        actor=request.user, questionnaire=q, version=version, changes=changes
    )
    return _questionnaire(selectors.questionnaire_get_for(user=request.user, pk=q.pk))


@router.delete("/questionnaires/{questionnaire_id}", response={204: None})
def questionnaire_delete(request, questionnaire_id: Id):
    q = selectors.questionnaire_get_for(user=request.user, pk=questionnaire_id)
    services.questionnaire_delete(actor=request.user, questionnaire=q)
    return Status(204, None)


@router.get("/invitations", response=InvitationPageOut)
def invitation_list(
    request,
    status: InvitationState = "",
    cursor: str | None = None,
    limit: int | None = None,
):
    """Invitations in the caller's scope; ``status`` answered, waiting or expired."""
    qs = selectors.invitation_list_for(user=request.user, status=status)
    page = paginate(qs, ordering="-id", cursor=cursor, limit=limit)
    return {
        "items": [
            {
                "id": i.pk,
                "questionnaire": i.questionnaire_id,
                "source": i.source,
                "customer": i.customer_id,
                "ticket": i.ticket_id,
                "callback": i.callback_id,
                "agent": i.agent_id,
                "team": i.team_id,
                "period": i.period,
                "created_at": i.created_at,
                "sent_at": i.sent_at,
                "sent_channels": i.sent_channels,
                "expires_at": i.expires_at,
                "answered_at": i.answered_at,
            }
            for i in page.items
        ],
        "next": page.next,
    }


@router.get("/results", response=ResultsOut, operation_id="survey_results")
def results(
    request,
    period: str = "",
    start: str = "",
    end: str = "",
    group: ResultsGroup = "team",
    business_line: str = "",
    questionnaire: str = "",
):
    """CSI, satisfied rate and NPS for ``period`` (2026-11, 2026-Q4, 2026, or start/end) per
    ``group`` (agent, team, department, business_line) with the line's targets (§9.12)."""
    p = selectors.parse_results_period({"period": period, "start": start, "end": end})
    r = selectors.results_for(
        user=request.user,
        period=p,
        group=group,
        business_line=business_line or None,
        questionnaire=questionnaire or None,
    )
    return {
        "period": p.label,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "group": r.group,
        "total": _metrics(r.total),
        "target": r.target,
        "met": r.met,
        "satisfied_target": r.satisfied_target,
        "satisfied_met": r.satisfied_met,
        "nps_target": r.nps_target,
        "nps_met": r.nps_met,
        "targets": [vars(c) for c in r.checks],
        "rows": [
            {
                "id": row.key,
                "label": row.label,
                "csi": row.metrics.csi,
                "satisfied": row.metrics.satisfied,
                "nps": row.metrics.nps,
                "answers": row.metrics.answers,
                "dimensions": row.metrics.dimensions,
                "target": row.target,
                "met": row.met,
                "satisfied_target": row.satisfied_target,
                "satisfied_met": row.satisfied_met,
                "targets": [vars(c) for c in row.checks],
            }
            for row in r.rows
        ],
    }


@router.post(
    "/answer/{token}", response={201: ResponseOut}, auth=None, operation_id="survey_answer"
)
def answer(request, token: str, payload: AnswerIn):
    """Public: the customer's answer through the signed link (no sign-in). One answer per link:
    a second one is 409 ``already_answered``; a bad link 404, an expired one 410."""
    invitation = selectors.invitation_for_token(token)
    if payload.website:
        raise Invalid(_("The form could not be sent."), fields={"website": _("Leave empty.")})
    if invitation.answered_at is not None:
        raise services.already_answered_error()
    response = services.response_submit(
        invitation=invitation, answers=payload.answers, channel=invitation.source
    )
    return Status(201, _response(response))


@router.post(
    "/callbacks/{callback_id}/answers",
    response={201: ResponseOut},
    operation_id="callback_survey_answer",
)
def callback_answers(request, callback_id: Id, payload: CallbackAnswerIn):
    """Answers given during a callback, recorded by the agent making it."""
    response = services.callback_survey_record(
        actor=request.user,
        callback_id=callback_id,
        questionnaire_id=payload.questionnaire,
        answers=payload.answers,
    )
    return Status(201, _response(response))
