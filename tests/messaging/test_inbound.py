"""The signed inbound webhook (CH-1): signature, replay window, once per provider message id,
joining the open ticket of the conversation or opening one, opt-out, auto-replies (CH-4)."""

import json
import time

import pytest
from django.test import Client

from kefu.channels.messaging import signing
from kefu.channels.messaging.models import AutoReply, InboundMessage, OptOut, OutboundMessage
from kefu.tickets.models import Ticket, TicketMessage

SECRET = "test-inbound-secret"


def post(channel, data, *, secret=SECRET, stamp=None, raw=None):
    body = raw if raw is not None else json.dumps(data, ensure_ascii=False).encode()
    stamp = str(int(time.time()) if stamp is None else stamp)
    return Client().post(
        f"/api/v1/channels/{channel}/inbound",
        body,
        content_type="application/json",
        HTTP_X_KEFU_TIMESTAMP=stamp,
        HTTP_X_KEFU_SIGNATURE=signing.sign(secret, stamp, body),
    )


def sms(n, text="我的快递还没到", phone="13800138000"):
    return {"id": f"p-{n}", "from": phone, "text": text, "business_line": "shop"}


@pytest.fixture
def shop(org, agent):
    return org.shop


def test_bad_signature_is_401_and_stores_nothing_ch1(shop):
    response = post("sms", sms(1), secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert not InboundMessage.objects.exists()


def test_replay_outside_five_minutes_refused(shop):
    response = post("sms", sms(1), stamp=int(time.time()) - 301)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "replayed"
    assert not InboundMessage.objects.exists()


def test_sms_opens_a_ticket_then_joins_it_and_a_duplicate_is_stored_once_ch1(shop):
    first = post("sms", sms(1))
    assert first.status_code == 201, first.content
    ticket = Ticket.objects.get(pk=first.json()["ticket"])
    assert ticket.channel == "sms" and ticket.customer.phone == "13800138000"
    again = post("sms", sms(1))
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert InboundMessage.objects.count() == 1
    follow = post("sms", sms(2, text="能帮我查一下吗"))
    assert follow.json()["ticket"] == ticket.pk
    assert Ticket.objects.count() == 1
    note = TicketMessage.objects.get(ticket=ticket, kind="note")
    assert "能帮我查一下吗" in note.body


def test_acknowledgement_once_per_conversation_and_never_to_a_robot_ch4(
    shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post("sms", sms(1))
    post("sms", sms(2, text="还在吗"))
    acks = AutoReply.objects.filter(kind="ack")
    assert acks.count() == 1
    number = Ticket.objects.get().number
    out = OutboundMessage.objects.filter(kind="auto_reply", text__contains=number)
    assert out.exists()
    post("sms", sms(3, text="【自动回复】您好，我现在不在", phone="13900139000"))
    assert AutoReply.objects.filter(conversation="13900139000").count() == 0


def test_td_opts_out_and_opens_no_ticket(shop):
    response = post("sms", sms(1, text="TD"))
    assert response.status_code == 201
    assert OptOut.objects.filter(recipient="13800138000").exists()
    assert not Ticket.objects.exists()


def test_im_conversation_joins_its_ticket_and_unknown_account_needs_phone(shop):
    msg = {
        "id": "w1",
        "from": "buyer_nick",
        "text": "发什么快递",
        "business_line": "shop",
        "conversation": "c-9",
        "phone": "13700137000",
        "platform": "旺旺",
    }
    first = post("im", msg)
    assert first.status_code == 201
    second = post("im", {**msg, "id": "w2", "phone": "", "text": "好的"})
    assert second.json()["ticket"] == first.json()["ticket"]
    stranger = post("im", {**msg, "id": "w3", "from": "other", "conversation": "c-10", "phone": ""})
    assert stranger.status_code == 400
    assert "phone" in stranger.json()["error"]["fields"]


def test_bad_bodies_are_4xx_not_500(shop):
    assert post("sms", None, raw=b"not json").status_code == 400
    assert post("sms", {**sms(1), "business_line": "nope"}).status_code == 400
    assert (
        post("sms", {"id": "", "from": "", "text": "", "business_line": "shop"}).status_code == 400
    )
    assert post("fax", sms(1)).status_code in (404, 422)


def test_delivery_receipt_marks_the_message_delivered(shop, api_as, supervisor):
    sent = api_as(supervisor).post(
        "/api/v1/channels/send", {"to": "13800138000", "text": "您的订单已发货"}
    )
    assert sent.status_code == 201
    row = OutboundMessage.objects.get(pk=sent.json()["id"])
    post("sms", {"type": "receipt", "id": row.provider_id, "delivered": True})
    row.refresh_from_db()
    assert row.status == "delivered"


def test_send_api_answers_id_status_parts_and_agents_may_not(shop, api_as, supervisor, agent):
    response = api_as(supervisor).post(
        "/api/v1/channels/send", {"to": "13800138000", "text": "字" * 80}
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "status", "parts"} and response.json()["parts"] == 2
    assert (
        api_as(agent).post("/api/v1/channels/send", {"to": "1380", "text": "x"}).status_code == 403
    )
    listed = api_as(supervisor).get("/api/v1/channels/outbox").json()["items"]
    assert listed[0]["recipient"].count("*") == 4


def test_out_of_hours_by_the_business_calendar_once_per_window_ch4(shop, agent):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from kefu.channels.messaging import services

    post("sms", sms(1))
    ticket = Ticket.objects.get()
    shanghai = ZoneInfo("Asia/Shanghai")
    tuesday_10 = dt.datetime(2026, 12, 8, 10, 0, tzinfo=shanghai)
    tuesday_23 = dt.datetime(2026, 12, 8, 23, 0, tzinfo=shanghai)

    def kinds(now):
        sent = services.auto_reply(
            line=shop,
            channel="im",
            conversation="c-1",
            ticket=ticket,
            new_ticket=False,
            from_robot=False,
            now=now,
        )
        return [a.kind for a in sent]

    assert kinds(tuesday_10) == []
    assert kinds(tuesday_23) == ["out_of_hours"]
    assert kinds(tuesday_23 + dt.timedelta(hours=1)) == []  # once per conversation per window
