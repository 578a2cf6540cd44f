"""The daily work log with tomorrow's plan (WL-1…3): submitted to the group leader; a task
planned yesterday and not done today is carried over with its cause and costs the 建材门店
template's −2 carried-over rule exactly once (one fact, one penalty, by a unique key)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core import events
from kefu.core.errors import Conflict, Invalid
from kefu.core.models import DomainEvent
from kefu.quality import handlers, months, services, services_kpi
from kefu.quality.models import Scorecard, ScoreEvent
from kefu.quality.models_kpi import TaskStatus, WorkLog, WorkTask

pytestmark = pytest.mark.django_db


def _yesterday_and_today(agent):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    services_kpi.worklog_submit(
        actor=agent,
        day=yesterday,
        content="回访打压卡 12 张",
        plan=["发送电子版水路图", "统计昨日水工积分卡", ""],
    )
    return yesterday, today


def test_the_log_goes_to_the_group_leader_and_plans_tomorrow(org, lead, agent):
    yesterday, _today = _yesterday_and_today(agent)
    log = WorkLog.objects.get(author=agent, day=yesterday)
    assert log.submitted_to == lead
    assert [(t.title, t.planned_for) for t in log.plan.all()] == [
        ("发送电子版水路图", yesterday + dt.timedelta(days=1)),
        ("统计昨日水工积分卡", yesterday + dt.timedelta(days=1)),
    ]
    with pytest.raises(Conflict):
        services_kpi.worklog_submit(actor=agent, day=yesterday, content="again", plan=[])
    with pytest.raises(Invalid):  # no log for a day to come
        services_kpi.worklog_submit(
            actor=agent, day=timezone.localdate() + dt.timedelta(days=1), content="x", plan=[]
        )


def test_a_carried_over_task_costs_2_points_once_and_needs_its_cause(org, lead, agent):
    services.rules_seed(actor=None, business_line=org.shop)
    _yesterday, today = _yesterday_and_today(agent)
    drawing, points = WorkTask.objects.filter(owner=agent).order_by("id")
    with pytest.raises(Invalid) as exc:  # WL-2: say why it was not done
        services_kpi.worklog_submit(
            actor=agent, day=today, content="接待 8 位顾客", plan=[], done=[drawing.pk]
        )
    assert f"cause_{points.pk}" in exc.value.fields
    assert not WorkLog.objects.filter(day=today).exists() and not ScoreEvent.objects.exists()
    log = services_kpi.worklog_submit(
        actor=agent,
        day=today,
        content="接待 8 位顾客",
        plan=["打印塑封水路图"],
        done=[drawing.pk],
        causes={points.pk: "水工未交卡，明天上午补"},
    )
    drawing.refresh_from_db()
    points.refresh_from_db()
    assert drawing.status == TaskStatus.DONE and points.status == TaskStatus.CARRIED
    assert points.cause == "水工未交卡，明天上午补"
    tomorrow = sorted(log.plan.values_list("title", "carried_from_id"))
    assert tomorrow == [("打印塑封水路图", None), ("统计昨日水工积分卡", points.pk)]
    card = Scorecard.objects.get(user=agent, period=months.month_of(today))
    assert card.score == 98
    event = ScoreEvent.objects.get()
    assert event.rule.name == "昨日未完成工作未完成" and event.points == 2
    assert event.fact_key == f"worklog_task:{points.pk}:carried_over"
    # a second worker handling the same event records nothing more
    published = DomainEvent.objects.get(type="worklog.task_carried_over")
    published.subject, published.actor = points, None
    handlers.on_task_carried_over(published)
    events.publish(
        "worklog.task_carried_over",
        object_id=points.pk,
        business_line_id=org.shop.pk,
        payload={"owner": agent.pk, "planned_for": points.planned_for.isoformat(), "log": log.pk},
    )
    card.refresh_from_db()
    assert ScoreEvent.objects.count() == 1 and card.score == 98


def test_without_the_template_a_carried_task_is_recorded_but_costs_nothing(org, agent):
    _yesterday, today = _yesterday_and_today(agent)
    services_kpi.worklog_submit(
        actor=agent,
        day=today,
        content="x",
        plan=[],
        causes={t.pk: "停电" for t in WorkTask.objects.filter(owner=agent)},
    )
    assert WorkTask.objects.filter(status=TaskStatus.CARRIED).count() == 2
    assert not ScoreEvent.objects.exists()


def test_the_work_log_page_submits_keeps_values_on_error_and_shows_the_lead_who_is_missing(
    web_as, org, lead, agent, agent_b
):
    services.rules_seed(actor=None, business_line=org.shop)
    _yesterday, today = _yesterday_and_today(agent)
    client = web_as(agent)
    page = client.get("/quality/worklogs/").content.decode()
    assert "发送电子版水路图" in page
    bad = client.post(
        "/quality/worklogs/",
        {"day": today.isoformat(), "content": "今天的工作", "plan": "明天的计划"},
    )
    assert bad.status_code == 400
    assert "今天的工作" in bad.content.decode() and "明天的计划" in bad.content.decode()
    ids = list(WorkTask.objects.filter(owner=agent).values_list("pk", flat=True))
    ok = client.post(
        "/quality/worklogs/",
        {
            "day": today.isoformat(),
            "content": "今天的工作",
            "plan": "明天的计划",
            "done": [ids[0]],
            f"cause_{ids[1]}": "等水工",
        },
    )
    assert ok.status_code == 302
    assert Scorecard.objects.get(user=agent).score == 98
    lead_page = web_as(lead).get("/quality/worklogs/").content.decode()
    assert 'id="worklog-missing"' in lead_page and agent_b.name in lead_page
    assert "今天的工作" in lead_page
    # a teammate does not read the agent's log (agents see their own)
    assert "今天的工作" not in web_as(agent_b).get("/quality/worklogs/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_carried_task_deduct_once(org, agent):
    """Two job workers handle the same ``worklog.task_carried_over`` at once: the unique fact key
    lets one deduction through (PostgreSQL: real concurrent transactions)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite writes one at a time)")
    services.rules_seed(actor=None, business_line=org.shop)
    _yesterday, today = _yesterday_and_today(agent)
    task = WorkTask.objects.filter(owner=agent).first()
    event = DomainEvent(
        type="worklog.task_carried_over",
        object_type="work_task",
        object_id=task.pk,
        business_line_id=org.shop.pk,
        payload={"owner": agent.pk, "planned_for": today.isoformat(), "log": task.log_id},
        occurred_at=timezone.now(),
    )
    event.subject, event.actor = task, None
    barrier, errors = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            handlers.on_task_carried_over(event)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ScoreEvent.objects.filter(fact_key=f"worklog_task:{task.pk}:carried_over").count() == 1
    assert Scorecard.objects.get(user=agent).score == 98
