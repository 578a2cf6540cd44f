"""Channel auto-reply texts from the knowledge base, editable per line (CH-4, issue 17 §5): the
acknowledgement a customer gets is the line's knowledge text for that channel, with the ticket
number; a supervisor sets it on the Auto-replies page, typed or from a quick reply; agents may
not; a quick reply of another line is refused and changes nothing."""

from testkit import make_user

from kefu.channels.messaging.models import AutoReply, OutboundMessage
from kefu.knowledge.models import AutoReply as KnowledgeReply
from kefu.knowledge.services import auto_reply_save, phrase_create
from kefu.tickets.models import Ticket

from .test_inbound import post, sms


def test_ch4_the_acknowledgement_is_the_lines_knowledge_text_with_the_number(
    org, supervisor, django_capture_on_commit_callbacks
):
    auto_reply_save(
        actor=supervisor,
        business_line=org.shop,
        channel="sms",
        kind="welcome",
        message="亲，消息已收到，客服小美马上来～",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post("sms", sms(1))
    assert response.status_code == 201
    number = Ticket.objects.get().number
    ack = AutoReply.objects.get(kind="ack")
    assert ack.text == f"亲，消息已收到，客服小美马上来～（工单号 {number}）"
    sent = OutboundMessage.objects.filter(
        kind="auto_reply", text__startswith="【网店】亲，消息已收到"
    )
    assert sent.count() == 1


def test_supervisor_takes_a_quick_reply_on_the_page_and_agents_may_not(
    org, supervisor, agent, web_as
):
    phrase = phrase_create(
        actor=supervisor,
        business_line=org.shop,
        category="售后",
        shortcut="zdhf",
        title="自动回复",
        body="您好，工单 {number} 已受理，查物流请看 {help}",
    )
    client = web_as(supervisor)
    assert client.get("/messaging/auto-replies/").status_code == 200
    form = {"channel": "im", "kind": "ack", "text": "", "is_active": "on"}
    client.post("/messaging/auto-replies/save/", {**form, "quick_reply": phrase.pk})
    saved = KnowledgeReply.objects.get(business_line=org.shop, channel="im", kind="welcome")
    assert saved.message == phrase.body
    page = client.get("/messaging/auto-replies/").content.decode()
    assert "已受理" in page

    # a quick reply of another line, or an agent: nothing changes
    wy_supervisor = make_user("wy_sup", "supervisor", department=org.wy_front.department)
    other = phrase_create(
        actor=wy_supervisor,
        business_line=org.property,
        category="报修",
        shortcut="bx",
        title="另一条",
        body="另一条文字",
    )
    client.post("/messaging/auto-replies/save/", {**form, "quick_reply": other.pk})
    saved.refresh_from_db()
    assert saved.message == phrase.body
    assert (
        web_as(agent).post("/messaging/auto-replies/save/", {**form, "text": "x"}).status_code
        == 403
    )
    saved.refresh_from_db()
    assert saved.message == phrase.body
