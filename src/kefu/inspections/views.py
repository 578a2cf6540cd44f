"""Pages of quality inspection under /qa/: the QA desk (what to score, appeals to decide, the
reviews in scope, the monthly sample), one review (score, appeal, decide), forms and their
versions, calibration sessions, inspected subjects (vendors, cleaning zones, sites) and the
month-end service quality per advisor with corrective actions. Views parse, call, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import Team, User
from kefu.core import scope
from kefu.core.errors import DomainError, NotFound, PermissionDenied
from kefu.core.pagination import paginate
from kefu.inspections import selectors, services
from kefu.inspections.models import (
    AppealStatus,
    CorrectiveAction,
    ReviewStatus,
    SubjectKind,
)
from kefu.tickets.models import Ticket, TicketMessage

PAGE_ROWS = 25


def _fail(request, exc: DomainError):
    messages.error(request, str(exc.message))
    for text in exc.fields.values():
        messages.error(request, str(text))


def _answers_from(post, form) -> dict:
    """``item_<id>`` values and ``na_<id>`` boxes → {item id: value or None}; a blank value
    stays out (the service then asks for it)."""
    answers = {}
    for c in form.categories.all():
        for i in c.items.all():
            if post.get(f"na_{i.pk}"):
                answers[i.pk] = None
                continue
            raw = (post.get(f"item_{i.pk}") or "").strip()
            if raw:
                answers[i.pk] = raw
    return answers


def _sheet(form, answers=None) -> list:
    """The form's categories and items with the given answers, for the templates."""
    answers = {str(k): v for k, v in (answers or {}).items()}
    return [
        {
            "category": c,
            "items": [
                {
                    "item": i,
                    "value": answers.get(str(i.pk), ""),
                    "na": str(i.pk) in answers and answers[str(i.pk)] is None,
                }
                for i in c.items.all()
            ],
        }
        for c in form.categories.prefetch_related("items")
    ]


@login_required
def desk(request):
    user = request.user
    status = request.GET.get("status", "")
    if status not in ReviewStatus.values:
        status = ""
    page = paginate(
        selectors.reviews_for(user, status=status),
        ordering="-id",
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_ROWS,
    )
    context = {
        "to_score": list(selectors.to_score_for(user)[:50]),
        "to_decide": list(selectors.to_decide_for(user)[:50]),
        "reviews": page.items,
        "next": page.next,
        "status": status,
        "statuses": ReviewStatus.choices,
        "samples": list(selectors.samples_for(user)[:12]) if services.may_manage(user) else [],
        "may_manage": services.may_manage(user),
        "this_month": timezone.localdate().strftime("%Y-%m"),
    }
    return render(request, "inspections/desk.html", context)


@login_required
@require_POST
def sample_draw(request):
    seed = (request.POST.get("seed") or "").strip()
    try:
        if seed and not seed.isdigit():
            raise DomainError(_("The seed is a whole number from 0."))
        sample = services.sample_create(
            actor=request.user,
            period=request.POST.get("period", ""),
            seed=int(seed) if seed else None,
            per_agent=int(request.POST.get("per_agent") or 5)
            if (request.POST.get("per_agent") or "5").isdigit()
            else -1,
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Sample of %(month)s drawn: %(n)s reviews (seed %(seed)s).")
            % {"month": f"{sample.period:%Y-%m}", "n": sample.reviews.count(), "seed": sample.seed},
        )
    return redirect("inspections:desk")


@login_required
def review_detail(request, pk: int):
    user = request.user
    review = selectors.review_get_for(user, pk)
    appeal = selectors.appeal_of(review)
    context = {
        "review": review,
        "appeal": appeal,
        "sheet": _sheet(review.form, review.answers),
        "may_score": review.reviewer_id == user.pk and review.status == ReviewStatus.ASSIGNED,
        "may_appeal": review.agent_id == user.pk
        and review.status == ReviewStatus.COMPLETED
        and appeal is None,
        "may_decide": appeal is not None
        and appeal.status == AppealStatus.OPEN
        and services.may_decide(user, appeal),
        "is_points": review.form.mode == "points",
        "may_reassign": review.status == ReviewStatus.ASSIGNED
        and services.may_reassign(user, review),
        "reviewers": services.reassign_candidates(review)
        if review.status == ReviewStatus.ASSIGNED and services.may_reassign(user, review)
        else [],
        # the sampled contact as the reviewer reads it (a reviewer of another team may not
        # open the ticket page itself): its description and its messages
        "messages_of_ticket": list(
            TicketMessage.objects.filter(ticket_id=review.ticket_id)
            .select_related("author")
            .order_by("id")[:50]
        )
        if review.ticket_id
        else [],
        "calls_of_contact": selectors.calls_of_review(review),
    }
    return render(request, "inspections/review.html", context)


@login_required
@require_POST
def review_score(request, pk: int):
    review = selectors.review_get_for(request.user, pk)
    try:
        services.review_score(
            actor=request.user,
            review=review,
            answers=_answers_from(request.POST, review.form),
            comment=request.POST.get("comment", ""),
            version=request.POST.get("version") or None,
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Review scored: %(score)s.") % {"score": review.score})
    return redirect("inspections:review", pk=pk)


@login_required
@require_POST
def review_reassign(request, pk: int):
    review = selectors.review_get_for(request.user, pk)
    reviewer_id = request.POST.get("reviewer", "")
    reviewer = (
        User.objects.filter(pk=int(reviewer_id)).first()
        if reviewer_id.isdigit() and len(reviewer_id) < 19
        else None
    )
    try:
        services.review_reassign(
            actor=request.user,
            review=review,
            reviewer=reviewer,
            reason=request.POST.get("reason", ""),
            version=request.POST.get("version") or None,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _fail(request, exc)
    else:
        messages.success(
            request, _("Review reassigned to %(name)s.") % {"name": review.reviewer.name}
        )
    return redirect("inspections:review", pk=pk)


@login_required
@require_POST
def review_appeal(request, pk: int):
    review = selectors.review_get_for(request.user, pk)
    try:
        appeal = services.appeal_file(
            actor=request.user, review=review, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Appeal filed: %(name)s decides by %(date)s.")
            % {"name": appeal.decider.name, "date": appeal.deadline.isoformat()},
        )
    return redirect("inspections:review", pk=pk)


@login_required
@require_POST
def review_decide(request, pk: int):
    review = selectors.review_get_for(request.user, pk)
    appeal = selectors.appeal_of(review)
    if appeal is None:
        raise NotFound()
    outcome = request.POST.get("outcome", "")
    try:
        services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            outcome=outcome,
            note=request.POST.get("note", ""),
            answers=_answers_from(request.POST, review.form)
            if outcome == AppealStatus.CHANGED
            else None,
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Appeal decided."))
    return redirect("inspections:review", pk=pk)


@login_required
def form_list(request):
    forms = selectors.forms_for(request.user, all_versions=True)
    return render(
        request,
        "inspections/forms.html",
        {"forms": list(forms[:200]), "may_manage": services.may_manage(request.user)},
    )


@login_required
def form_detail(request, pk: int):
    form = selectors.form_get_for(request.user, pk)
    return render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "sheet": _sheet(form),
            "may_revise": services.may_manage(request.user) and form.status == "active",
        },
    )


@login_required
@require_POST
def form_revise(request, pk: int):
    form = selectors.form_get_for(request.user, pk)
    try:
        new = services.form_revise(
            actor=request.user,
            form=form,
            name=request.POST.get("name") or None,
            pass_mark=request.POST.get("pass_mark") or None,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("inspections:form", pk=pk)
    messages.success(request, _("Version %(n)s is now in use.") % {"n": new.number})
    return redirect("inspections:form", pk=new.pk)


@login_required
def calibration_list(request):
    user = request.user
    return render(
        request,
        "inspections/calibrations.html",
        {
            "sessions": list(selectors.calibrations_for(user)[:100]),
            "forms": list(selectors.forms_for(user).filter(target="contact")),
            "may_manage": services.may_manage(user),
        },
    )


@login_required
@require_POST
def calibration_create(request):
    user = request.user
    try:
        form = selectors.form_get_for(user, int(request.POST.get("form") or 0) or 0)
        number = (request.POST.get("ticket") or "").strip()
        ticket = Ticket.objects.filter(scope.business_line_q(user), number=number).first()
        if ticket is None:
            raise DomainError(_("No ticket with this number."))
        session = services.calibration_create(
            actor=user, form=form, ticket=ticket, title=request.POST.get("title", "")
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("inspections:calibrations")
    return redirect("inspections:calibration", pk=session.pk)


@login_required
def calibration_detail(request, pk: int):
    user = request.user
    session = selectors.calibration_get_for(user, pk)
    view = selectors.calibration_view(session)
    scored = any(s.reviewer_id == user.pk for s in view["sheets"])
    return render(
        request,
        "inspections/calibration.html",
        {
            "session": session,
            "view": view,
            "sheet": _sheet(session.form),
            "may_score": services.may_review(user) and not scored,
            "is_points": session.form.mode == "points",
        },
    )


@login_required
@require_POST
def calibration_score(request, pk: int):
    session = selectors.calibration_get_for(request.user, pk)
    try:
        services.calibration_score(
            actor=request.user, session=session, answers=_answers_from(request.POST, session.form)
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect("inspections:calibration", pk=pk)


@login_required
def subject_list(request):
    user = request.user
    subjects = list(selectors.subjects_for(user)[:300])
    last = selectors.last_inspections(s.pk for s in subjects)
    today = timezone.localdate()
    rows = []
    for s in subjects:
        at = last.get(s.pk)
        due = timezone.localtime(at).date() + dt.timedelta(days=s.every_days) if at else today
        rows.append({"subject": s, "last": at, "due": due, "overdue": due < today})
    return render(
        request,
        "inspections/subjects.html",
        {
            "rows": rows,
            "kinds": SubjectKind.choices,
            "teams": Team.objects.filter(scope.business_line_q(user), is_active=True),
            "may_manage": services.may_manage(user),
        },
    )


@login_required
@require_POST
def subject_create(request):
    user = request.user
    team = None
    if request.POST.get("team"):
        team = Team.objects.filter(scope.business_line_q(user), pk=request.POST["team"]).first()
    try:
        s = services.subject_create(
            actor=user,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            team=team,
            post=request.POST.get("post", ""),
            duties=request.POST.get("duties", ""),
            every_days=int(request.POST.get("every_days") or 7)
            if (request.POST.get("every_days") or "7").isdigit()
            else 0,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("inspections:subjects")
    return redirect("inspections:subject", pk=s.pk)


@login_required
def subject_detail(request, pk: int):
    user = request.user
    subject = selectors.subject_get_for(user, pk)
    form = (
        selectors.forms_for(user)
        .filter(target=services.SUBJECT_TARGET[subject.kind])
        .order_by("id")
        .first()
    )
    history = list(subject.reviews.select_related("reviewer", "form").order_by("-id")[:50])
    return render(
        request,
        "inspections/subject.html",
        {
            "subject": subject,
            "form": form,
            "sheet": _sheet(form) if form else [],
            "history": history,
            "may_inspect": services.may_review(user) and form is not None,
            "is_points": form is not None and form.mode == "points",
        },
    )


@login_required
@require_POST
def subject_inspect(request, pk: int):
    subject = selectors.subject_get_for(request.user, pk)
    form = (
        selectors.forms_for(request.user)
        .filter(target=services.SUBJECT_TARGET[subject.kind])
        .order_by("id")
        .first()
    )
    if form is None:
        raise NotFound()
    try:
        r = services.subject_inspect(
            actor=request.user,
            subject=subject,
            form=form,
            answers=_answers_from(request.POST, form),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Inspection recorded: %(score)s.") % {"score": r.score})
    return redirect("inspections:subject", pk=pk)


@login_required
def quality(request):
    user = request.user
    raw = request.GET.get("period") or timezone.localdate().strftime("%Y-%m")
    try:
        month = services.parse_month(raw)
    except DomainError as exc:
        _fail(request, exc)
        month = timezone.localdate().replace(day=1)
    rows = selectors.month_quality(user, month)
    return render(
        request,
        "inspections/quality.html",
        {
            "rows": rows,
            "period": f"{month:%Y-%m}",
            "actions": list(selectors.actions_for(user, month)[:200]),
            "may_plan": services.may_review(user),
            "agents": [r["agent"] for r in rows],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def action_create(request):
    user = request.user
    period = request.POST.get("period", "")
    agent = (
        User.objects.filter(pk=request.POST.get("agent") or 0).first()
        if (request.POST.get("agent") or "").isdigit()
        else None
    )
    try:
        if agent is None:
            raise DomainError(_("Choose an advisor."))
        services.action_create(
            actor=user,
            agent=agent,
            period=period,
            analysis=request.POST.get("analysis", ""),
            action=request.POST.get("action", ""),
            due_on=request.POST.get("due_on", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect(f"{reverse('inspections:quality')}?{urlencode({'period': period})}")


@login_required
@require_POST
def action_done(request, pk: int):
    user = request.user
    action = CorrectiveAction.objects.filter(
        scope.records_q(user, owners=("agent_id",)), pk=pk
    ).first()
    if action is None:
        raise NotFound()
    if not services.may_review(user):
        raise PermissionDenied()
    try:
        services.action_done(actor=user, action=action)
    except DomainError as exc:
        _fail(request, exc)
    return redirect(f"{reverse('inspections:quality')}?period={action.period:%Y-%m}")
