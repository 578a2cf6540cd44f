"""The training pages: each renders for an agent and a lead; the typing test is timed by the
server; the 上岗 board shows 未上岗 for an uncertified agent; a request walks its flow."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import translation

from kefu.training.models import TrainingRequest

from .kit import certify

pytestmark = pytest.mark.django_db

PAGES = ["index", "requests", "classes", "exams", "typing", "people"]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_page_renders_for_agent_and_lead(web_as, agent, lead, gated, lang):
    for user in (agent, lead):
        client = web_as(user)
        for name in PAGES:
            answer = client.get(reverse(f"training:{name}"), HTTP_ACCEPT_LANGUAGE=lang)
            assert answer.status_code in (200, 302), (name, answer.status_code)
        assert client.get(reverse("training:person", args=[agent.pk])).status_code == 200


def test_pk4_the_board_shows_not_on_duty_until_certified(web_as, lead, agent, gated, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = web_as(lead)
    with translation.override("zh-hans"):
        page = client.get(reverse("training:people"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "未上岗" in page.content.decode()
    certify(agent)
    page = client.get(reverse("training:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200


def test_kpi5_the_typing_page_times_on_the_server(web_as, agent, monkeypatch):
    client = web_as(agent)
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    page = client.get(reverse("training:typing"))
    passage = page.context["passage"]
    clock[0] += 60
    answer = client.post(reverse("training:typing"), {"typed": passage})
    result = answer.context["result"]
    assert result.correct == len("".join(passage.split()))
    assert result.chars_per_minute == float(result.correct)


def test_trn4_request_flow_through_the_pages(web_as, agent, lead, supervisor):
    client = web_as(agent)
    page = client.get(reverse("training:requests"))
    token = (
        page.context["form"]
        and page.content.decode().split('name="idempotency_key" value="')[1][:32]
    )
    answer = client.post(
        reverse("training:request_file"), {"topic": "投诉处理技巧", "idempotency_key": token}
    )
    assert answer.status_code == 302
    req = TrainingRequest.objects.get()
    client = web_as(lead)
    client.post(reverse("training:request_act", args=[req.pk, "approve"]), {"version": 1})
    client.post(
        reverse("training:request_act", args=[req.pk, "assign"]),
        {"version": 2, "trainer": supervisor.pk},
    )
    client.post(
        reverse("training:request_act", args=[req.pk, "archive"]),
        {"version": 3, "attendance": "8", "materials": "课件"},
    )
    req.refresh_from_db()
    assert req.state == "archived" and req.attendance == 8


def test_a_lead_publishes_a_class_and_records_attendance(web_as, lead, agent):
    import datetime as dt

    from django.utils import timezone

    from kefu.training import services
    from kefu.training.models import Enrolment, TrainingClass

    client = web_as(lead)
    page = client.get(reverse("training:classes"))
    token = page.content.decode().split('name="idempotency_key" value="')[1][:32]
    starts = timezone.localtime() + dt.timedelta(days=2)
    answer = client.post(
        reverse("training:class_create"),
        {
            "title": "MOT服务技巧",
            "category": "客户服务类知识",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "hours": "1",
            "capacity": "10",
            "idempotency_key": token,
        },
    )
    assert answer.status_code == 302
    cls = TrainingClass.objects.get()
    services.enrol(actor=agent, training_class=cls)
    client.post(reverse("training:class", args=[cls.pk]), {"attended": [str(agent.pk)]})
    assert Enrolment.objects.get(user=agent).status == "attended"
    # an agent may not record attendance
    web_as(agent).post(reverse("training:class", args=[cls.pk]), {"attended": [str(agent.pk)]})
    assert web_as(agent).get(reverse("training:class", args=[cls.pk])).status_code == 200


def test_pk4_quick_reply_exam_page_passes_only_complete_phrases(web_as, org, lead, agent):
    from kefu.knowledge.models import QuickReply
    from kefu.training.models import PracticalScore

    QuickReply.objects.filter(business_line=org.shop).delete()
    for i, body in enumerate(["亲，在的，请问有什么可以帮您？", "好的，马上为您处理。"]):
        QuickReply.objects.create(
            business_line=org.shop, category="通用", shortcut=f"/k{i}", title=f"话术{i}", body=body
        )
    client = web_as(agent)
    items = client.get(reverse("training:quick_reply")).context["items"]
    assert len(items) == 2
    typed = {f"r{q.pk}": q.body.replace("，", ",") for q in items}
    typed[f"r{items[1].pk}"] = items[1].body[:-1]  # the last character missing
    answer = client.post(reverse("training:quick_reply"), typed)
    assert [ok for _q, _t, ok in answer.context["rows"]] == [True, False]
    score = PracticalScore.objects.get(user=agent, kind="quick_reply")
    assert score.score == 50 and not score.passed
