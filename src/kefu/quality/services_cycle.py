"""Writes of the performance-management cycle (PM-1, PM-2, PM-3): validated, one transaction,
audited; a stale version is a 409 and each stage admits only its own work.

Who may do what: a supervisor of the team's department (or the line's manager) creates the
cycle, sets its SMART indicators, records the evaluator briefing, moves it from stage to stage
and records the results; each evaluator scores only their own rows (the appraisee the self-
evaluation, the team lead the direct manager's); the lead or the supervisor holds the feedback
interview; only the line's manager (company leadership) applies the results and closes it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.quality import cycle as rules
from kefu.quality import scoring
from kefu.quality.models import EvaluatorType
from kefu.quality.models_cycle import (
    AppraisalClass,
    AppraisalCycle,
    CycleIndicator,
    CycleMember,
    CycleScore,
    CycleStage,
    PersonnelAction,
)
from kefu.quality.services import _decimal, _text

MAX_DAYS = 366
MAX_TEXT = 2000


def may_drive(actor, team) -> bool:
    """A supervisor of the team's department, the manager of its business line, an admin."""
    if scope.is_admin(actor):
        return True
    if scope.at_least(actor, scope.MANAGER):
        return actor.business_line_id == team.business_line_id
    if scope.at_least(actor, scope.SUPERVISOR):
        return actor.department_id is not None and actor.department_id == team.department_id
    return False


def may_interview(actor, member: CycleMember) -> bool:
    """The appraisee's direct manager (their team's lead) or whoever drives the cycle."""
    team = member.cycle.team
    if may_drive(actor, team):
        return True
    return (
        scope.at_least(actor, scope.LEAD)
        and actor.team_id == team.pk
        and actor.pk != member.user_id
    )


def _locked(cycle: AppraisalCycle, version: int | None) -> AppraisalCycle:
    cycle = AppraisalCycle.objects.select_for_update().select_related("team").get(pk=cycle.pk)
    if version is not None and version != cycle.version:
        raise StaleWrite()
    return cycle


def _in_stage(cycle: AppraisalCycle, stage: str) -> None:
    if cycle.stage != stage:
        raise Conflict(
            _("The cycle is at the stage “%(stage)s”; this belongs to another stage.")
            % {"stage": cycle.get_stage_display()},
            code="wrong_stage",
        )


def _bump(cycle: AppraisalCycle, fields: list[str]) -> None:
    cycle.version += 1
    cycle.save(update_fields=[*fields, "version", "updated_at"])


def _date(name: str, value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise Invalid(
            _("Some fields are not valid."), fields={name: _("Enter a valid date.")}
        ) from None


def team_lead(team) -> User | None:
    return User.objects.filter(team=team, role=scope.LEAD, is_active=True).order_by("id").first()


@transaction.atomic
def cycle_create(
    *,
    actor,
    team,
    name: str,
    starts_on,
    ends_on,
    goals: str = "",
    self_weight=30,
    include_lead: bool = False,
) -> AppraisalCycle:
    """Plan a team's cycle (PM-1 stage 1): its agents are the appraisees, and with
    ``include_lead`` its team lead too (whose subordinates, the agents, can then score them);
    the evaluators are the appraisee (self) and the direct manager, weighted KPI-2 30 % / 70 %
    unless another split is given."""
    if not may_drive(actor, team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    name = _text("name", name, size=100)
    starts_on, ends_on = _date("starts_on", starts_on), _date("ends_on", ends_on)
    if not starts_on <= ends_on or (ends_on - starts_on).days > MAX_DAYS:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"ends_on": _("End on or after the start, within a year.")},
        )
    self_weight = _decimal("self_weight", self_weight, low=Decimal(0), high=Decimal(100))
    people = list(User.objects.filter(team=team, role=scope.AGENT, is_active=True).order_by("id"))
    if not people:
        raise Invalid(_("This team has no agents to appraise."), fields={"team": _("No agents.")})
    if include_lead:
        lead = team_lead(team)
        if lead is None:
            raise Invalid(
                _("This team has no lead to appraise."),
                fields={"include_lead": _("The team has no active lead.")},
            )
        people.append(lead)
    cycle = AppraisalCycle.objects.create(
        business_line_id=team.business_line_id,
        department_id=team.department_id,
        team=team,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=_text("goals", goals, required=False, size=MAX_TEXT),
        self_weight=self_weight,
        manager_weight=100 - self_weight,
        created_by=actor,
    )
    CycleMember.objects.bulk_create(CycleMember(cycle=cycle, user=p) for p in people)
    audit.record(
        actor=actor,
        action="quality.cycle_create",
        obj=cycle,
        changes={
            "name": name,
            "team": team.name,
            "appraisees": len(people),
            "lead_appraised": bool(include_lead),
        },
    )
    return cycle


@transaction.atomic
def indicator_add(
    *, actor, cycle: AppraisalCycle, name, measure, target, weight, due
) -> CycleIndicator:
    """A SMART indicator: specific (name, how measured), measurable (target), relevant
    (weight), time-bound (a due day inside the cycle)."""
    if not may_drive(actor, cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    cycle = _locked(cycle, None)
    _in_stage(cycle, CycleStage.INDICATORS)
    due = _date("due", due)
    if not cycle.starts_on <= due <= cycle.ends_on:
        raise Invalid(_("Some fields are not valid."), fields={"due": _("A day inside the cycle.")})
    row = CycleIndicator.objects.create(
        cycle=cycle,
        name=_text("name", name, size=100),
        measure=_text("measure", measure, size=200),
        target=_text("target", target, size=50),
        weight=_decimal("weight", weight, low=Decimal("0.01"), high=Decimal(100)),
        due=due,
    )
    _bump(cycle, [])
    audit.record(
        actor=actor,
        action="quality.cycle_indicator",
        obj=cycle,
        changes={"added": row.name, "weight": str(row.weight)},
    )
    return row


@transaction.atomic
def indicator_remove(*, actor, cycle: AppraisalCycle, indicator_id: int) -> None:
    if not may_drive(actor, cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    cycle = _locked(cycle, None)
    _in_stage(cycle, CycleStage.INDICATORS)
    row = cycle.indicators.filter(pk=indicator_id).first()
    if row is None:
        raise Invalid(_("Some fields are not valid."), fields={"indicator": _("Not found.")})
    row.delete()
    _bump(cycle, [])
    audit.record(
        actor=actor, action="quality.cycle_indicator", obj=cycle, changes={"removed": row.name}
    )


@transaction.atomic
def briefing_record(*, actor, cycle: AppraisalCycle, held_on, place, notes) -> AppraisalCycle:
    """The evaluator briefing (PM-1 stage 3: train the evaluators) was held."""
    if not may_drive(actor, cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    cycle = _locked(cycle, None)
    _in_stage(cycle, CycleStage.BRIEFING)
    cycle.briefing_on = _date("held_on", held_on)
    cycle.briefing_place = _text("place", place, size=100)
    cycle.briefing_notes = _text("notes", notes, size=MAX_TEXT)
    _bump(cycle, ["briefing_on", "briefing_place", "briefing_notes"])
    audit.record(
        actor=actor,
        action="quality.cycle_briefing",
        obj=cycle,
        changes={"held_on": cycle.briefing_on.isoformat(), "place": cycle.briefing_place},
    )
    return cycle


def missing_scores(cycle: AppraisalCycle):
    """The evaluation rows not scored yet (who has not scored whom)."""
    return (
        CycleScore.objects.filter(member__cycle=cycle, score__isnull=True)
        .select_related("evaluator", "member__user")
        .order_by("evaluator_id", "member_id")
    )


def _check_ready(cycle: AppraisalCycle) -> None:
    """Refuse to leave a stage whose work is not done (Conflict with what is missing)."""
    stage = cycle.stage
    if stage == CycleStage.PLAN and not cycle.goals:
        raise Invalid(_("Write the goals of the cycle first."), fields={"goals": _("Required.")})
    if stage == CycleStage.INDICATORS:
        rows = list(cycle.indicators.values("name", "measure", "target", "weight", "due"))
        if rules.smart_problems(rows, cycle.starts_on, cycle.ends_on):
            total = sum((r["weight"] for r in rows), Decimal(0))
            raise Conflict(
                _(
                    "The indicators are not SMART yet: each needs a measure, a target, a weight "
                    "and a due day inside the cycle, the weights adding up to 100 %% (now %(n)s %%)."
                )
                % {"n": f"{total:g}"},
                code="not_smart",
            )
    if stage == CycleStage.BRIEFING and cycle.briefing_on is None:
        raise Conflict(_("Record the evaluator briefing first."), code="no_briefing")
    if stage == CycleStage.EVALUATION:
        left = missing_scores(cycle).count()
        if left:
            raise Conflict(
                _("%(n)d evaluations are not scored yet.") % {"n": left}, code="not_scored"
            )
    if stage == CycleStage.FEEDBACK and cycle.members.filter(interview_at__isnull=True).exists():
        raise Conflict(
            _("Hold the feedback interview with every appraisee first."), code="no_interview"
        )
    if stage == CycleStage.RESULTS and cycle.members.filter(personnel_action="").exists():
        raise Conflict(_("Record the results of every appraisee first."), code="no_results")


NAMED_TYPES = (EvaluatorType.CUSTOMER, EvaluatorType.EXPERT)  # no account: a lead enters


def evaluator_plan(cycle: AppraisalCycle) -> list[dict]:
    """The cycle's evaluator types with weights; by default KPI-2's self + direct manager."""
    if cycle.evaluator_plan:
        return cycle.evaluator_plan
    return [
        {"type": EvaluatorType.SELF.value, "weight": str(cycle.self_weight), "name": ""},
        {"type": EvaluatorType.MANAGER.value, "weight": str(cycle.manager_weight), "name": ""},
    ]


@transaction.atomic
def evaluators_set(
    *, actor, cycle: AppraisalCycle, rows: list[dict], version: int | None = None
) -> AppraisalCycle:
    """PM-2's evaluator types of the cycle, before the evaluation starts: each type once, the
    weights adding up to exactly 100 %; customers served and external experts by a name (a lead
    enters their score); peers are the appraisee's team-mates (each agent scores the next one);
    subordinates score the team lead — every agent of the team, or a sample of ``sample`` of
    them (0: all), each filing their own score — so that type needs a cycle whose appraisees
    include the lead (agents have no subordinates)."""
    if not may_drive(actor, cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    cycle = _locked(cycle, version)
    if cycle.stage not in (CycleStage.PLAN, CycleStage.INDICATORS, CycleStage.BRIEFING):
        raise Conflict(
            _("The evaluators are set before the evaluation starts."), code="wrong_stage"
        )
    plan, errors = [], {}
    for row in rows:
        kind = row.get("type")
        weight = _decimal(f"weight_{kind}", row.get("weight"), low=Decimal(0), high=Decimal(100))
        if not weight:
            continue
        if kind not in EvaluatorType.values or any(p["type"] == kind for p in plan):
            raise Invalid(
                _("Some fields are not valid."), fields={"evaluators": _("Each evaluator once.")}
            )
        if kind == EvaluatorType.SUBORDINATE and not _lead_member(cycle):
            errors[f"weight_{kind}"] = _(
                "Only a team lead has subordinates to score them: plan the cycle with the team "
                "lead among the appraisees."
            )
        name = ""
        if kind in NAMED_TYPES:
            name = _text(f"name_{kind}", row.get("name", ""), size=100)
        entry = {"type": kind, "weight": str(weight), "name": name}
        if kind == EvaluatorType.SUBORDINATE:
            sample = _sample(row.get("sample"))
            if sample is None:
                errors["sample_subordinate"] = _(
                    "How many agents score the lead: a whole number from 0 (all) to %(n)d."
                ) % {"n": MAX_SAMPLE}
            entry["sample"] = sample or 0
        plan.append(entry)
    total = sum((Decimal(p["weight"]) for p in plan), Decimal(0))
    if total != 100:
        errors["evaluators"] = _("Weights add up to %(n)s %%.") % {"n": f"{total:g}"}
    agents = cycle.members.exclude(user__role=scope.LEAD).count()
    if any(p["type"] == EvaluatorType.PEER for p in plan) and agents < 2:
        errors[f"weight_{EvaluatorType.PEER}"] = _(
            "Peers need at least two agents among the appraisees."
        )
    if errors:
        raise Invalid(_("The evaluators' weights must add up to 100 %."), fields=errors)
    cycle.evaluator_plan = plan
    weight_of = {p["type"]: Decimal(p["weight"]) for p in plan}
    cycle.self_weight = weight_of.get(EvaluatorType.SELF, Decimal(0))
    cycle.manager_weight = weight_of.get(EvaluatorType.MANAGER, Decimal(0))
    _bump(cycle, ["evaluator_plan", "self_weight", "manager_weight"])
    audit.record(
        actor=actor,
        action="quality.cycle_evaluators",
        obj=cycle,
        changes={
            "evaluators": [
                f"{p['type']} {p['weight']}%" + (f" sample {p['sample']}" if "sample" in p else "")
                for p in plan
            ]
        },
    )
    return cycle


MAX_SAMPLE = 200


def _sample(value) -> int | None:
    """The subordinates' sample size as posted: blank → 0 (all the team's agents)."""
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 <= number <= MAX_SAMPLE else None


def subordinates_of(cycle: AppraisalCycle, agents: list) -> list:
    """The agents who score the team lead: all of them, or a sample of the plan's size drawn
    with the cycle's id as the seed (the same agents whenever it is drawn)."""
    part = next((p for p in evaluator_plan(cycle) if p["type"] == EvaluatorType.SUBORDINATE), None)
    size = int((part or {}).get("sample") or 0)
    if not size or size >= len(agents):
        return list(agents)
    picked = random.Random(cycle.pk).sample(range(len(agents)), size)  # nosec B311: a draw, not a secret
    return [agents[i] for i in sorted(picked)]


def _lead_member(cycle: AppraisalCycle) -> CycleMember | None:
    return cycle.members.filter(user__role=scope.LEAD).first()


def _start_evaluation(cycle: AppraisalCycle) -> None:
    """One score row per appraisee and evaluator type of the plan: self; the direct manager
    (an agent's: the team lead; the lead's: the supervisor who planned the cycle); the next
    agent as the peer (in turn, so every agent scores one colleague; the lead has no peer among
    the agents); for the lead, one of the team's agents as the subordinate (in turn from cycle to
    cycle; agents have none); and a named customer or external expert whose score is entered
    for them. A type an appraisee lacks has no row, and the others keep their proportion."""
    lead = team_lead(cycle.team) or cycle.created_by
    members = list(cycle.members.select_related("user").order_by("id"))
    agents = [m for m in members if m.user.role != scope.LEAD]
    rows = []
    for member in members:
        is_lead = member.user.role == scope.LEAD
        for part in evaluator_plan(cycle):
            kind, weight = part["type"], Decimal(part["weight"])
            row = CycleScore(member=member, evaluator_type=kind, weight=weight)
            if kind == EvaluatorType.SELF:
                row.evaluator_id = member.user_id
            elif kind == EvaluatorType.MANAGER:
                boss = cycle.created_by if is_lead else lead
                if boss is None or boss.pk == member.user_id:
                    continue
                row.evaluator = boss
            elif kind == EvaluatorType.PEER:
                if is_lead or len(agents) < 2:
                    continue
                row.evaluator_id = agents[(agents.index(member) + 1) % len(agents)].user_id
            elif kind == EvaluatorType.SUBORDINATE:
                if not is_lead:
                    continue
                rows += [
                    CycleScore(
                        member=member, evaluator_type=kind, weight=weight, evaluator_id=a.user_id
                    )
                    for a in subordinates_of(cycle, agents)
                ]
                continue
            else:
                row.evaluator_name = part.get("name") or str(EvaluatorType(kind).label)
            rows.append(row)
    CycleScore.objects.bulk_create(rows)


def may_enter(actor, row: CycleScore) -> bool:
    """Who records a score: the evaluator; a customer's or an expert's, the team lead or the
    cycle's supervisor (entered on their behalf)."""
    if row.evaluator_id is not None:
        return row.evaluator_id == actor.pk
    if row.member.user_id == actor.pk:  # a lead appraised does not enter scores of themselves
        return False
    team = row.member.cycle.team
    return (actor.role == scope.LEAD and actor.team_id == team.pk) or may_drive(actor, team)


def _finish_evaluation(cycle: AppraisalCycle) -> None:
    members = list(cycle.members.prefetch_related("scores"))
    for member in members:
        parts = [(s.evaluator_type, s.score, s.weight) for s in member.scores.all()]
        member.score = scoring.typed_weighted_score(parts).quantize(Decimal("0.01"))
        member.appraisal_class = rules.suggested_class(member.score) or ""
    CycleMember.objects.bulk_update(members, ["score", "appraisal_class"])


@transaction.atomic
def cycle_advance(*, actor, cycle: AppraisalCycle, version: int | None = None) -> AppraisalCycle:
    """Move the cycle to its next stage once the current one's work is done. Closing it
    (applying pay, promotion or discipline and bonuses) is company leadership's: a manager."""
    if not may_drive(actor, cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    cycle = _locked(cycle, version)
    after = rules.next_stage(cycle.stage)
    if after is None:
        raise Conflict(_("This cycle is closed and no longer changes."), code="closed")
    if after == CycleStage.CLOSED and not scope.at_least(actor, scope.MANAGER):
        raise PermissionDenied(_("Only the manager applies the results of a cycle."))
    _check_ready(cycle)
    before = cycle.stage
    if after == CycleStage.EVALUATION:
        _start_evaluation(cycle)
    if after == CycleStage.FEEDBACK:
        _finish_evaluation(cycle)
    cycle.stage = after
    fields = ["stage"]
    if after == CycleStage.CLOSED:
        cycle.closed_by, cycle.closed_at = actor, timezone.now()
        fields += ["closed_by", "closed_at"]
    _bump(cycle, fields)
    audit.record(
        actor=actor, action="quality.cycle_advance", obj=cycle, changes={"stage": [before, after]}
    )
    return cycle


@transaction.atomic
def goals_set(*, actor, cycle: AppraisalCycle, goals: str, version: int | None = None):
    """The goals of the cycle, while it is being planned."""
    if not may_drive(actor, cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    cycle = _locked(cycle, version)
    _in_stage(cycle, CycleStage.PLAN)
    cycle.goals = _text("goals", goals, size=MAX_TEXT)
    _bump(cycle, ["goals"])
    audit.record(actor=actor, action="quality.cycle_plan", obj=cycle, changes={"goals": "set"})
    return cycle


@transaction.atomic
def score_submit(*, actor, row: CycleScore, score, comment: str = "") -> CycleScore:
    """An evaluator scores their own row (0–100) while the cycle is at the evaluation stage;
    they may correct it until the stage ends."""
    row = (
        CycleScore.objects.select_for_update().select_related("member__cycle__team").get(pk=row.pk)
    )
    if not may_enter(actor, row):
        raise PermissionDenied(_("Only the assigned evaluator scores this."))
    cycle = row.member.cycle
    _in_stage(cycle, CycleStage.EVALUATION)
    row.score = _decimal("score", score, low=Decimal(0), high=Decimal(100))
    row.comment = _text("comment", comment, required=False)
    row.scored_at, row.entered_by = timezone.now(), actor
    row.save(update_fields=["score", "comment", "scored_at", "entered_by"])
    audit.record(
        actor=actor,
        action="quality.cycle_score",
        obj=cycle,
        changes={
            "appraisee": row.member.user_id,
            "type": row.evaluator_type,
            "score": str(row.score),
        },
    )
    return row


INTERVIEW_TEXTS = ("interview_goal", "expected", "achieved", "reasons", "how_to_improve")


@transaction.atomic
def interview_record(*, actor, member: CycleMember, data: dict) -> CycleMember:
    """The PM-3 feedback interview: the appraisee's class, the planned time and place, the goal
    of the interview and its outline, and the four answers (what should have been done, what
    was done, why the result, how to improve)."""
    member = CycleMember.objects.select_for_update().select_related("cycle__team").get(pk=member.pk)
    if not may_interview(actor, member):
        raise PermissionDenied(_("Only the direct manager or the supervisor holds the interview."))
    _in_stage(member.cycle, CycleStage.FEEDBACK)
    klass = data.get("appraisal_class")
    if klass not in AppraisalClass.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"appraisal_class": _("Choose a class.")}
        )
    when = data.get("interview_at")
    if not isinstance(when, dt.datetime):
        try:
            when = dt.datetime.fromisoformat(str(when or "").strip())
        except ValueError:
            raise Invalid(
                _("Some fields are not valid."), fields={"interview_at": _("Enter a valid time.")}
            ) from None
    member.interview_at = when if timezone.is_aware(when) else timezone.make_aware(when)
    member.appraisal_class = klass
    member.interview_place = _text("interview_place", data.get("interview_place"), size=100)
    member.outline = _text("outline", data.get("outline", ""), required=False, size=MAX_TEXT)
    for name in INTERVIEW_TEXTS:
        setattr(member, name, _text(name, data.get(name), size=MAX_TEXT))
    member.interviewed_by = actor
    member.save(
        update_fields=[
            "appraisal_class",
            "interview_at",
            "interview_place",
            "outline",
            "interviewed_by",
            *INTERVIEW_TEXTS,
        ]
    )
    audit.record(
        actor=actor,
        action="quality.cycle_interview",
        obj=member.cycle,
        changes={"appraisee": member.user_id, "class": klass},
    )
    return member


@transaction.atomic
def results_record(
    *, actor, member: CycleMember, pay_change_pct, personnel_action, bonus_yuan, improvement_plan
) -> CycleMember:
    """The results of one appraisee (PM-1 stage 6): pay change, promotion or discipline, bonus
    and the improvement plan for the next cycle, which those classed “needs improvement” or
    “unsatisfactory” must have."""
    member = CycleMember.objects.select_for_update().select_related("cycle__team").get(pk=member.pk)
    if not may_drive(actor, member.cycle.team):
        raise PermissionDenied(_("Only a supervisor or manager can run an appraisal cycle."))
    _in_stage(member.cycle, CycleStage.RESULTS)
    if personnel_action not in PersonnelAction.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"personnel_action": _("Choose promotion, discipline or none.")},
        )
    member.pay_change_pct = _decimal(
        "pay_change_pct", pay_change_pct or 0, low=Decimal(-50), high=Decimal(100)
    )
    member.bonus_yuan = _decimal(
        "bonus_yuan", bonus_yuan or 0, low=Decimal(0), high=Decimal(1_000_000)
    )
    member.personnel_action = personnel_action
    needs_plan = member.appraisal_class in rules.NEEDS_PLAN
    member.improvement_plan = _text(
        "improvement_plan", improvement_plan, required=needs_plan, size=MAX_TEXT
    )
    member.results_by = actor
    member.save(
        update_fields=[
            "pay_change_pct",
            "bonus_yuan",
            "personnel_action",
            "improvement_plan",
            "results_by",
        ]
    )
    audit.record(
        actor=actor,
        action="quality.cycle_results",
        obj=member.cycle,
        changes={
            "appraisee": member.user_id,
            "pay_change_pct": str(member.pay_change_pct),
            "action": personnel_action,
            "bonus_yuan": str(member.bonus_yuan),
        },
    )
    return member
