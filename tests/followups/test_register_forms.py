"""Register forms and the events page (issue 4 §4, §5): a call or letter registered through the
registers page is listed and shows on the customer's timeline; an event created through the
page makes one notice task per invited customer, once."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.customers.selectors import customer_timeline
from kefu.followups.models import CallbackTask, CallRecord, Event, Kind, LetterRecord

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)
REGISTERS = "/followups/registers/"
EVENTS = "/followups/events/"


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)


def call_post(**fields) -> dict:
    data = {
        "direction": "out",
        "started_at": "2026-11-23T09:40",
        "duration_seconds": "95",
        "result": "answered",
        "recording_ref": "rec-20261123-0940",
        "notes": "客户确认已收到补发",
        **fields,
    }
    return {f"call-{k}": v for k, v in data.items()}


def letter_post(**fields) -> dict:
    data = {
        "kind": "reply",
        "channel": "post",
        "tracking_number": "SF1234567890",
        "sent_on": "2026-11-23",
        "subject": "投诉处理结果",
        **fields,
    }
    return {f"letter-{k}": v for k, v in data.items()}


def test_a_call_registered_through_the_form_is_listed_and_on_the_timeline(
    monday, agent, make_customer, make_ticket, web_as
):
    """LOG-1: direction, time, duration, result, customer, ticket, recording reference."""
    # given
    customer = make_customer(name="李四", phone="13912345678")
    ticket = make_ticket(agent, customer=customer)
    client = web_as(agent)

    # when
    response = client.post(
        "/followups/registers/calls/new/", call_post(customer=customer.pk, ticket=ticket.pk)
    )

    # then
    assert response.status_code == 302
    call = CallRecord.objects.get()
    assert (call.customer_id, call.ticket_id, call.agent_id) == (customer.pk, ticket.pk, agent.pk)
    assert (call.direction, call.result, call.duration_seconds) == ("out", "answered", 95)
    assert call.started_at == dt.datetime(2026, 11, 23, 9, 40, tzinfo=SH)
    assert call.recording_ref == "rec-20261123-0940"
    page = client.get(REGISTERS).content.decode()
    assert "客户确认已收到补发" in page and "139****5678" in page
    timeline = customer_timeline(customer=customer, user=None)
    assert [e.kind for e in timeline if e.kind == "call"] == ["call"]


def test_a_letter_registered_by_searching_the_customer_is_listed_and_on_the_timeline(
    monday, agent, make_customer, web_as
):
    """LOG-2: kind, channel, tracking number, date; the customer found by phone digits."""
    customer = make_customer(name="王五", phone="13955556666")
    client = web_as(agent)

    response = client.post("/followups/registers/letters/new/", letter_post(customer_q="5556666"))

    assert response.status_code == 302
    letter = LetterRecord.objects.get()
    assert (letter.customer_id, letter.kind, letter.channel) == (customer.pk, "reply", "post")
    assert (letter.tracking_number, letter.sent_on) == ("SF1234567890", dt.date(2026, 11, 23))
    assert "SF1234567890" in client.get(REGISTERS).content.decode()
    entry = next(e for e in customer_timeline(customer=customer, user=None) if e.kind == "letter")
    assert "SF1234567890" in entry.detail


def test_a_search_matching_several_customers_asks_to_choose(monday, agent, make_customer, web_as):
    first = make_customer(name="赵六", phone="13911110001")
    second = make_customer(name="赵六", phone="13911110002")

    response = web_as(agent).post("/followups/registers/calls/new/", call_post(customer_q="赵六"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Several customers match" in html
    assert f'value="{first.pk}"' in html and f'value="{second.pk}"' in html
    assert not CallRecord.objects.exists()


def test_a_customer_of_another_business_line_is_refused(monday, org, agent, make_customer, web_as):
    other = make_customer(org.property, name="物业业主")

    response = web_as(agent).post("/followups/registers/calls/new/", call_post(customer=other.pk))

    assert response.status_code == 400
    assert "Choose a customer of your business line." in response.content.decode()
    assert not CallRecord.objects.exists()


def test_a_letter_dated_in_the_future_is_refused(monday, agent, make_customer, web_as):
    customer = make_customer()

    response = web_as(agent).post(
        "/followups/registers/letters/new/",
        letter_post(customer=customer.pk, sent_on="2026-12-01"),
    )

    assert response.status_code == 400
    assert not LetterRecord.objects.exists()


def test_an_event_makes_one_notice_task_per_invited_customer_once(
    monday, org, lead, make_customer, web_as
):
    """Event notice (§4): invited by tier and by id; a second submit creates nothing twice."""
    # given: two gold customers, one normal customer invited by id, one normal not invited
    gold = [make_customer(name=f"金卡{i}", tier="gold") for i in range(2)]
    by_id = make_customer(name="普通客户")
    make_customer(name="未邀请")
    client = web_as(lead)
    form = {
        "business_line": org.shop.pk,
        "title": "双12会员日",
        "happens_on": "2026-12-20",
        "location": "门店",
        "tier": "gold",
        "ids": str(by_id.pk),
    }

    # when
    first = client.post(EVENTS, form)
    second = client.post(EVENTS, form)

    # then
    assert (first.status_code, second.status_code) == (302, 302)
    event = Event.objects.get()
    invited = {c.pk for c in (*gold, by_id)}
    assert set(event.invited.values_list("pk", flat=True)) == invited
    notices = CallbackTask.objects.filter(event=event, kind=Kind.EVENT_NOTICE)
    assert sorted(notices.values_list("customer_id", flat=True)) == sorted(invited)
    page = client.get(EVENTS).content.decode()
    assert "双12会员日" in page


def test_an_event_without_anybody_to_invite_is_refused(monday, org, lead, web_as):
    response = web_as(lead).post(
        EVENTS,
        {"business_line": org.shop.pk, "title": "讲座", "happens_on": "2026-12-20", "tier": "vip"},
    )

    assert response.status_code == 400
    assert "No customer matches" in response.content.decode()
    assert not Event.objects.exists()


def test_an_agent_gets_403_on_the_events_page(monday, org, agent, make_customer, web_as):
    customer = make_customer()
    client = web_as(agent)

    get = client.get(EVENTS)
    post = client.post(
        EVENTS,
        {
            "business_line": org.shop.pk,
            "title": "x",
            "happens_on": "2026-12-20",
            "ids": customer.pk,
        },
    )

    assert (get.status_code, post.status_code) == (403, 403)
    assert not Event.objects.exists()


def test_registers_page_runs_a_bounded_number_of_queries(
    monday, agent, make_customer, web_as, django_assert_max_num_queries
):
    client = web_as(agent)
    for n in range(5):
        customer = make_customer(name=f"客户{n}")
        client.post("/followups/registers/calls/new/", call_post(customer=customer.pk))
        client.post("/followups/registers/letters/new/", letter_post(customer=customer.pk))

    # (the More menu reads the user's line for its desks: one query whatever the rows)
    with django_assert_max_num_queries(9):
        response = client.get(REGISTERS)

    assert response.status_code == 200
    assert CallRecord.objects.count() == 5


def test_registers_and_events_pages_speak_chinese(settings, lead, web_as):
    settings.LANGUAGE_CODE = "zh-hans"
    client = web_as(lead)

    registers = client.get(REGISTERS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    events = client.get(EVENTS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "登记电话" in registers and "登记信函" in registers
    assert "新建活动" in events and "邀请对象" in events
