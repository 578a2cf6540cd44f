"""The ticket detail page: header, timeline, status buttons from the machine, replies and notes,
transfer, edit with optimistic concurrency, attachments, scope (Kefu foundation: Tickets / Pages)."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.tickets import services
from kefu.tickets.models import Ticket


def _url(ticket, action=""):
    return f"/tickets/{ticket.pk}/{action + '/' if action else ''}"


def _status_buttons(html: str) -> set[str]:
    return set(re.findall(r'name="status-status" value="([a-z_]+)"', html))


def _edit_post(ticket, **changes):
    data = {
        "edit-version": ticket.version,
        "edit-seen": 0,
        "edit-title": ticket.title,
        "edit-description": ticket.description,
        "edit-type": ticket.type,
        "edit-channel": ticket.channel,
        "edit-priority": ticket.priority,
        "edit-category": "",
    }
    data.update({f"edit-{k}": v for k, v in changes.items()})
    return data


def test_detail_shows_the_header_with_first_ask_owner_and_masked_phone(
    web_as, agent, make_customer, make_ticket
):
    customer = make_customer(name="王芳", phone="13912345678")
    ticket = make_ticket(agent, customer=customer, title="商品少发了一件")
    html = web_as(agent).get(_url(ticket)).content.decode()
    assert ticket.number in html
    assert "商品少发了一件" in html
    assert "First-ask owner" in html
    assert "王芳" in html
    # an agent sees the phone masked
    assert "139****5678" in html
    assert "13912345678" not in html


def test_supervisor_sees_the_full_phone(web_as, agent, supervisor, make_customer, make_ticket):
    ticket = make_ticket(agent, customer=make_customer(phone="13912345678"))
    assert "13912345678" in web_as(supervisor).get(_url(ticket)).content.decode()


def test_ticket_of_another_team_is_not_found_for_an_agent(web_as, agent, agent2, make_ticket):
    presale = make_ticket(agent2)
    client = web_as(agent)
    assert client.get(_url(presale)).status_code == 404
    # and no write reaches it either
    response = client.post(_url(presale, "note"), {"note-version": 1, "note-body": "偷看"})
    assert response.status_code == 404
    assert not presale.messages.exists()


def test_status_buttons_match_the_status_machine(web_as, agent, make_ticket):
    ticket = make_ticket(agent, type="consult")
    client = web_as(agent)
    # a new ticket may start, wait for the customer or be resolved, not closed
    assert _status_buttons(client.get(_url(ticket)).content.decode()) == {
        "in_progress",
        "pending",
        "resolved",
    }
    # when resolved
    response = client.post(
        _url(ticket, "status"), {"status-version": ticket.version, "status-status": "resolved"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    # then it may be closed or reopened
    html = client.get(_url(ticket)).content.decode()
    assert _status_buttons(html) == {"closed", "in_progress"}
    assert "Reopen" in html


def test_a_transition_the_machine_forbids_is_refused(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    response = web_as(agent).post(
        _url(ticket, "status"), {"status-version": ticket.version, "status-status": "closed"}
    )
    assert response.status_code == 400
    assert "cannot go from" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_stale_edit_shows_what_changed_and_overwrites_nothing(web_as, agent, agent_b, make_ticket):
    # given agent opened the ticket at version 1
    ticket = make_ticket(agent, title="快递没有到")
    seen_version = ticket.version
    html = web_as(agent).get(_url(ticket)).content.decode()
    seen = re.search(r'name="edit-seen" value="(\d+)"', html).group(1)
    # and agent_b changed the title meanwhile
    services.ticket_update(
        actor=agent_b, ticket=ticket, version=seen_version, changes={"title": "快递丢件，要求补发"}
    )
    # when agent submits the edit form they loaded earlier
    data = _edit_post(ticket, title="我的标题", priority="urgent")
    data.update({"edit-version": seen_version, "edit-seen": seen})
    response = web_as(agent).post(_url(ticket, "edit"), data)
    # then the page warns, shows the change and the current value, and keeps the agent's input
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="stale-warning"' in page
    assert "快递丢件，要求补发" in page
    assert "agent_b" in page
    assert 'value="我的标题"' in page
    # and nothing was overwritten
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.title == "快递丢件，要求补发"
    assert ticket.priority == "normal"
    # the kept form carries the current version, so a deliberate resubmit applies
    assert f'name="edit-version" value="{ticket.version}"' in page


def test_stale_status_change_is_refused(web_as, agent, agent_b, make_ticket):
    ticket = make_ticket(agent)
    services.ticket_update(
        actor=agent_b, ticket=ticket, version=ticket.version, changes={"status": "pending"}
    )
    response = web_as(agent).post(
        _url(ticket, "status"), {"status-version": 1, "status-status": "resolved"}
    )
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_edit_saves_and_the_timeline_shows_before_and_after(web_as, agent, make_ticket):
    ticket = make_ticket(agent, title="旧标题")
    client = web_as(agent)
    response = client.post(_url(ticket, "edit"), _edit_post(ticket, title="新标题"))
    assert response.status_code == 302
    html = client.get(_url(ticket)).content.decode()
    assert "The ticket is saved." in html
    assert re.search(r"旧标题</span> → <span[^>]*>新标题", html)


def test_reply_and_note_land_in_the_timeline_in_distinct_colours(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    client = web_as(agent)
    client.post(_url(ticket, "reply"), {"reply-version": 1, "reply-body": "您好，已为您补发"})
    client.post(_url(ticket, "note"), {"note-version": 1, "note-body": "仓库确认少发"})
    html = client.get(_url(ticket)).content.decode()
    reply = re.search(r'<li class="reply".*?</li>', html, re.S).group(0)
    note = re.search(r'<li class="note".*?</li>', html, re.S).group(0)
    assert "您好，已为您补发" in reply
    assert "border-success" in reply
    assert "仓库确认少发" in note
    assert "bg-warning-subtle" in note


def test_empty_reply_is_a_400_with_the_form_kept(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    response = web_as(agent).post(_url(ticket, "reply"), {"reply-version": 1, "reply-body": " "})
    assert response.status_code == 400
    assert not ticket.messages.exists()


def test_transfer_to_another_team_with_an_assignee(web_as, agent, agent2, org, make_ticket):
    ticket = make_ticket(agent)
    response = web_as(agent).post(
        _url(ticket, "transfer"),
        {
            "transfer-version": ticket.version,
            "transfer-team": org.presale.pk,
            "transfer-assignee": agent2.pk,
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.team_id, ticket.assignee_id, ticket.first_owner_id) == (
        org.presale.pk,
        agent2.pk,
        agent.pk,
    )


def test_assignee_options_follow_the_chosen_team(web_as, agent, agent2, org, make_ticket):
    ticket = make_ticket(agent)
    html = (
        web_as(agent)
        .get(_url(ticket, "assignees"), {"transfer-team": org.presale.pk}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f'value="{agent2.pk}"' in html
    assert f'value="{agent.pk}"' not in html


def test_attachment_upload_list_and_download(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    client = web_as(agent)
    upload = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(_url(ticket, "attach"), {"attach-version": 1, "attach-file": upload})
    assert response.status_code == 302
    attachment = ticket.attachments.get()
    html = client.get(_url(ticket)).content.decode()
    assert f"/tickets/{ticket.pk}/attachments/{attachment.pk}/" in html
    download = client.get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "attachment;" in download["Content-Disposition"]


def test_attachment_of_a_forbidden_type_is_refused(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = web_as(agent).post(
        _url(ticket, "attach"), {"attach-version": 1, "attach-file": upload}
    )
    assert response.status_code == 400
    assert "This kind of file cannot be attached." in response.content.decode()
    assert not ticket.attachments.exists()


def test_attachment_download_is_scoped(web_as, agent, agent2, make_ticket):
    ticket = make_ticket(agent2)
    upload = SimpleUploadedFile("a.txt", b"secret", content_type="text/plain")
    attachment = services.attachment_add(actor=agent2, ticket=ticket, upload=upload)
    response = web_as(agent).get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_changes_need_post(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    assert web_as(agent).get(_url(ticket, "status")).status_code == 405


def test_assigning_within_the_team_says_so(web_as, agent, agent_b, org, make_ticket):
    ticket = make_ticket(agent)
    client = web_as(agent)
    response = client.post(
        _url(ticket, "transfer"),
        {
            "transfer-version": ticket.version,
            "transfer-team": org.aftersales1.pk,
            "transfer-assignee": agent_b.pk,
        },
        follow=True,
    )
    assert "The ticket is assigned to agent_b." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent_b.pk
