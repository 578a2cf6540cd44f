"""The public web form (CH-10) and its signed status page; the signed-in outbox pages."""

import pytest
from django.test import Client

from kefu.channels.messaging import services
from kefu.channels.messaging.models import WebSubmission
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Ticket

FORM = {
    "type": "complaint",
    "name": "王女士",
    "phone": "13800138000",
    "email": "",
    "reference": "TB20261111",
    "description": "收到的杯子碎了，请处理",
}


@pytest.fixture
def shop(org, agent):
    return org.shop


def test_visitor_gets_a_web_ticket_number_and_a_status_link_ch10(shop):
    client = Client()
    page = client.get("/contact/shop/")
    assert page.status_code == 200 and "订单" not in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    response = client.post("/contact/shop/", FORM, follow=True)
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.type == "complaint"
    assert "TB20261111" in ticket.description and ticket.customer.phone == "13800138000"
    html = response.content.decode()
    assert ticket.number in html and "/contact/status/" in html


def test_customer_reads_public_replies_not_notes_and_answers(shop, agent):
    ticket = services.web_submit(line=shop, data=FORM, address="10.0.0.1")
    ticket_services.ticket_reply(actor=agent, ticket=ticket, body="已为您补发新杯子")
    ticket_services.ticket_note(actor=agent, ticket=ticket, body="内部：仓库少放了泡沫")
    url = f"/contact/status/{services.status_token(ticket)}/"
    html = Client().get(url).content.decode()
    assert "已为您补发新杯子" in html and "仓库少放了泡沫" not in html
    assert Client().post(url, {"text": "收到，谢谢"}).status_code == 302
    assert "收到，谢谢" in Client().get(url).content.decode()
    assert Client().get("/contact/status/forged-token/").status_code == 404


def test_honeypot_and_per_ip_rate_limit_record_nothing(shop):
    client = Client()
    trap = client.post("/contact/shop/", {**FORM, "website": "http://spam"})
    assert trap.status_code == 400 and not Ticket.objects.exists()
    for n in range(services.WEB_RATE):
        client.post("/contact/shop/", {**FORM, "phone": f"1380013800{n}"})
    assert WebSubmission.objects.count() == services.WEB_RATE
    throttled = client.post("/contact/shop/", {**FORM, "phone": "13900139000"})
    assert throttled.status_code == 429
    assert Ticket.objects.count() == services.WEB_RATE


def test_bad_input_is_a_clear_400_and_unknown_line_404(shop):
    response = Client().post("/contact/shop/", {**FORM, "phone": "12", "description": ""})
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert Client().get("/contact/nope/").status_code == 404


def test_embed_allow_list_from_the_line_policy(shop, settings):
    settings.KEFU_WEBFORM_FRAME_ANCESTORS = ["https://shop.example.com"]
    csp = Client().get("/contact/shop/").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shop.example.com" in csp
    assert "X-Frame-Options" not in Client().get("/contact/shop/").headers


def test_outbox_page_scoped_and_supervisor_sends(shop, supervisor, agent, wy_agent, web_as, client):
    response = web_as(supervisor).post(
        "/messaging/", {"to": "13800138000", "text": "您的快递已到", "kind": "notice"}
    )
    assert response.status_code == 302
    page = client.get("/messaging/").content.decode()
    assert "138****8000" in page and "【网店】您的快递已到" in page
    client.force_login(wy_agent)
    assert "您的快递已到" not in client.get("/messaging/").content.decode()
    client.force_login(agent)
    assert client.post("/messaging/", {"to": "13800138000", "text": "x"}).status_code == 200
    assert client.get("/messaging/inbound/").status_code == 200


def test_the_form_speaks_the_visitors_language_ch10(shop):
    """No account, so the browser's Accept-Language decides: the page, its field errors and
    the thank-you page in Chinese or in English."""
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    en = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "描述" in zh.get("/contact/shop/").content.decode()
    assert "Description" in en.get("/contact/shop/").content.decode()
    bad = {**FORM, "phone": "12"}
    assert "5 到 20 位" in zh.post("/contact/shop/", bad).content.decode()
    assert (
        "Enter a phone number of 5 to 20 digits." in en.post("/contact/shop/", bad).content.decode()
    )
    thanks = en.post("/contact/shop/", FORM, follow=True).content.decode()
    assert Ticket.objects.get().number in thanks and "Your ticket number" in thanks


def test_the_outbox_and_inbound_pages_list_newest_first_by_time(shop, agent, web_as):
    """A row written later about an earlier moment (the demo's history, an import) sorts by its
    time, not by when it was written."""
    import datetime as dt

    from django.utils import timezone

    from kefu.channels.messaging import outbox
    from kefu.channels.messaging.models import InboundMessage, OutboundMessage

    today = outbox.send(to="13800138000", text="今天的通知", business_line=shop)
    older = outbox.send(to="13800138001", text="上周的通知", business_line=shop)
    week_ago = timezone.now() - dt.timedelta(days=7)
    OutboundMessage.objects.filter(pk=older.pk).update(created_at=week_ago)
    assert older.pk > today.pk
    page = web_as(agent).get("/messaging/").content.decode()
    assert page.index("今天的通知") < page.index("上周的通知")
    services.receive(line=shop, channel="sms", provider_id="p1", sender="13900000001", text="新的")
    services.receive(line=shop, channel="sms", provider_id="p2", sender="13900000002", text="旧的")
    InboundMessage.objects.filter(provider_id="p2").update(received_at=week_ago)
    page = web_as(agent).get("/messaging/inbound/").content.decode()
    assert page.index("新的") < page.index("旧的")


def test_the_public_form_loads_nothing_from_another_site(shop):
    """No third-party CAPTCHA, nothing from a CDN: every script, style and image of the public
    pages is the installation's own, and the policy allows no other origin."""
    import re

    page = Client().get("/contact/shop/")
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if re.match(r"(?:https?:)?//", s)]
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy


def test_the_outbox_bills_sms_parts_not_im_messages(shop, supervisor, web_as):
    """「计费短信条数」 counts the SMS parts sent (a 75-character notice is 2), not IM messages."""
    import re

    from kefu.channels.messaging import outbox

    outbox.send(to="13800138000", text="字" * 60, business_line=shop, kind="notice")  # 2 parts
    outbox.send(to="13800138001", text="您好", business_line=shop)  # 1 part
    outbox.send(to="旺旺-tb1", text="您好，已为您补发", channel="im", business_line=shop)
    page = web_as(supervisor).get("/messaging/").content.decode()
    assert re.search(r'data-figure="parts">\s*3\s*<', page)
