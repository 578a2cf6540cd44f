"""The demo's channel registers (issue 17, LOG-1, LOG-2, CMP-6): phone tickets are inbound calls,
e-mail tickets customers' letters and mailed replies, and the property line's complaints came by
the 96860 feed with their station and notified head; nothing twice, no ticket added."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.services import user_create
from kefu.channels.messaging.models import PlatformComplaint
from kefu.customers.services import customer_create
from kefu.demo.channels_registers_rows import build_channels_registers_rows
from kefu.followups.models import CallRecord, LetterRecord
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create


@pytest.mark.django_db
def test_demo_registers_and_feed_rows(org, agent, wy_agent):
    head = user_create(username="wy_head", password=None, role="lead", team=org.wy_front)
    org.property.code = "wy"
    org.property.save(update_fields=["code"])
    shop = customer_create(actor=None, business_line=org.shop, name="赵六", phone="13600136000")
    owner = customer_create(
        actor=None, business_line=org.property, name="钱七", phone="13600136001"
    )
    phone = ticket_create(actor=agent, customer=shop, type="consult", channel="im", title="发货")
    mail = ticket_create(actor=agent, customer=shop, type="consult", channel="email", title="发票")
    Ticket.objects.filter(pk=phone.pk).update(channel="phone")  # as the builder inserts them
    Ticket.objects.filter(pk=mail.pk).update(resolved_at=timezone.now())
    for day in (1, 2, 2):  # two complaints the day before yesterday
        complaint = ticket_create(
            actor=wy_agent, customer=owner, type="complaint", channel="phone", title="漏水没人管"
        )
        Ticket.objects.filter(pk=complaint.pk).update(
            created_at=timezone.now() - dt.timedelta(days=day)
        )
    tickets = Ticket.objects.count()

    counts = build_channels_registers_rows([org.shop, org.property])

    assert CallRecord.objects.filter(ticket=phone, direction="in").count() == 1
    phone_tickets = Ticket.objects.filter(channel="phone")
    assert CallRecord.objects.filter(direction="in").count() == phone_tickets.count() == 4
    build_channels_registers_rows([org.shop, org.property], seed=1)
    assert CallRecord.objects.count() == 4  # a second run finds them registered
    letters = LetterRecord.objects.filter(ticket=mail)
    assert {(x.direction, x.kind) for x in letters} == {
        ("in", "customer"),
        ("out", "notice"),  # the acknowledgement with the number (CH-4)
        ("out", "reply"),
    }
    feed = PlatformComplaint.objects.order_by("complained_at")
    assert feed.count() == counts["platform_complaints"] == 3
    assert all(c.station_id == org.wy_front.pk and c.notified == [head.pk] for c in feed)
    assert all(c.department_id == org.wy_front.department_id for c in feed)
    # each day's first came from 96860, the day's second from the 12345 hotline or the visit log
    sources = [c.source for c in feed]
    assert sources.count("96860") == 2 and {"12345", "visit"} & set(sources)
    assert Ticket.objects.count() == tickets
