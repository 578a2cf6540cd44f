"""PK-3: staff borrowed for 双11 take six extra modules (IM basics, back office, plug-ins, CS
process, Tmall rules, product knowledge); the 双11 plan shows per borrowed person which are done
(an attended class of that course on the line) and which are missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.training import services
from kefu.training.cert_templates import BORROWED_MODULES

pytestmark = pytest.mark.django_db


def _attended(lead, user, title):
    cls = services.class_create(
        actor=lead, title=title, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    services.enrol(actor=user, training_class=cls)
    services.attend(actor=lead, training_class=cls, user_ids=[user.pk])
    return cls


def test_the_double11_plan_shows_each_borrowed_persons_modules_done_and_missing(
    web_as, org, manager, lead, agent, agent_b
):
    from kefu.workforce.services import peak_plan_from_template
    from kefu.workforce.services.peaks import borrowed_add

    assert len(BORROWED_MODULES) == 6
    plan = peak_plan_from_template(actor=manager, business_line=org.shop, year=2026)
    for user in (agent, agent_b):
        borrowed_add(
            actor=manager,
            plan=plan,
            name="",
            username=user.username,
            from_department="仓储部",
            group="售后",
        )
    _attended(lead, agent, "千牛IM基础")
    _attended(lead, agent, "天猫规则")
    other = _attended(lead, agent_b, "产品知识")
    # enrolled but not attended does not count
    cls = services.class_create(
        actor=lead, title="后台操作", starts_at=timezone.now() + dt.timedelta(days=1)
    )
    services.enrol(actor=agent, training_class=cls)
    page = web_as(manager).get(
        reverse("workforce:peak", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200
    duty = {b.user_id: b.duty for b in page.context["borrowed"]}
    assert duty[agent.pk]["modules"] == {
        "done": ["千牛IM基础", "天猫规则"],
        "missing": ["后台操作", "插件使用", "客服流程", "产品知识"],
    }
    assert duty[agent_b.pk]["modules"]["done"] == ["产品知识"] and other.pk
    html = page.content.decode()
    assert 'data-modules-missing="4"' in html and 'data-modules-missing="5"' in html
    assert "尚缺的模块" in html
