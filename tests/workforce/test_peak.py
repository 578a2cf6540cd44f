"""Peak-event plans (issue 6 §4; spec §1.13, SCH-1, STF-5): the 双11 template, checklists,
borrowed staff, and the intraday plan vs actual against SQL counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kefu.tickets.models import Ticket
from kefu.workforce import selectors
from kefu.workforce.services import (
    borrowed_add,
    checklist_set_done,
    peak_plan_from_template,
    roster_run_create,
)

pytestmark = pytest.mark.django_db


def test_double11_template_defaults(manager):
    # when
    plan = peak_plan_from_template(actor=manager, year=2026)
    # then Nov 10–17, 24 h on the 10th and 11th, at least 15 h on the 12th–17th
    assert (plan.start_date, plan.end_date) == (dt.date(2026, 11, 10), dt.date(2026, 11, 17))
    hours = {c["date"]: c["hours"] for c in plan.coverage}
    assert hours["2026-11-10"] == hours["2026-11-11"] == 24
    assert all(hours[f"2026-11-{d}"] >= 15 for d in range(12, 18))
    assert len(hours) == 8
    # and the demo group sizes: during 10/2/2, after 5/1/7
    assert plan.group_sizes["during"] == {"售前": 10, "催付": 2, "售后": 2}
    assert plan.group_sizes["after"] == {"售前": 5, "催付": 1, "售后": 7}
    # and checklists before/during/after cover PK-1…PK-7 with owners and due dates
    items = list(plan.checklist.all())
    assert {i.spec_ref for i in items} == {f"PK-{n}" for n in range(1, 8)}
    assert {i.phase for i in items} == {"before", "during", "after"}
    training = next(i for i in items if i.spec_ref == "PK-3")
    assert training.due_date == dt.date(2026, 10, 11)  # one month ahead
    assert all(i.owner == manager and not i.done for i in items)


def test_checklist_items_can_be_checked_and_borrowed_staff_recorded(manager, web_as):
    plan = peak_plan_from_template(actor=manager, year=2026)
    item = plan.checklist.first()
    checklist_set_done(actor=manager, item=item, done=True)
    borrowed_add(
        actor=manager,
        plan=plan,
        name="王五",
        from_department="仓储部",
        group="售后",
        training_status="in_training",
    )
    item.refresh_from_db()
    assert item.done and item.done_at is not None
    html = web_as(manager).get(reverse("workforce:peak", args=[plan.pk])).content.decode()
    assert "王五" in html and "仓储部" in html
    assert "Double 11" in html


def test_checking_an_item_on_the_page(manager, web_as):
    plan = peak_plan_from_template(actor=manager, year=2026)
    item = plan.checklist.first()
    resp = web_as(manager).post(
        reverse("workforce:peak_check", args=[plan.pk, item.pk]),
        {"done": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200
    item.refresh_from_db()
    assert item.done


def test_agents_cannot_plan_and_cannot_see_plans(manager, agent, web_as):
    from kefu.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        peak_plan_from_template(actor=agent, year=2026)
    plan = peak_plan_from_template(actor=manager, year=2026)
    assert web_as(agent).get(reverse("workforce:peak", args=[plan.pk])).status_code == 404


def test_intraday_plan_vs_actual_counts_equal_sql_counts(
    manager,
    agent,
    agent_b,
    agent2,
    profile,
    shifts,
    ticket_at,
    web_as,
    django_capture_on_commit_callbacks,
):
    # given tickets on Nov 11 at 09:xx (by two agents) and 14:xx (one agent)
    day = dt.date(2026, 11, 11)
    ticket_at(agent, dt.datetime(2026, 11, 11, 9, 5))
    ticket_at(agent_b, dt.datetime(2026, 11, 11, 9, 40))
    ticket_at(agent_b, dt.datetime(2026, 11, 11, 9, 41))
    ticket_at(agent2, dt.datetime(2026, 11, 11, 14, 0))
    ticket_at(agent2, dt.datetime(2026, 11, 12, 0, 30))  # next day: not counted
    # and a roster with one agent on 09:00–18:00 that day
    profile(agent, "aftersales")
    need = [[1 if 18 <= i < 36 else 0 for i in range(48)]]
    with django_capture_on_commit_callbacks(execute=True):
        roster_run_create(
            actor=manager,
            start_date=day,
            days=1,
            requirement={"aftersales": need},
            time_limit_seconds=10,
        )
    plan = peak_plan_from_template(actor=manager, year=2026)
    # when
    rows = selectors.intraday(business_line_id=manager.business_line_id, day=day)
    # then the counts are those of SQL over the same hours
    for hour in (9, 14, 3):
        lo = dt.datetime(2026, 11, 11, hour, tzinfo=selectors.tz())
        qs = Ticket.objects.filter(created_at__gte=lo, created_at__lt=lo + dt.timedelta(hours=1))
        assert rows[hour]["tickets"] == qs.count()
        assert rows[hour]["active_agents"] == qs.values("first_owner").distinct().count()
    assert (rows[9]["tickets"], rows[9]["active_agents"]) == (3, 2)
    assert [rows[h]["planned_agents"] for h in (8, 9, 17, 18)] == [0, 1, 1, 0]
    # and the page shows them with a chart
    resp = web_as(manager).get(
        reverse("workforce:peak_intraday", args=[plan.pk]), {"date": day.isoformat()}
    )
    assert resp.status_code == 200
    assert "<svg" in resp.content.decode()


def test_peak_list_page_query_count(manager, web_as, django_assert_max_num_queries):
    for year in (2024, 2025, 2026):
        peak_plan_from_template(actor=manager, year=year)
    client = web_as(manager)
    with django_assert_max_num_queries(8):
        resp = client.get(reverse("workforce:peaks"))
    assert resp.content.decode().count("Double 11") >= 3


def test_peak_plan_page_in_chinese(manager, web_as):
    plan = peak_plan_from_template(actor=manager, year=2026)
    client = web_as(manager)
    resp = client.get(reverse("workforce:peak", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = resp.content.decode()
    assert "检查清单" in html
    assert "成立双11小组" in html  # the PK-1 task, translated by its English msgid
