"""The 月处罚汇总表 (ESC-2) and the ``kefu quality`` commands (issue 18, "Must show")."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.cli import main
from kefu.core.errors import Conflict, PermissionDenied
from kefu.quality import months, services
from kefu.quality.models import DeductionRule, SummaryStatus

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def graded(org, agent, lead):
    """Three complaints of the month: one repeat and one malignant handed to 城东站, one repeat
    kept by the desk (售后一组, head: its lead)."""
    from kefu.customers.services import customer_create
    from kefu.followups.models import GradeChange
    from kefu.tickets.models_sla import Handoff, ResponsibleUnit
    from kefu.tickets.services import ticket_create

    customer = customer_create(
        actor=agent, business_line=org.shop, name="王五", phone="13600000009"
    )
    unit = ResponsibleUnit.objects.create(
        business_line=org.shop, name="城东站", kind="station", contact="刘站长"
    )
    tickets = [
        ticket_create(
            actor=agent, title=f"投诉{i}", type="complaint", channel="phone", customer=customer
        )
        for i in range(3)
    ]
    for ticket, after in zip(tickets, ["repeat", "malignant", "repeat"], strict=True):
        GradeChange.objects.create(
            ticket=ticket,
            business_line=org.shop,
            department=ticket.department,
            team=ticket.team,
            before="ordinary",
            after=after,
            rule="supervisor",
            reason="月度分析",
        )
    for ticket in tickets[:2]:
        Handoff.objects.create(ticket=ticket, unit=unit, due_at=timezone.now())
    return tickets


def _cli(capsys, *argv) -> tuple[int, dict | str]:
    code = main(["quality", *argv])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 and "--json" in argv else out.err)


def test_esc2_summary_per_unit_and_head_then_signed_and_immutable(graded, manager, supervisor):
    summary = services.summary_build(
        actor=supervisor, business_line=manager.business_line, period=MONTH
    )
    rows = {(r.unit, r.head): (r.repeat, r.malignant, r.amount_yuan) for r in summary.rows.all()}
    assert rows == {("城东站", "刘站长"): (1, 1, 250), ("售后一组", "lead"): (1, 0, 50)}
    with pytest.raises(Conflict):  # a draft is checked before it is signed
        services.summary_advance(actor=manager, summary=summary, to=SummaryStatus.SIGNED)
    summary = services.summary_advance(
        actor=supervisor, summary=summary, to=SummaryStatus.CHECKED, version=summary.version
    )
    assert summary.checked_by == supervisor and summary.checked_at
    with pytest.raises(Conflict):  # checked: no longer tabulated again
        services.summary_build(actor=supervisor, business_line=manager.business_line, period=MONTH)
    with pytest.raises(PermissionDenied):  # company leadership signs, not the supervisor
        services.summary_advance(actor=supervisor, summary=summary, to=SummaryStatus.SIGNED)
    summary = services.summary_advance(
        actor=manager, summary=summary, to=SummaryStatus.SIGNED, version=summary.version
    )
    assert summary.signed_by == manager
    with pytest.raises(Conflict):
        services.summary_build(actor=manager, business_line=manager.business_line, period=MONTH)
    assert summary.rows.count() == 2
    summary = services.summary_advance(actor=manager, summary=summary, to=SummaryStatus.PUBLISHED)
    summary = services.summary_advance(actor=manager, summary=summary, to=SummaryStatus.SENT)
    assert summary.status == SummaryStatus.SENT and summary.sent_at


def test_esc2_stability_period_tabulated_but_not_applied(graded, manager):
    summary = services.summary_build(
        actor=manager, business_line=manager.business_line, period=MONTH, stability_period=True
    )
    assert summary.rows.count() == 2 and not summary.rows.filter(applied=True).exists()


def test_cli_penalties_json_and_xlsx(graded, manager, capsys, tmp_path):
    period = months.label(MONTH)
    services.summary_build(actor=manager, business_line=manager.business_line, period=MONTH)
    target = tmp_path / "penalties.xlsx"
    code, data = _cli(capsys, "penalties", "--period", period, "--json", "--xlsx", str(target))
    assert code == 0
    assert data["status"] == "draft" and data["total_yuan"] == 300
    assert data["rows"][0] == {
        "unit": "城东站",
        "head": "刘站长",
        "repeat": 1,
        "malicious": 1,
        "amount_yuan": 250.0,
        "applied": True,
    }
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[2]][:5] == ["城东站", "刘站长", 1, 1, 250]
    assert _cli(capsys, "penalties", "--period", "2026-13", "--json")[0] == 2


def test_cli_scorecard_lists_every_event(org, lead, agent, capsys):
    services.rules_seed(actor=None, business_line=org.shop)
    rule = DeductionRule.objects.get(business_line=org.shop, name="报表出错或延时")
    services.deduct(actor=lead, person=agent, rule=rule, reason="周报延时")
    code, data = _cli(capsys, "scorecard", "agent", "--period", months.label(MONTH), "--json")
    assert code == 0
    assert (data["user"], data["base"], data["score"]) == ("agent", 100.0, 97.0)
    assert data["events"][0]["points"] == 3 and data["events"][0]["recorder"] == "lead"
    assert _cli(capsys, "scorecard", "nobody", "--period", "2026-11")[0] == 2


def test_cli_competency_kendall_and_rank(db, capsys):
    code, data = _cli(capsys, "competency", "--ratings", "5,5,5,5,3,3,3,3,1,1,1", "--json")
    assert code == 0 and data["score"] == pytest.approx(63.908)
    assert sum(w["combined"] for w in data["weights"]) == pytest.approx(100)
    assert _cli(capsys, "competency", "--ratings", "5,5", "--json")[0] == 2
    code, data = _cli(
        capsys, "kendall-w", "--matrix", "5,4,4,2,1;4,5,3,3,1;5,3,4,2,2;5,4,3,1,2", "--json"
    )
    assert round(data["w"], 6) == 0.840909 and data["df"] == 4 and data["raters"] == 4
    code, data = _cli(
        capsys,
        "kendall-w",
        "--matrix",
        "5,4,4,2,1;4,5,3,3,1;5,3,4,2,2;5,4,3,1,2",
        "--no-tie-correction",
        "--json",
    )
    assert data["w"] == pytest.approx(0.809375)
    assert _cli(capsys, "kendall-w", "--matrix", "5,4;x,1", "--json")[0] == 2
    code, data = _cli(
        capsys, "rank", "--scores", "张三=90,李四=90,王五=80,赵六=70,钱七=70", "--json"
    )
    assert [(i["rank"], i["reward_yuan"], i["improvement_plan"]) for i in data["items"]] == [
        (1, 100, False),
        (1, 100, False),
        (3, 0, False),
        (4, -100, True),
        (4, -100, True),
    ]
    code, data = _cli(capsys, "rank", "--scores", "a=0.05,b=0.02", "--lower-is-better", "--json")
    assert data["items"][0]["name"] == "b"
    assert _cli(capsys, "rank", "--scores", "张三", "--json")[0] == 2
