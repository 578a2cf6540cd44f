"""Every write of the quality app: validated, in a transaction, audited; a stale version is a
409, a signed scorecard or penalty summary is refused (it is frozen), and one fact is one
deduction (``ScoreEvent.fact_key`` is unique per business line)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.quality import months, ranking, scoring
from kefu.quality.models import (
    CardStatus,
    DeductionRule,
    EvaluatorType,
    IndicatorKind,
    KpiEvaluator,
    KpiIndicator,
    KpiScheme,
    LedgerEntry,
    LedgerReason,
    PenaltyPolicy,
    PenaltyRow,
    PenaltySummary,
    RankingEntry,
    RankingRun,
    Scorecard,
    ScoreEvent,
    StaffRole,
    SummaryStatus,
    Trigger,
)

logger = logging.getLogger(__name__)
MAX_REASON = 300
MAX_QUANTITY = 100

# the 建材门店 template: §1.18's ten rules (name, points, per, trigger)
STORE_TEMPLATE = (
    ("店面卫生区未按值日打扫", "1", "次", Trigger.MANUAL),
    ("昨日未完成工作未完成", "2", "项", Trigger.CARRIED_OVER),
    ("打压服务回访及登记未完成", "1", "张", Trigger.MANUAL),
    ("电子版水路图未按日发送", "1", "份", Trigger.MANUAL),
    ("昨日打压卡统计未完成", "2", "次", Trigger.MANUAL),
    ("昨日水工积分卡统计未完成", "1", "次", Trigger.MANUAL),
    ("水路图打印塑封分类未完成", "1", "次", Trigger.MANUAL),
    ("现金交接单延时或错误", "1", "项", Trigger.MANUAL),
    ("报表出错或延时", "3", "次", Trigger.MANUAL),
    ("服务态度恶劣遭投诉", "5", "次", Trigger.RUDE_SERVICE),
)

# KPI-1's indicator library: name, kind, formula (shown to the user)
INDICATOR_LIBRARY = (
    ("咨询转化率", IndicatorKind.FORMULA, "成交订单数 ÷ 咨询人数"),
    ("平均响应时间", IndicatorKind.FORMULA, "首次响应用时之和 ÷ 咨询数"),
    ("客户流失率", IndicatorKind.FORMULA, "流失客户数 ÷ 期初客户数"),
    ("订单总金额", IndicatorKind.FORMULA, "Σ 成交订单金额"),
    ("有效订单比重", IndicatorKind.FORMULA, "有效订单数 ÷ 订单总数"),
    ("付款比例", IndicatorKind.FORMULA, "付款订单数 ÷ 下单数"),
    ("退款比例", IndicatorKind.FORMULA, "退款订单数 ÷ 付款订单数"),
    ("平均客单价", IndicatorKind.FORMULA, "订单总金额 ÷ 成交客户数"),
    ("顾客投诉比重", IndicatorKind.FORMULA, "投诉数 ÷ 订单总数"),
    ("异常订单比重", IndicatorKind.FORMULA, "异常订单数 ÷ 订单总数"),
    ("报表及时性", IndicatorKind.RATING, "按时提交的报表 ÷ 应交报表（抽查）"),
    ("数据真实性", IndicatorKind.RATING, "抽查无误的数据 ÷ 抽查数据"),
    ("报表质量", IndicatorKind.RATING, "组长评分 1–5"),
    ("回访率", IndicatorKind.FORMULA, "已回访 ÷ 应回访"),
    ("客户满意度 CSI", IndicatorKind.FORMULA, "平均得分 ÷ 满分"),
    ("SLA 达标率", IndicatorKind.FORMULA, "按时解决的工单 ÷ 已解决工单"),
    ("质检得分", IndicatorKind.FORMULA, "质检评分的平均分"),
    ("首次响应达标率", IndicatorKind.FORMULA, "首次响应按时的工单 ÷ 已首次响应的工单"),
    ("投诉数", IndicatorKind.FORMULA, "本人首问的投诉工单数"),
    ("重复投诉数", IndicatorKind.FORMULA, "本人首问、当月升级为重复投诉的工单数"),
    ("处理工单数", IndicatorKind.FORMULA, "本人经办、当月解决的工单数"),
    ("客户满意率", IndicatorKind.FORMULA, "满意（最高两档）的答卷 ÷ 答卷数"),
)


def _text(name: str, value, *, required: bool = True, size: int = MAX_REASON) -> str:
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Required.")})
    if len(text) > size:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("Use at most %(n)d characters.") % {"n": size}},
        )
    return text


def _decimal(name: str, value, *, low=None, high=None) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if (
        number is None
        or not number.is_finite()
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise Invalid(_("Some fields are not valid."), fields={name: _("Enter a valid number.")})
    return number


def may_record(actor, person: User) -> bool:
    """Leads record deductions for their team, supervisors for their department, managers for
    their business line; nobody for themselves."""
    if actor.pk == person.pk or not scope.at_least(actor, scope.LEAD):
        return False
    if scope.is_admin(actor):
        return True
    if scope.at_least(actor, scope.MANAGER):
        return actor.business_line_id == person.business_line_id
    if scope.at_least(actor, scope.SUPERVISOR):
        return actor.department_id is not None and actor.department_id == person.department_id
    return actor.team_id is not None and actor.team_id == person.team_id


def may_see(actor, person: User) -> bool:
    return actor.pk == person.pk or may_record(actor, person)


# -- deduction rules -----------------------------------------------------------------------


@transaction.atomic
def rules_seed(*, actor, business_line) -> list[DeductionRule]:
    """Add the 建材门店 template's ten rules to a business line (those it has not yet)."""
    if actor is not None and not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change this."))
    made = []
    for name, points, unit, trigger in STORE_TEMPLATE:
        rule, created = DeductionRule.objects.get_or_create(
            business_line=business_line,
            name=name,
            defaults={"points": Decimal(points), "unit": unit, "trigger": trigger},
        )
        if created:
            made.append(rule)
    if made:
        audit.record(
            actor=actor,
            action="quality.rules_seed",
            business_line_id=business_line.pk,
            changes={"created": [r.name for r in made]},
        )
    return made


# -- scorecards ----------------------------------------------------------------------------


def _card(person: User, period: dt.date, *, lock: bool = True) -> Scorecard:
    if person.team_id is None or person.department_id is None:
        raise Invalid(
            _("This person belongs to no team, so has no scorecard."),
            fields={"user": _("No team.")},
        )
    card, _created = Scorecard.objects.get_or_create(
        user=person,
        period=period,
        defaults={
            "business_line_id": person.business_line_id,
            "department_id": person.department_id,
            "team_id": person.team_id,
        },
    )
    if lock:
        card = Scorecard.objects.select_for_update().get(pk=card.pk)
    return card


def card_open(person: User, period: dt.date) -> Scorecard:
    """The person's scorecard for the month (created at 100 points when there was none)."""
    with transaction.atomic():
        return _card(person, period, lock=False)


def _recount(card: Scorecard) -> None:
    total = card.events.aggregate(t=Sum("points"))["t"] or Decimal("0")
    card.deducted = total
    card.score = scoring.deduction_score([total], base=card.base)
    card.version += 1
    card.save(update_fields=["deducted", "score", "version", "updated_at"])


@transaction.atomic
def deduct(
    *,
    actor,
    person: User,
    rule: DeductionRule,
    reason: str,
    quantity=1,
    occurred_at: dt.datetime | None = None,
    fact_key: str = "",
    ticket=None,
) -> ScoreEvent:
    """Deduct ``rule.points × quantity`` from the person's scorecard of the month the fact
    happened in. ``actor`` None: the platform recorded it from a fact it knows (an event)."""
    if actor is not None and not may_record(actor, person):
        raise PermissionDenied(_("You may not record deductions for this person."))
    if rule.business_line_id != person.business_line_id or not rule.is_active:
        raise Invalid(_("Some fields are not valid."), fields={"rule": _("Choose a rule.")})
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"quantity": _("Enter a whole number from 1 to %(n)d.") % {"n": MAX_QUANTITY}},
        )
    reason = _text("reason", reason)
    occurred_at = occurred_at or timezone.now()
    period = months.month_of(timezone.localtime(occurred_at).date())
    card = _card(person, period)
    if card.status == CardStatus.SIGNED:
        raise Conflict(
            _("This scorecard is signed off and frozen; correct it with an adjustment."),
            code="scorecard_signed",
        )
    event = ScoreEvent(
        business_line_id=person.business_line_id,
        scorecard=card,
        rule=rule,
        quantity=quantity,
        points=rule.points * quantity,
        reason=reason,
        recorder=actor,
        occurred_at=occurred_at,
        fact_key=fact_key,
        ticket=ticket,
    )
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        raise Conflict(
            _("This fact already cost points: one fact, one penalty."), code="duplicate_fact"
        ) from None
    _recount(card)
    audit.record(
        actor=actor,
        action="quality.deduct",
        obj=card,
        changes={"rule": rule.name, "points": str(event.points), "reason": reason},
    )
    return event


@transaction.atomic
def adjust(*, actor, card: Scorecard, points, reason: str, version: int | None = None):
    """A correction giving back (positive ``points``) or taking more: audited, allowed on a
    signed scorecard to supervisors and above (the sign-off stays)."""
    person = card.user
    if not may_record(actor, person):
        raise PermissionDenied(_("You may not correct this scorecard."))
    card = Scorecard.objects.select_for_update().get(pk=card.pk)
    if version is not None and version != card.version:
        raise StaleWrite()
    if card.status == CardStatus.SIGNED and not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor can correct a signed scorecard."))
    points = _decimal("points", points, low=Decimal("-100"), high=Decimal("100"))
    if points == 0:
        raise Invalid(
            _("Some fields are not valid."), fields={"points": _("Enter a valid number.")}
        )
    reason = _text("reason", reason)
    event = ScoreEvent.objects.create(
        business_line_id=card.business_line_id,
        scorecard=card,
        points=-points,
        is_adjustment=True,
        reason=reason,
        recorder=actor,
        occurred_at=timezone.now(),
    )
    _recount(card)
    audit.record(
        actor=actor,
        action="quality.adjust",
        obj=card,
        changes={"points": str(points), "reason": reason, "score": str(card.score)},
    )
    return event


@transaction.atomic
def card_sign(*, actor, card: Scorecard, version: int | None = None) -> Scorecard:
    """The lead signs, then the supervisor signs off: the month's scorecard is frozen."""
    if not may_record(actor, card.user):
        raise PermissionDenied(_("You may not sign this scorecard."))
    card = Scorecard.objects.select_for_update().get(pk=card.pk)
    if version is not None and version != card.version:
        raise StaleWrite()
    before = card.status
    if card.status == CardStatus.OPEN:
        card.status = CardStatus.LEAD_SIGNED
        card.lead_signed_by = actor
        fields = ["status", "lead_signed_by"]
        if scope.at_least(actor, scope.SUPERVISOR):
            card.status, card.signed_by, card.signed_at = CardStatus.SIGNED, actor, timezone.now()
            fields += ["signed_by", "signed_at"]
    elif card.status == CardStatus.LEAD_SIGNED:
        if not scope.at_least(actor, scope.SUPERVISOR):
            raise PermissionDenied(_("A supervisor signs off after the lead."))
        card.status, card.signed_by, card.signed_at = CardStatus.SIGNED, actor, timezone.now()
        fields = ["status", "signed_by", "signed_at"]
    else:
        raise Conflict(_("This scorecard is already signed off."), code="scorecard_signed")
    card.version += 1
    card.save(update_fields=[*fields, "version", "updated_at"])
    audit.record(
        actor=actor, action="quality.card_sign", obj=card, changes={"status": [before, card.status]}
    )
    return card


# -- KPI schemes ---------------------------------------------------------------------------


def scheme_rows(indicators, evaluators) -> tuple[list[KpiEvaluator], list[KpiIndicator]]:
    """Validate a scheme's evaluators (PM-2 types, each once, weights summing to exactly 100;
    default KPI-2 self 30 % + direct manager 70 %) and indicators (weights summing to exactly
    100); unsaved rows, or ``Invalid`` naming what is wrong."""
    if evaluators is None:
        evaluators = [
            {"evaluator": EvaluatorType.SELF, "weight": 30, "focus": "任务完成情况"},
            {"evaluator": EvaluatorType.MANAGER, "weight": 70, "focus": "业绩、能力、配合、服务"},
        ]
    indicators = indicators or []
    ev_rows = []
    for i, row in enumerate(evaluators):
        if row.get("evaluator") not in EvaluatorType.values:
            raise Invalid(
                _("Some fields are not valid."),
                fields={f"evaluators.{i}": _("Choose an evaluator.")},
            )
        ev_rows.append(
            KpiEvaluator(
                evaluator=row["evaluator"],
                weight=_decimal("weight", row.get("weight"), low=Decimal(0), high=Decimal(100)),
                focus=_text("focus", row.get("focus", ""), required=False, size=200),
            )
        )
    if sum(e.weight for e in ev_rows) != 100:
        raise Invalid(
            _("The evaluators' weights must add up to 100 %."),
            fields={
                "evaluators": _("Weights add up to %(n)s %%.")
                % {"n": sum(e.weight for e in ev_rows)}
            },
        )
    if len({e.evaluator for e in ev_rows}) != len(ev_rows):
        raise Invalid(
            _("Some fields are not valid."), fields={"evaluators": _("Each evaluator once.")}
        )
    ind_rows = []
    for row in indicators:
        kind = row.get("kind", IndicatorKind.FORMULA)
        if kind not in IndicatorKind.values:
            raise Invalid(
                _("Some fields are not valid."), fields={"indicators": _("Choose a kind.")}
            )
        ind_rows.append(
            KpiIndicator(
                name=_text("indicator", row.get("name"), size=100),
                kind=kind,
                formula=_text("formula", row.get("formula", ""), required=False, size=200),
                target=_text("target", row.get("target", ""), required=False, size=50),
                weight=_decimal("weight", row.get("weight"), low=Decimal(0), high=Decimal(100)),
                scoring_rule=_text(
                    "scoring_rule", row.get("scoring_rule", ""), required=False, size=200
                ),
            )
        )
    if ind_rows and sum(i.weight for i in ind_rows) != 100:
        raise Invalid(
            _("The indicators' weights must add up to 100 %."),
            fields={
                "indicators": _("Weights add up to %(n)s %%.")
                % {"n": sum(i.weight for i in ind_rows)}
            },
        )
    return ev_rows, ind_rows


@transaction.atomic
def scheme_create(
    *,
    actor,
    business_line,
    name: str,
    staff_role: str,
    period: dt.date,
    indicators: list[dict] | None = None,
    evaluators: list[dict] | None = None,
) -> KpiScheme:
    """A KPI scheme: indicators (weights summing to 100) and evaluators of PM-2's types
    (weights summing to 100; default KPI-2: self 30 % + direct manager 70 %)."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change this."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line.pk:
        raise NotFound()
    name = _text("name", name, size=100)
    if staff_role not in StaffRole.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"staff_role": _("Choose a staff role.")}
        )
    ev_rows, ind_rows = scheme_rows(indicators, evaluators)
    if KpiScheme.objects.filter(
        business_line=business_line, staff_role=staff_role, period=period, name=name
    ).exists():
        raise Conflict(_("A scheme of that name exists for this month."), code="duplicate")
    scheme = KpiScheme.objects.create(
        business_line=business_line,
        name=name,
        staff_role=staff_role,
        period=period,
        created_by=actor,
    )
    for row in ev_rows + ind_rows:
        row.scheme = scheme
    KpiEvaluator.objects.bulk_create(ev_rows)
    KpiIndicator.objects.bulk_create(ind_rows)
    audit.record(
        actor=actor,
        action="quality.scheme_create",
        obj=scheme,
        changes={"name": name, "staff_role": staff_role, "period": months.label(period)},
    )
    return scheme


# -- rankings and the rewards and penalties ledger ----------------------------------------


def _may_rank(actor, team) -> bool:
    if scope.is_admin(actor):
        return True
    if scope.at_least(actor, scope.MANAGER):
        return actor.business_line_id == team.business_line_id
    if scope.at_least(actor, scope.SUPERVISOR):
        return actor.department_id == team.department_id
    return False


@transaction.atomic
def rank_team(*, actor, team, period: dt.date) -> RankingRun:
    """Draw up (or redraw, while a draft) the team's composite ranking of the month from its
    members' scorecards (a member without deductions stands at 100)."""
    if not _may_rank(actor, team):
        raise PermissionDenied(_("Only a supervisor or manager can rank a team."))
    run, _created = RankingRun.objects.select_for_update().get_or_create(
        team=team,
        period=period,
        defaults={
            "business_line_id": team.business_line_id,
            "department_id": team.department_id,
            "created_by": actor,
        },
    )
    if run.status != RankingRun.Status.DRAFT:
        raise Conflict(_("This ranking is published and no longer changes."), code="published")
    people = list(User.objects.filter(team=team, is_active=True, role=scope.AGENT).order_by("id"))
    cards = {c.user_id: c.score for c in Scorecard.objects.filter(team=team, period=period)}
    ranked = ranking.rank([(str(p.pk), cards.get(p.pk, scoring.BASE)) for p in people])
    previous = _last_flags(team, period, [p.pk for p in people])
    run.entries.all().delete()
    RankingEntry.objects.bulk_create(
        RankingEntry(
            run=run,
            user_id=int(r.name),
            score=r.score,
            rank=r.rank,
            reward_yuan=r.reward_yuan,
            is_last=r.last,
            plan_due=ranking.plan_due(run.notice_date)
            if r.bottom_two and run.notice_date
            else None,
            reassignment_review=ranking.needs_reassignment_review(
                [*previous.get(int(r.name), []), r.last]
            ),
        )
        for r in ranked
    )
    run.version += 1
    run.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        action="quality.rank",
        obj=run,
        business_line_id=team.business_line_id,
        changes={"period": months.label(period), "people": len(ranked)},
    )
    return run


def _last_flags(team, period: dt.date, user_ids: list[int]) -> dict[int, list[bool]]:
    """Was each person last in the team's two previous months (oldest first)?"""
    earlier = [months.previous_month(months.previous_month(period)), months.previous_month(period)]
    rows = RankingEntry.objects.filter(
        run__team=team, run__period__in=earlier, user_id__in=user_ids
    ).values_list("user_id", "run__period", "is_last")
    got = {(u, p): last for u, p, last in rows}
    return {u: [got.get((u, p), False) for p in earlier] for u in user_ids}


@transaction.atomic
def rank_publish(
    *, actor, run: RankingRun, notice_date: dt.date, version: int | None = None
) -> RankingRun:
    """Publish the ranking with its 绩效考核通报: the bottom two's improvement plans fall due
    7 days after the notice (RNK-2), the first's reward and the last's penalty enter the
    ledger (RNK-1), once."""
    if not _may_rank(actor, run.team):
        raise PermissionDenied(_("Only a supervisor or manager can rank a team."))
    run = RankingRun.objects.select_for_update().get(pk=run.pk)
    if version is not None and version != run.version:
        raise StaleWrite()
    if run.status != RankingRun.Status.DRAFT:
        raise Conflict(_("This ranking is published and no longer changes."), code="published")
    entries = list(run.entries.all())
    ranked = {e.user_id: e for e in entries}
    below = {e.user_id: sum(1 for o in entries if o.score < e.score) for e in entries}
    all_tie = len({e.score for e in entries}) <= 1
    for e in entries:
        e.plan_due = ranking.plan_due(notice_date) if not all_tie and below[e.user_id] < 2 else None
    RankingEntry.objects.bulk_update(entries, ["plan_due"])
    for user_id, e in ranked.items():
        if e.reward_yuan:
            LedgerEntry.objects.create(
                business_line_id=run.business_line_id,
                department_id=run.department_id,
                team_id=run.team_id,
                user_id=user_id,
                period=run.period,
                amount_yuan=e.reward_yuan,
                reason=LedgerReason.RANK_FIRST if e.reward_yuan > 0 else LedgerReason.RANK_LAST,
                source_key=f"rank:{run.pk}:{user_id}",
                created_by=actor,
            )
    run.status, run.notice_date = RankingRun.Status.PUBLISHED, notice_date
    run.version += 1
    run.save(update_fields=["status", "notice_date", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="quality.rank_publish",
        obj=run,
        changes={"notice_date": notice_date.isoformat()},
    )
    return run


@transaction.atomic
def ledger_add(*, actor, person: User, period: dt.date, amount, reason: str, note: str = ""):
    """A reward (+) or penalty (−) in yuan (RNK-5 +200 lowest repeat-repair rate, RNK-6 pledge
    failure −100, RNK-8 peak incentives, …)."""
    if not scope.at_least(actor, scope.SUPERVISOR) or not may_record(actor, person):
        raise PermissionDenied(_("Only a supervisor or manager can record rewards and penalties."))
    if reason not in LedgerReason.values:
        raise Invalid(_("Some fields are not valid."), fields={"reason": _("Choose a reason.")})
    amount = _decimal("amount_yuan", amount, low=Decimal("-100000"), high=Decimal("100000"))
    if amount == 0:
        raise Invalid(
            _("Some fields are not valid."), fields={"amount_yuan": _("Enter a valid number.")}
        )
    entry = LedgerEntry.objects.create(
        business_line_id=person.business_line_id,
        department_id=person.department_id,
        team_id=person.team_id,
        user=person,
        period=period,
        amount_yuan=amount,
        reason=reason,
        note=_text("note", note, required=False),
        source_key=f"manual:{timezone.now().timestamp()}:{person.pk}",
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="quality.ledger_add",
        obj=entry,
        changes={"amount_yuan": str(amount), "reason": reason},
    )
    return entry


# -- the monthly penalty summary (月处罚汇总表) ------------------------------------------


def _leadership(actor, business_line) -> bool:
    if scope.is_admin(actor):
        return True
    return scope.at_least(actor, scope.MANAGER) and actor.business_line_id == business_line.pk


def may_check(actor, business_line) -> bool:
    """A supervisor (or above) of the line tabulates and checks the month's summary."""
    if scope.is_admin(actor):
        return True
    return scope.at_least(actor, scope.SUPERVISOR) and actor.business_line_id == business_line.pk


def may_take_step(actor, summary: PenaltySummary, to: str) -> bool:
    if to == SummaryStatus.CHECKED:
        return may_check(actor, summary.business_line)
    return _leadership(actor, summary.business_line)


def policy_for(business_line) -> PenaltyPolicy:
    policy = PenaltyPolicy.objects.filter(business_line=business_line).first()
    return policy or PenaltyPolicy(business_line=business_line)


@transaction.atomic
def summary_build(
    *, actor, business_line, period: dt.date, stability_period: bool = False
) -> PenaltySummary:
    """Tabulate (or re-tabulate, while a draft) the month's repeat and malignant complaints per
    responsible unit and its head, and the penalty by policy. In a special stability period the
    rows are tabulated but marked not applied."""
    from kefu.quality.selectors import penalty_rows

    if not scope.at_least(actor, scope.SUPERVISOR) or (
        not scope.is_admin(actor) and actor.business_line_id != business_line.pk
    ):
        raise PermissionDenied(_("Only a supervisor or manager can tabulate penalties."))
    summary, _created = PenaltySummary.objects.select_for_update().get_or_create(
        business_line=business_line, period=period
    )
    if summary.status == SummaryStatus.CHECKED:
        raise Conflict(
            _(
                "This summary is checked and awaits company leadership's signature; it no longer changes."
            ),
            code="summary_checked",
        )
    if summary.status != SummaryStatus.DRAFT:
        raise Conflict(
            _("This summary is signed and locked; it no longer changes."), code="summary_signed"
        )
    rows = penalty_rows(business_line, period, policy_for(business_line))
    summary.rows.all().delete()
    PenaltyRow.objects.bulk_create(
        PenaltyRow(summary=summary, applied=not stability_period, **row) for row in rows
    )
    summary.stability_period = bool(stability_period)
    summary.version += 1
    summary.save(update_fields=["stability_period", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="quality.summary_build",
        obj=summary,
        changes={
            "period": months.label(period),
            "rows": len(rows),
            "stability_period": summary.stability_period,
        },
    )
    return summary


@transaction.atomic
def summary_advance(*, actor, summary: PenaltySummary, to: str, version: int | None = None):
    """draft → checked (a supervisor of the line) → signed (company leadership: a manager,
    not the one who checked it) → published → copied to finance."""
    steps = {
        SummaryStatus.CHECKED: (SummaryStatus.DRAFT, "checked_at", "quality.summary_check"),
        SummaryStatus.SIGNED: (SummaryStatus.CHECKED, "signed_at", "quality.summary_sign"),
        SummaryStatus.PUBLISHED: (SummaryStatus.SIGNED, "published_at", "quality.summary_publish"),
        SummaryStatus.SENT: (SummaryStatus.PUBLISHED, "sent_at", "quality.summary_send"),
    }
    if to not in steps:
        raise Invalid(_("Some fields are not valid."), fields={"status": _("Choose a step.")})
    if not may_take_step(actor, summary, to):
        if to == SummaryStatus.CHECKED:
            raise PermissionDenied(_("Only a supervisor or manager of the line checks it."))
        raise PermissionDenied(_("Only company leadership (a manager) signs and publishes."))
    summary = PenaltySummary.objects.select_for_update().get(pk=summary.pk)
    if version is not None and version != summary.version:
        raise StaleWrite()
    before, stamp, action = steps[to]
    if summary.status != before:
        raise Conflict(
            _("The summary is “%(now)s”: it cannot become “%(to)s” now.")
            % {"now": SummaryStatus(summary.status).label, "to": SummaryStatus(to).label},
            code="invalid_transition",
        )
    if to == SummaryStatus.SIGNED and summary.checked_by_id == actor.pk:
        raise Conflict(
            _("You checked this summary; another member of company leadership signs it."),
            code="same_person",
        )
    summary.status = to
    setattr(summary, stamp, timezone.now())
    fields = ["status", stamp, "version", "updated_at"]
    if to == SummaryStatus.CHECKED:
        summary.checked_by = actor
        fields.append("checked_by")
    if to == SummaryStatus.SIGNED:
        summary.signed_by = actor
        fields.append("signed_by")
    summary.version += 1
    summary.save(update_fields=fields)
    changes = {"status": [before, to]}
    if to == SummaryStatus.SENT:
        address = policy_for(summary.business_line).finance_email
        if address:
            changes["emailed_to"] = address
            transaction.on_commit(lambda: _mail_to_finance(summary, address))
    audit.record(actor=actor, action=action, obj=summary, changes=changes)
    return summary


def _mail_to_finance(summary: PenaltySummary, address: str) -> None:
    """Copy to finance (ESC-2): the summary as .xlsx to the line's finance address, after the
    transaction that recorded the step committed. A mail server that refuses is logged; the step
    stays recorded (the .xlsx can be exported from the page)."""
    from django.core.mail import EmailMessage

    from kefu.quality import exports, selectors

    label = months.label(summary.period)
    data = selectors.summary_json(summary, summary.period)
    mail = EmailMessage(
        subject=_("Monthly penalty summary %(month)s · %(line)s")
        % {"month": label, "line": summary.business_line.name},
        body=_("The signed and published monthly penalty summary of %(month)s is attached.")
        % {"month": label},
        to=[address],
    )
    mail.attach(f"penalties-{label}.xlsx", exports.summary_xlsx(data), exports.XLSX)
    try:
        mail.send()
    except OSError:
        logger.exception("the penalty summary %s could not be mailed to finance", summary.pk)


def summary_exported(*, actor, summary: PenaltySummary) -> None:
    audit.record(
        actor=actor,
        action="quality.summary_export",
        obj=summary,
        changes={"period": months.label(summary.period)},
    )
