"""Results per agent, team and period with targets; scope; answers during a callback
(decision §9.12, SAT-1, SAT-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, NotFound
from kefu.surveys import selectors, services
from kefu.surveys.models import SurveyInvitation


@pytest.fixture
def answered(make_ticket, close, questionnaire, answers_for):
    """answered(actor, scale5, scale10): a closed ticket of ``actor`` whose customer answered."""
    state = {}

    def _answer(actor, *scores):
        if actor.business_line_id not in state:
            state[actor.business_line_id] = questionnaire(actor.business_line)
        q = state[actor.business_line_id]
        invitation = services.invite_after_close(close(make_ticket(actor), actor))
        services.response_submit(
            invitation=invitation, answers=answers_for(q, *scores), channel="after_close"
        )
        return invitation

    return _answer


@pytest.fixture
def scores(agent, agent_b, agent2, answered):
    answered(agent, 5, 10)
    answered(agent_b, 4, 6)
    answered(agent2, 3, 9)


def _this_month():
    return selectors.parse_results_period({"period": timezone.localdate().strftime("%Y-%m")})


def _by_label(results):
    return {row.label: row for row in results.rows}


def test_results_per_team_pin_csi_satisfied_and_nps(scores, manager):
    """售后一组: 1–5 mean 4.5 → 90 %, 0–10 mean 8 → 80 %, CSI 85 %; 3 of 4 answers in the top two
    points; NPS on 10 and 6: 50 % promoters − 50 % detractors = 0. 售前组: CSI 75, NPS 100."""
    r = selectors.results_for(user=manager, period=_this_month(), group="team")
    rows = _by_label(r)
    assert rows["售后一组"].metrics.csi == Decimal("85.00")
    assert rows["售后一组"].metrics.satisfied == Decimal("75.00")
    assert rows["售后一组"].metrics.nps == Decimal("0.00")
    assert rows["售前组"].metrics.csi == Decimal("75.00")
    assert rows["售前组"].metrics.nps == Decimal("100.00")
    # overall: 1–5 (5,4,3) → 80 %, 0–10 (10,6,9) → 83.33 %; mean 81.67 %
    assert r.total.csi == Decimal("81.67")
    assert r.total.dimensions == {"推荐意愿": Decimal("83.33"), "服务满意度": Decimal("80.00")}


def test_results_per_agent(scores, manager):
    rows = _by_label(selectors.results_for(user=manager, period=_this_month(), group="agent"))
    assert {k: v.metrics.csi for k, v in rows.items()} == {
        "agent": Decimal("100.00"),
        "agent_b": Decimal("70.00"),
        "agent2": Decimal("75.00"),
    }


def test_default_target_is_93_and_missed_below_it(scores, manager):
    r = selectors.results_for(user=manager, period=_this_month(), group="team")
    assert r.target == Decimal("93")
    assert r.met is False
    assert {row.label: row.met for row in r.rows} == {"售后一组": False, "售前组": False}


def test_target_met_at_exactly_the_target(scores, manager):
    """A CSI equal to the target (85.00 % against 85 %) is met; 75 % is missed."""
    services.target_set(actor=manager, business_line=manager.business_line, csi="85")
    rows = _by_label(selectors.results_for(user=manager, period=_this_month(), group="team"))
    assert rows["售后一组"].met is True
    assert rows["售前组"].met is False


def test_other_period_has_no_answers(scores, manager):
    from kefu.surveys.periods import parse_period

    r = selectors.results_for(user=manager, period=parse_period("2020-Q1"), group="team")
    assert r.rows == []
    assert r.total.csi is None


def test_agent_sees_own_and_team_results_only(scores, agent):
    rows = _by_label(selectors.results_for(user=agent, period=_this_month(), group="agent"))
    assert set(rows) == {"agent", "agent_b"}


def test_other_business_line_is_not_found(scores, wy_agent, org):
    with pytest.raises(NotFound):
        selectors.results_for(
            user=wy_agent, period=_this_month(), group="team", business_line=org.shop.pk
        )


def test_property_line_default_target_is_a_96_satisfied_rate(wy_agent, answered):
    answered(wy_agent, 5, 10)
    r = selectors.results_for(user=wy_agent, period=_this_month(), group="team")
    assert r.satisfied_target == Decimal("96")
    assert r.satisfied_met is True
    assert r.target is None


# -- during a callback -----------------------------------------------------------------------


@pytest.fixture
def callback(agent, make_ticket):
    from kefu.followups.models import CallbackTask
    from kefu.tickets.models import Ticket
    from kefu.tickets.services import ticket_update

    ticket = make_ticket(agent)
    ticket = Ticket.objects.get(pk=ticket.pk)
    ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )
    return CallbackTask.objects.get(ticket=ticket)


def test_answers_during_a_callback_are_recorded_against_the_callback(
    callback, agent, questionnaire, answers_for, manager
):
    q = questionnaire(after_close=False)
    response = services.callback_survey_record(
        actor=agent, callback_id=callback.pk, questionnaire_id=q.pk, answers=answers_for(q, 4, 9)
    )
    invitation = SurveyInvitation.objects.get(callback=callback)
    assert response.invitation_id == invitation.pk
    assert (response.channel, response.recorded_by_id) == ("callback", agent.pk)
    assert (invitation.ticket_id, invitation.agent_id) == (callback.ticket_id, agent.pk)
    rows = _by_label(selectors.results_for(user=manager, period=_this_month(), group="agent"))
    assert rows["agent"].metrics.csi == Decimal("85.00")  # (80 + 90) / 2
    with pytest.raises(Conflict):
        services.callback_survey_record(
            actor=agent,
            callback_id=callback.pk,
            questionnaire_id=q.pk,
            answers=answers_for(q, 5, 10),
        )


def test_callback_out_of_scope_is_not_found(callback, agent2, questionnaire, answers_for):
    q = questionnaire(after_close=False)
    with pytest.raises(NotFound):
        services.callback_survey_record(
            actor=agent2, callback_id=callback.pk, questionnaire_id=q.pk, answers=answers_for(q, 5)
        )


def test_seed_demo_surveys_per_industry(org):
    from kefu.accounts.services import business_line_create

    school = business_line_create(name="艺术学校", code="school", industry="education")
    made = services.seed_demo_surveys(school)
    dimensions = {question.dimension for question in made[0].questions.all()} - {""}
    assert dimensions == {
        "教学满意度",
        "教学服务满意度",
        "校区教务老师服务满意度",
        "校区卫生环境满意度",
    }
    property_made = services.seed_demo_surveys(org.property)
    campaign = property_made[1].campaigns.get()
    assert campaign.months == [5, 11]
    assert services.seed_demo_surveys(org.property) == []
