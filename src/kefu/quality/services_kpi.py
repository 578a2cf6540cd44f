"""Writes of KPI schemes edited in versions, KPI evaluations by PM-2's evaluator types and the
daily work log with tomorrow's plan (WL-1…3). Validated, in a transaction, audited; a stale
version is a 409.

* Editing a scheme no evaluation uses changes it in place; editing one in use makes the next
  version (the evaluations keep the version they were scored with). Indicator and evaluator
  weights add up to exactly 100 % or nothing is saved.
* An evaluation has one row per evaluator type of its scheme version; the evaluators' score is
  Σ score × weight % once everyone has scored (KPI-2: self 80 × 30 % + manager 90 × 70 % = 87).
  Its total counts each indicator the platform measures with the score of its live value and
  the evaluators' score for the rest (live_rules.combined_score); signing freezes the live values
  and the total (``evaluation_sign``). A scheme with nothing measured live has the evaluators'
  score as its total at once.
* A work log's tasks planned for the day and not done are carried over (cause required, WL-2):
  each publishes ``worklog.task_carried_over``, which costs the line's carried-over rule once
  (``handlers.on_task_carried_over``, one fact one penalty).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.accounts.models import User
from kefu.core import audit, events, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.quality import months, scoring, selectors_live
from kefu.quality.models import EvaluatorType, KpiEvaluator, KpiIndicator, KpiScheme
from kefu.quality.models_kpi import (
    EvaluationStatus,
    KpiEvaluation,
    KpiEvaluationScore,
    TaskStatus,
    WorkLog,
    WorkTask,
)
from kefu.quality.services import _decimal, _text, may_record, scheme_rows

MAX_PLAN = 20
# evaluator types scored by a colleague with an account; the others are entered by a lead
PEOPLE_TYPES = (
    EvaluatorType.SELF,
    EvaluatorType.MANAGER,
    EvaluatorType.PEER,
    EvaluatorType.SUBORDINATE,
)


def may_edit_scheme(actor, scheme: KpiScheme) -> bool:
    if not scope.at_least(actor, scope.SUPERVISOR):
        return False
    return scope.is_admin(actor) or actor.business_line_id == scheme.business_line_id


# -- KPI schemes in versions -------------------------------------------------------------------


@transaction.atomic
def scheme_edit(
    *,
    actor,
    scheme: KpiScheme,
    name: str,
    indicators: list[dict],
    evaluators: list[dict],
    version: int | None = None,
) -> KpiScheme:
    """Change a scheme's name, indicators and evaluators. Returns the scheme as it now stands:
    the same row when no evaluation uses it, else its next version (the old one stays, read-only,
    with the evaluations scored against it)."""
    if not may_edit_scheme(actor, scheme):
        raise PermissionDenied(_("Only a supervisor or manager can change this."))
    scheme = KpiScheme.objects.select_for_update().get(pk=scheme.pk)
    if version is not None and int(version) != scheme.version:
        raise StaleWrite()
    if not scheme.is_current:
        raise Conflict(
            _("This is an earlier version of the scheme; edit the current version."),
            code="superseded",
        )
    name = _text("name", name, size=100)
    ev_rows, ind_rows = scheme_rows(indicators, evaluators)
    if not ind_rows:
        raise Invalid(
            _("Add at least one indicator."),
            fields={"indicators": _("Add at least one indicator.")},
        )
    lineage = scheme.lineage or scheme
    if scheme.evaluations.exists():
        top = KpiScheme.objects.filter(lineage=lineage).aggregate(m=Max("revision"))["m"]
        target = KpiScheme(
            business_line_id=scheme.business_line_id,
            name=name,
            staff_role=scheme.staff_role,
            period=scheme.period,
            created_by=actor,
            revision=max(top or 1, scheme.revision) + 1,
            lineage=lineage,
        )
        try:
            with transaction.atomic():
                target.save(force_insert=True)
        except IntegrityError:
            raise Conflict(
                _("A scheme of that name exists for this month."), code="duplicate"
            ) from None
        scheme.is_current = False
        scheme.version += 1
        scheme.save(update_fields=["is_current", "version", "updated_at"])
        action = "quality.scheme_version"
    else:
        clash = (
            KpiScheme.objects.filter(
                business_line_id=scheme.business_line_id,
                staff_role=scheme.staff_role,
                period=scheme.period,
                name=name,
                revision=scheme.revision,
            )
            .exclude(pk=scheme.pk)
            .exists()
        )
        if clash:
            raise Conflict(_("A scheme of that name exists for this month."), code="duplicate")
        target = scheme
        target.indicators.all().delete()
        target.evaluators.all().delete()
        target.name = name
        target.version += 1
        target.save(update_fields=["name", "version", "updated_at"])
        action = "quality.scheme_edit"
    for row in ev_rows + ind_rows:
        row.scheme = target
    KpiEvaluator.objects.bulk_create(ev_rows)
    KpiIndicator.objects.bulk_create(ind_rows)
    audit.record(
        actor=actor,
        action=action,
        obj=target,
        changes={
            "name": name,
            "revision": target.revision,
            "indicators": [f"{i.name} {i.weight}%" for i in ind_rows],
            "evaluators": [f"{e.evaluator} {e.weight}%" for e in ev_rows],
        },
    )
    return target


def versions_of(scheme: KpiScheme):
    lineage_id = scheme.lineage_id or scheme.pk
    return KpiScheme.objects.filter(pk=lineage_id) | KpiScheme.objects.filter(lineage_id=lineage_id)


# -- KPI evaluations ---------------------------------------------------------------------------


def _team_lead(person: User) -> User | None:
    return (
        User.objects.filter(team_id=person.team_id, role=scope.LEAD, is_active=True)
        .exclude(pk=person.pk)
        .order_by("id")
        .first()
    )


def _subordinates(person: User) -> list[User]:
    """A team lead's agents (PM-2 下级); nobody for anyone else."""
    if person.role != scope.LEAD or person.team_id is None:
        return []
    return list(
        User.objects.filter(team_id=person.team_id, role=scope.AGENT, is_active=True).order_by("id")
    )


@transaction.atomic
def evaluation_start(
    *, actor, scheme: KpiScheme, person: User, assign: dict | None = None
) -> KpiEvaluation:
    """Open the month's evaluation of ``person`` against the scheme's current version: one row
    per evaluator type. ``assign`` maps a type to a user (peers, subordinates; the direct manager
    defaults to the team lead) or, for customers and external experts, to a name. Without a
    subordinate named, a team lead's subordinates are all the agents of their team, one row each
    (the type's score is their mean)."""
    if not may_record(actor, person):
        raise PermissionDenied(_("You may not evaluate this person."))
    if scheme.business_line_id != person.business_line_id:
        raise NotFound()
    if not scheme.is_current:
        raise Conflict(
            _("This is an earlier version of the scheme; edit the current version."),
            code="superseded",
        )
    assign = assign or {}
    rows = []
    for ev in scheme.evaluators.all():
        kind, given = ev.evaluator, assign.get(ev.evaluator)
        row = KpiEvaluationScore(evaluator_type=kind, weight=ev.weight)
        if kind == EvaluatorType.SELF:
            row.evaluator = person
        elif kind == EvaluatorType.SUBORDINATE and not isinstance(given, User):
            # a lead's subordinates: every active agent of their team, each on their own row
            agents = _subordinates(person)
            if not agents:
                raise Invalid(
                    _("Some fields are not valid."),
                    fields={kind: _("Choose a subordinate: the appraisee leads no agents.")},
                )
            rows += [
                KpiEvaluationScore(evaluator_type=kind, weight=ev.weight, evaluator=a)
                for a in agents
            ]
            continue
        elif kind in PEOPLE_TYPES:
            user = given if isinstance(given, User) else None
            if user is None and kind == EvaluatorType.MANAGER:
                user = _team_lead(person) or actor
            if (
                user is None
                or not user.is_active
                or user.pk == person.pk
                or user.business_line_id != person.business_line_id
            ):
                raise Invalid(
                    _("Some fields are not valid."),
                    fields={kind: _("Choose a colleague other than the appraisee.")},
                )
            row.evaluator = user
        else:
            row.evaluator_name = _text(kind, given if isinstance(given, str) else "", size=100)
        rows.append(row)
    if not rows:
        raise Invalid(_("The scheme has no evaluators."))
    evaluation = KpiEvaluation(
        business_line_id=person.business_line_id,
        scheme=scheme,
        person=person,
        period=scheme.period,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            evaluation.save(force_insert=True)
    except IntegrityError:
        raise Conflict(
            _("%(name)s is already being evaluated under this scheme this month.")
            % {"name": person.display_name or person.username},
            code="duplicate",
        ) from None
    for row in rows:
        row.evaluation = evaluation
    KpiEvaluationScore.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="quality.evaluation_start",
        obj=evaluation,
        business_line_id=evaluation.business_line_id,
        changes={
            "person": person.username,
            "scheme": scheme.name,
            "revision": scheme.revision,
            "period": months.label(scheme.period),
        },
    )
    return evaluation


def may_score(actor, row: KpiEvaluationScore) -> bool:
    if row.evaluator_id is not None:
        return row.evaluator_id == actor.pk
    return may_record(actor, row.evaluation.person)


@transaction.atomic
def evaluation_score(
    *, actor, row: KpiEvaluationScore, score, version: int | None = None
) -> KpiEvaluation:
    """An evaluator's score 0–100 (a lead enters a customer's or an external expert's). The
    evaluation's score is the weighted sum once every evaluator has scored."""
    evaluation = KpiEvaluation.objects.select_for_update().get(pk=row.evaluation_id)
    row = KpiEvaluationScore.objects.select_related("evaluation__person").get(pk=row.pk)
    if not may_score(actor, row):
        raise PermissionDenied(_("You are not this evaluator."))
    if version is not None and int(version) != evaluation.version:
        raise StaleWrite()
    if row.score is not None:
        raise Conflict(_("This evaluator has already scored."), code="already_scored")
    row.score = _decimal("score", score, low=Decimal(0), high=Decimal(100))
    row.entered_by, row.scored_at = actor, timezone.now()
    row.save(update_fields=["score", "entered_by", "scored_at"])
    parts = list(evaluation.scores.values_list("evaluator_type", "score", "weight"))
    fields = ["version", "updated_at"]
    if all(s is not None for _k, s, _w in parts):
        # several subordinates count as one: their mean, at the type's weight
        total = scoring.typed_weighted_score(parts)
        evaluation.evaluators_score = total.quantize(Decimal("0.01"))
        fields.append("evaluators_score")
        if not selectors_live.has_live(evaluation.scheme):
            # nothing measured live: the total is the evaluators' and no later data moves it
            evaluation.score = evaluation.evaluators_score
            fields.append("score")
    evaluation.version += 1
    evaluation.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="quality.evaluation_score",
        obj=evaluation,
        changes={
            "evaluator": row.evaluator_type,
            "score": str(row.score),
            "evaluators": str(evaluation.evaluators_score),
            "total": str(evaluation.score),
        },
    )
    return evaluation


def may_sign(actor, evaluation: KpiEvaluation) -> bool:
    """A lead of the appraisee's team, a supervisor of their department or the line's manager;
    never the appraisee."""
    return may_record(actor, evaluation.person)


@transaction.atomic
def evaluation_sign(*, actor, evaluation: KpiEvaluation, version: int | None = None):
    """Sign the evaluation once every evaluator has scored: the live values of the month are
    read now and frozen into it with the total they give (live_rules.combined_score), so a
    later change of the month's tickets, callbacks or surveys does not move a signed score."""
    evaluation = (
        KpiEvaluation.objects.select_for_update()
        .select_related("person", "scheme")
        .get(pk=evaluation.pk)
    )
    if not may_sign(actor, evaluation):
        raise PermissionDenied(_("Only the appraisee's lead, supervisor or manager signs."))
    if version is not None and int(version) != evaluation.version:
        raise StaleWrite()
    if evaluation.status == EvaluationStatus.SIGNED:
        raise Conflict(_("This evaluation is already signed."), code="signed")
    left = evaluation.scores.filter(score__isnull=True).count()
    if left or evaluation.evaluators_score is None:
        raise Conflict(
            ngettext(
                "%(n)d evaluator has not scored yet.", "%(n)d evaluators have not scored yet.", left
            )
            % {"n": left},
            code="not_scored",
        )
    live = selectors_live.live_indicators(actor, evaluation)
    total = selectors_live.total_of(evaluation, live, evaluation.evaluators_score)
    evaluation.live_frozen = selectors_live.freeze(live)
    evaluation.score = total["score"]
    evaluation.status = EvaluationStatus.SIGNED
    evaluation.signed_by, evaluation.signed_at = actor, timezone.now()
    evaluation.version += 1
    evaluation.save(
        update_fields=[
            "live_frozen",
            "score",
            "status",
            "signed_by",
            "signed_at",
            "version",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        action="quality.evaluation_sign",
        obj=evaluation,
        business_line_id=evaluation.business_line_id,
        changes={
            "live": {r["indicator"]: str(r["value"]) for r in live},
            "evaluators": str(evaluation.evaluators_score),
            "measured_weight": str(total["measured_weight"]),
            "total": str(evaluation.score),
        },
    )
    return evaluation


def missing_scores(evaluation: KpiEvaluation):
    return evaluation.scores.filter(score__isnull=True).select_related("evaluator")


# -- the daily work log ------------------------------------------------------------------------


def open_tasks(person: User, day: dt.date):
    """The planned tasks due on or before ``day`` that no log has resolved yet."""
    return WorkTask.objects.filter(
        owner=person, planned_for__lte=day, status=TaskStatus.PLANNED
    ).order_by("planned_for", "id")


@transaction.atomic
def worklog_submit(
    *,
    actor,
    day: dt.date,
    content: str,
    plan: list[str],
    done: list[int] | None = None,
    causes: dict | None = None,
) -> WorkLog:
    """Submit the day's log to the group leader (WL-1): what was done, tomorrow's plan, and for
    each task planned for the day, done or carried over with its cause (WL-2). A carried-over
    task moves to tomorrow's plan and costs the carried-over rule (WL-3, −2 each)."""
    if actor.team_id is None:
        raise Invalid(_("You belong to no team, so you keep no work log."))
    today = timezone.localdate()
    if not isinstance(day, dt.date) or day > today or day < today - dt.timedelta(days=7):
        raise Invalid(
            _("Some fields are not valid."),
            fields={"day": _("Choose today or a day of the past week.")},
        )
    content = _text("content", content, size=4000)
    titles = [t.strip() for t in (plan or []) if isinstance(t, str) and t.strip()]
    errors = {}
    if len(titles) > MAX_PLAN:
        errors["plan"] = _("Plan at most %(n)d tasks.") % {"n": MAX_PLAN}
    if any(len(t) > 200 for t in titles):
        errors["plan"] = _("Use at most %(n)d characters.") % {"n": 200}
    done_ids = {int(x) for x in (done or []) if str(x).isdigit()}
    causes = causes or {}
    pending = list(open_tasks(actor, day).select_for_update())
    carried = [t for t in pending if t.pk not in done_ids]
    for t in carried:
        cause = causes.get(t.pk) or causes.get(str(t.pk)) or ""
        if not (isinstance(cause, str) and cause.strip()):
            errors[f"cause_{t.pk}"] = _("Say why “%(task)s” was not done.") % {"task": t.title}
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    lead = _team_lead(actor)
    log = WorkLog(
        business_line_id=actor.business_line_id,
        team_id=actor.team_id,
        author=actor,
        day=day,
        content=content,
        submitted_to=lead,
    )
    try:
        with transaction.atomic():
            log.save(force_insert=True)
    except IntegrityError:
        raise Conflict(
            _("Your work log of %(day)s is already submitted.") % {"day": day.isoformat()},
            code="duplicate",
        ) from None
    now, tomorrow = timezone.now(), day + dt.timedelta(days=1)
    for t in pending:
        if t.pk in done_ids:
            t.status = TaskStatus.DONE
        else:
            t.status = TaskStatus.CARRIED
            t.cause = (causes.get(t.pk) or causes.get(str(t.pk))).strip()[:300]
        t.resolved_at = t.updated_at = now
    WorkTask.objects.bulk_update(pending, ["status", "cause", "resolved_at", "updated_at"])
    new = [
        WorkTask(log=log, owner=actor, title=t.title, planned_for=tomorrow, carried_from=t)
        for t in carried
    ] + [WorkTask(log=log, owner=actor, title=title, planned_for=tomorrow) for title in titles]
    WorkTask.objects.bulk_create(new)
    audit.record(
        actor=actor,
        action="quality.worklog_submit",
        obj=log,
        changes={
            "day": day.isoformat(),
            "done": len(pending) - len(carried),
            "carried_over": [t.title for t in carried],
            "plan": titles,
        },
    )
    for t in carried:
        events.publish(
            "worklog.task_carried_over",
            object_id=t.pk,
            business_line_id=log.business_line_id,
            payload={"owner": actor.pk, "planned_for": t.planned_for.isoformat(), "log": log.pk},
            actor=actor,
            subject=t,
        )
    return log
