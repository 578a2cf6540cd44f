"""The 96860 platform complaint feed (CMP-6, issue 17 §4): read daily from the platform's file
(CSV in GBK or UTF-8, or .xlsx) or received one by one through the signed webhook; once per
platform complaint id; each opens a complaint ticket in the responsible station's team and
notifies that station head (the team lead) at once."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from kefu.accounts.services import user_create
from kefu.channels.messaging.models import PlatformComplaint
from kefu.cli import main
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import Notification

from .test_inbound import post

pytestmark = pytest.mark.django_db


HEADER = "投诉编号,投诉时间,投诉人,联系电话,地址,责任站点,投诉内容\n"
ROWS = (
    "96860-20261206-001,2026-12-06 08:15,王大爷,13800138001,幸福里3号楼,售后一组,"
    "今天的报纸又没送到，连续三天了\n"
    "96860-20261206-002,2026-12-06 09:40,李阿姨,13800138002,,售后二组,投递员态度差\n"
)


@pytest.fixture
def heads(org):
    """The station heads: the leads of 售后一组 and 售后二组."""
    return (
        user_create(username="head1", password=None, role="lead", team=org.aftersales1),
        user_create(username="head2", password=None, role="lead", team=org.aftersales2),
    )


def _write(tmp_path, text: str, encoding: str = "gb18030"):
    path = tmp_path / "96860-20261206.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_cmp6_a_gbk_file_opens_complaints_in_the_station_and_notifies_its_head_once(
    org, heads, tmp_path, capsys
):
    path = _write(tmp_path, HEADER + ROWS)
    assert main(["channels", "import-feed", str(path), "--line", "shop", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"rows": 2, "created": 2, "duplicates": 0, "errors": []}

    first = PlatformComplaint.objects.get(complaint_id="96860-20261206-001")
    ticket = first.ticket
    assert (ticket.type, ticket.team_id, ticket.customer.phone) == (
        "complaint",
        org.aftersales1.pk,
        "13800138001",
    )
    assert ticket.title.startswith("【96860】今天的报纸又没送到")
    assert "幸福里3号楼" in ticket.description
    note = Notification.objects.get(user=heads[0])
    assert note.ticket_id == ticket.pk and ticket.number in note.text
    assert Notification.objects.filter(user=heads[1]).count() == 1  # the other station's head

    # the next day's file repeats yesterday's complaints: nothing twice
    assert main(["channels", "import-feed", str(path), "--line", "shop", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["duplicates"]) == (0, 2)
    assert Ticket.objects.filter(type="complaint").count() == 2
    assert Notification.objects.count() == 2


def test_cmp6_an_xlsx_file_with_a_bad_row_imports_the_others_and_names_the_row(
    org, heads, tmp_path, capsys
):
    book = Workbook()
    sheet = book.active
    sheet.append(["complaint_id", "phone", "station", "text"])
    sheet.append(["X-1", "13800138003", "售后一组", "报纸被雨淋湿"])
    sheet.append(["X-2", "13800138004", "不存在的站", "漏送"])
    sheet.append(["X-3", "", "", "没有电话"])
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "feed.xlsx"
    path.write_bytes(data.getvalue())

    assert main(["channels", "import-feed", str(path), "--line", "shop", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["rows"], out["created"]) == (3, 1)
    assert [e["row"] for e in out["errors"]] == [3, 4]
    assert "不存在的站" in out["errors"][0]["message"]
    assert PlatformComplaint.objects.count() == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--line", "nope"], "no business line"),
        (["--line", "shop", "--source", "12315"], "unknown source"),
    ],
)
def test_cmp6_bad_input_is_stderr_and_exit_2(org, tmp_path, capsys, argv, message):
    path = _write(tmp_path, HEADER + ROWS)
    assert main(["channels", "import-feed", str(path), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not PlatformComplaint.objects.exists()


def test_cmp6_a_file_without_the_columns_is_exit_2(org, tmp_path, capsys):
    path = _write(tmp_path, "编号,内容\n1,报纸没送\n", "utf-8")
    assert main(["channels", "import-feed", str(path), "--line", "shop"]) == 2
    assert "phone" in capsys.readouterr().err
    missing = tmp_path / "none.csv"
    assert main(["channels", "import-feed", str(missing), "--line", "shop"]) == 2


def test_cmp6_the_signed_webhook_takes_the_same_complaint_once(org, heads):
    body = {
        "source": "96860",
        "business_line": "shop",
        "id": "96860-W-9",
        "phone": "13800138009",
        "name": "赵先生",
        "station": "售后二组",
        "at": "2026-12-06 10:05",
        "text": "订的报纸送错了地址",
    }
    first = post("feed", body)
    assert first.status_code == 201, first.content
    ticket = Ticket.objects.get(pk=first.json()["ticket"])
    assert ticket.type == "complaint" and ticket.team_id == org.aftersales2.pk
    assert Notification.objects.get(user=heads[1]).ticket_id == ticket.pk
    again = post("feed", body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert PlatformComplaint.objects.get().via == "webhook"
    assert post("feed", body, secret="wrong").status_code == 401
    bad = post("feed", {**body, "id": "96860-W-10", "phone": ""})
    assert bad.status_code == 400 and "phone" in bad.json()["error"]["fields"]
    unknown = post("feed", {**body, "id": "96860-W-11", "source": "12315"})
    assert unknown.status_code == 400
    assert PlatformComplaint.objects.count() == 1


def test_cmp6_a_supervisor_imports_the_file_on_the_page_an_agent_only_reads(
    org, heads, supervisor, agent, web_as
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = web_as(supervisor)
    upload = SimpleUploadedFile("96860.csv", (HEADER + ROWS).encode("gb18030"))
    response = client.post("/messaging/complaint-feed/", {"file": upload}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 rows read: 2 new complaints, 0 already received, 0 refused." in page
    assert "96860-20261206-001" in page and "售后一组" in page
    bad = client.post(
        "/messaging/complaint-feed/",
        {"file": SimpleUploadedFile("x.csv", "编号,内容\n1,漏送\n".encode())},
    )
    assert bad.status_code == 400 and "lacks the columns" in bad.content.decode()

    reader = web_as(agent)
    assert "96860-20261206-002" in reader.get("/messaging/complaint-feed/").content.decode()
    again = SimpleUploadedFile("96860.csv", (HEADER + ROWS).encode("gb18030"))
    assert reader.post("/messaging/complaint-feed/", {"file": again}).status_code == 403
    assert PlatformComplaint.objects.count() == 2


def test_cmp6_hotline_and_visit_complaints_go_to_the_responsible_department(
    org, supervisor, agent, tmp_path, capsys, web_as
):
    """A 12345 hotline sheet names the responsible department, not a station: the ticket goes
    to the department's first team and its supervisor is notified; the visit log likewise."""
    department = org.aftersales1.department
    path = tmp_path / "12345-20261206.csv"
    path.write_bytes(
        (
            "工单编号,投诉时间,投诉人,联系电话,责任部门,投诉内容\n"
            f"12345-A1,2026-12-06 08:15,周女士,13800138011,{department.name},退款半个月没到账\n"
            "12345-A2,2026-12-06 08:20,吴先生,13800138012,不存在的部门,漏送\n"
        ).encode("gb18030")
    )
    argv = ["channels", "import-feed", str(path), "--line", "shop", "--source", "12345"]
    assert main([*argv, "--json"]) == 1  # one row refused
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 1 and "不存在的部门" in out["errors"][0]["message"]
    hotline = PlatformComplaint.objects.get(complaint_id="12345-A1")
    first_team = department.teams.filter(is_active=True).order_by("id").first()
    assert (hotline.source, hotline.department_id, hotline.station_id) == (
        "12345",
        department.pk,
        first_team.pk,
    )
    assert hotline.ticket.title.startswith("【12345】退款半个月没到账")
    assert "12345热线投诉 12345-A1" in hotline.ticket.description
    assert hotline.notified == [supervisor.pk]
    note = Notification.objects.get(user=supervisor)
    assert note.ticket_id == hotline.ticket_id and "12345热线" in note.text

    # the same id from another source is another complaint; the visit log's tag is 来访
    visit = tmp_path / "visit.csv"
    visit.write_text("id,phone,department,text\n12345-A1,13800138013,,当面投诉物业费\n")
    assert main(["channels", "import-feed", str(visit), "--line", "shop", "--source", "visit"]) == 0
    came = PlatformComplaint.objects.get(source="visit")
    assert came.ticket.title.startswith("【来访】当面投诉物业费")

    # the page lists each source by its name and filters by it; an unknown source is 400
    client = web_as(agent)
    page = client.get("/messaging/complaint-feed/", {"source": "12345"}).content.decode()
    assert "12345-A1" in page and "当面投诉物业费" not in page and "12345 hotline" in page
    assert department.name in page
    assert client.get("/messaging/complaint-feed/", {"source": "12315"}).status_code == 400


def test_cmp6_the_webhook_takes_every_source_and_refuses_an_unknown_department(org, supervisor):
    body = {
        "source": "visit",
        "business_line": "shop",
        "id": "LF-1",
        "phone": "13800138021",
        "department": org.presale.department.name,
        "text": "前台态度差",
    }
    first = post("feed", body)
    assert first.status_code == 201, first.content
    assert PlatformComplaint.objects.get().department_id == org.presale.department_id
    bad = post("feed", {**body, "id": "LF-2", "department": "没有这个部门"})
    assert bad.status_code == 400 and "department" in bad.json()["error"]["fields"]
    assert PlatformComplaint.objects.count() == 1
