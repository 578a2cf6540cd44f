"""The monthly statement (issue 22 §2; RPT-1, RPT-3, RNK-4, §9.10, §9.12): each figure recomputed
from raw rows and equal to the count of its drill-down; the unit ranking; scope; the signed,
frozen month with a later change shown as a difference; the CLI's JSON and exit codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from kefu.reports import services, statement
from kefu.reports.models import MonthlyStatement
from kefu.tickets import complaints
from kefu.tickets.models import Ticket

TZ = dt.timezone(dt.timedelta(hours=8))
OCT = "2026-10"


@pytest.fixture
def month_data(org, manager, supervisor, agent, make_ticket):
    """October 2026 in the shop: units A (12 complaints, base 4,000), B (6 on 2,000), C (5 on
    1,000), D (2, no base); two enquiries; one complaint in another line; September: A has 2."""
    units = {
        name: complaints.unit_create(
            actor=manager, business_line=org.shop, name=name, kind="station"
        )
        for name in ("站点A", "站点B", "站点C", "站点D")
    }
    with time_machine.travel(dt.datetime(2026, 9, 20, 10, tzinfo=TZ), tick=False):
        for _ in range(2):
            t = make_ticket(agent, channel="im")
            complaints.handoff_create(
                actor=agent,
                ticket=t,
                unit=units["站点A"],
                due_at=timezone.now() + dt.timedelta(days=2),
            )
    with time_machine.travel(dt.datetime(2026, 10, 15, 10, tzinfo=TZ), tick=False):
        for name, n in (("站点A", 12), ("站点B", 6), ("站点C", 5), ("站点D", 2)):
            for i in range(n):
                t = make_ticket(agent, channel="phone" if i % 2 else "im")
                complaints.handoff_create(
                    actor=agent,
                    ticket=t,
                    unit=units[name],
                    due_at=timezone.now() + dt.timedelta(days=2),
                )
        make_ticket(agent, type="consult")
        make_ticket(agent, type="consult")
        from kefu.accounts.models import User

        wy = User.objects.filter(username="wy_mgr").first()
        if wy is None:
            from testkit import make_user

            wy = make_user("wy_mgr", "manager", business_line=org.property)
        make_ticket(wy)
    for period, name, base in (
        (OCT, "站点A", 4000),
        (OCT, "站点B", 2000),
        (OCT, "站点C", 1000),
        ("2026-09", "站点A", 1000),
    ):
        services.set_unit_base(
            user=manager, unit_id=units[name].pk, period=period, base=base, kind="orders"
        )
    return units


def _units(data):
    return {u["unit"]: u for u in data["complaints"]["by_unit"]}


def test_rnk4_units_ranked_by_complaint_ratio_with_shared_ranks(month_data, manager):
    data = statement.monthly(manager, period=OCT)
    units = _units(data)
    assert units["站点A"]["complaints"] == 12 and units["站点A"]["base"] == 4000
    assert units["站点A"]["ratio"] == 0.003 and units["站点A"]["ratio_pct"] == 0.30
    assert units["站点A"]["rank"] == units["站点B"]["rank"] == 1
    assert units["站点C"]["rank"] == 3 and units["站点C"]["ratio_pct"] == 0.50
    assert units["站点D"]["rank"] is None and units["站点D"]["base"] is None
    # September: 2 on 1,000 = 0.20 %; October 0.30 %: +0.10 percentage points
    assert units["站点A"]["last_ratio_pct"] == 0.20 and units["站点A"]["change_pct"] == 0.10
    assert data["complaints"]["total"] == 25  # the property line's complaint is not the shop's


def test_rpt1_every_figure_equals_the_count_of_its_drill_down(month_data, manager):
    data = statement.monthly(manager, period=OCT)
    month = statement.parse_month(OCT)
    line = manager.business_line_id

    def n(figure, key=""):
        return statement.drill(manager, line, month, figure, key).count()

    c = data["complaints"]
    assert (
        c["total"]
        == n("complaints")
        == Ticket.objects.filter(business_line=line, type="complaint", created_at__month=10).count()
    )
    for row in c["by_type"]:
        assert row["count"] == n("type", row["key"])
    for row in c["by_channel"]:
        assert row["count"] == n("channel", row["key"])
    assert {r["key"]: r["count"] for r in c["by_channel"]} == {"phone": 12, "im": 13}
    for row in c["by_grade"]:
        assert row["count"] == n("grade", row["key"])
    assert sum(r["count"] for r in c["by_grade"]) == c["total"]
    for row in c["by_unit"]:
        assert row["complaints"] == n("unit", row["unit_id"])
    assert c["repeat"] == n("repeat") and c["malicious"] == n("malicious")
    assert data["callbacks"]["due"] == n("callbacks_due")
    assert data["callbacks"]["completed"] == n("callbacks_completed")
    assert data["csi"]["answers"] == n("csi")
    for clock in ("first_response", "resolution"):
        assert data["sla"][clock]["total"] == n(clock)
        assert data["sla"][clock]["met"] == n(f"{clock}_met")


def test_statement_is_scoped_to_the_viewer(month_data, org, agent, manager):
    from testkit import make_user

    other = make_user("presale_sup", "supervisor", department=org.presale.department)
    mine = statement.monthly(manager, period=OCT)["complaints"]["total"]
    theirs = statement.monthly(other, period=OCT)["complaints"]["total"]
    if org.presale.department_id != org.aftersales1.department_id:
        assert theirs == 0
    assert mine == 25
    with pytest.raises(NotFound):  # another line is not found
        statement.monthly(manager, period=OCT, business_line=org.property.pk)


def test_rpt2_signing_freezes_figures_and_a_later_change_shows_as_a_difference(
    month_data, manager, agent, make_ticket
):
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, tzinfo=TZ), tick=False):
        with pytest.raises(Invalid):
            services.sign_statement(user=manager, period="2026-11", summary="未结束")
        with pytest.raises(Invalid):
            services.sign_statement(user=manager, period=OCT, summary="  ")
        with pytest.raises(PermissionDenied):
            services.sign_statement(user=agent, period=OCT, summary="小结")
        signed = services.sign_statement(user=manager, period=OCT, summary="十月投诉下降。")
        with pytest.raises(Conflict):
            services.sign_statement(user=manager, period=OCT, summary="再签")
    assert MonthlyStatement.objects.count() == 1
    assert signed.snapshot["figures"]["complaints.total"] == 25
    data = statement.monthly(manager, period=OCT)
    assert statement.changes_since_signed(signed, data) == []
    # a late change after the signature: 站点C's base is corrected
    services.set_unit_base(
        user=manager, unit_id=month_data["站点C"].pk, period=OCT, base=500, kind="orders"
    )
    after = statement.monthly(manager, period=OCT)
    changes = {k: (a, b) for k, a, b in statement.changes_since_signed(signed, after)}
    c = month_data["站点C"].pk
    assert changes[f"complaints.by_unit.{c}.base"] == (1000, 500)
    assert changes[f"complaints.by_unit.{c}.ratio_pct"] == (0.5, 1.0)
    signed.refresh_from_db()
    assert signed.snapshot["figures"][f"complaints.by_unit.{c}.base"] == 1000  # frozen
    words = statement.describe_changes(statement.changes_since_signed(signed, after), after)
    assert ("站点C · Base", "1000", "500") in words


def test_unit_base_refuses_bad_input_and_stale_writes(month_data, manager, agent):
    unit = month_data["站点A"]
    for bad in (-1, "abc", 10**9):
        with pytest.raises(Invalid):
            services.set_unit_base(user=manager, unit_id=unit.pk, period=OCT, base=bad)
    with pytest.raises(Invalid):
        services.set_unit_base(user=manager, unit_id=unit.pk, period="2026-13", base=1)
    with pytest.raises(PermissionDenied):
        services.set_unit_base(user=agent, unit_id=unit.pk, period=OCT, base=1)
    row = services.set_unit_base(user=manager, unit_id=unit.pk, period=OCT, base=4100)
    from kefu.core.errors import StaleWrite

    with pytest.raises(StaleWrite):
        services.set_unit_base(
            user=manager, unit_id=unit.pk, period=OCT, base=1, expected_version=row.version - 1
        )
    assert statement.monthly(manager, period=OCT)["complaints"]["by_unit"][0]["base"] == 4100


def test_bases_import_all_or_nothing(month_data, manager):
    with pytest.raises(Invalid, match="Row 2"):
        services.import_bases(user=manager, text="站点A,2026-11,100\n没有的单位,2026-11,5\n")
    from kefu.reports.models import UnitBase

    assert not UnitBase.objects.filter(month=dt.date(2026, 11, 1)).exists()
    assert services.import_bases(user=manager, text="unit,month,base\n站点A,2026-11,100\n") == 1


def test_cli_monthly_json_and_exit_code_2(month_data, capsys, tmp_path):
    from kefu.cli import main

    assert main(["reports", "monthly", "--period", OCT, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"period", "complaints", "callbacks", "csi", "sla", "penalties_total_yuan"}
    assert set(data["complaints"]) >= {"total", "by_type", "by_unit", "repeat", "malicious"}
    assert set(data["complaints"]["by_unit"][0]) >= {"unit", "complaints", "base", "ratio", "rank"}
    assert set(data["callbacks"]) == {"due", "completed", "rate"}
    assert set(data["csi"]) >= {"value", "target", "met"}
    assert set(data["sla"]) >= {"first_response_met", "resolution_met"}
    assert data["complaints"]["total"] == 26  # every line: the command sees everything
    assert main(["reports", "monthly", "--period", "2026-1", "--json"]) == 2
    assert "month" in capsys.readouterr().err
    assert main(["reports", "monthly", "--period", OCT, "--business-line", "99999"]) == 2
    xlsx, pdf = tmp_path / "m.xlsx", tmp_path / "m.pdf"
    line = month_data["站点A"].business_line_id
    args = ["reports", "monthly", "--period", OCT, "--business-line", str(line)]
    assert main([*args, "--xlsx", str(xlsx), "--pdf", str(pdf)]) == 0
    assert xlsx.read_bytes()[:2] == b"PK" and pdf.read_bytes()[:5] == b"%PDF-"
    capsys.readouterr()
    assert (
        main(["reports", "targets", "--period", OCT, "--business-line", str(line), "--json"]) == 0
    )
    targets = {t["metric"]: t for t in json.loads(capsys.readouterr().out)["targets"]}
    assert targets["callback_rate"]["target"] == 100.0  # FU-5: every complaint called back
    assert targets["callback_rate"]["actual"] is None and targets["callback_rate"]["met"] is None
    assert targets["csi"]["actual"] is None  # no survey answers: no figure, not "missed"
    assert main(["reports", "targets", "--period", "13-2026"]) == 2


def test_statement_pages_drill_sign_and_export(month_data, manager, agent, client):
    client.force_login(manager)
    page = client.get("/reports/monthly/", {"period": OCT})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="unit-ranking"' in html and "No base" in html and "0.30 %" in html
    drill = client.get(
        "/reports/monthly/drill/",
        {"period": OCT, "figure": "unit", "key": month_data["站点B"].pk},
    )
    assert drill.status_code == 200 and drill.context["total"] == 6
    assert html.count("/reports/monthly/drill/") >= 10  # every figure links to its rows
    assert client.get("/reports/monthly/drill/", {"period": OCT, "figure": "x"}).status_code == 400
    assert client.get("/reports/monthly/", {"period": "2026-99"}).status_code == 400
    xlsx = client.get("/reports/monthly/statement.xlsx", {"period": OCT})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=TZ), tick=False):
        client.post("/reports/monthly/sign/", {"period": OCT, "summary": "十月小结"})
    assert MonthlyStatement.objects.get().summary == "十月小结"
    pdf = client.get("/reports/monthly/statement.pdf", {"period": OCT})
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert b"WenQuanYi" in pdf.content or b"wqy" in pdf.content.lower()  # the font is embedded
    client.force_login(agent)  # an agent sees the statement of his scope but cannot sign
    assert client.get("/reports/monthly/", {"period": OCT}).context["can_sign"] is False


def test_api_statement_drill_base_and_sign(month_data, manager, agent, api_as):
    api = api_as(manager)
    r = api.get("/api/v1/reports/monthly", {"period": OCT})
    assert r.status_code == 200
    data = r.json()
    assert data["complaints"]["total"] == 25 and data["signed"] is None
    unit_b = month_data["站点B"].pk
    drill = api.get(
        "/api/v1/reports/monthly/drill", {"period": OCT, "figure": "unit", "key": unit_b}
    )
    assert drill.json()["count"] == 6 == len(drill.json()["ids"])
    assert api.get("/api/v1/reports/monthly", {"period": "oct"}).status_code == 400
    put = api.client.put(
        "/api/v1/reports/bases",
        {"unit": unit_b, "period": OCT, "base": 3000, "version": 1},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["version"] == 2
    stale = api.client.put(
        "/api/v1/reports/bases",
        {"unit": unit_b, "period": OCT, "base": 1, "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert (
        api_as(agent)
        .post("/api/v1/reports/monthly/sign", {"period": OCT, "summary": "x"})
        .status_code
        == 403
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=TZ), tick=False):
        signed = api.post("/api/v1/reports/monthly/sign", {"period": OCT, "summary": "小结"})
        assert signed.status_code == 201
        again = api.post("/api/v1/reports/monthly/sign", {"period": OCT, "summary": "小结"})
        assert again.status_code == 409


def test_the_statement_xlsx_writes_a_units_formula_name_as_text(month_data, manager, client):
    import io

    from openpyxl import load_workbook

    hostile = '=HYPERLINK("http://evil.example","点我")'
    unit = month_data["站点A"]
    unit.name = hostile
    unit.save(update_fields=["name"])
    client.force_login(manager)
    xlsx = client.get("/reports/monthly/statement.xlsx", {"period": OCT})
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + hostile in texts and hostile not in texts


def test_the_statement_carries_the_signed_penalty_summary_rpt1(month_data, org, manager):
    from kefu.quality.models import PenaltyRow, PenaltySummary

    # a draft is no figure yet
    summary = PenaltySummary.objects.create(business_line=org.shop, period=dt.date(2026, 10, 1))
    PenaltyRow.objects.create(summary=summary, unit="站点A", amount_yuan=200, repeat=1)
    PenaltyRow.objects.create(summary=summary, unit="站点B", amount_yuan=500, applied=False)
    assert statement.monthly(manager, period=OCT)["penalties_total_yuan"] is None

    # signed by company leadership: the applied penalties (a stability-period row is not)
    summary.status = "signed"
    summary.save(update_fields=["status"])
    assert statement.monthly(manager, period=OCT)["penalties_total_yuan"] == 200.0
