"""Pages: the agent's workbench (log and next), supervisors' pages, the ticket panel."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from kefu.followups.models import CallbackTask, Deputy

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def due_today(agent, make_ticket, resolve, time_machine):
    """Two callbacks of agent whose windows are open on 5 November, the older one overdue."""
    time_machine.move_to(dt.datetime(2026, 10, 26, 10, 0, tzinfo=SH), tick=False)
    older = CallbackTask.objects.get(ticket=resolve(make_ticket(agent, title="旧"), agent))
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    newer = CallbackTask.objects.get(ticket=resolve(make_ticket(agent, title="新"), agent))
    time_machine.move_to(dt.datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False)
    return older, newer


def test_workbench_lists_overdue_first_and_logs_then_shows_the_next(
    web_as, agent, due_today, django_assert_max_num_queries
):
    older, newer = due_today
    client = web_as(agent)
    # when
    with django_assert_max_num_queries(12):
        page = client.get("/followups/")
    # then the overdue one comes first, with its script and a masked phone
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(f"callback-{older.pk}") < html.index(f"callback-{newer.pk}")
    assert "Overdue" in html
    assert "****" in html
    # when one click logs the outcome (htmx)
    response = client.post(
        f"/followups/callbacks/{older.pk}/outcome/",
        {"version": older.version, "outcome": "refused", "notes": "不方便"},
        HTTP_HX_REQUEST="true",
    )
    # then the next one is shown
    html = response.content.decode()
    assert f"callback-{older.pk}" not in html
    assert f"callback-{newer.pk}" in html
    assert CallbackTask.objects.get(pk=older.pk).outcome == "refused"


def test_workbench_shows_an_error_for_a_stale_form(web_as, agent, due_today):
    older, _newer = due_today
    response = web_as(agent).post(
        f"/followups/callbacks/{older.pk}/outcome/",
        {"version": older.version + 5, "outcome": "satisfied"},
        HTTP_HX_REQUEST="true",
    )
    assert "Someone else changed" in response.content.decode()


def test_empty_workbench_says_so(web_as, agent2):
    assert "No callbacks due today" in web_as(agent2).get("/followups/").content.decode()


def test_supervisor_pages_render_and_agents_are_refused(web_as, agent, supervisor, due_today):
    client = web_as(supervisor)
    for url in (
        "/followups/rates/?period=2026-11",
        "/followups/complaints/?grade=malignant",
        "/followups/deputies/",
        "/followups/policies/",
        "/followups/registers/",
    ):
        assert client.get(url).status_code == 200, url
    agent_client = web_as(agent)
    assert agent_client.get("/followups/deputies/").status_code == 403
    assert agent_client.get("/followups/rates/").status_code == 403


def test_supervisor_assigns_a_deputy_on_the_page(web_as, supervisor, agent, agent_b):
    response = web_as(supervisor).post(
        "/followups/deputies/", {"action": "deputy", "owner": agent.pk, "deputy": agent_b.pk}
    )
    assert response.status_code == 302
    assert Deputy.objects.get(owner=agent).deputy == agent_b


def test_registers_export_page_downloads_xlsx(web_as, agent):
    response = web_as(agent).get("/followups/registers/calls.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_ticket_panel_shows_grade_and_callbacks(rf, supervisor, agent, make_ticket, resolve):
    ticket = resolve(make_ticket(agent), agent)
    request = rf.get("/")
    request.user = supervisor
    html = Template("{% load followups %}{% ticket_followups ticket %}").render(
        Context({"ticket": ticket, "request": request, "user": supervisor})
    )
    assert "Ordinary complaint" in html
    assert "First callback after resolution" in html
    assert "Mark malignant" in html


def test_workbench_speaks_chinese(web_as, agent2):
    """The followups catalogue is complete: the page reads in Chinese."""
    from kefu.core.i18n import compile_all

    compile_all()
    client = web_as(agent2)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/followups/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的回访" in html
    assert "今天没有待回访任务" in html
