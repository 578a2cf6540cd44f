"""Issue 23 §2 FU-5: 回访率 has a target — 「确保回访率100%」 (property front desk), 「保修期内客户回访率为
100%」 (vehicle maker) — 100 % by default and per line, shown met or missed per agent, team and
month on the rates page and in the API."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core.errors import Invalid, PermissionDenied
from kefu.followups import selectors
from kefu.followups.models import CallbackTask
from kefu.followups.services import line_settings_update

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def callbacks(agent, agent_b, make_ticket, resolve, time_machine):
    """One resolved consult each for agent and agent_b (售后一组), 2 November 2026."""
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return {
        user.username: CallbackTask.objects.get(
            ticket=resolve(make_ticket(user, type="consult"), user)
        )
        for user in (agent, agent_b)
    }


@pytest.fixture
def call_all(outcome):
    """Every callback of ``user`` that is open is reached, satisfied (the second callback a
    satisfied first one schedules included)."""

    def _call(user):
        while task := CallbackTask.objects.filter(owner=user, reached_at__isnull=True).first():
            outcome(task, user, "satisfied")

    return _call


def _rows(rows):
    return {r.name: (r.rate, r.target, r.met) for r in rows}


def test_fu5_default_target_is_100_percent_met_only_when_every_callback_is_done(
    supervisor, agent, callbacks, call_all
):
    call_all(agent)
    rates = selectors.callback_rates(user=supervisor, period="2026-11")
    assert rates.target == 100
    agents = _rows(rates.agents)
    assert agents["agent"] == (100.0, 100, True)
    assert agents["agent_b"] == (0.0, 100, False)
    assert _rows(rates.teams)["售后一组"][1:] == (100, False)
    assert rates.total.met is False
    months = {r.name: r.met for r in rates.months}
    assert months["2026-11"] is False


def test_fu5_target_is_per_line_and_set_by_its_supervisor(
    org, supervisor, agent, agent_b, callbacks, call_all
):
    call_all(agent)
    line_settings_update(actor=supervisor, line=org.shop, values={"callback_rate_target": "50"})
    rates = selectors.callback_rates(user=supervisor, period="2026-11")
    assert rates.target == 50
    team = rates.teams[0]
    assert (team.target, team.met) == (50, team.rate >= 50)
    assert _rows(rates.agents)["agent"] == (100.0, 50, True)
    from kefu.followups.services.policies import line_setting

    assert line_setting(org.property, "callback_rate_target") == 100
    with pytest.raises(Invalid):
        line_settings_update(actor=supervisor, line=org.shop, values={"callback_rate_target": 101})
    with pytest.raises(PermissionDenied):
        line_settings_update(actor=agent_b, line=org.shop, values={"callback_rate_target": 90})


def test_fu5_rates_page_and_api_show_met_or_missed(
    supervisor, agent, callbacks, call_all, web_as, api_as
):
    call_all(agent)
    client = web_as(supervisor)
    html = client.get(
        "/followups/rates/", {"period": "2026-11"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "目标 100%" in html and "未达成" in html and "已达成" in html
    assert 'id="rate-months"' in html and "2026-11" in html
    bad = client.post("/followups/rates/target/", {"target": "0", "period": "2026-11"})
    assert bad.status_code == 302
    saved = client.post("/followups/rates/target/", {"target": "50", "period": "2026-11"})
    assert saved.status_code == 302 and saved["Location"].endswith("period=2026-11")
    body = api_as(supervisor).get("/api/v1/followups/rates", {"period": "2026-11"}).json()
    assert body["target"] == 50
    assert {r["name"]: r["met"] for r in body["agents"]} == {"agent": True, "agent_b": False}
    assert body["months"][-1]["name"] == "2026-11"
