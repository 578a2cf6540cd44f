"""Dialling from the callback workbench (issue 15): 显示号码 is a POST that reveals the task's
customer's full number as a tel: link, scope-checked, audited and rate-limited like a reveal."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from testkit import make_user

from kefu.core.models import AuditEvent
from kefu.followups.models import CallbackTask

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def task(agent, make_customer, make_ticket, resolve, time_machine):
    """An open callback of agent, its window open today, for a customer with phone 13912345678."""
    time_machine.move_to(dt.datetime(2026, 10, 26, 10, 0, tzinfo=SH), tick=False)
    customer = make_customer(name="陈静", phone="13912345678")
    task = CallbackTask.objects.get(
        ticket=resolve(make_ticket(agent, customer=customer, title="回访"), agent)
    )
    time_machine.move_to(dt.datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False)
    return task


def _reveal_url(task) -> str:
    return f"/followups/callbacks/{task.pk}/reveal/"


def test_show_number_is_a_post_button_not_a_link(web_as, agent, task):
    html = web_as(agent).get("/followups/").content.decode()
    card = re.search(rf'<article[^>]*id="callback-{task.pk}".*?</article>', html, re.S).group(0)
    assert "139****5678" in card and "13912345678" not in card
    form = re.search(r"<form[^>]*reveal/[^>]*>.*?</form>", card, re.S).group(0)
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert _reveal_url(task) in form
    assert "/customers/" not in card  # no GET link to the customer reveal (it answered 405)


def test_reveal_shows_the_full_number_as_a_tel_link_in_place_and_is_audited(web_as, agent, task):
    response = web_as(agent).post(_reveal_url(task), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="phone-{task.pk}"' in html and "<html" not in html
    assert 'href="tel:13912345678"' in html
    event = AuditEvent.objects.get(action="customer.reveal")
    assert event.actor == agent and event.object_id == str(task.customer_id)


def test_reveal_without_htmx_renders_the_workbench_with_the_number(web_as, agent, task):
    response = web_as(agent).post(_reveal_url(task))
    assert response.status_code == 200
    assert 'href="tel:13912345678"' in response.content.decode()


def test_reveal_needs_post_and_csrf(agent, task, client):
    client.force_login(agent)
    assert client.get(_reveal_url(task)).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(_reveal_url(task)).status_code == 403
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()


def test_reveal_outside_scope_is_not_found(web_as, agent2, org, task):
    other_line_agent = make_user("wy_x", "agent", team=org.wy_front)
    assert web_as(agent2).post(_reveal_url(task)).status_code == 404
    assert web_as(other_line_agent).post(_reveal_url(task)).status_code == 404
    assert web_as(agent2).post("/followups/callbacks/999999/reveal/").status_code == 404
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()


def test_a_masked_role_may_not_reveal(web_as, agent, task):
    agent.contact_access = "masked"
    agent.save(update_fields=["contact_access"])
    html = web_as(agent).get("/followups/").content.decode()
    assert _reveal_url(task) not in html
    response = web_as(agent).post(_reveal_url(task), HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "13912345678" not in response.content.decode()


def test_a_role_that_sees_full_numbers_gets_the_tel_link_at_once(web_as, supervisor, task):
    task.owner = supervisor
    task.save(update_fields=["owner"])
    html = web_as(supervisor).get("/followups/").content.decode()
    assert 'href="tel:13912345678"' in html
    assert _reveal_url(task) not in html


def test_reveals_are_rate_limited(web_as, agent, task, settings):
    settings.KEFU_REVEAL_LIMIT = 2
    client = web_as(agent)
    for _ in range(2):
        assert client.post(_reveal_url(task), HTTP_HX_REQUEST="true").status_code == 200
    third = client.post(_reveal_url(task), HTTP_HX_REQUEST="true")
    assert third.status_code == 429
    html = third.content.decode()
    assert "13912345678" not in html and 'role="alert"' in html
    assert AuditEvent.objects.filter(action="customer.reveal").count() == 2
