"""The audit log reads as words (issue 15, "every code is a word"): actions, objects and
changes are named in the page's language, never by their codes (ticket.update, status,
in_progress)."""

from __future__ import annotations

import re

from django.urls import reverse

from kefu.core import audit
from kefu.customers.services import customer_create
from kefu.tickets.services import ticket_create


def _audit_page(client, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("accounts:org_audit"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    return " ".join(re.sub(r"<[^>]+>", " ", rows).split())


def test_audit_log_names_actions_objects_and_changes_in_words(web_as, admin_user, agent, org):
    customer = customer_create(
        actor=agent, business_line=org.shop, name="张三", phone="13800000001"
    )
    ticket = ticket_create(
        actor=agent, title="少发一件", customer=customer, type="complaint", channel="phone"
    )
    audit.record(
        actor=agent, action="ticket.update", obj=ticket, changes={"status": ["new", "in_progress"]}
    )
    client = web_as(admin_user)

    english = _audit_page(client, "en")
    chinese = _audit_page(client, "zh-hans")

    for rows in (english, chinese):
        assert "ticket.update" not in rows and "ticket.create" not in rows
        assert "tickets.ticket" not in rows and "in_progress" not in rows
        assert "status" not in rows
    assert "Ticket changed" in english and "Ticket created" in english
    assert f"ticket #{ticket.pk}" in english and f"工单 #{ticket.pk}" in chinese
    assert "Status: New → In progress" in english
    assert "工单已修改" in chinese and "工单已创建" in chinese
    assert "状态：新建 → 处理中" in chinese


def test_a_change_named_like_a_reverse_relation_is_shown(web_as, admin_user, agent, org):
    """A change key that is a reverse relation of the object (a questionnaire's questions, a
    ticket's events) has no choices: the page shows it instead of failing."""
    customer = customer_create(
        actor=agent, business_line=org.shop, name="李四", phone="13800000002"
    )
    ticket = ticket_create(
        actor=agent, title="咨询", customer=customer, type="consult", channel="phone"
    )
    audit.record(actor=agent, action="ticket.update", obj=ticket, changes={"events": 3})

    rows = _audit_page(web_as(admin_user), "en")

    assert "3" in rows and "Ticket changed" in rows
