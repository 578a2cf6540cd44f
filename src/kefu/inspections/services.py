"""Every write of quality inspection (质检): forms and their versions, the monthly sample and
its cross-audit assignment, scoring, appeals decided by a second reviewer, calibration,
inspections of vendors, cleaning zones and sites, and the lead's corrective actions.

Each write validates, runs in a transaction, writes the audit log and, for reviews and appeals,
publishes its domain event (qa.review.completed, qa.appeal.filed, qa.appeal.decided)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.accounts.models import User
from kefu.core import audit, events, scope
from kefu.core.business_calendar import calendar_for
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.followups.models import CallbackTask, CallRecord, ComplaintGrade, Grade, Outcome
from kefu.inspections import deadlines, sampling, scoring
from kefu.inspections.models import (
    ActionStatus,
    Appeal,
    AppealStatus,
    CalibrationSession,
    CalibrationSheet,
    CorrectiveAction,
    FormCategory,
    FormItem,
    FormStatus,
    InspectionForm,
    Mode,
    Review,
    ReviewStatus,
    Sample,
    Source,
    Subject,
    SubjectKind,
    Target,
)
from kefu.knowledge.models import LanguageHit
from kefu.tickets.models import Ticket

AUDIT_ACTIONS = {
    "qa_form.create": gettext_lazy("Inspection form created"),
    "qa_form.revise": gettext_lazy("Inspection form revised (new version)"),
    "qa_sample.draw": gettext_lazy("Monthly QA sample drawn"),
    "qa_review.score": gettext_lazy("QA review scored"),
    "qa_review.inspect": gettext_lazy("Inspection recorded"),
    "qa_appeal.file": gettext_lazy("QA review appealed"),
    "qa_appeal.decide": gettext_lazy("QA appeal decided"),
    "qa_calibration.create": gettext_lazy("Calibration session created"),
    "qa_calibration.score": gettext_lazy("Calibration scored"),
    "qa_subject.create": gettext_lazy("Inspected subject added"),
    "qa_action.create": gettext_lazy("Corrective action planned"),
    "qa_action.done": gettext_lazy("Corrective action done"),
    "qa_review.reassign": gettext_lazy("QA review reassigned"),
}
REVIEWER_ROLES = ("lead", "supervisor")
SUBJECT_TARGET = {
    SubjectKind.VENDOR: Target.VENDOR,
    SubjectKind.ZONE: Target.ZONE,
    SubjectKind.SITE: Target.FOUR_ZEROS,
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# -- who may -----------------------------------------------------------------------------------


def may_manage(user) -> bool:
    """Forms, samples, calibration sessions and subjects: supervisors and above."""
    return scope.at_least(user, scope.SUPERVISOR)


def may_review(user) -> bool:
    return scope.at_least(user, scope.LEAD)


def _line_of(user, business_line):
    if business_line is None:
        business_line = user.business_line if user is not None else None
    if business_line is None:
        raise Invalid(_("Choose a business line."))
    if user is not None and not scope.is_admin(user) and user.business_line_id != business_line.pk:
        raise NotFound()
    return business_line


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied()


def parse_month(text: str) -> dt.date:
    """``2026-11`` → 2026-11-01; anything else is a clear 400."""
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 2000:
        raise Invalid(
            _("Enter the month as YYYY-MM, e.g. 2026-11."), fields={"period": _("Not a month.")}
        )
    return dt.date(int(m[1]), int(m[2]), 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        dt.datetime.combine(month, dt.time.min, tzinfo=tz),
        dt.datetime.combine(nxt, dt.time.min, tzinfo=tz),
    )


# -- forms ---------------------------------------------------------------------------------------


def _clean_categories(mode: str, categories) -> list[dict]:
    if not categories:
        raise Invalid(_("A form needs at least one category."), fields={"categories": _("Empty.")})
    cleaned, total = [], 0
    for c in categories:
        name = str(c.get("name") or "").strip()
        try:
            weight = int(c.get("weight"))
        except (TypeError, ValueError):
            weight = 0
        if not name or weight <= 0:
            raise Invalid(
                _("Each category needs a name and a weight above 0."),
                fields={"categories": _("Check the names and weights.")},
            )
        items = []
        for i in c.get("items") or ():
            text = str(i.get("text") or "").strip()
            try:
                points = scoring.to_decimal(i.get("points"))
            except scoring.ScoreError:
                points = Decimal(0)
            if not text or points <= 0 or points > 1000:
                raise Invalid(
                    _("Each item needs a text and points between 0 and 1000."),
                    fields={"items": _("Check the items.")},
                )
            items.append(
                {
                    "text": text[:200],
                    "points": points,
                    "critical": bool(i.get("critical")),
                    "allow_na": bool(i.get("allow_na", True)),
                }
            )
        if not items:
            raise Invalid(
                _("Each category needs at least one item."), fields={"items": _("Empty.")}
            )
        total += weight
        cleaned.append({"name": name[:100], "weight": weight, "items": items})
    if total != 100:
        raise Invalid(
            _("The category weights must add up to 100 (they add up to %(n)s).") % {"n": total},
            fields={"categories": _("Weights must add up to 100.")},
        )
    return cleaned


def _write_form(*, actor, line, code, number, name, target, mode, pass_mark, categories):
    form = InspectionForm.objects.create(
        business_line=line,
        code=code,
        number=number,
        name=name,
        target=target,
        mode=mode,
        pass_mark=pass_mark,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for pos, c in enumerate(categories):
        cat = FormCategory.objects.create(
            form=form, name=c["name"], weight=c["weight"], position=pos
        )
        FormItem.objects.bulk_create(
            FormItem(category=cat, position=j, **item) for j, item in enumerate(c["items"])
        )
    return form


def _clean_form_head(name, target, mode, pass_mark):
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Give the form a name."), fields={"name": _("Required.")})
    if target not in Target.values:
        raise Invalid(_("Choose what the form inspects."), fields={"target": _("Not valid.")})
    if mode not in Mode.values:
        raise Invalid(_("Choose points or deductions."), fields={"mode": _("Not valid.")})
    try:
        pass_mark = scoring.to_decimal(pass_mark)
    except scoring.ScoreError:
        pass_mark = Decimal(-1)
    if not 0 <= pass_mark <= 100:
        raise Invalid(
            _("The pass mark is a score from 0 to 100."), fields={"pass_mark": _("Not valid.")}
        )
    return name[:100], pass_mark


def form_create(
    *, actor, business_line=None, code, name, target, mode, pass_mark=80, categories
) -> InspectionForm:
    _require(actor is None or may_manage(actor))
    line = _line_of(actor, business_line)
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        raise Invalid(
            _("The code is lower-case letters, digits and hyphens."),
            fields={"code": _("Not valid.")},
        )
    name, pass_mark = _clean_form_head(name, target, mode, pass_mark)
    cleaned = _clean_categories(mode, categories)
    with transaction.atomic():
        if InspectionForm.objects.filter(business_line=line, code=code).exists():
            raise Conflict(_("A form with this code exists: make a new version of it instead."))
        form = _write_form(
            actor=actor,
            line=line,
            code=code,
            number=1,
            name=name,
            target=target,
            mode=mode,
            pass_mark=pass_mark,
            categories=cleaned,
        )
        audit.record(actor=actor, action="qa_form.create", obj=form, changes={"code": code})
    return form


def form_revise(*, actor, form: InspectionForm, name=None, pass_mark=None, categories=None):
    """The next version of ``form`` (the form itself is never edited; it is retired)."""
    _require(actor is None or may_manage(actor))
    if form.status != FormStatus.ACTIVE:
        raise Conflict(_("Only the version in use can be revised."), code="form_retired")
    if categories is None:
        categories = form_definition(form)["categories"]
    name, pass_mark = _clean_form_head(
        name if name is not None else form.name,
        form.target,
        form.mode,
        pass_mark if pass_mark is not None else form.pass_mark,
    )
    cleaned = _clean_categories(form.mode, categories)
    with transaction.atomic():
        if not InspectionForm.objects.filter(pk=form.pk, status=FormStatus.ACTIVE).update(
            status=FormStatus.RETIRED
        ):
            raise StaleWrite()
        new = _write_form(
            actor=actor,
            line=form.business_line,
            code=form.code,
            number=form.number + 1,
            name=name,
            target=form.target,
            mode=form.mode,
            pass_mark=pass_mark,
            categories=cleaned,
        )
        audit.record(
            actor=actor,
            action="qa_form.revise",
            obj=new,
            changes={"number": [form.number, new.number]},
        )
    return new


def form_definition(form: InspectionForm) -> dict:
    cats = list(form.categories.prefetch_related("items"))
    return {
        "categories": [
            {
                "id": c.pk,
                "name": c.name,
                "weight": c.weight,
                "items": [
                    {
                        "id": i.pk,
                        "text": i.text,
                        "points": i.points,
                        "critical": i.critical,
                        "allow_na": i.allow_na,
                    }
                    for i in c.items.all()
                ],
            }
            for c in cats
        ]
    }


def form_rules(form: InspectionForm):
    """The pure scoring inputs of a form: (categories, items)."""
    cats, items = [], []
    for c in form.categories.prefetch_related("items"):
        cats.append(scoring.Category(c.pk, c.weight))
        items.extend(
            scoring.Item(i.pk, c.pk, i.points, i.critical, i.allow_na) for i in c.items.all()
        )
    return cats, items


SCORE_MESSAGES = {
    "missing": gettext_lazy("Answer every item (or mark it not applicable)."),
    "na_not_allowed": gettext_lazy("This item cannot be marked not applicable."),
    "out_of_range": gettext_lazy("Points must be between 0 and the item's points."),
    "bad_count": gettext_lazy("Enter how many times it happened (0, 1, 2 …)."),
    "unknown_item": gettext_lazy("An answer names an item that is not on this form."),
    "not_a_number": gettext_lazy("Enter a number."),
    "nothing_scored": gettext_lazy("Every item is not applicable: nothing to score."),
    "bad_answer": gettext_lazy("Write the answers as item=value, separated by commas."),
    "bad_mode": gettext_lazy("The form's scoring is not valid."),
}


def score_answers(form: InspectionForm, answers: dict) -> scoring.Result:
    """Score ``answers`` ({item id: value or None}) on ``form``; bad answers are a 400."""
    cats, items = form_rules(form)
    try:
        return scoring.score(form.mode, cats, items, {int(k): v for k, v in answers.items()})
    except (scoring.ScoreError, ValueError) as exc:
        code = getattr(exc, "code", "bad_answer")
        fields = {f"item_{exc.item}": SCORE_MESSAGES[code]} if getattr(exc, "item", None) else {}
        raise Invalid(
            SCORE_MESSAGES.get(code, SCORE_MESSAGES["bad_answer"]), fields=fields
        ) from None


def _stored(answers: dict) -> dict:
    return {str(k): (None if v is None else str(v)) for k, v in answers.items()}


# -- the monthly sample ----------------------------------------------------------------------------


def reviewer_pool(line_id: int) -> list[sampling.Person]:
    return [
        sampling.Person(pk, team)
        for pk, team in User.objects.filter(
            business_line_id=line_id, is_active=True, role__in=REVIEWER_ROLES
        )
        .order_by("id")
        .values_list("id", "team_id")
    ]


def sample_units(line, month: dt.date, per_agent: int, seed: int):
    """(agents, units): the line's agents and the drawn units of ``month`` (reads only)."""
    start, end = month_bounds(month)
    agents = {
        pk: sampling.Person(pk, team)
        for pk, team in User.objects.filter(
            business_line=line, is_active=True, role="agent"
        ).values_list("id", "team_id")
    }
    pools: dict[int, list[int]] = {a: [] for a in agents}
    for owner, pk in Ticket.objects.filter(
        business_line=line,
        created_at__gte=start,
        created_at__lt=end,
        first_owner_id__in=list(agents),
    ).values_list("first_owner_id", "id"):
        pools[owner].append(pk)
    mandatory = []
    graded = ComplaintGrade.objects.filter(
        business_line=line,
        grade__in=[Grade.REPEAT, Grade.MALIGNANT],
        ticket__created_at__gte=start,
        ticket__created_at__lt=end,
        ticket__first_owner_id__in=list(agents),
    ).values_list("ticket__first_owner_id", "ticket_id", "grade")
    for owner, ticket, grade in graded:
        source = sampling.REPEAT if grade == Grade.REPEAT else sampling.MALIGNANT
        mandatory.append(sampling.Unit(owner, source, ticket))
    callbacks = CallbackTask.objects.filter(
        business_line=line,
        outcome=Outcome.DISSATISFIED,
        done_at__gte=start,
        done_at__lt=end,
        done_by_id__in=list(agents),
    ).values_list("done_by_id", "ticket_id", "id")
    for owner, ticket, pk in callbacks:
        mandatory.append(sampling.Unit(owner, sampling.DISSATISFIED, ticket, pk))
    # a call registered without a ticket (an enquiry answered on the phone) is a contact too;
    # the reviewer listens to it by its recording reference
    calls: dict[int, list[int]] = {}
    for owner, pk in CallRecord.objects.filter(
        business_line=line,
        started_at__gte=start,
        started_at__lt=end,
        agent_id__in=list(agents),
        ticket__isnull=True,
        callback__isnull=True,
    ).values_list("agent_id", "id"):
        calls.setdefault(owner, []).append(pk)
    units = sampling.draw(seed, pools, mandatory, per_agent, call_pools=calls)
    return agents, units


def sample_create(
    *,
    actor,
    business_line=None,
    period: str,
    seed: int | None = None,
    per_agent: int = 5,
    form=None,
) -> Sample:
    """Draw ``period``'s sample of the line: random ``per_agent`` contacts per agent plus every
    重复/恶性 complaint and 不满意 callback, each assigned to a reviewer outside the agent's team.
    The seed (drawn when not given) is stored so the draw can be reproduced."""
    _require(actor is None or may_manage(actor))
    line = _line_of(actor, business_line)
    month = parse_month(period)
    if month > timezone.localdate().replace(day=1):
        raise Invalid(_("That month has not started yet."), fields={"period": _("In the future.")})
    if not 0 <= int(per_agent) <= 50:
        raise Invalid(
            _("Draw between 0 and 50 contacts per agent."), fields={"per_agent": _("Not valid.")}
        )
    if seed is None:
        seed = secrets.randbelow(2**31)
    if not 0 <= int(seed) < 2**63:
        raise Invalid(_("The seed is a whole number from 0."), fields={"seed": _("Not valid.")})
    if form is None:
        form = (
            InspectionForm.objects.filter(
                business_line=line, target=Target.CONTACT, status=FormStatus.ACTIVE
            )
            .order_by("id")
            .first()
        )
        if form is None:
            raise Invalid(_("Create an inspection form for contacts first."))
    elif form.business_line_id != line.pk or form.target != Target.CONTACT:
        raise Invalid(_("Choose a form for agents' contacts."), fields={"form": _("Not valid.")})
    agents, units = sample_units(line, month, int(per_agent), int(seed))
    try:
        assigned = sampling.assign(int(seed), units, agents, reviewer_pool(line.pk))
    except sampling.NoReviewer as exc:
        who = User.objects.filter(pk=exc.agent).first()
        raise Invalid(
            _("Nobody outside the team of %(agent)s can review them: add a reviewer.")
            % {"agent": who.name if who else exc.agent}
        ) from None
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=list(agents)).only("id", "team_id", "department_id")
    }
    tickets = [u.ticket for u in units if u.ticket]
    flags: dict[tuple[int, str], int] = {}
    numbers = dict(Ticket.objects.filter(pk__in=tickets).values_list("id", "number"))
    for agent_id, source, n in (
        LanguageHit.objects.filter(business_line=line, source__in=list(numbers.values()))
        .values_list("agent_id", "source")
        .annotate(n=Count("id"))
    ):
        flags[(agent_id, source)] = n
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                business_line=line,
                period=month,
                seed=int(seed),
                per_agent=int(per_agent),
                form=form,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            Review.objects.bulk_create(
                [
                    Review(
                        business_line=line,
                        department_id=users[u.agent].department_id,
                        team_id=users[u.agent].team_id,
                        sample=sample,
                        form=form,
                        source=u.source,
                        agent_id=u.agent,
                        ticket_id=u.ticket,
                        callback_id=u.callback,
                        call_id=u.call,
                        language_flags=flags.get((u.agent, numbers.get(u.ticket, "")), 0),
                        reviewer_id=reviewer,
                        period=month,
                    )
                    for u, reviewer in assigned
                ],
                batch_size=1000,
            )
            audit.record(
                actor=actor,
                action="qa_sample.draw",
                obj=sample,
                changes={"period": f"{month:%Y-%m}", "seed": int(seed), "reviews": len(assigned)},
            )
    except IntegrityError:
        raise Conflict(
            _("This month's sample has already been drawn."), code="sample_exists"
        ) from None
    return sample


# -- scoring, appeals ----------------------------------------------------------------------------


def _fresh_version(review: Review, version) -> None:
    if version is not None and int(version) != review.version:
        raise StaleWrite()


def _bump(review: Review, **fields) -> None:
    updated = Review.objects.filter(pk=review.pk, version=review.version).update(
        version=review.version + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleWrite()
    for k, v in fields.items():
        setattr(review, k, v)
    review.version += 1


def review_score(*, actor, review: Review, answers: dict, comment: str = "", version=None):
    """The assigned reviewer scores a sampled contact (once)."""
    if review.reviewer_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the assigned reviewer scores this review."))
    agent = review.agent
    if agent is not None and not sampling.eligible(
        sampling.Person(actor.pk, actor.team_id), sampling.Person(agent.pk, agent.team_id)
    ):
        raise PermissionDenied(_("Nobody reviews their own team."))
    if review.status != ReviewStatus.ASSIGNED:
        raise Conflict(_("This review has already been scored."), code="already_scored")
    _fresh_version(review, version)
    result = score_answers(review.form, answers)
    with transaction.atomic():
        _bump(
            review,
            answers=_stored(answers),
            score=result.score,
            failed=result.failed,
            comment=(comment or "").strip()[:2000],
            status=ReviewStatus.COMPLETED,
            completed_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="qa_review.score",
            obj=review,
            changes={"score": str(result.score), "failed": result.failed},
        )
        _publish_completed(actor, review)
    return review


def may_reassign(user, review: Review) -> bool:
    """A supervisor (or above) of the review's business line reassigns a review still to score."""
    return may_manage(user) and (
        scope.is_admin(user) or user.business_line_id == review.business_line_id
    )


def reassign_candidates(review: Review) -> list[User]:
    """Who may take the review over: the line's leads and supervisors outside the agent's team,
    not the agent, not the current reviewer."""
    qs = User.objects.filter(
        business_line_id=review.business_line_id, is_active=True, role__in=REVIEWER_ROLES
    ).exclude(pk__in=[review.reviewer_id, review.agent_id or 0])
    if review.team_id is not None:
        qs = qs.exclude(team_id=review.team_id)
    return list(qs.select_related("team").order_by("team_id", "id")[:200])


def review_reassign(*, actor, review: Review, reviewer: User, reason: str, version=None) -> Review:
    """Hand a review still to score to another reviewer: a lead or supervisor of the line who is
    neither the agent nor of the agent's team (cross-audit), with the reason in the audit log."""
    _require(may_reassign(actor, review))
    if review.status != ReviewStatus.ASSIGNED:
        raise Conflict(_("Only a review still to score can be reassigned."), code="already_scored")
    _fresh_version(review, version)
    reason = (reason or "").replace("\x00", "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the review moves to another reviewer.")
    elif len(reason) > 300:
        errors["reason"] = _("Use at most 300 characters.")
    agent = review.agent
    if (
        reviewer is None
        or not reviewer.is_active
        or reviewer.role not in REVIEWER_ROLES
        or reviewer.business_line_id != review.business_line_id
    ):
        errors["reviewer"] = _("Choose a lead or supervisor of this business line.")
    elif reviewer.pk == review.reviewer_id:
        errors["reviewer"] = _("This reviewer already has the review.")
    elif (
        agent is not None
        and not sampling.eligible(
            sampling.Person(reviewer.pk, reviewer.team_id), sampling.Person(agent.pk, agent.team_id)
        )
    ) or (review.team_id is not None and reviewer.team_id == review.team_id):
        errors["reviewer"] = _("Nobody reviews their own team: choose a reviewer of another team.")
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    before = review.reviewer_id
    with transaction.atomic():
        _bump(review, reviewer_id=reviewer.pk)
        review.reviewer = reviewer
        audit.record(
            actor=actor,
            action="qa_review.reassign",
            obj=review,
            changes={"reviewer": [before, reviewer.pk], "reason": reason},
        )
    return review


def _publish_completed(actor, review: Review) -> None:
    events.publish(
        "qa.review.completed",
        object_id=review.pk,
        business_line_id=review.business_line_id,
        payload={
            "agent": review.agent_id,
            "reviewer": review.reviewer_id,
            "form": review.form_id,
            "ticket": review.ticket_id,
            "score": str(review.score),
            "failed": review.failed,
            "period": f"{review.period:%Y-%m}",
        },
        actor=actor,
        subject=review,
    )


def appeal_file(*, actor, review: Review, reason: str) -> Appeal:
    """The agent appeals a scored review, once; a second reviewer (not the first, not of the
    agent's team) decides by a deadline on the line's business calendar."""
    if review.agent_id is None or review.agent_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the reviewed agent may appeal."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why you appeal."), fields={"reason": _("Required.")})
    if review.status in (ReviewStatus.APPEALED, ReviewStatus.DECIDED) or hasattr_appeal(review):
        raise Conflict(_("A review may be appealed only once."), code="already_appealed")
    if review.status != ReviewStatus.COMPLETED:
        raise Conflict(_("Only a scored review can be appealed."), code="not_scored")
    line = review.business_line
    load = dict(
        Appeal.objects.filter(business_line=line, status=AppealStatus.OPEN)
        .values_list("decider_id")
        .annotate(n=Count("id"))
    )
    try:
        decider = sampling.second_reviewer(
            sampling.Person(actor.pk, actor.team_id),
            review.reviewer_id,
            reviewer_pool(line.pk),
            load,
        )
    except sampling.NoReviewer:
        raise Invalid(_("There is no second reviewer outside your team to decide.")) from None
    now = timezone.now()
    workdays = int(line.policies.get("qa_appeal_workdays", deadlines.DEFAULT_APPEAL_WORKDAYS))
    deadline = deadlines.appeal_deadline(now, workdays, calendar_for(line))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                review=review,
                business_line=line,
                reason=reason[:2000],
                filed_by=actor,
                decider_id=decider,
                deadline=deadline,
                score_before=review.score,
            )
            _bump(review, status=ReviewStatus.APPEALED)
            audit.record(
                actor=actor,
                action="qa_appeal.file",
                obj=review,
                changes={"decider": decider, "deadline": deadline.isoformat()},
            )
            events.publish(
                "qa.appeal.filed",
                object_id=review.pk,
                business_line_id=line.pk,
                payload={
                    "agent": review.agent_id,
                    "reviewer": review.reviewer_id,
                    "decider": decider,
                    "deadline": deadline.isoformat(),
                },
                actor=actor,
                subject=review,
            )
    except IntegrityError:
        raise Conflict(_("A review may be appealed only once."), code="already_appealed") from None
    return appeal


def hasattr_appeal(review: Review) -> bool:
    return Appeal.objects.filter(review_id=review.pk).exists()


def may_decide(user, appeal: Appeal) -> bool:
    if user is None or user.pk == appeal.review.reviewer_id or user.pk == appeal.review.agent_id:
        return False
    if user.pk == appeal.decider_id:
        return True
    agent = appeal.review.agent
    return (
        may_manage(user)
        and (scope.is_admin(user) or user.business_line_id == appeal.business_line_id)
        and (
            agent is None
            or sampling.eligible(
                sampling.Person(user.pk, user.team_id), sampling.Person(agent.pk, agent.team_id)
            )
        )
    )


def appeal_decide(*, actor, appeal: Appeal, outcome: str, note: str, answers: dict | None = None):
    """The second reviewer upholds the review or re-scores it (``answers``)."""
    if not may_decide(actor, appeal):
        raise PermissionDenied(_("Only the second reviewer decides this appeal."))
    if appeal.status != AppealStatus.OPEN:
        raise Conflict(_("This appeal has already been decided."), code="already_decided")
    if outcome not in (AppealStatus.UPHELD, AppealStatus.CHANGED):
        raise Invalid(
            _("Uphold the review or change the score."), fields={"outcome": _("Not valid.")}
        )
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Explain the decision to the agent."), fields={"note": _("Required.")})
    review = appeal.review
    fields = {"status": ReviewStatus.DECIDED}
    after = review.score
    if outcome == AppealStatus.CHANGED:
        if not answers:
            raise Invalid(
                _("Score the items again to change the score."), fields={"answers": _("Required.")}
            )
        result = score_answers(review.form, answers)
        after = result.score
        fields.update(answers=_stored(answers), score=result.score, failed=result.failed)
    with transaction.atomic():
        done = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.OPEN).update(
            status=outcome,
            decision_note=note[:2000],
            score_after=after,
            decided_at=timezone.now(),
            decider=actor,
        )
        if not done:
            raise Conflict(_("This appeal has already been decided."), code="already_decided")
        appeal.status, appeal.score_after, appeal.decision_note = outcome, after, note
        appeal.decider = actor
        _bump(review, **fields)
        audit.record(
            actor=actor,
            action="qa_appeal.decide",
            obj=review,
            changes={"outcome": outcome, "score": [str(appeal.score_before), str(after)]},
        )
        events.publish(
            "qa.appeal.decided",
            object_id=review.pk,
            business_line_id=review.business_line_id,
            payload={
                "agent": review.agent_id,
                "decider": actor.pk,
                "outcome": outcome,
                "score_before": str(appeal.score_before),
                "score_after": str(after),
            },
            actor=actor,
            subject=review,
        )
    return appeal


# -- subjects: vendors, cleaning zones, sites --------------------------------------------------


def subject_create(
    *,
    actor,
    business_line=None,
    kind,
    name,
    team=None,
    responsible=None,
    post="",
    duties="",
    every_days=7,
) -> Subject:
    _require(actor is None or may_manage(actor))
    line = _line_of(actor, business_line)
    if kind not in SubjectKind.values:
        raise Invalid(_("Choose a kind."), fields={"kind": _("Not valid.")})
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Give it a name."), fields={"name": _("Required.")})
    if team is not None and team.business_line_id != line.pk:
        raise Invalid(_("Choose a team of this business line."), fields={"team": _("Not valid.")})
    if not 1 <= int(every_days) <= 366:
        raise Invalid(_("Inspect every 1 to 366 days."), fields={"every_days": _("Not valid.")})
    with transaction.atomic():
        subject = Subject.objects.create(
            business_line=line,
            kind=kind,
            name=name[:100],
            team=team,
            responsible=responsible,
            post=(post or "")[:100],
            duties=duties or "",
            every_days=int(every_days),
        )
        audit.record(actor=actor, action="qa_subject.create", obj=subject, changes={"kind": kind})
    return subject


def subject_inspect(*, actor, subject: Subject, answers: dict, comment: str = "", form=None):
    """An inspection round of a vendor, cleaning zone or site, scored on the matching form; the
    inspector is never of the subject's own team (cross-audit)."""
    _require(may_review(actor))
    if subject.team_id is not None and actor.team_id == subject.team_id:
        raise PermissionDenied(_("Nobody inspects their own team's area."))
    if form is None:
        form = (
            InspectionForm.objects.filter(
                business_line_id=subject.business_line_id,
                target=SUBJECT_TARGET[subject.kind],
                status=FormStatus.ACTIVE,
            )
            .order_by("id")
            .first()
        )
    if form is None or form.target != SUBJECT_TARGET[subject.kind]:
        raise Invalid(_("There is no inspection form for this kind of subject."))
    result = score_answers(form, answers)
    now = timezone.now()
    with transaction.atomic():
        review = Review.objects.create(
            business_line_id=subject.business_line_id,
            department_id=subject.team.department_id if subject.team_id else None,
            team_id=subject.team_id,
            form=form,
            source=Source.INSPECTION,
            subject=subject,
            reviewer=actor,
            status=ReviewStatus.COMPLETED,
            answers=_stored(answers),
            score=result.score,
            failed=result.failed,
            comment=(comment or "").strip()[:2000],
            completed_at=now,
            period=timezone.localdate().replace(day=1),
        )
        audit.record(
            actor=actor,
            action="qa_review.inspect",
            obj=review,
            changes={"subject": subject.pk, "score": str(result.score)},
        )
        _publish_completed(actor, review)
    return review


# -- calibration -----------------------------------------------------------------------------


def calibration_create(*, actor, form: InspectionForm, ticket: Ticket, title: str):
    _require(may_manage(actor))
    if not scope.is_admin(actor) and form.business_line_id != actor.business_line_id:
        raise NotFound()
    if ticket.business_line_id != form.business_line_id:
        raise Invalid(
            _("Choose a ticket of the form's business line."), fields={"ticket": _("Not valid.")}
        )
    title = (title or "").strip() or _("Calibration")
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            business_line_id=form.business_line_id,
            form=form,
            ticket=ticket,
            title=title[:100],
            created_by=actor,
        )
        audit.record(actor=actor, action="qa_calibration.create", obj=session)
    return session


def calibration_score(*, actor, session: CalibrationSession, answers: dict) -> CalibrationSheet:
    _require(may_review(actor))
    result = score_answers(session.form, answers)
    try:
        with transaction.atomic():
            sheet = CalibrationSheet.objects.create(
                session=session,
                reviewer=actor,
                answers=_stored(answers),
                score=result.score,
                failed=result.failed,
            )
            audit.record(
                actor=actor,
                action="qa_calibration.score",
                obj=session,
                business_line_id=session.business_line_id,
                changes={"score": str(result.score)},
            )
    except IntegrityError:
        raise Conflict(_("You have already scored this session."), code="already_scored") from None
    return sheet


# -- corrective actions (SAT-5) ------------------------------------------------------------------


def action_create(*, actor, agent: User, period: str, analysis: str, action: str, due_on):
    """The lead's analysis of an advisor's month and one corrective action to track to done."""
    _require(may_review(actor))
    visible = User.objects.filter(
        scope.records_q(actor, owners=("id",)), pk=agent.pk, business_line_id=agent.business_line_id
    ).exists()
    if not visible or agent.role != "agent":
        raise NotFound()
    month = parse_month(period)
    analysis, action = (analysis or "").strip(), (action or "").strip()
    if not analysis or not action:
        raise Invalid(
            _("Write the analysis and the action."),
            fields={"analysis": _("Required."), "action": _("Required.")},
        )
    if not isinstance(due_on, dt.date):
        try:
            due_on = dt.date.fromisoformat(str(due_on))
        except ValueError:
            raise Invalid(_("Enter a due date."), fields={"due_on": _("Not a date.")}) from None
    with transaction.atomic():
        row = CorrectiveAction.objects.create(
            business_line_id=agent.business_line_id,
            department_id=agent.department_id,
            team_id=agent.team_id,
            agent=agent,
            period=month,
            analysis=analysis[:4000],
            action=action[:200],
            due_on=due_on,
            created_by=actor,
        )
        audit.record(actor=actor, action="qa_action.create", obj=row, changes={"agent": agent.pk})
    return row


def action_done(*, actor, action: CorrectiveAction) -> CorrectiveAction:
    _require(may_review(actor))
    with transaction.atomic():
        if not CorrectiveAction.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
            status=ActionStatus.DONE, done_at=timezone.now()
        ):
            raise Conflict(_("This action is already done."), code="already_done")
        action.status = ActionStatus.DONE
        audit.record(actor=actor, action="qa_action.done", obj=action)
    return action


# -- default forms ---------------------------------------------------------------------------


DEFAULT_FORMS = [
    (
        "service",
        "服务质检表",
        Target.CONTACT,
        Mode.POINTS,
        80,
        [
            (
                "服务态度",
                30,
                [
                    ("问候语与自我介绍规范", 5, False),
                    ("耐心倾听，不打断客户", 5, False),
                    ("无不文明用语", 10, True),
                ],
            ),
            (
                "业务处理",
                50,
                [
                    ("准确判断问题类型", 10, False),
                    ("解决方案正确可行", 10, False),
                    ("按时限处理并跟进", 10, False),
                ],
            ),
            ("记录规范", 20, [("工单记录完整清晰", 5, False), ("回访结果已登记", 5, False)]),
        ],
    ),
    (
        "vendor",
        "外包服务质量评价",
        Target.VENDOR,
        Mode.POINTS,
        85,
        [
            ("作业质量", 60, [("清洁绿化达到标准", 10, False), ("消杀按计划执行", 10, False)]),
            ("人员管理", 40, [("人员着装与礼仪", 5, False), ("按时到岗", 5, False)]),
        ],
    ),
    (
        "zone",
        "清洁区域周检",
        Target.ZONE,
        Mode.DEDUCTIONS,
        90,
        [
            ("区域卫生", 70, [("地面有垃圾或污渍", 5, False), ("桌面货架积灰", 5, False)]),
            ("定人定岗", 30, [("责任人不在岗", 10, False), ("未按值日表完成工作内容", 10, False)]),
        ],
    ),
    (
        "four-zeros",
        "四个零检查",
        Target.FOUR_ZEROS,
        Mode.DEDUCTIONS,
        90,
        [
            ("服务零缺陷", 25, [("服务缺陷", 10, False)]),
            ("操作零缺陷", 25, [("违规操作", 10, False)]),
            ("设备零故障", 25, [("设备故障未报修", 10, False)]),
            ("安全零隐患", 25, [("安全隐患", 25, True)]),
        ],
    ),
]


def seed_forms(line, actor=None) -> list[InspectionForm]:
    """The default forms of a line (once): contacts, vendors, cleaning zones, the four zeros."""
    made = []
    for code, name, target, mode, pass_mark, cats in DEFAULT_FORMS:
        if InspectionForm.objects.filter(business_line=line, code=code).exists():
            continue
        made.append(
            form_create(
                actor=actor,
                business_line=line,
                code=code,
                name=name,
                target=target,
                mode=mode,
                pass_mark=pass_mark,
                categories=[
                    {
                        "name": cname,
                        "weight": weight,
                        "items": [
                            {"text": t, "points": p, "critical": c, "allow_na": not c}
                            for t, p, c in items
                        ],
                    }
                    for cname, weight, items in cats
                ],
            )
        )
    return made


def open_reviews(line_id: int):
    return Review.objects.filter(business_line_id=line_id, status=ReviewStatus.ASSIGNED)
