"""/api/v1/commerce for the returns team (RET-9), logistics cases (RET-7) and the daily
registers (RET-8): the same rules as the pages through the same services — 补发准确率 from the
rows, the customer made whole before a claim, a stale version → 409, bad input → 4xx with
nothing changed, another line's records → 404."""

from __future__ import annotations

import pytest
from testkit import make_user

from kefu.commerce.models import Inspection, LogisticsCase, Reshipment
from kefu.commerce.services import returns
from kefu.commerce.services import returns_team as team

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/commerce"
DONE = {
    "paid_at": "2026-11-11 10:05:00",
    "shipped_at": "2026-11-11 18:00:00",
    "delivered_at": "2026-11-13 15:00:00",
    "courier": "中通",
    "tracking_no": "ZT100",
}


@pytest.fixture
def orders(make_orders):
    return make_orders([(f"API{i}", "2026-11-11 10:00:00", 300, DONE) for i in range(1, 5)])


def test_ret9_reshipments_through_the_api_give_the_accuracy_of_the_page(
    agent, api_as, orders, time_machine
):
    time_machine.move_to(at("2026-11-20 09:00"), tick=False)
    api = api_as(agent)
    made = [
        api.post(f"{BASE}/reshipments", {"order": no, "reason": "short", "items": "赠品 x1"})
        for no in ("API1", "API2", "API3")
    ]
    assert [r.status_code for r in made] == [201, 201, 201], made[0].content
    missing = api.post(f"{BASE}/reshipments", {"order": "NOPE", "reason": "short", "items": "x"})
    assert missing.status_code == 404 and Reshipment.objects.count() == 3
    bad = api.post(f"{BASE}/reshipments", {"order": "API4", "reason": "bored", "items": "x"})
    assert bad.status_code == 400 and Reshipment.objects.count() == 3
    time_machine.move_to(at("2026-11-20 13:00"), tick=False)  # sent 4 h after the request
    for r, result in zip(made, (True, False, None), strict=True):
        rs = r.json()
        sent = api.post(
            f"{BASE}/reshipments/{rs['id']}/send",
            {"version": rs["version"], "tracking_no": f"SF{rs['id']}"},
        )
        assert sent.status_code == 200 and sent.json()["sent_at"]
        if result is not None:
            checked = api.post(
                f"{BASE}/reshipments/{rs['id']}/check",
                {"version": sent.json()["version"], "correct": result},
            )
            assert checked.status_code == 200
    stale = api.post(
        f"{BASE}/reshipments/{made[2].json()['id']}/check",
        {"version": made[2].json()["version"], "correct": True},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    figures = api.get(f"{BASE}/team", {"start": "2026-11-20", "end": "2026-11-20"}).json()
    # 1 correct of 3 sent (the unchecked one counts in the whole): 33.3 %
    assert figures["reshipments"] == {
        "sent": 3,
        "correct": 1,
        "wrong": 1,
        "unchecked": 1,
        "accuracy": "33.3",
        "median_turnaround_hours": "4.00",
    }
    listed = api.get(f"{BASE}/reshipments").json()["items"]
    assert sorted(r["result"] for r in listed) == ["correct", "pending", "wrong"]
    too_long = api.get(f"{BASE}/team", {"start": "2025-01-01", "end": "2026-11-20"})
    assert too_long.status_code == 400


def test_ret9_inspection_through_the_api_moves_the_return_on(agent, api_as, orders):
    ret = returns.return_request(actor=agent, order=orders["API1"], requested_at=at("2026-11-14"))
    returns.return_step(actor=agent, ret=ret, version=ret.version, step="approve")
    api = api_as(agent)
    early = api.post(
        f"{BASE}/returns/{ret.pk}/inspection",
        {"version": ret.version, "warehouse": "嘉兴仓", "intact": True},
    )
    assert early.status_code == 409 and not Inspection.objects.exists()
    returns.return_step(actor=agent, ret=ret, version=ret.version, step="receive")
    done = api.post(
        f"{BASE}/returns/{ret.pk}/inspection",
        {"version": ret.version, "warehouse": "嘉兴仓", "intact": False, "damaged": True},
    )
    assert done.status_code == 201, done.content
    assert done.json()["damaged"] is True
    ret.refresh_from_db()
    assert ret.status == "inspected"


def test_ret7_a_lost_parcel_case_through_the_api(agent, api_as, orders):
    api = api_as(agent)
    opened = api.post(f"{BASE}/logistics", {"order": "API1", "kind": "lost"})
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["courier"] == "中通" and case["next_steps"] == ["confirm"]

    def step(name, **kw):
        current = api.get(f"{BASE}/logistics/{case['id']}").json()
        return api.post(
            f"{BASE}/logistics/{case['id']}/steps",
            {"version": current["version"], "step": name, **kw},
        )

    claim_first = step("claim", claim_amount="300")
    assert claim_first.status_code == 409  # the customer is made whole before any claim
    assert step("confirm", note="快递确认丢件").json()["next_steps"] == ["remedy"]
    assert step("remedy", remedy="reship", items="羽绒服 x1").status_code == 200
    assert Reshipment.objects.filter(case_id=case["id"]).count() == 1
    assert step("claim", claim_amount="abc").status_code == 400
    assert step("claim", claim_amount="300").status_code == 200
    over = step("close", recovered_amount="300.01")
    assert over.status_code == 400
    closed = step("close", recovered_amount="280")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["recovered_amount"] == "280.00"
    stale = api.post(
        f"{BASE}/logistics/{case['id']}/steps", {"version": case["version"], "step": "close"}
    )
    assert stale.status_code == 409
    assert api.get(f"{BASE}/logistics").json()["items"] == []  # open cases only
    assert [c["id"] for c in api.get(f"{BASE}/logistics", {"open": "false"}).json()["items"]] == [
        case["id"]
    ]


def test_ret8_registers_through_the_api_list_that_day_only(agent, api_as, orders):
    on_day, day_after = at("2026-11-20 10:00"), at("2026-11-21 10:00")
    team.case_open(actor=agent, order=orders["API1"], kind="anomaly", at=on_day)
    team.case_open(actor=agent, order=orders["API2"], kind="lost", at=day_after)
    team.reshipment_create(
        actor=agent, order=orders["API3"], reason="short", items="袜子", at=on_day
    )
    body = api_as(agent).get(f"{BASE}/registers", {"day": "2026-11-20"}).json()
    assert body["day"] == "2026-11-20"
    by_code = {r["code"]: [row["order_no"] for row in r["rows"]] for r in body["registers"]}
    assert list(by_code) == [
        "trace",
        "extend",
        "damaged",
        "resend",
        "exchange",
        "return",
        "refund",
        "dispute",
    ]
    assert by_code["trace"] == ["API1"] and by_code["resend"] == ["API3"]
    assert api_as(agent).get(f"{BASE}/registers", {"day": "0001-01-01"}).status_code == 422


def test_another_lines_agent_sees_and_changes_nothing(org, agent, api_as, orders):
    case = team.case_open(actor=agent, order=orders["API1"], kind="lost")
    reship = team.reshipment_create(actor=agent, order=orders["API2"], reason="short", items="x")
    stranger = api_as(make_user("wy-agent", "agent", team=org.wy_front))
    calls = [
        stranger.get(f"{BASE}/logistics"),
        stranger.get(f"{BASE}/reshipments"),
        stranger.get(f"{BASE}/logistics/{case.pk}"),
        stranger.post(f"{BASE}/logistics/{case.pk}/steps", {"version": 1, "step": "confirm"}),
        stranger.post(f"{BASE}/reshipments/{reship.pk}/send", {"version": 1, "tracking_no": "x"}),
        stranger.post(f"{BASE}/logistics", {"order": "API3", "kind": "lost"}),
        stranger.get(f"{BASE}/team"),
    ]
    # a property line runs no shop: every call is refused alike, whether the id exists or not
    assert {c.status_code for c in calls} == {403}
    assert LogisticsCase.objects.count() == 1
    assert LogisticsCase.objects.get().version == case.version


def _cli(capsys, *argv):
    import json

    from kefu.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_cli_team_cases_and_registers_print_json_and_refuse_bad_input(
    agent, orders, capsys, time_machine
):
    time_machine.move_to(at("2026-11-21 09:00"), tick=False)
    on_day = at("2026-11-20 10:00")
    case = team.case_open(actor=agent, order=orders["API1"], kind="lost", at=on_day)
    rs = team.reshipment_create(
        actor=agent, order=orders["API2"], reason="short", items="袜子", at=on_day
    )
    team.reshipment_send(
        actor=agent, reship=rs, version=rs.version, tracking_no="SF1", at=at("2026-11-20 12:00")
    )
    team.reshipment_check(actor=agent, reship=rs, version=rs.version, correct=True)
    code, body, _err = _cli(capsys, "returns", "team", "--user", agent.username, "--json")
    assert code == 0 and body["reshipments"]["accuracy"] == "100.0"
    assert body["reshipments"]["median_turnaround_hours"] == "2.00"
    code, body, _err = _cli(capsys, "returns", "cases", "--user", agent.username)
    assert code == 0 and [c["id"] for c in body["items"]] == [case.pk]
    assert body["items"][0]["next_steps"] == ["confirm"]
    code, body, _err = _cli(capsys, "returns", "registers", "--user", agent.username)
    assert code == 0 and body["day"] == "2026-11-20"  # yesterday by default
    rows = {r["code"]: [x["order_no"] for x in r["rows"]] for r in body["registers"]}
    assert rows["trace"] == ["API1"] and rows["resend"] == ["API2"]
    for argv in (
        ("returns", "team", "--user", "nobody"),
        ("returns", "team", "--user", agent.username, "--from", "2026-13-01"),
        ("returns", "team", "--user", agent.username, "--from", "2026-11-20", "--to", "2026-11-01"),
        ("returns", "registers", "--user", agent.username, "--day", "0001-01-01"),
        ("returns", "cases", "--user", agent.username, "--limit", "0"),
    ):
        code, out, err = _cli(capsys, *argv)
        assert code == 2 and out == "" and err.strip(), argv
