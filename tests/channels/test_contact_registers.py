"""Every mail and every phone ticket lands in the contact registers (LOG-1, LOG-2, issue 17 §2):
a customer's mail that opens or joins a ticket and every mail Kefu sends (a reply, the web form's
notice) are letter register entries by e-mail; a ticket taken on the phone is an inbound call.
The registers page filters them, pages through them and exports what it shows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from kefu.channels import services
from kefu.customers.models import Customer
from kefu.followups.models import CallRecord, LetterRecord
from kefu.tickets import services as tickets
from kefu.tickets.models import Ticket

from .mailkit import CUSTOMER, eml

pytestmark = pytest.mark.django_db
REGISTERS = "/followups/registers/"


def test_log2_a_received_mail_and_the_reply_sent_are_both_in_the_letter_register(
    mailbox, agent, smtp_catcher, django_capture_on_commit_callbacks
):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket)
    (received,) = LetterRecord.objects.all()
    assert (received.direction, received.kind, received.channel) == ("in", "customer", "email")
    assert received.ticket_id == ticket.pk and received.customer_id == ticket.customer_id
    assert received.subject == "图书缺页（朱镕基传）" and received.agent is None

    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_reply(actor=agent, ticket=ticket, body="您好，已为您补发。")
    assert len(smtp_catcher) == 1
    sent = LetterRecord.objects.get(direction="out")
    assert (sent.kind, sent.channel, sent.agent_id, sent.ticket_id) == (
        "reply",
        "email",
        agent.pk,
        ticket.pk,
    )
    assert f"[#{ticket.number}]" in sent.subject
    # an auto-reply never becomes a contact
    services.ingest(eml("autoreply.eml"), mailbox=mailbox)
    assert LetterRecord.objects.count() == 2


def test_log2_a_reply_that_is_not_sent_is_not_registered(
    mailbox, agent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket)
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_reply(actor=agent, ticket=ticket, body="您好")
    assert not LetterRecord.objects.filter(direction="out").exists()


def test_log2_the_web_forms_notice_mail_is_a_registered_notice(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    form = {"type": "complaint", "name": "李小明", "phone": "13800138000", "email": CUSTOMER}
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/contact/shop/", {**form, "description": "收到的杯子碎了"})
    assert response.status_code == 302 and len(smtp_catcher) == 1
    (notice,) = LetterRecord.objects.all()
    assert (notice.direction, notice.kind, notice.channel) == ("out", "notice", "email")


def test_log1_a_ticket_taken_on_the_phone_is_an_inbound_call_once(
    org, agent, django_capture_on_commit_callbacks
):
    customer = Customer.objects.create(business_line=org.shop, name="王芳", phone="13900139000")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = tickets.ticket_create(
            actor=agent, title="投诉快递破损", type="complaint", channel="phone", customer=customer
        )
        tickets.ticket_create(
            actor=agent, title="网上咨询", type="consult", channel="im", customer=customer
        )
    (call,) = CallRecord.objects.all()
    assert (call.direction, call.result, call.ticket_id, call.customer_id, call.agent_id) == (
        "in",
        "answered",
        ticket.pk,
        customer.pk,
        agent.pk,
    )
    assert call.started_at == ticket.created_at and call.notes == "投诉快递破损"


def _letters(team, n: int, customer) -> None:
    for i in range(n):
        LetterRecord.objects.create(
            business_line=team.business_line,
            department=team.department,
            team=team,
            direction="in" if i % 2 else "out",
            kind="customer" if i % 2 else "notice",
            channel="email",
            sent_on="2026-11-20",
            subject=f"来信{i:03d}",
            customer=customer,
        )


def test_the_letter_register_filters_pages_and_exports_what_it_shows(org, supervisor, web_as):
    customer = Customer.objects.create(business_line=org.shop, name="赵敏", phone="13700137000")
    _letters(org.aftersales1, 130, customer)
    client = web_as(supervisor)

    page = client.get(REGISTERS, {"letter_direction": "in"}).content.decode()
    assert "来信129" in page and "来信001" not in page and "来信128" not in page
    assert "Page 1 of 2 (65 rows)" in page
    second = client.get(REGISTERS, {"letter_direction": "in", "letters_page": 2}).content.decode()
    assert "Page 2 of 2 (65 rows)" in second and "来信001" in second  # oldest ids last

    xlsx = client.get("/followups/registers/letters.xlsx", {"kind": "notice"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))  # after the title and headers
    assert len(rows) == 65 and {(r[1], r[2]) for r in rows} == {("Sent letter", "Notice")}

    bad = client.get(REGISTERS, {"kind": "telegram"})
    assert bad.status_code == 400
    assert client.get("/followups/registers/calls.xlsx", {"result": "x"}).status_code == 400


def _register_rows(org):
    """Three customers' calls and letters in two teams of the shop, on two days."""
    wang = Customer.objects.create(business_line=org.shop, name="王芳", phone="13900139000")
    li = Customer.objects.create(business_line=org.shop, name="李雷", phone="13611112222")
    for team, customer, day, note in (
        (org.aftersales1, wang, "2026-11-20", "快递破损"),
        (org.aftersales2, li, "2026-11-21", "发票抬头"),
    ):
        common = {
            "business_line": org.shop,
            "department": team.department,
            "team": team,
            "customer": customer,
        }
        CallRecord.objects.create(
            **common,
            direction="in",
            result="answered",
            started_at=f"{day}T10:00:00+08:00",
            notes=note,
        )
        LetterRecord.objects.create(
            **common,
            direction="out",
            kind="reply",
            channel="email",
            sent_on=day,
            subject=f"关于{note}",
            tracking_number="SF" + day[-2:],
        )


def test_the_registers_api_takes_the_pages_filters_team_and_search(org, manager, api_as):
    _register_rows(org)
    api = api_as(manager)
    url = "/api/v1/followups"

    def names(path, **params):
        response = api.get(f"{url}/{path}", params)
        assert response.status_code == 200, response.content
        return [row["customer_name"] for row in response.json()["items"]]

    assert names("calls") == ["李雷", "王芳"]
    assert names("calls", team=org.aftersales1.pk) == ["王芳"]
    assert names("calls", q="破损") == ["王芳"]  # the notes
    assert names("calls", q="1361111") == ["李雷"]  # digits of the phone
    assert names("calls", q="李雷 发票") == ["李雷"] and names("calls", q="李雷 破损") == []
    assert names("calls", direction="out") == [] and names("calls", result="answered") != []
    assert names("calls", **{"from": "2026-11-21"}) == ["李雷"]

    assert names("letters", team=org.aftersales2.pk) == ["李雷"]
    assert names("letters", q="SF20") == ["王芳"]  # the tracking number
    assert names("letters", direction="in") == [] and names("letters", kind="notice") == []
    assert names("letters", channel="email", q="关于") == ["李雷", "王芳"]
    (letter,) = api.get(f"{url}/letters", {"q": "王芳"}).json()["items"]
    assert (letter["direction"], letter["team"]) == ("out", org.aftersales1.pk)
    assert letter["direction_label"] == "Sent letter"

    xlsx = api.get(f"{url}/letters.xlsx", {"team": org.aftersales2.pk})
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=3))
    assert len(rows) == 1

    for path, params in (
        ("calls", {"direction": "sideways"}),
        ("letters", {"kind": "telegram"}),
        ("letters", {"team": "售后一组"}),
        ("calls", {"q": "字" * 101}),
        ("calls.xlsx", {"result": "x"}),
    ):
        bad = api.get(f"{url}/{path}", params)
        assert bad.status_code == 400, (path, params)
        assert next(iter(params)) in bad.json()["error"]["fields"]


def test_the_registers_api_pages_with_a_cursor_under_its_filters(org, manager, api_as):
    customer = Customer.objects.create(business_line=org.shop, name="赵敏", phone="13700137000")
    _letters(org.aftersales1, 30, customer)
    _letters(org.aftersales2, 5, customer)
    api = api_as(manager)
    seen, cursor = [], None
    for _ in range(5):  # bounded: 15 rows at 4 a page is 4 pages
        params = {"team": org.aftersales1.pk, "direction": "in", "limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/api/v1/followups/letters", params).json()
        seen += [row["subject"] for row in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 15 and seen[0] == "来信029"


def test_an_agent_filters_only_within_their_scope(org, agent, api_as, web_as):
    _register_rows(org)
    # the agent's team is 售后一组: another team's rows stay out whatever the filter
    api = api_as(agent)
    assert api.get("/api/v1/followups/calls", {"team": org.aftersales2.pk}).json()["items"] == []
    page = web_as(agent).get(REGISTERS, {"q": "王芳", "team": org.aftersales1.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "快递破损" in html and "发票抬头" not in html
    assert 'name="q" value="王芳"' in html
    assert web_as(agent).get(REGISTERS, {"team": "x"}).status_code == 400


def test_the_register_search_finds_a_ticket_number_a_phones_last_digits_and_chinese_words(
    org, agent, api_as, web_as
):
    """What an agent types into the registers' search: the words of a note without spaces, a
    ticket number (or its last digits), a phone's last 4 digits (never hidden middle digits), a
    whole phone as an audited reveal, a tracking number of digits even for a masked role."""
    from kefu.core.models import AuditEvent

    wang = Customer.objects.create(business_line=org.shop, name="王芳", phone="13900139000")
    li = Customer.objects.create(business_line=org.shop, name="李雷", phone="13611112222")
    rows = {}
    for customer, title in ((wang, "空调一直漏水"), (li, "发票抬头写错")):
        ticket = tickets.ticket_create(
            actor=agent, title=title, type="complaint", channel="web", customer=customer
        )
        common = {
            "business_line": org.shop,
            "department": org.aftersales1.department,
            "team": org.aftersales1,
            "customer": customer,
            "ticket": ticket,
        }
        CallRecord.objects.create(
            **common,
            direction="out",
            result="answered",
            started_at="2026-11-20T10:00+08:00",
            notes=title,
        )
        LetterRecord.objects.create(
            **common,
            direction="out",
            kind="reply",
            channel="post",
            sent_on="2026-11-20",
            subject="处理结果",
            tracking_number="773012345678" if customer is li else "",
        )
        rows[customer.name] = ticket
    api = api_as(agent)

    def found(path, q):
        response = api.get(f"/api/v1/followups/{path}", {"q": q})
        assert response.status_code == 200, (q, response.content)
        return [row["customer_name"] for row in response.json()["items"]]

    # Chinese words as typed, without spaces: cut into words like the ticket search
    assert found("calls", "空调漏水") == ["王芳"]
    assert found("calls", "王芳 漏水") == ["王芳"] and found("calls", "李雷 漏水") == []
    # the ticket number, with or without its T, or its last digits
    number = rows["李雷"].number
    assert found("letters", number) == ["李雷"] == found("calls", number.lower())
    assert found("calls", number[1:]) == ["李雷"] == found("letters", number[-7:])
    # the phone's last 4 digits find the customer; digits the mask hides do not
    assert found("calls", "2222") == ["李雷"]
    assert found("calls", "0013") == []  # 139****9000: the middle digits stay hidden
    assert AuditEvent.objects.filter(action="customer.reveal").count() == 0
    # a whole phone is a reveal: audited once although the page searches both registers
    page = web_as(agent).get(REGISTERS, {"q": "139 0013 9000"})
    assert page.status_code == 200 and "空调一直漏水" in page.content.decode()
    assert AuditEvent.objects.filter(action="customer.reveal", actor=agent).count() == 1
    # a role that sees phones masked may still look up a tracking number made of digits
    agent.contact_access = "masked"
    agent.save(update_fields=["contact_access"])
    assert found("letters", "773012345678") == ["李雷"]
    assert found("calls", "13900139000") == []  # never in the phones for that role
