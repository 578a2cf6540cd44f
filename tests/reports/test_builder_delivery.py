"""The report builder's pages, saved reports, e-mail delivery and API (issue 22 §6): a cell's
figure equals its drill-down's count on the page, bad parameters are a 400 with a clear
message, saved reports are shared within the owner's line and changed only by the owner or a
supervisor (audited), a subscription sends once per period with the .xlsx attached, the CSI of
a cell is recomputed from its survey answers."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.core import mail
from openpyxl import load_workbook

from kefu.core.audit import AuditEvent
from kefu.core.errors import Invalid, PermissionDenied
from kefu.reports import builder, builder_services
from kefu.reports import builder_defs as defs
from kefu.reports.builder_models import ReportDelivery, SavedReport
from kefu.tickets.services import ticket_reply

TZ = dt.timezone(dt.timedelta(hours=8))
URL = "/reports/builder/"


@pytest.fixture(autouse=True)
def _builtins(db):
    """The built-in reports as migration 0005 leaves them (a flush by an earlier test module
    of the same worker removes rows that migrations seeded)."""
    builder_services.ensure_builtins()


@pytest.fixture
def week(org, agent, agent_b, agent2, make_ticket):
    """Week of 2026-11-23: 售后一组 four tickets (three complaints), 售前组 two consults."""
    for i, (owner, kind) in enumerate(
        [(agent, "complaint"), (agent, "complaint"), (agent_b, "complaint"), (agent_b, "consult")]
    ):
        with time_machine.travel(dt.datetime(2026, 11, 24, 9 + i, tzinfo=TZ), tick=False):
            t = make_ticket(owner, type=kind)
        with time_machine.travel(dt.datetime(2026, 11, 24, 12 + i, tzinfo=TZ), tick=False):
            ticket_reply(actor=owner, ticket=t, body="您好")
    for i in range(2):
        with time_machine.travel(dt.datetime(2026, 11, 25, 9 + i, tzinfo=TZ), tick=False):
            make_ticket(agent2, type="consult")


def _q(**more):
    params = {"dim": ["team"], "m": ["count", "frt_median"], "from": "2026-11-23"}
    params |= {"to": "2026-11-29"}
    return params | more


def test_page_cells_link_to_exactly_their_rows(week, manager, client):
    client.force_login(manager)
    body = client.get(URL, _q()).content.decode()
    assert 'id="builder-table"' in body and "售后一组" in body
    links = re.findall(r'href="(/reports/builder/drill/\?[^"]+)" class="builder-cell">(\d+)<', body)
    assert links
    for link, figure in links:
        if "measure=count" not in link:
            continue
        drill = client.get(link.replace("&amp;", "&")).content.decode()
        assert f'data-count="{figure}"' in drill
    total = re.search(r'href="([^"]+)" class="builder-total">(\d+)<', body)
    assert total.group(2) == "6"


@pytest.mark.parametrize(
    ("params", "words"),
    [
        (_q(dim=["colour"]), ("Unknown dimension: colour", "未知的维度")),
        (_q(m=["mood"]), ("Unknown measure: mood", "未知的指标")),
        (_q(**{"from": "2026-02-30"}), ("Enter a date such as 2026-11-30.", "请输入日期")),
    ],
)
def test_bad_parameters_are_a_400_with_a_clear_message(week, manager, client, params, words):
    client.force_login(manager)
    en = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 400
    assert words[0] in en.content.decode()
    zh = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 400 and words[1] in zh.content.decode()
    bad_drill = client.get(
        "/reports/builder/drill/", {**_q(), "cell.team": "x", "measure": "count"}
    )
    assert bad_drill.status_code == 400
    assert client.get("/reports/builder/report.xlsx", params).status_code == 400


def test_saved_reports_shared_in_the_line_changed_by_owner_or_supervisor(
    week, org, agent, agent2, supervisor, wy_agent
):
    d = defs.validate({"dimensions": ["agent"], "measures": ["count"], "filters": {"days": 7}})
    private = builder_services.report_create(user=agent, name="我的", definition=d)
    shared = builder_services.report_create(
        user=agent, name="团队周报", definition=d, visibility="shared"
    )
    seen = set(builder_services.reports_for(agent2).values_list("name", flat=True))
    assert "团队周报" in seen and "我的" not in seen
    assert "团队周报" not in set(
        builder_services.reports_for(wy_agent).values_list("name", flat=True)
    )
    assert builder_services.reports_for(agent2).filter(builtin="employee").exists()
    with pytest.raises(PermissionDenied):
        builder_services.report_delete(user=agent2, report=shared)
    with pytest.raises(Invalid):
        builder_services.report_update(
            user=agent, report=private, version=1, name="", definition=d, visibility="private"
        )
    with pytest.raises(Invalid):
        builder_services.report_create(
            user=agent, name="x", definition={"dimensions": ["x"], "measures": ["count"]}
        )
    builder_services.report_update(
        user=agent, report=private, version=1, name="我的周报", definition=d, visibility="private"
    )
    from kefu.core.errors import StaleWrite

    with pytest.raises(StaleWrite):
        builder_services.report_update(
            user=agent, report=private, version=1, name="旧", definition=d, visibility="private"
        )
    builder_services.report_delete(user=supervisor, report=shared)
    assert not SavedReport.objects.filter(pk=shared.pk).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="reports.report_").values_list(
            "action", flat=True
        )
    )
    assert actions.count("reports.report_saved") == 2
    assert "reports.report_changed" in actions and "reports.report_deleted" in actions


def test_saved_list_pages_and_xlsx_export(week, manager, client):
    client.force_login(manager)
    body = client.get("/reports/builder/saved/").content.decode()
    assert "Employee analysis" in body  # the built-in analyses of RPT-11
    r = client.post("/reports/builder/save/", {**_q(), "name": "客服周报", "visibility": "shared"})
    report = SavedReport.objects.get(name="客服周报")
    assert r.status_code == 302 and f"report={report.pk}" in r["Location"]
    page = client.get(URL, {"report": report.pk}).content.decode()
    assert "客服周报" in page and 'id="builder-update"' in page
    xlsx = client.get("/reports/builder/report.xlsx", {"report": report.pk})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "客服周报"
    assert list(rows[2][:3]) == ["Team", "Tickets", "First response, median (h)"]
    assert rows[-1][0] == "Total" and rows[-1][1] == 6
    assert client.get("/reports/builder/deliveries/").status_code == 200


def test_a_subscription_sends_once_per_period_with_the_xlsx(week, org, agent, agent2, manager):
    d = defs.validate({"dimensions": ["team"], "measures": ["count"], "filters": {"days": 7}})
    report = builder_services.report_create(
        user=manager, name="周报", definition=d, visibility="shared"
    )
    agent.email = "agent@example.com"
    agent.save(update_fields=["email"])
    agent2.email = "agent2@example.com"
    agent2.save(update_fields=["email"])
    builder_services.subscribe(user=agent, report=report, recipient=agent.pk, frequency="weekly")
    with pytest.raises(Invalid):  # another team's agent is out of an agent's scope
        builder_services.subscribe(
            user=agent, report=report, recipient=agent2.pk, frequency="weekly"
        )
    builder_services.subscribe(
        user=manager, report=report, recipient=agent2.pk, frequency="monthly"
    )
    monday = dt.datetime(2026, 11, 30, 8, tzinfo=TZ)
    assert builder_services.send_due(at=monday) == {"sent": 2, "skipped": 0}
    assert builder_services.send_due(at=monday + dt.timedelta(hours=1)) == {"sent": 0, "skipped": 2}
    assert len(mail.outbox) == 2
    weekly = next(m for m in mail.outbox if m.to == ["agent@example.com"])
    name, content, mimetype = weekly.attachments[0]
    assert name == "report-20261123-20261129.xlsx" and "spreadsheetml" in mimetype
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    # the agent's own scope: his team only, four tickets that week
    assert [r[:2] for r in rows[3:]] == [("售后一组", 4), ("Total", 4)]
    monthly = next(m for m in mail.outbox if m.to == ["agent2@example.com"])
    assert "2026-10-01" in monthly.subject
    deliveries = ReportDelivery.objects.order_by("period_start")
    assert [(x.period_start.isoformat(), x.status) for x in deliveries] == [
        ("2026-10-01", "sent"),
        ("2026-11-23", "sent"),
    ]
    # a racing second worker finds the key taken and sends nothing
    sub = deliveries[1].subscription
    assert builder_services._claim(sub, dt.date(2026, 11, 23), dt.date(2026, 11, 29)) is None
    # a week later: the next week, and (December has begun) November
    assert builder_services.send_due(at=monday + dt.timedelta(days=7)) == {"sent": 2, "skipped": 0}
    assert ReportDelivery.objects.filter(period_start__in=["2026-11-30", "2026-11-01"]).count() == 2


def test_a_send_left_sending_by_a_dead_worker_is_taken_over_after_the_lease(
    week, org, agent, manager
):
    d = defs.validate({"dimensions": ["team"], "measures": ["count"], "filters": {"days": 7}})
    report = builder_services.report_create(
        user=manager, name="周报", definition=d, visibility="shared"
    )
    agent.email = "agent@example.com"
    agent.save(update_fields=["email"])
    sub = builder_services.subscribe(
        user=manager, report=report, recipient=agent.pk, frequency="weekly"
    )
    monday = dt.datetime(2026, 11, 30, 8, tzinfo=TZ)
    # a worker claimed the week, then died before sending: the row stays "sending"
    row = builder_services._claim(sub, dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    ReportDelivery.objects.filter(pk=row.pk).update(updated_at=monday - dt.timedelta(minutes=10))
    assert builder_services.send_due(at=monday) == {"sent": 0, "skipped": 1}
    ReportDelivery.objects.filter(pk=row.pk).update(updated_at=monday - dt.timedelta(minutes=31))
    assert builder_services.send_due(at=monday) == {"sent": 1, "skipped": 0}
    assert ReportDelivery.objects.get().status == "sent" and len(mail.outbox) == 1


def test_cli_send_due_json_and_bad_input(week, manager, capsys):
    from kefu.cli import main

    d = defs.validate({"dimensions": ["team"], "measures": ["count"], "filters": {}})
    report = builder_services.report_create(user=manager, name="月报", definition=d)
    manager.email = "m@example.com"
    manager.save(update_fields=["email"])
    builder_services.subscribe(
        user=manager, report=report, recipient=manager.pk, frequency="monthly"
    )
    assert main(["reports", "send-due", "--at", "2026-12-01T08:00:00+08:00", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": 1, "skipped": 0}
    assert main(["reports", "send-due", "--at", "2026-12-02", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": 0, "skipped": 1}
    assert main(["reports", "send-due", "--at", "yesterday"]) == 2
    assert "ISO" in capsys.readouterr().err


def test_api_runs_a_saved_report_within_scope(week, agent, api_as):
    report = SavedReport.objects.get(builtin="employee")
    api = api_as(agent)
    listed = api.get("/api/v1/reports/builder/reports").json()
    assert report.pk in [r["id"] for r in listed]
    run = api.get(
        f"/api/v1/reports/builder/reports/{report.pk}/run",
        {"date_from": "2026-11-23", "date_to": "2026-11-29"},
    )
    assert run.status_code == 200
    data = run.json()
    assert data["total"]["count"] == 4  # his team's tickets only
    assert sum(r["values"]["count"] for r in data["rows"]) == 4
    bad = api.get(f"/api/v1/reports/builder/reports/{report.pk}/run", {"date_from": "2026-11-31"})
    assert bad.status_code == 400
    assert api.get("/api/v1/reports/builder/reports/999999/run").status_code == 404


def test_csi_and_satisfied_rate_per_agent_from_the_answers(
    org, agent, agent_b, manager, admin_user, make_ticket
):
    from kefu.surveys import services as surveys
    from kefu.tickets.services import ticket_update

    q = surveys.questionnaire_create(
        actor=admin_user,
        business_line=org.shop,
        name="回访",
        status="active",
        after_close=True,
        questions=[{"kind": "scale5", "text": "满意吗？", "dimension": "服务"}],
    )
    question = q.questions.get()
    scores = {agent: [5, 3], agent_b: [4]}
    for owner, marks in scores.items():
        for score in marks:
            with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=TZ), tick=False):
                t = make_ticket(owner, type="consult")
                for status in ("resolved", "closed"):
                    t.refresh_from_db()
                    t = ticket_update(
                        actor=owner, ticket=t, version=t.version, changes={"status": status}
                    )
                invitation = surveys.invite_after_close(t)
                surveys.response_submit(
                    invitation=invitation, answers={f"q{question.pk}": score}, channel="web"
                )
    d = defs.validate(
        {
            "dimensions": ["agent"],
            "measures": ["count", "csi", "satisfied"],
            "filters": {"from": "2026-11-23", "to": "2026-11-29"},
        }
    )
    result = builder.run(manager, d, today=dt.date(2026, 11, 30))
    cells = {r["keys"]["agent"]: r["values"] for r in result.rows}
    assert cells[str(agent.pk)]["csi"] == 80.0  # (5 + 3) ÷ (2 × 5)
    assert cells[str(agent.pk)]["satisfied"] == 50.0  # one of two in the top two points
    assert cells[str(agent_b.pk)]["csi"] == 80.0 and cells[str(agent_b.pk)]["satisfied"] == 100.0
    assert result.total["csi"] == 80.0
    for r in result.rows:
        n = builder.drill(manager, d, r["keys"], "csi", today=dt.date(2026, 11, 30)).count()
        assert (
            n
            == r["values"]["n_csi"]
            == len(scores[agent if r["keys"]["agent"] == str(agent.pk) else agent_b])
        )


def test_demo_rows_give_each_supervisor_reports_subscriptions_and_past_deliveries(
    week, supervisor, manager
):
    from kefu.demo.report_builder_rows import PAST_MONTHS, PAST_WEEKS, build_report_builder_rows

    now = dt.datetime(2026, 12, 2, 9, tzinfo=TZ)
    first = build_report_builder_rows(now=now)
    assert first["reports"] == 4 and first["subscriptions"] == 4
    assert first["deliveries"] == 2 * (PAST_WEEKS + PAST_MONTHS)
    again = build_report_builder_rows(now=now)  # idempotent
    assert again == {"reports": 0, "subscriptions": 0, "deliveries": 0}
    last = ReportDelivery.objects.filter(subscription__recipient=supervisor).order_by(
        "-period_start"
    )[0]
    assert (last.period_start, last.period_end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    # the sweep then finds every past period sent and sends only what is due now: nothing
    assert builder_services.send_due(at=now)["sent"] == 0


def test_ids_beyond_bigint_are_not_found(week, manager, client, api_as):
    client.force_login(manager)
    huge = 2**70
    assert client.get(URL, {"report": huge}).status_code == 404
    assert client.post(f"/reports/builder/saved/{huge}/delete/").status_code == 404
    assert client.post(f"/reports/builder/subscriptions/{huge}/delete/").status_code == 302
    assert api_as(manager).get(f"/api/v1/reports/builder/reports/{huge}/run").status_code == 404
