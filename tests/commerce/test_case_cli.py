"""``kefu returns case-open|case-step`` (RET-7 from the command line): the same services as the
page and the API — the customer made whole before a claim, a stale ``--version`` refused with
exit 2 and nothing changed, another line's case not found, every step audited."""

from __future__ import annotations

import json

import pytest
from testkit import make_user

from kefu.commerce.models import LogisticsCase, Refund, Reshipment
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SHIPPED = {
    "paid_at": "2026-11-11 10:05:00",
    "shipped_at": "2026-11-11 18:00:00",
    "courier": "圆通",
    "tracking_no": "YT100",
}


@pytest.fixture
def orders(make_orders):
    return make_orders([(f"CLI{i}", "2026-11-11 10:00:00", 300, SHIPPED) for i in range(1, 4)])


def _cli(capsys, *argv):
    from kefu.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_a_lost_parcel_from_open_to_close_on_the_command_line(agent, orders, capsys):
    code, case, err = _cli(
        capsys, "returns", "case-open", "--user", agent.username, "--order", "CLI1", "--kind",
        "lost", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert case["order_no"] == "CLI1" and case["courier"] == "圆通"
    assert case["status"] == "open" and case["next_steps"] == ["confirm"]

    def step(version, name, *extra):
        return _cli(
            capsys, "returns", "case-step", "--user", agent.username, "--case", str(case["id"]),
            "--version", str(version), "--step", name, *extra,
        )  # fmt: skip

    # a claim before the customer is made whole does not follow: refused, nothing changes
    code, out, err = step(case["version"], "claim", "--claim-amount", "300")
    assert code == 2 and out == "" and err.strip()
    code, confirmed, err = step(case["version"], "confirm", "--note", "快递确认丢件")
    assert code == 0 and confirmed["status"] == "confirmed", err
    # the version read before the confirmation is stale now: exit 2, nothing changes
    code, out, err = step(case["version"], "remedy", "--remedy", "refund")
    assert code == 2 and out == "" and err.strip()
    assert not Refund.objects.exists()
    code, remedied, err = step(
        confirmed["version"], "remedy", "--remedy", "reship", "--items", "羽绒服 x1"
    )
    assert code == 0 and remedied["next_steps"] == ["claim"], err
    assert Reshipment.objects.get(case_id=case["id"]).items == "羽绒服 x1"
    code, out, err = step(remedied["version"], "claim", "--claim-amount", "abc")
    assert code == 2 and out == "" and err.strip()
    code, claimed, err = step(remedied["version"], "claim", "--claim-amount", "300")
    assert code == 0 and claimed["claim_amount"] == "300.00", err
    code, out, err = step(claimed["version"], "close", "--recovered-amount", "300.01")
    assert code == 2 and out == ""  # more than was claimed
    code, closed, err = step(claimed["version"], "close", "--recovered-amount", "280")
    assert code == 0 and closed["status"] == "closed" and closed["recovered_amount"] == "280.00"
    assert closed["next_steps"] == []
    steps = AuditEvent.objects.filter(action="commerce.case_step", object_id=str(case["id"]))
    assert steps.count() == 4  # confirm, remedy, claim, close: the refusals wrote nothing


def test_case_commands_refuse_bad_input_and_another_lines_case(org, agent, orders, capsys):
    code, case, _err = _cli(
        capsys, "returns", "case-open", "--user", agent.username, "--order", "CLI2", "--kind",
        "short",
    )  # fmt: skip
    assert code == 0
    stranger = make_user("wy-cli", "agent", team=org.wy_front)
    for argv in (
        ("case-open", "--user", "nobody", "--order", "CLI3", "--kind", "lost"),
        ("case-open", "--user", agent.username, "--order", "NOPE", "--kind", "lost"),
        ("case-open", "--user", agent.username, "--order", "CLI3", "--kind", "stolen"),
        ("case-open", "--user", stranger.username, "--order", "CLI3", "--kind", "lost"),
        ("case-step", "--user", stranger.username, "--case", str(case["id"]), "--version",
         "1", "--step", "weigh", "--weight-warehouse", "1.2", "--weight-courier", "1.0"),
        ("case-step", "--user", agent.username, "--case", str(case["id"]), "--version", "1",
         "--step", "weigh", "--weight-warehouse", "1.2"),  # one weight only
        ("case-step", "--user", agent.username, "--case", str(case["id"]), "--version", "1",
         "--step", "fly"),
        ("case-step", "--user", agent.username, "--case", "0", "--version", "1", "--step",
         "weigh"),
        ("case-step", "--user", agent.username, "--case", str(case["id"]), "--version", "0",
         "--step", "weigh"),
    ):  # fmt: skip
        code, out, err = _cli(capsys, "returns", *argv)
        assert code == 2 and out == "" and err.strip(), argv
    assert LogisticsCase.objects.count() == 1
    assert LogisticsCase.objects.get().status == "open"
    code, weighed, err = _cli(
        capsys, "returns", "case-step", "--user", agent.username, "--case", str(case["id"]),
        "--version", "1", "--step", "weigh", "--weight-warehouse", "1.20", "--weight-courier",
        "0.95",
    )  # fmt: skip
    assert code == 0 and weighed["status"] == "weighed", err
    assert (weighed["weight_warehouse"], weighed["weight_courier"]) == ("1.200", "0.950")
