"""Deduction scorecards, rankings and the 月处罚汇总表 on a real database (issue 18 §2–§3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Conflict, PermissionDenied
from kefu.quality import services
from kefu.quality.models import CardStatus, DeductionRule, LedgerEntry, ScoreEvent, Trigger

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def rules(org):
    services.rules_seed(actor=None, business_line=org.shop)
    return {r.points: r for r in DeductionRule.objects.filter(business_line=org.shop)} | {
        "rude": DeductionRule.objects.get(business_line=org.shop, trigger=Trigger.RUDE_SERVICE)
    }


def test_9_8_store_template_ten_rules_and_100_minus_deductions_is_75(rules, lead, agent):
    assert DeductionRule.objects.filter(business_line=agent.business_line).count() == 10
    rude = rules["rude"]
    report = DeductionRule.objects.get(business_line=agent.business_line, name="报表出错或延时")
    rota = DeductionRule.objects.get(
        business_line=agent.business_line, name="店面卫生区未按值日打扫"
    )
    services.deduct(actor=lead, person=agent, rule=rude, quantity=3, reason="三次服务态度投诉")
    services.deduct(actor=lead, person=agent, rule=report, quantity=2, reason="日报两次延时")
    services.deduct(actor=lead, person=agent, rule=rota, quantity=4, reason="四次未值日")
    card = services.card_open(agent, MONTH)
    assert card.score == 75
    assert [e.points for e in card.events.order_by("id")] == [15, 6, 4]


def test_9_8_twenty_one_rude_service_events_leave_0_not_minus(rules, lead, agent):
    for _ in range(21):
        services.deduct(actor=lead, person=agent, rule=rules["rude"], reason="服务态度投诉")
    assert services.card_open(agent, MONTH).score == 0


def test_rnk7_one_fact_one_penalty_a_duplicate_is_refused(rules, lead, agent):
    services.deduct(actor=lead, person=agent, rule=rules["rude"], reason="投诉", fact_key="c:1")
    with pytest.raises(Conflict):
        services.deduct(actor=lead, person=agent, rule=rules["rude"], reason="投诉", fact_key="c:1")
    assert services.card_open(agent, MONTH).score == 95


def test_nobody_records_on_their_own_scorecard_and_an_agent_records_nothing(
    rules, lead, agent, agent_b, agent2
):
    with pytest.raises(PermissionDenied):
        services.deduct(actor=lead, person=lead, rule=rules["rude"], reason="自评")
    with pytest.raises(PermissionDenied):
        services.deduct(actor=agent, person=agent_b, rule=rules["rude"], reason="同事")
    with pytest.raises(PermissionDenied):  # another team's agent is outside the lead's scope
        services.deduct(actor=lead, person=agent2, rule=rules["rude"], reason="别组")


def test_sign_off_lead_then_supervisor_freezes_the_month(rules, lead, supervisor, agent):
    card = services.card_open(agent, MONTH)
    card = services.card_sign(actor=lead, card=card)
    assert card.status == CardStatus.LEAD_SIGNED
    with pytest.raises(PermissionDenied):
        services.card_sign(actor=lead, card=card)
    card = services.card_sign(actor=supervisor, card=card, version=card.version)
    assert card.status == CardStatus.SIGNED
    with pytest.raises(Conflict):
        services.deduct(actor=lead, person=agent, rule=rules["rude"], reason="迟到的扣分")
    services.adjust(actor=supervisor, card=card, points=-2, reason="漏记一次报表延时")
    card.refresh_from_db()
    assert card.score == 98 and card.status == CardStatus.SIGNED


def test_esc8_valid_service_attitude_complaint_costs_the_first_owner_5_once(rules, org, agent):
    from kefu.customers.services import customer_create
    from kefu.tickets import complaints
    from kefu.tickets.models import Category
    from kefu.tickets.models_sla import Stage
    from kefu.tickets.services import ticket_create

    parent = Category.objects.create(business_line=org.shop, name="投诉")
    category = Category.objects.create(business_line=org.shop, parent=parent, name="服务态度")
    customer = customer_create(
        actor=agent, business_line=org.shop, name="王五", phone="13600000001"
    )
    ticket = ticket_create(
        actor=agent,
        title="客服态度差",
        type="complaint",
        channel="phone",
        customer=customer,
        category=category,
    )
    complaints.complaint_advance(
        actor=agent, ticket=ticket, stage=Stage.CLARIFIED, validity="valid"
    )
    event = ScoreEvent.objects.get()
    assert event.points == 5 and event.ticket_id == ticket.pk and event.recorder is None
    assert services.card_open(agent, MONTH).score == 95
    with pytest.raises(Conflict):  # the same complaint is one fact
        services.deduct(
            actor=None,
            person=agent,
            rule=rules["rude"],
            reason="再记一次",
            fact_key=f"complaint:{ticket.pk}:rude_service",
        )
    other = ticket_create(
        actor=agent,
        title="计费不对",
        type="complaint",
        channel="phone",
        customer=customer,
        category=Category.objects.create(business_line=org.shop, parent=parent, name="计费争议"),
    )
    complaints.complaint_advance(actor=agent, ticket=other, stage=Stage.CLARIFIED, validity="valid")
    assert ScoreEvent.objects.count() == 1


def _team_of_five(org, lead, scores):
    people = [make_user(f"p{i}", "agent", team=org.aftersales1) for i in range(len(scores))]
    rule = DeductionRule.objects.create(business_line=org.shop, name="扣一分", points=1)
    for person, score in zip(people, scores, strict=True):
        if score < 100:
            services.deduct(
                actor=lead, person=person, rule=rule, quantity=100 - score, reason="考评"
            )
    return people


def test_rnk1_rnk2_published_ranking_pays_firsts_charges_lasts_and_plans_due_in_7_days(
    org, lead, supervisor
):
    _team_of_five(org, supervisor, [90, 90, 80, 70, 70])
    run = services.rank_team(actor=supervisor, team=org.aftersales1, period=MONTH)
    notice = dt.date(2026, 12, 3)
    run = services.rank_publish(actor=supervisor, run=run, notice_date=notice)
    entries = list(run.entries.order_by("rank", "user_id").select_related("user"))
    by_name = {e.user.username: e for e in entries}
    assert [e.rank for e in entries if e.user.username.startswith("p")] == [1, 1, 3, 4, 4]
    assert by_name["p0"].reward_yuan == by_name["p1"].reward_yuan == 100
    assert by_name["p3"].reward_yuan == by_name["p4"].reward_yuan == -100
    assert by_name["p3"].plan_due == by_name["p4"].plan_due == dt.date(2026, 12, 10)
    assert by_name["p2"].plan_due is None
    ledger = LedgerEntry.objects.filter(period=MONTH)
    assert sorted(ledger.values_list("amount_yuan", flat=True)) == [-100, -100, 100, 100]
    with pytest.raises(Conflict):
        services.rank_team(actor=supervisor, team=org.aftersales1, period=MONTH)


def test_rnk3_last_three_months_running_is_flagged_for_reassignment(org, supervisor, lead):
    people = [make_user(f"q{i}", "agent", team=org.aftersales1) for i in range(2)]
    rule = DeductionRule.objects.create(business_line=org.shop, name="扣一分", points=1)
    month = MONTH
    for _ in range(2):
        month = month.replace(day=1) - dt.timedelta(days=1)
    month = month.replace(day=1)
    for _ in range(3):
        when = timezone.make_aware(dt.datetime.combine(month, dt.time(12)))
        services.deduct(
            actor=supervisor, person=people[1], rule=rule, reason="差", occurred_at=when
        )
        run = services.rank_team(actor=supervisor, team=org.aftersales1, period=month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    flagged = {e.user.username: e.reassignment_review for e in run.entries.select_related("user")}
    assert flagged["q1"] is True and flagged["q0"] is False
