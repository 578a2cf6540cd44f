"""Bad input beyond the fuzzer: hostile, oversized, malformed and wrongly encoded content.

Each is rejected with a clear message and changes nothing, or is neutralised (escaped on pages,
quoted in spreadsheets).
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kefu.customers.services import customer_create
from kefu.followups.services.registers import call_record_create, letter_record_create
from kefu.tickets.models import Ticket

SCRIPT = '<script>alert("x")</script><img src=x onerror="alert(1)">'
FORMULAS = ['=HYPERLINK("http://evil","点我")', "+1+2", "-2+3", "@SUM(A1)"]


def _intake(web, **fields):
    data = {"type": "complaint", "channel": "phone", "priority": "normal", **fields}
    return web.post(reverse("tickets:intake"), data)


def test_script_in_ticket_text_is_shown_as_text(populated, agent, web_as):
    web = web_as(agent)
    response = _intake(
        web,
        customer=populated.customers[0].pk,
        title=f"投诉{SCRIPT}",
        description=f"描述{SCRIPT}",
    )
    assert response.status_code in (200, 302), response.content[:500]
    ticket = Ticket.objects.get(title__startswith="投诉")

    page = web.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page
    assert 'onerror="alert(1)"' not in page


def test_script_in_a_reply_and_a_customer_name_is_shown_as_text(populated, agent, web_as, api_as):
    ticket = populated.tickets[0]
    api = api_as(agent)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": SCRIPT}).status_code == 201
    customer = customer_create(
        actor=agent, business_line=agent.business_line, name=SCRIPT[:90], phone="13700003333"
    )
    web = web_as(agent)

    pages = [
        web.get(reverse("tickets:detail", args=[ticket.pk])).content.decode(),
        web.get(reverse("customers:detail", args=[customer.pk])).content.decode(),
        web.get(reverse("customers:list")).content.decode(),
    ]

    for page in pages:
        assert "<script>alert(" not in page
        assert "<img src=x" not in page


def test_a_10_mb_title_is_refused_and_records_nothing(populated, agent, web_as, api_as, row_counts):
    huge = "长" * (10 * 1024 * 1024 // 3)  # 10 MB of UTF-8
    web, client = web_as(agent), api_as(agent)
    before = row_counts()

    page = _intake(web, customer=populated.customers[0].pk, title=huge)
    body = {"title": huge, "type": "consult", "channel": "phone"}
    body["customer"] = populated.customers[0].pk
    api = client.client.post(
        "/api/v1/tickets",
        json.dumps(body, ensure_ascii=False).encode(),  # raw UTF-8: 10 MB
        content_type="application/json",
    )

    assert page.status_code == 400
    assert "at most 200 characters" in page.content.decode()
    assert api.status_code == 422
    assert api.json()["error"]["fields"]["title"] == "String should have at most 200 characters"
    assert row_counts() == before


def test_a_body_beyond_the_upload_limit_is_a_400_not_a_500(
    populated, agent, api_as, settings, row_counts
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = {"body": "x" * (2 * 1024 * 1024)}
    client = api_as(agent)
    before = row_counts()

    response = client.post(f"/api/v1/tickets/{populated.tickets[0].pk}/notes", body)

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "The request is too large.",
        "fields": {},
    }
    assert row_counts() == before


def test_nul_bytes_never_reach_the_database(populated, agent, web_as, api_as, row_counts):
    api, web = api_as(agent), web_as(agent)
    customer = populated.customers[0].pk
    before = row_counts()

    page = _intake(web, customer=customer, title="空\x00字符")
    assert page.status_code == 400
    assert "Null characters are not allowed." in page.content.decode()
    assert row_counts() == before

    created = api.post(
        "/api/v1/tickets",
        {
            "title": "标题\x00",
            "description": "内\x00容",
            "type": "consult",
            "channel": "phone",
            "customer": customer,
        },
    )
    note = api.post(f"/api/v1/customers/{customer}/notes", {"body": "备\x00注"})
    named = api.post("/api/v1/customers", {"name": "赵\x00六", "phone": "13511112222"})

    for response in (created, note, named):
        assert response.status_code in (201, 400, 422), response.content
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert "\x00" not in ticket.title + ticket.description
    assert "\x00" not in json.dumps(note.json()) and "\\u0000" not in json.dumps(note.json())
    if named.status_code == 201:
        assert "\x00" not in named.json()["name"]


def test_malformed_json_is_a_clear_4xx(populated, agent, api_as, row_counts):
    client = api_as(agent).client
    before = row_counts()

    broken = client.post("/api/v1/tickets", "{title: 1,", content_type="application/json")
    not_object = client.post("/api/v1/tickets", "[1, 2]", content_type="application/json")
    bad_utf8 = client.post("/api/v1/tickets", b"\xff\xfe{}", content_type="application/json")

    for response in (broken, not_object, bad_utf8):
        assert 400 <= response.status_code < 500
        assert response.json()["error"]["message"]
    assert row_counts() == before


# --- imports: the customer archive and the knowledge base take .xlsx only -------------------

GBK_CSV = "姓名,电话\n张三,13812345678\n".encode("gbk")
UPLOADS = {
    "a GBK .csv": ("customers.csv", GBK_CSV, "text/csv"),
    "a GBK .csv named .xlsx": ("customers.xlsx", GBK_CSV, "application/octet-stream"),
    "a PNG": ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
    "a zip that is no workbook": (
        "book.xlsx",
        b"PK\x05\x06" + b"\x00" * 18,
        "application/zip",
    ),
}


@pytest.mark.parametrize("kind", UPLOADS)
def test_a_customer_import_that_is_no_workbook_says_so_and_loads_nothing(
    kind, populated, supervisor, web_as, row_counts
):
    name, content, mime = UPLOADS[kind]
    web = web_as(supervisor)
    before = row_counts()

    response = web.post(
        reverse("customers:import"), {"file": SimpleUploadedFile(name, content, mime)}
    )

    assert response.status_code == 400
    assert "This is not an Excel workbook (.xlsx)." in response.content.decode()
    assert row_counts() == before


def test_an_empty_import_file_is_refused(populated, supervisor, web_as, row_counts):
    web = web_as(supervisor)
    before = row_counts()

    response = web.post(
        reverse("customers:import"), {"file": SimpleUploadedFile("empty.xlsx", b"", "text/csv")}
    )

    assert response.status_code == 400
    assert "The submitted file is empty." in response.content.decode()
    assert row_counts() == before


def test_a_knowledge_import_that_is_no_workbook_says_so(populated, supervisor, web_as, row_counts):
    web = web_as(supervisor)
    before = row_counts()

    response = web.post(
        reverse("knowledge:import"), {"file": SimpleUploadedFile("kb.csv", GBK_CSV, "text/csv")}
    )

    assert response.status_code == 400
    assert (
        "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
    )
    assert row_counts() == before


def test_a_gbk_csv_given_to_the_import_command_exits_2(tmp_path, populated, capsys, row_counts):
    from kefu.cli import main

    path = tmp_path / "customers.csv"
    path.write_bytes(GBK_CSV)
    before = row_counts()

    code = main(["customers", "import", str(path), "--business-line", "shop"])

    assert code == 2
    assert "This is not an Excel workbook (.xlsx)." in capsys.readouterr().err
    assert row_counts() == before


# --- exports: formula-looking text is quoted, never a formula -------------------------------


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_neutralised(content: bytes, needles: list[str]) -> None:
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for needle in needles:
        assert "'" + needle in texts, needle
        assert needle not in texts


def test_customer_export_quotes_formula_text(populated, manager, web_as):
    for i, formula in enumerate(FORMULAS):
        customer_create(
            actor=manager,
            business_line=manager.business_line,
            name=formula,
            phone=f"1370000{i:04d}",
            address=formula,
        )

    response = web_as(manager).get(reverse("customers:export"))

    assert response.status_code == 200
    _assert_neutralised(b"".join(response.streaming_content), FORMULAS)


def test_register_exports_quote_formula_text(populated, agent, web_as):
    customer = populated.customers[0]
    for formula in FORMULAS:
        call_record_create(
            actor=agent, customer=customer, direction="out", result="answered", notes=formula
        )
        letter_record_create(
            actor=agent,
            customer=customer,
            kind="notice",
            channel="post",
            subject=formula,
            notes=formula,
        )
    web = web_as(agent)

    calls = web.get(reverse("followups:export_calls"))
    letters = web.get(reverse("followups:export_letters"))

    assert calls.status_code == letters.status_code == 200
    _assert_neutralised(calls.content, FORMULAS)
    _assert_neutralised(letters.content, FORMULAS)
