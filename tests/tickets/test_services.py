"""Ticket intake and updates through the services (Kefu foundation: Tickets)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.errors import Invalid, StaleWrite
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from kefu.tickets import services
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.selectors import ticket_timeline


def test_due_time_counts_business_hours_of_the_line_calendar(agent, make_customer):
    """A high-priority ticket (24 h target) opened Monday 2026-11-23 10:00 on the 09:00–18:00
    calendar is due Wednesday 16:00: 8 h on Monday, 9 h on Tuesday, 7 h on Wednesday."""
    import time_machine

    shanghai = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=shanghai), tick=False):
        ticket = services.ticket_create(
            actor=agent,
            title="快递一直没有到",
            type="complaint",
            channel="phone",
            customer=make_customer(name="王五"),
            priority="high",
        )
    assert ticket.due_at == dt.datetime(2026, 11, 25, 16, 0, tzinfo=shanghai)


def test_ticket_create_sets_number_owner_assignee_and_due(agent, make_customer):
    # given
    customer = make_customer(name="李四")
    # when
    ticket = services.ticket_create(
        actor=agent,
        title="快递一直没有到",
        type="complaint",
        channel="phone",
        customer=customer,
        priority="high",
    )
    # then
    ticket.refresh_from_db()
    assert re.fullmatch(r"T\d{6}\d{7}", ticket.number)
    assert ticket.number.endswith(f"{ticket.pk:07d}")
    assert ticket.first_owner == agent
    assert ticket.assignee == agent
    assert ticket.team == agent.team
    assert ticket.department == agent.team.department
    assert ticket.status == "new"
    assert "快递" in ticket.search_text.split()
    customer.refresh_from_db()
    assert customer.last_contact_at is not None
    assert [e.kind for e in ticket_timeline(ticket=ticket)] == ["created"]
    assert AuditEvent.objects.filter(action="ticket.create", object_id=str(ticket.pk)).count() == 1


def test_ticket_number_uses_the_shanghai_date(agent, make_ticket, settings):
    ticket = make_ticket(agent)
    local = ticket.created_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert ticket.number[1:7] == local.strftime("%y%m%d")


def test_ticket_create_rejects_type_the_line_does_not_enable(agent, make_customer):
    # the shop (e-commerce) does not take repair tickets
    with pytest.raises(Invalid) as exc:
        services.ticket_create(
            actor=agent, title="x", type="repair", channel="phone", customer=make_customer()
        )
    assert "type" in exc.value.fields
    assert Ticket.objects.count() == 0


def test_ticket_create_rejects_team_of_another_line(agent, org, make_customer):
    with pytest.raises(Invalid) as exc:
        services.ticket_create(
            actor=agent,
            title="x",
            type="consult",
            channel="phone",
            customer=make_customer(),
            team=org.wy_front.pk,
        )
    assert "team" in exc.value.fields


def test_ticket_create_rejects_customer_of_another_line(agent, org, make_customer):
    with pytest.raises(Invalid) as exc:
        services.ticket_create(
            actor=agent,
            title="x",
            type="consult",
            channel="phone",
            customer=make_customer(org.property),
        )
    assert "customer" in exc.value.fields


def test_ticket_for_another_team_is_not_assigned_to_the_actor(agent, org, make_ticket):
    ticket = make_ticket(agent, team=org.presale)
    assert ticket.team == org.presale
    assert ticket.assignee is None
    assert ticket.first_owner == agent


def test_manager_ticket_defaults_to_first_active_team(manager, org, make_ticket):
    ticket = make_ticket(manager)
    assert ticket.team == org.presale
    assert ticket.assignee is None


def test_ticket_create_for_caller_finds_existing_customer_by_phone(agent, make_customer):
    customer = make_customer(phone="13912345678")
    ticket = services.ticket_create_for_caller(
        actor=agent,
        customer_phone="139 1234 5678",
        customer_name="someone else",
        title="查件",
        type="consult",
        channel="phone",
    )
    assert ticket.customer == customer
    assert Customer.objects.count() == 1


def test_ticket_create_for_caller_creates_new_customer(agent, org):
    ticket = services.ticket_create_for_caller(
        actor=agent,
        customer_phone="13700001111",
        customer_name="王五",
        title="查件",
        type="consult",
        channel="im",
    )
    assert ticket.customer.name == "王五"
    assert ticket.customer.business_line == org.shop


def test_ticket_create_for_caller_bad_phone_names_the_field(agent):
    with pytest.raises(Invalid) as exc:
        services.ticket_create_for_caller(
            actor=agent,
            customer_phone="12",
            customer_name="王五",
            title="查件",
            type="consult",
            channel="im",
        )
    assert "customer_phone" in exc.value.fields
    assert Customer.objects.count() == 0


def test_first_owner_kept_through_transfer(agent, org, make_ticket):
    # given
    ticket = make_ticket(agent)
    # when
    ticket = services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"team": org.aftersales2.pk}
    )
    # then
    ticket.refresh_from_db()
    assert ticket.team == org.aftersales2
    assert ticket.first_owner == agent
    assert ticket.assignee is None  # the agent is not in 售后二组
    kinds = [(e.kind, e.before, e.after) for e in ticket_timeline(ticket=ticket)]
    assert ("transferred", "售后一组", "售后二组") in kinds
    assert ("assigned", agent.name, "") in kinds


def test_stale_update_is_refused_and_changes_nothing(agent, agent_b, make_ticket):
    # given two people loaded version 1
    ticket = make_ticket(agent, title="原标题")
    mine = Ticket.objects.get(pk=ticket.pk)
    theirs = Ticket.objects.get(pk=ticket.pk)
    services.ticket_update(actor=agent_b, ticket=theirs, version=1, changes={"priority": "high"})
    # when the second write still says version 1
    with pytest.raises(StaleWrite):
        services.ticket_update(actor=agent, ticket=mine, version=1, changes={"title": "新标题"})
    # then
    ticket.refresh_from_db()
    assert ticket.title == "原标题"
    assert ticket.version == 2
    assert ticket.priority == "high"


def test_update_writes_events_and_one_audit_record(agent, make_ticket):
    ticket = make_ticket(agent)
    before_events = TicketEvent.objects.filter(ticket=ticket).count()
    services.ticket_update(
        actor=agent,
        ticket=ticket,
        version=1,
        changes={"title": "快递破损", "priority": "urgent", "status": "in_progress"},
    )
    assert TicketEvent.objects.filter(ticket=ticket).count() == before_events + 3
    assert AuditEvent.objects.filter(action="ticket.update").count() == 1
    ticket.refresh_from_db()
    assert ticket.version == 2
    # urgent: 4 business hours on the line's calendar, counted from creation
    from kefu.core.business_calendar import calendar_for
    from kefu.core.calendar import business_seconds_between

    calendar = calendar_for(ticket.business_line)
    # the SLA clock starts at the intake's moment, which the row's created_at stamps a few
    # milliseconds later: within business hours that shows as 14,399.99… seconds
    counted = business_seconds_between(ticket.created_at, ticket.due_at, calendar)
    assert abs(counted - 4 * 3600) < 1
    assert "破损" in ticket.search_text.split()


def test_update_rejects_unknown_field_and_bad_values(agent, make_ticket):
    ticket = make_ticket(agent)
    with pytest.raises(Invalid) as exc:
        services.ticket_update(actor=agent, ticket=ticket, version=1, changes={"number": "T1"})
    assert "number" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        services.ticket_update(actor=agent, ticket=ticket, version=1, changes={"priority": "asap"})
    assert "priority" in exc.value.fields
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_assignee_must_be_in_the_team(agent, agent2, make_ticket):
    ticket = make_ticket(agent)
    with pytest.raises(Invalid) as exc:
        services.ticket_update(
            actor=agent, ticket=ticket, version=1, changes={"assignee": agent2.pk}
        )
    assert "assignee" in exc.value.fields


def test_reply_sets_first_response_once(agent, agent_b, make_ticket):
    ticket = make_ticket(agent)
    services.ticket_reply(actor=agent, ticket=ticket, body="您好，正在为您查询")
    ticket.refresh_from_db()
    first = ticket.first_response_at
    assert first is not None
    services.ticket_reply(actor=agent_b, ticket=ticket, body="已经查到")
    services.ticket_note(actor=agent_b, ticket=ticket, body="内部备注")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first
    kinds = [e.kind for e in ticket_timeline(ticket=ticket)]
    # the first reply also moved the ticket from 新建 to 处理中
    assert kinds == ["created", "reply", "status", "reply", "note"]


def test_empty_reply_is_refused(agent, make_ticket):
    ticket = make_ticket(agent)
    with pytest.raises(Invalid) as exc:
        services.ticket_reply(actor=agent, ticket=ticket, body="   ")
    assert "body" in exc.value.fields


def test_attachment_limits(agent, make_ticket, org):
    ticket = make_ticket(agent)
    ok = services.attachment_add(
        actor=agent,
        ticket=ticket,
        upload=SimpleUploadedFile("照片.png", b"\x89PNG....", content_type="image/png"),
    )
    assert ok.content_type == "image/png"
    assert ok.size == 8
    with pytest.raises(Invalid) as exc:
        services.attachment_add(
            actor=agent,
            ticket=ticket,
            upload=SimpleUploadedFile("run.exe", b"MZ", content_type="image/png"),
        )
    assert "file" in exc.value.fields
    org.shop.policies = {"attachment_max_bytes": 4}
    org.shop.save(update_fields=["policies"])
    ticket.business_line.refresh_from_db()
    with pytest.raises(Invalid):
        services.attachment_add(
            actor=agent, ticket=ticket, upload=SimpleUploadedFile("big.txt", b"12345")
        )
    assert ticket.attachments.count() == 1


def test_saved_view_save_and_delete(agent, agent_b):
    view = services.saved_view_save(user=agent, name="我的待办", query="status=open&assignee=me")
    again = services.saved_view_save(user=agent, name="我的待办", query="status=pending")
    assert again.pk == view.pk
    assert again.query == "status=pending"
    with pytest.raises(Invalid):
        services.saved_view_save(user=agent, name="坏的", query="status=nope")
    from kefu.core.errors import NotFound

    with pytest.raises(NotFound):
        services.saved_view_delete(user=agent_b, pk=view.pk)
    services.saved_view_delete(user=agent, pk=view.pk)
    assert not agent.saved_views.exists()
