"""The mailbox page of a business line (its manager), the ticket's mail with the original as
evidence (whoever sees the ticket, 404 for others), and /api/v1/mail (issue 17 §1)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.channels import services
from kefu.channels.models import Mailbox
from kefu.tickets.models import Ticket

from .mailkit import eml

pytestmark = pytest.mark.django_db


def test_the_manager_reads_the_mailboxes_with_true_figures(mailbox, manager, web_as):
    services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    services.ingest(eml("autoreply.eml", NUMBER="T1"), mailbox=mailbox)
    html = web_as(manager).get("/mail/").content.decode()
    assert "售后邮箱" in html and "service@shop.example" in html
    row = html.split('id="mailboxes"')[1].split("</table>")[0]
    assert [c.split("<")[0] for c in row.split('class="text-end">')[-4:]] == ["2", "1", "0", "1"]
    assert "图书缺页（朱镕基传）" in html  # the latest mail


def test_agents_do_not_manage_mailboxes(mailbox, agent, web_as, api_as):
    assert web_as(agent).get("/mail/").status_code == 403
    assert web_as(agent).get(f"/mail/{mailbox.pk}/").status_code == 403
    assert api_as(agent).get("/api/v1/mail/mailboxes").status_code == 403


def test_the_ticket_mail_page_shows_the_text_folded_history_and_the_original(
    mailbox, agent, agent2, web_as
):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    services.ingest(eml("foxmail_reply_refs.eml", REF="x@y"), mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket)
    client = web_as(agent)
    html = client.get(f"/mail/tickets/{ticket.pk}/").content.decode()
    assert "王堃先生" in html and "<details" in html and "原始邮件" in html
    detail = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'href="/mail/tickets/{ticket.pk}/"' in detail
    inbound = ticket.inbound_mails.order_by("id").first()
    raw = client.get(f"/mail/tickets/{ticket.pk}/{inbound.pk}.eml")
    assert raw.status_code == 200 and raw.content == eml("outlook_gbk.eml")
    outsider = web_as(agent2)  # another team of the shop: the ticket is not in its scope
    assert outsider.get(f"/mail/tickets/{ticket.pk}/").status_code == 404
    assert outsider.get(f"/mail/tickets/{ticket.pk}/{inbound.pk}.eml").status_code == 404


def test_the_mailbox_form_saves_and_a_stale_form_changes_nothing(mailbox, manager, web_as):
    client = web_as(manager)
    data = {"version": mailbox.version, "name": "客服邮箱", "rate_limit": "5", "is_active": "on"}
    assert client.post(f"/mail/{mailbox.pk}/", data).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.name == "客服邮箱" and mailbox.rate_limit == 5
    client.post(f"/mail/{mailbox.pk}/", {**data, "name": "旧表单"})  # the old version
    assert Mailbox.objects.get(pk=mailbox.pk).name == "客服邮箱"


def test_api_mailboxes_create_update_ingest_and_ticket_mail(org, manager, agent, api_as):
    api = api_as(manager)
    created = api.post(
        "/api/v1/mail/mailboxes",
        {"name": "售前邮箱", "address": "Presale@Shop.example", "intake_user": agent.pk},
    )
    assert created.status_code == 201, created.content
    box = created.json()
    assert box["address"] == "presale@shop.example" and "imap_password" not in box
    dup = api.post(
        "/api/v1/mail/mailboxes",
        {"name": "x", "address": "presale@shop.example", "intake_user": agent.pk},
    )
    assert dup.status_code == 400 and "address" in dup.json()["error"]["fields"]
    stale = api.patch(f"/api/v1/mail/mailboxes/{box['id']}", {"version": 99, "rate_limit": 1})
    assert stale.status_code == 409
    ok = api.patch(f"/api/v1/mail/mailboxes/{box['id']}", {"version": 1, "rate_limit": 3})
    assert ok.status_code == 200 and ok.json()["rate_limit"] == 3 and ok.json()["version"] == 2

    upload = SimpleUploadedFile("m.eml", eml("utf8_attachments.eml"), "message/rfc822")
    res = api.client.post(f"/api/v1/mail/mailboxes/{box['id']}/ingest", {"file": upload})
    assert res.status_code == 200 and res.json()["created"] is True
    ticket = Ticket.objects.get(number=res.json()["ticket"])
    got = api.get(f"/api/v1/mail/tickets/{ticket.pk}").json()
    assert got["inbound"][0]["subject"] == "发票开错了"
    assert [a["name"] for a in got["inbound"][0]["attachments"]] == ["发票扫描.pdf", "订单截图.png"]
    assert api.get("/api/v1/mail/tickets/999999").status_code == 404
