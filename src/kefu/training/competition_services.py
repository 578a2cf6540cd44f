"""Competition writes (PK-4, TRN-9): a knowledge contest on an exam, a role-play contest scored
by examiners on a form, instant Q&A where the first correct answer of a round wins its point.
Each write is validated, in a transaction and audited; bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.training import leaderboard
from kefu.training.models import (
    Competition,
    CompetitionKind,
    CompetitionState,
    Exam,
    QuizBuzz,
    QuizRound,
    RoleplayScore,
)
from kefu.training.quick_reply import normalise
from kefu.training.services import _line_id, _text, require_lead


@transaction.atomic
def competition_create(*, actor, title: str, kind: str, exam: Exam | None = None) -> Competition:
    """A lead or supervisor opens a competition of the line; a knowledge contest names its
    exam, a role-play contest gets the scoring form."""
    require_lead(actor)
    line_id = _line_id(actor)
    title = _text("title", title)
    if kind not in CompetitionKind.values:
        raise Invalid(_("Choose the kind of competition."), fields={"kind": _("Unknown.")})
    if kind == CompetitionKind.CONTEST:
        if exam is None or exam.business_line_id != line_id:
            raise Invalid(
                _("A knowledge contest needs an exam of the business line."),
                fields={"exam": _("Required.")},
            )
    else:
        exam = None
    comp = Competition.objects.create(
        business_line_id=line_id,
        title=title,
        kind=kind,
        exam=exam,
        criteria=[dict(c) for c in leaderboard.ROLEPLAY_FORM]
        if kind == CompetitionKind.ROLEPLAY
        else [],
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="training.competition_create",
        obj=comp,
        changes={"title": title, "kind": kind, "exam": getattr(exam, "pk", None)},
    )
    return comp


def _open(comp: Competition, version: int | None = None) -> Competition:
    """The competition locked, still open and, when the caller names the ``version`` it saw,
    unchanged since (409 ``stale``)."""
    comp = Competition.objects.select_for_update().get(pk=comp.pk)
    if version is not None and comp.version != version:
        raise StaleWrite()
    if comp.state != CompetitionState.OPEN:
        raise Conflict(_("The competition is closed."), code="competition_closed")
    return comp


def _bump(comp: Competition) -> None:
    Competition.objects.filter(pk=comp.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    comp.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def competition_close(
    *, actor, competition: Competition, version: int | None = None
) -> Competition:
    """Close a competition: its leaderboard is final."""
    require_lead(actor)
    comp = _open(competition, version)
    comp.state = CompetitionState.CLOSED
    comp.save(update_fields=["state", "updated_at"])
    _bump(comp)
    QuizRound.objects.filter(competition=comp, closed=False).update(closed=True)
    audit.record(
        actor=actor, action="training.competition_close", obj=comp, changes={"state": comp.state}
    )
    return comp


@transaction.atomic
def roleplay_score(
    *, actor, competition: Competition, contestant: User, marks: dict
) -> RoleplayScore:
    """An examiner fills in the role-play form for a contestant (never themselves); marking the
    same contestant again replaces the examiner's earlier form."""
    require_lead(actor)
    comp = _open(competition)
    if comp.kind != CompetitionKind.ROLEPLAY:
        raise Invalid(_("Only a role-play contest is scored on a form."))
    if contestant.business_line_id != comp.business_line_id or not contestant.is_active:
        raise NotFound()
    if contestant.pk == actor.pk:
        raise PermissionDenied(_("Nobody scores their own role-play."))
    try:
        clean, total = leaderboard.form_total(
            comp.criteria, marks if isinstance(marks, dict) else {}
        )
    except leaderboard.FormError as exc:
        raise Invalid(
            _("Mark every part of the form within its maximum."),
            fields={code: _("0 to %(max)s.") % {"max": top} for code, top in exc.bad.items()},
        ) from None
    row, created = RoleplayScore.objects.update_or_create(
        competition=comp,
        contestant=contestant,
        examiner=actor,
        defaults={"marks": clean, "total": Decimal(str(total))},
    )
    audit.record(
        actor=actor,
        action="training.roleplay_score",
        obj=comp,
        changes={"contestant": contestant.pk, "total": row.total, "replaced": not created},
    )
    return row


@transaction.atomic
def round_open(
    *, actor, competition: Competition, question: str, answer: str, version: int | None = None
) -> QuizRound:
    """The quizmaster asks the next question of an instant Q&A; an unanswered round still open
    is closed without a winner. Each question bumps the competition's version, so two
    quizmasters asking at once cannot both close each other's round (409 ``stale``)."""
    require_lead(actor)
    comp = _open(competition, version)
    if comp.kind != CompetitionKind.INSTANT:
        raise Invalid(_("Only instant Q&A has rounds."))
    question = _text("question", question, max_length=500)
    answer = _text("answer", answer, max_length=200)
    QuizRound.objects.filter(competition=comp, closed=False).update(closed=True)
    number = QuizRound.objects.filter(competition=comp).count() + 1
    rnd = QuizRound.objects.create(
        competition=comp, number=number, question=question, answer=answer
    )
    _bump(comp)
    audit.record(
        actor=actor,
        action="training.round_open",
        obj=comp,
        changes={"round": number, "question": question},
    )
    return rnd


@transaction.atomic
def round_answer(*, actor, round: QuizRound, given: str, now=None) -> QuizBuzz:
    """A contestant answers the open round. The first correct answer the server receives wins
    the point and closes the round; a later one, right or not, is refused (409)."""
    now = now or timezone.now()
    rnd = (
        QuizRound.objects.select_for_update(of=("self",))
        .select_related("competition", "winner")
        .get(pk=round.pk)
    )
    comp = rnd.competition
    if comp.business_line_id != actor.business_line_id:
        raise NotFound()
    if comp.state != CompetitionState.OPEN or rnd.closed:
        if rnd.winner_id:
            raise Conflict(
                _("Too late: %(name)s answered first.") % {"name": rnd.winner.name},
                code="round_won",
            )
        raise Conflict(_("This round is closed."), code="round_closed")
    if scope.at_least(actor, scope.LEAD) and actor.pk == comp.created_by_id:
        raise PermissionDenied(_("The quizmaster does not answer."))
    given = _text("given", given, max_length=200)
    correct = normalise(given).casefold() in {
        normalise(a).casefold() for a in rnd.answer.split("|") if a.strip()
    }
    buzz = QuizBuzz.objects.create(round=rnd, user=actor, given=given, correct=correct, at=now)
    if correct:
        rnd.winner = actor
        rnd.won_at = now
        rnd.closed = True
        rnd.save(update_fields=["winner", "won_at", "closed", "updated_at"])
    audit.record(
        actor=actor,
        action="training.round_answer",
        obj=comp,
        changes={"round": rnd.number, "correct": correct},
    )
    return buzz
