"""/api/v1/training: the half-year training needs (TRN-8) — file, review (stale ``version`` →
409 ``stale``), list and a team's board rolled up by topic — and the response-time test (PK-3):
set, taken message by message with the seconds timed by the server, and its results with each
test's pass count. The same services and scope as the pages; handlers
parse, call a service or selector, and return."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.core.inputs import Id
from kefu.core.pagination import paginate
from kefu.training import chat_selectors, chat_services, need_selectors, need_services, needs
from kefu.training.models import ExamAttempt
from kefu.training.schemas_checks import (
    ChatAnswerIn,
    ChatResultOut,
    ChatResultPageOut,
    ChatScriptIn,
    ChatScriptOut,
    ChatSittingOut,
    NeedAction,
    NeedBoardOut,
    NeedIn,
    NeedOut,
    NeedPageOut,
    NeedReviewIn,
    NeedState,
)

router = Router(tags=["training"])


def need_out(n) -> dict:
    return {
        "id": n.pk,
        "user": n.user.username,
        "team": n.team_id,
        "year": n.year,
        "half": n.half,
        "topic": n.topic,
        "quarter": n.quarter,
        "source": n.source,
        "source_note": n.source_note,
        "failed_attempt": n.failed_attempt_id,
        "state": n.state,
        "state_label": n.get_state_display(),
        "filed_by": n.filed_by.username,
        "reviewer": n.reviewer.username if n.reviewer_id else None,
        "review_note": n.review_note,
        "version": n.version,
    }


def _period(year, half) -> tuple[int, int]:
    if (year is None) != (half is None):
        raise Invalid(
            _("Give the year and the half-year together."),
            fields={"half" if half is None else "year": _("Required.")},
        )
    return (year, half) if year is not None else needs.next_half(timezone.localdate())


@router.get("/needs", response=NeedPageOut, operation_id="training_need_list")
def need_list(
    request,
    year: int | None = None,
    half: int | None = None,
    team: Id | None = None,
    state: NeedState | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Half-year needs the caller may read (an agent their own, a lead the team's), newest
    first; filter by ``year`` and ``half``, ``team`` and ``state`` (filed, accepted, declined)."""
    qs = need_selectors.needs_for(request.user, year=year, half=half, team_id=team, state=state)
    page = paginate(qs, ordering="-id", cursor=cursor, limit=limit)
    return {"items": [need_out(n) for n in page.items], "next": page.next}


@router.post("/needs", response={201: NeedOut}, operation_id="training_need_file")
def need_file(request, payload: NeedIn):
    """File a need for the next half-year (or ``year``/``half``): the caller's own, or as a lead
    for a ``person`` in their team. The quarter must lie in that half-year."""
    year, half = _period(payload.year, payload.half)
    person = request.user
    if payload.person:
        person = User.objects.filter(username=payload.person, is_active=True).first()
        if person is None:
            raise Invalid(_("Some fields are not valid."), fields={"person": _("Unknown.")})
    attempt = None
    if payload.failed_attempt:
        attempt = ExamAttempt.objects.filter(pk=payload.failed_attempt).first()
    need = need_services.need_file(
        actor=request.user,
        person=person,
        year=year,
        half=half,
        topic=payload.topic,
        quarter=payload.quarter,
        source=payload.source,
        source_note=payload.source_note,
        failed_attempt=attempt,
    )
    return Status(201, need_out(need))


@router.post("/needs/{need_id}/{action}", response=NeedOut, operation_id="training_need_review")
def need_review(request, need_id: Id, action: NeedAction, payload: NeedReviewIn):
    """A lead (never the person) agrees to a need or declines it with a ``note``."""
    need = need_selectors.need_get(request.user, need_id)
    need = need_services.need_review(
        actor=request.user, need=need, action=action, version=payload.version, note=payload.note
    )
    return need_out(need)


@router.get("/teams/{team_id}/needs", response=NeedBoardOut, operation_id="training_need_board")
def need_board(request, team_id: Id, year: int | None = None, half: int | None = None):
    """A team's half-year (default: the next): who has filed, who has not, and the needs
    rolled up by topic (declined ones left out) for the next plan."""
    if not scope.at_least(request.user, scope.LEAD):
        raise PermissionDenied()  # the board is the lead's; an agent reads their own needs
    team = need_selectors.team_get(request.user, team_id)
    year, half = _period(year, half)
    return need_selectors.board_summary(team, year, half)


@router.get("/chat/tests", response=list[ChatScriptOut], operation_id="training_chat_tests")
def chat_tests(request):
    """The line's response-time tests (the latest 100) with finished sittings and passes."""
    return [
        {
            "id": s.pk,
            "title": s.title,
            "messages": len(s.messages),
            "threshold_seconds": s.threshold_seconds,
            "sittings": s.sittings,
            "passed": s.passes,
        }
        for s in chat_selectors.scripts_for(request.user).order_by("-id")[:100]
    ]


@router.get("/chat/results", response=ChatResultPageOut, operation_id="training_chat_results")
def chat_results(
    request,
    test: Id | None = None,
    user: str | None = None,
    finished: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Response-time sittings the caller may read (their own; a lead's team; a supervisor's
    department), newest first: the median against the test's threshold and the pass."""
    qs = chat_selectors.results_for(request.user, script_id=test, username=user, finished=finished)
    page = paginate(qs, ordering="-started_at", cursor=cursor, limit=limit)
    return {"items": [chat_selectors.result_dict(a) for a in page.items], "next": page.next}


@router.get(
    "/chat/results/{result_id}", response=ChatResultOut, operation_id="training_chat_result"
)
def chat_result(request, result_id: Id):
    """One sitting with each customer message, the answer and its server-timed seconds."""
    return chat_selectors.result_dict(
        chat_selectors.result_get(request.user, result_id), turns=True
    )


def _script(s, sittings: int = 0, passes: int = 0) -> dict:
    return {
        "id": s.pk,
        "title": s.title,
        "messages": len(s.messages),
        "threshold_seconds": s.threshold_seconds,
        "sittings": sittings,
        "passed": passes,
    }


@router.post("/chat/tests", response={201: ChatScriptOut}, operation_id="training_chat_test_create")
def chat_test_create(request, payload: ChatScriptIn):
    """A lead or above sets a response-time test: ``messages`` (1 to 20 customer messages of at
    most 500 characters) and ``threshold_seconds`` (the median to pass, 30 by default)."""
    script = chat_services.script_create(
        actor=request.user,
        title=payload.title,
        messages=payload.messages,
        threshold_seconds=payload.threshold_seconds,
    )
    return Status(201, _script(script))


@router.post(
    "/chat/tests/{test_id}/sittings",
    response={201: ChatSittingOut},
    operation_id="training_chat_start",
)
def chat_start(request, test_id: Id):
    """Start a sitting of a test of the caller's line: the server sends the first customer
    message now and times the answer from this moment (the client's clock is never asked)."""
    script = chat_selectors.script_get(request.user, test_id)
    attempt = chat_services.chat_start(actor=request.user, script=script)
    return Status(201, chat_selectors.sitting_dict(attempt))


@router.get(
    "/chat/sittings/{sitting_id}", response=ChatSittingOut, operation_id="training_chat_sitting"
)
def chat_sitting(request, sitting_id: Id):
    """One's own sitting: the current message (to resume) and the answered turns."""
    return chat_selectors.sitting_dict(chat_selectors.sitting_get(request.user, sitting_id))


@router.post(
    "/chat/sittings/{sitting_id}/answers",
    response=ChatSittingOut,
    operation_id="training_chat_answer",
)
def chat_answer(request, sitting_id: Id, payload: ChatAnswerIn):
    """Answer the current message (``position``, 0-based): the server times it from when it
    sent the message and sends the next; after the last, the median, the pass and the
    certification's ``response`` score. A ``position`` that is no longer the current one (a
    second tab, a replay) → 409 ``stale``; after the end → 409 ``chat_finished``."""
    attempt = chat_selectors.sitting_get(request.user, sitting_id)
    attempt = chat_services.chat_answer(
        actor=request.user, attempt=attempt, position=payload.position, answer=payload.answer
    )
    return chat_selectors.sitting_dict(attempt)
