"""Reads of quality inspection that pages, the API and the CLI share, scoped to the user: an
agent sees the reviews of their own contacts and those they score or decide; a lead their
team's; a supervisor the department's; a manager the business line's."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.inspections import agreement
from kefu.inspections.models import (
    Appeal,
    AppealStatus,
    CalibrationSession,
    CorrectiveAction,
    FormStatus,
    InspectionForm,
    Review,
    ReviewStatus,
    Sample,
    Subject,
)
from kefu.inspections.services import month_bounds
from kefu.tickets.models import Ticket

CENT = Decimal("0.01")


def reviews_q(user) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return scope.NOTHING
    # inspections of vendors, zones and sites are the line's, like the subjects themselves
    mine = (
        Q(reviewer_id=user.pk)
        | Q(appeal__decider_id=user.pk)
        | (Q(subject__isnull=False) & scope.business_line_q(user))
    )
    if scope.rank(user) <= scope.RANK[scope.AGENT]:
        return Q(agent_id=user.pk) | mine
    return scope.records_q(user) | mine


def reviews_for(user, *, status: str = "", period: dt.date | None = None):
    qs = Review.objects.filter(reviews_q(user)).select_related(
        "agent", "reviewer", "ticket", "call", "callback", "subject", "form"
    )
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    return qs


def review_get_for(user, pk) -> Review:
    review = (
        Review.objects.filter(reviews_q(user), pk=pk)
        .select_related(
            "agent",
            "reviewer",
            "ticket",
            "call",
            "callback__customer",
            "subject",
            "form",
            "business_line",
        )
        .first()
    )
    if review is None:
        raise NotFound()
    return review


def calls_of_review(review: Review) -> list:
    """The registered calls the reviewer listens to (LOG-3: recorded as evidence): the sampled
    call itself, or the calls of the sampled callback, or of the sampled ticket; oldest first."""
    from kefu.followups.models import CallRecord

    if review.call_id:
        q = Q(pk=review.call_id)
    elif review.callback_id:
        q = Q(callback_id=review.callback_id)
    elif review.ticket_id:
        q = Q(ticket_id=review.ticket_id)
    else:
        return []
    return list(CallRecord.objects.filter(q).select_related("agent").order_by("started_at")[:20])


def appeal_of(review: Review) -> Appeal | None:
    return Appeal.objects.filter(review=review).select_related("decider", "filed_by").first()


def to_score_for(user):
    return Review.objects.filter(reviewer=user, status=ReviewStatus.ASSIGNED).select_related(
        "agent", "ticket", "call", "callback", "form"
    )


def to_decide_for(user):
    return Appeal.objects.filter(decider=user, status=AppealStatus.OPEN).select_related(
        "review__agent", "review__ticket", "review__call", "review__callback"
    )


def forms_for(user, *, all_versions: bool = False):
    qs = InspectionForm.objects.filter(scope.business_line_q(user))
    if not all_versions:
        qs = qs.filter(status=FormStatus.ACTIVE)
    return qs.order_by("code", "-number")


def form_get_for(user, pk) -> InspectionForm:
    form = InspectionForm.objects.filter(scope.business_line_q(user), pk=pk).first()
    if form is None:
        raise NotFound()
    return form


def samples_for(user):
    return (
        Sample.objects.filter(scope.business_line_q(user))
        .select_related("form", "created_by")
        .annotate(
            n_reviews=Count("reviews"),
            done=Count("reviews", filter=~Q(reviews__status=ReviewStatus.ASSIGNED)),
            avg=Avg("reviews__score"),
        )
        .order_by("-period")
    )


def subjects_for(user):
    return Subject.objects.filter(scope.business_line_q(user), is_active=True).select_related(
        "team", "responsible"
    )


def subject_get_for(user, pk) -> Subject:
    s = subjects_for(user).filter(pk=pk).first()
    if s is None:
        raise NotFound()
    return s


def last_inspections(subject_ids) -> dict[int, dt.datetime]:
    """When each subject was last inspected (one query)."""
    from django.db.models import Max

    return dict(
        Review.objects.filter(subject_id__in=list(subject_ids))
        .values("subject_id")
        .annotate(last=Max("completed_at"))
        .values_list("subject_id", "last")
    )


def calibrations_for(user):
    return CalibrationSession.objects.filter(scope.business_line_q(user)).select_related(
        "form", "ticket"
    )


def calibration_get_for(user, pk) -> CalibrationSession:
    s = calibrations_for(user).filter(pk=pk).first()
    if s is None:
        raise NotFound()
    return s


def calibration_view(session: CalibrationSession) -> dict:
    sheets = list(session.sheets.select_related("reviewer").order_by("id"))
    answers = {
        s.reviewer_id: {int(k): (None if v is None else Decimal(v)) for k, v in s.answers.items()}
        for s in sheets
    }
    figure = agreement.agreement(answers, {s.reviewer_id: s.score for s in sheets})
    items = {
        i.pk: i for c in session.form.categories.prefetch_related("items") for i in c.items.all()
    }
    rows = [(items.get(x.item), x) for x in figure.items]
    return {"sheets": sheets, "agreement": figure, "rows": rows}


def month_quality(user, month: dt.date) -> list[dict]:
    """SAT-5 at month end per advisor in scope: CSI and satisfied rate of the surveys, praise
    and complaints recorded as their first-ask tickets, the QA score (mean of scored reviews),
    and the lead's corrective actions (open / done)."""
    from kefu.surveys.periods import parse_period
    from kefu.surveys.selectors import results_for

    start, end = month_bounds(month)
    agents = User.objects.filter(
        scope.records_q(user, owners=("id",)), role="agent", is_active=True
    ).order_by("team_id", "id")
    if scope.rank(user) <= scope.RANK[scope.AGENT]:
        agents = agents.filter(pk=user.pk)
    agents = list(agents.select_related("team")[:500])
    ids = [a.pk for a in agents]
    tickets = {
        (r["first_owner_id"], r["type"]): r["n"]
        for r in Ticket.objects.filter(
            first_owner_id__in=ids,
            type__in=["praise", "complaint"],
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("first_owner_id", "type")
        .annotate(n=Count("id"))
    }
    qa = {
        r["agent_id"]: r
        for r in Review.objects.filter(agent_id__in=ids, period=month, score__isnull=False)
        .values("agent_id")
        .annotate(avg=Avg("score"), n=Count("id"))
    }
    actions = {
        r["agent_id"]: r
        for r in CorrectiveAction.objects.filter(agent_id__in=ids, period=month)
        .values("agent_id")
        .annotate(
            open=Count("id", filter=Q(status="open")), done=Count("id", filter=Q(status="done"))
        )
    }
    surveys = {}
    if ids:
        res = results_for(user=user, period=parse_period(f"{month:%Y-%m}"), group="agent")
        surveys = {r.key: r.metrics for r in res.rows}
    out = []
    for a in agents:
        m = surveys.get(a.pk)
        q = qa.get(a.pk, {})
        act = actions.get(a.pk, {})
        avg = q.get("avg")
        out.append(
            {
                "agent": a,
                "team": a.team.name if a.team else "",
                "csi": m.csi if m else None,
                "satisfied": m.satisfied if m else None,
                "praise": tickets.get((a.pk, "praise"), 0),
                "complaints": tickets.get((a.pk, "complaint"), 0),
                "qa_score": Decimal(avg).quantize(CENT, ROUND_HALF_UP) if avg is not None else None,
                "qa_reviews": q.get("n", 0),
                "actions_open": act.get("open", 0),
                "actions_done": act.get("done", 0),
            }
        )
    return out


def actions_for(user, month: dt.date):
    return (
        CorrectiveAction.objects.filter(scope.records_q(user, owners=("agent_id",)), period=month)
        .select_related("agent")
        .order_by("status", "due_on", "id")
    )


def label_none() -> str:
    return _("—")
