"""Invitations after closure, signed links (one answer; tampered/expired refused), campaigns
(spec §1.9 SAT-3/4, issue 4 §7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from kefu.surveys import services
from kefu.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from kefu.surveys.tokens import make_token


@pytest.fixture
def closed_invitation(agent, make_ticket, close, questionnaire):
    q = questionnaire()
    ticket = close(make_ticket(agent), agent)
    return services.invite_after_close(ticket), q


def _link(invitation) -> str:
    return reverse("surveys:answer", args=[make_token(invitation.pk)])


def test_closing_flow_invites_once_and_sends_link_by_mail_and_sms(
    agent, make_ticket, close, questionnaire, caplog, django_capture_on_commit_callbacks
):
    """The after-close invitation snapshots the ticket's agent and team and is sent after
    commit by e-mail and SMS; calling it again (or the periodic job) makes no second one."""
    # given
    q = questionnaire()
    ticket = make_ticket(agent)
    # when the ticket is closed
    with (
        caplog.at_level("INFO", logger="kefu.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket = close(ticket, agent)
    first = SurveyInvitation.objects.get(ticket=ticket)
    again = services.invite_after_close(ticket)
    caught_up = services.invite_closed_tickets()
    # then
    assert first.pk == again.pk
    assert caught_up == 0
    assert SurveyInvitation.objects.filter(ticket=ticket).count() == 1
    assert (first.agent_id, first.team_id, first.questionnaire_id) == (
        agent.pk,
        agent.team_id,
        q.pk,
    )
    first.refresh_from_db()
    assert first.sent_channels == "email,sms"
    assert len(mail.outbox) == 1
    assert "/surveys/s/" in mail.outbox[0].body
    assert "/surveys/s/" in caplog.text


def test_periodic_job_invites_closed_tickets_without_invitation_idempotently(
    agent, make_ticket, close, questionnaire
):
    """The hourly job picks up closed tickets that the closing flow did not invite; twice is once."""
    questionnaire()
    tickets = [close(make_ticket(agent), agent) for _ in range(3)]
    # invitations lost on the way (e.g. a crash between the close and the invitation)
    SurveyInvitation.objects.filter(ticket__in=tickets).delete()
    assert services.periodic_run() == {"after_close": 3, "campaigns": 0}
    assert services.periodic_run() == {"after_close": 0, "campaigns": 0}
    assert SurveyInvitation.objects.filter(ticket__in=tickets).count() == 3


def test_no_active_after_close_questionnaire_no_invitation(
    agent, make_ticket, close, questionnaire
):
    questionnaire(after_close=False)
    ticket = close(make_ticket(agent), agent)
    assert services.invite_after_close(ticket) is None


def test_signed_link_accepts_exactly_one_answer(client, closed_invitation, answers_for):
    """A second submission through the same link shows “already answered” and records nothing."""
    invitation, q = closed_invitation
    url = _link(invitation)
    page = client.get(url)
    assert page.status_code == 200
    assert q.name in page.content.decode()
    data = {k: str(v) for k, v in answers_for(q, 5, 9).items()}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 200
    assert "Thank you" in first.content.decode()
    assert second.status_code == 409
    assert "already been answered" in second.content.decode()
    assert SurveyResponse.objects.filter(invitation=invitation).count() == 1
    assert SurveyAnswer.objects.filter(response__invitation=invitation).count() == 2


def test_answer_is_validated_with_clear_messages(client, closed_invitation, answers_for):
    invitation, q = closed_invitation
    scale_key = next(iter(answers_for(q, 5)))
    response = client.post(_link(invitation), {scale_key: "7"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a score from 1 to 5." in body
    assert "Please answer this question." in body
    assert not SurveyResponse.objects.exists()


def test_honeypot_filled_records_nothing(client, closed_invitation, answers_for):
    invitation, q = closed_invitation
    data = {**{k: str(v) for k, v in answers_for(q, 5, 9).items()}, "website": "http://spam"}
    assert client.post(_link(invitation), data).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_tampered_token_is_refused_with_404(client, closed_invitation):
    invitation, _q = closed_invitation
    token = make_token(invitation.pk)
    forged = f"{invitation.pk + 1}{token[len(str(invitation.pk)) :]}"
    for bad in (forged, token[:-2] + "xx", "garbage"):
        response = client.get(reverse("surveys:answer", args=[bad]))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()


def test_expired_link_is_refused_with_410(client, closed_invitation, answers_for):
    """The link is valid for the questionnaire's link_days (14 by default), not a day more."""
    invitation, q = closed_invitation
    url = _link(invitation)
    with time_machine.travel(invitation.expires_at + dt.timedelta(minutes=1)):
        page = client.get(url)
        post = client.post(url, {k: str(v) for k, v in answers_for(q, 5, 9).items()})
    assert page.status_code == 410
    assert post.status_code == 410
    assert "expired" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_public_page_needs_no_login_and_sends_csrf_protected_form(closed_invitation):
    from django.test import Client

    invitation, _q = closed_invitation
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(_link(invitation))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert strict.post(_link(invitation), {}).status_code == 403


# -- campaigns -----------------------------------------------------------------------------


@pytest.fixture
def may_november(org, admin_user, questionnaire):
    q = questionnaire(org.property, name="物业满意度调查", after_close=False)
    return services.campaign_create(
        actor=admin_user, questionnaire=q, name="物业满意度", months=[5, 11], lookback_months=12
    )


def test_campaign_runs_only_in_its_months_and_idempotently(
    may_november, wy_agent, make_ticket, make_customer, org
):
    """SAT-3: May and November; each customer once per campaign × period, however often it runs."""
    # given two property customers with recent tickets, and one of another line
    with time_machine.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC)):
        make_ticket(wy_agent)
        make_ticket(wy_agent)
        make_ticket(wy_agent, customer=make_ticket(wy_agent).customer)
    # when / then
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 4, 30)) == 0
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 5, 1)) == 3
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 5, 1)) == 0
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 5, 20)) == 0
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 6, 1)) == 0
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 11, 1)) == 3
    periods = sorted(
        SurveyInvitation.objects.filter(campaign=may_november).values_list("period", flat=True)
    )
    assert periods == ["2026-05"] * 3 + ["2026-11"] * 3
    invitation = SurveyInvitation.objects.filter(campaign=may_november).first()
    assert (invitation.team_id, invitation.agent_id) == (org.wy_front.pk, wy_agent.pk)


def test_campaign_audience_is_customers_with_a_recent_ticket(may_november, wy_agent, make_ticket):
    with time_machine.travel(dt.datetime(2025, 1, 10, 10, tzinfo=dt.UTC)):
        make_ticket(wy_agent)  # 16 months before November 2026: outside the 12-month window
    with time_machine.travel(dt.datetime(2026, 10, 10, 10, tzinfo=dt.UTC)):
        make_ticket(wy_agent)
    assert services.campaign_run(campaign=may_november, today=dt.date(2026, 11, 3)) == 1
