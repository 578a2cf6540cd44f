"""The surveys API and pages: CRUD by role, results, the public answer endpoint, scope,
bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.surveys import services
from kefu.surveys.models import Questionnaire, SurveyResponse
from kefu.surveys.tokens import make_token

QUESTIONS = [
    {"kind": "scale5", "text": "服务态度", "dimension": "服务满意度"},
    {"kind": "single", "text": "是否还会选择我们", "choices": ["会", "不会"]},
]


def test_lead_creates_and_updates_a_questionnaire(api_as, lead):
    api = api_as(lead)
    created = api.post(
        "/api/v1/surveys/questionnaires",
        {"name": "售后满意度", "status": "active", "after_close": True, "questions": QUESTIONS},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [q["kind"] for q in body["questions"]] == ["scale5", "single"]
    updated = api.patch(
        f"/api/v1/surveys/questionnaires/{body['id']}", {"version": body["version"], "link_days": 7}
    )
    assert updated.json()["link_days"] == 7
    stale = api.patch(
        f"/api/v1/surveys/questionnaires/{body['id']}", {"version": body["version"], "name": "x"}
    )
    assert stale.status_code == 409


def test_agent_cannot_edit_questionnaires(api_as, agent):
    response = api_as(agent).post(
        "/api/v1/surveys/questionnaires", {"name": "x", "questions": QUESTIONS}
    )
    assert response.status_code == 403


def test_bad_question_is_a_clear_400(api_as, lead):
    response = api_as(lead).post(
        "/api/v1/surveys/questionnaires",
        {"name": "x", "questions": [{"kind": "single", "text": "选一个", "choices": ["只有一个"]}]},
    )
    assert response.status_code == 400
    assert "questions.0.choices" in response.json()["error"]["fields"]


def test_questionnaire_of_another_line_is_404(api_as, wy_agent, questionnaire):
    q = questionnaire()
    assert api_as(wy_agent).get(f"/api/v1/surveys/questionnaires/{q.pk}").status_code == 404


def test_answer_endpoint_is_public_and_accepts_one_answer(
    client, agent, make_ticket, close, questionnaire, answers_for
):
    q = questionnaire()
    invitation = services.invite_after_close(close(make_ticket(agent), agent))
    url = f"/api/v1/surveys/answer/{make_token(invitation.pk)}"
    payload = {"answers": answers_for(q, 5, 10)}
    first = client.post(url, payload, content_type="application/json")
    second = client.post(url, payload, content_type="application/json")
    assert first.status_code == 201, first.content
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_answered"
    bad = client.post(url + "x", payload, content_type="application/json")
    assert bad.status_code == 404
    assert SurveyResponse.objects.count() == 1


def test_results_endpoint_groups_per_agent(
    api_as, agent, lead, make_ticket, close, questionnaire, answers_for
):
    q = questionnaire()
    invitation = services.invite_after_close(close(make_ticket(agent), agent))
    services.response_submit(
        invitation=invitation, answers=answers_for(q, 4, 8), channel="after_close"
    )
    period = timezone.localdate().strftime("%Y-%m")
    body = api_as(lead).get("/api/v1/surveys/results", {"period": period, "group": "agent"}).json()
    assert body["rows"][0]["label"] == "agent"
    assert body["rows"][0]["csi"] == "80.00"
    assert body["target"] == "93"
    assert body["met"] is False
    bad = api_as(lead).get("/api/v1/surveys/results", {"period": "2026-13"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"period": "Not a valid period."}


def test_invitation_list_runs_bounded_queries(
    api_as, agent, make_ticket, close, questionnaire, django_assert_max_num_queries
):
    questionnaire()
    for _ in range(4):
        services.invite_after_close(close(make_ticket(agent), agent))
    api = api_as(agent)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/surveys/invitations", {"limit": 10})
    assert len(response.json()["items"]) == 4


def test_pages_render_for_lead(web_as, lead, questionnaire, django_assert_max_num_queries):
    q = questionnaire()
    client = web_as(lead)
    for name, args in (
        ("surveys:questionnaires", []),
        ("surveys:questionnaire", [q.pk]),
        ("surveys:invitations", []),
        ("surveys:results", []),
    ):
        with django_assert_max_num_queries(15):
            response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name


def test_builder_adds_a_question_and_agent_cannot(web_as, lead, agent, questionnaire):
    q = questionnaire()
    url = reverse("surveys:question_add", args=[q.pk])
    data = {"kind": "scale10", "text": "推荐意愿", "dimension": "", "required": "on"}
    web_as(lead).post(url, data)
    assert Questionnaire.objects.get(pk=q.pk).questions.count() == 4
    assert web_as(agent).post(url, data).status_code == 403


def test_results_page_shows_svg_and_missed_target(
    web_as, lead, agent, make_ticket, close, questionnaire, answers_for
):
    q = questionnaire()
    invitation = services.invite_after_close(close(make_ticket(agent), agent))
    services.response_submit(
        invitation=invitation, answers=answers_for(q, 4, 8), channel="after_close"
    )
    body = web_as(lead).get(reverse("surveys:results"), {"group": "agent"}).content.decode()
    assert "<svg" in body
    assert "Target 93% missed" in body


@pytest.fixture
def callback_task(agent, make_ticket):
    from kefu.followups.models import CallbackTask
    from kefu.tickets.models import Ticket
    from kefu.tickets.services import ticket_update

    ticket = Ticket.objects.get(pk=make_ticket(agent).pk)
    ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )
    return CallbackTask.objects.get(ticket=ticket)


def test_callback_page_records_answers(web_as, agent, callback_task, questionnaire, answers_for):
    q = questionnaire(after_close=False)
    url = reverse("surveys:callback", args=[callback_task.pk])
    client = web_as(agent)
    assert q.name in client.get(url).content.decode()
    data = {"questionnaire": q.pk, **{k: str(v) for k, v in answers_for(q, 5, 9).items()}}
    response = client.post(url, data)
    assert response.status_code == 302
    assert SurveyResponse.objects.get().invitation.callback_id == callback_task.pk
    assert "were recorded" in client.get(url).content.decode()


def test_callback_page_of_another_team_is_404(web_as, agent2, callback_task):
    url = reverse("surveys:callback", args=[callback_task.pk])
    assert web_as(agent2).get(url).status_code == 404
