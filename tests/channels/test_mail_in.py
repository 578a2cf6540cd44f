"""E-mail in (issue 17 §1, CH-1 e-mail): one ingest path to a ticket with channel ``email``, the
customer by address, the original kept, the same Message-ID once per mailbox; threading by
header and by the subject token; auto-replies, bounces and the per-sender limit."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from kefu.channels import services
from kefu.channels.models import InboundMail, InboundStatus, Undeliverable
from kefu.core.errors import Invalid
from kefu.customers.models import Customer
from kefu.tickets.models import Attachment, Status, Ticket, TicketMessage

from .mailkit import CUSTOMER, eml

pytestmark = pytest.mark.django_db


def _ticket(number: str) -> Ticket:
    return Ticket.objects.get(number=number)


def test_ch1_an_email_opens_a_ticket_for_the_customer_found_by_address(mailbox):
    raw = eml("outlook_gbk.eml")
    result = services.ingest(raw, mailbox=mailbox)
    assert result.created and not result.threaded and result.status == "created"
    ticket = _ticket(result.ticket)
    assert ticket.channel == "email" and ticket.title == "图书缺页（朱镕基传）"
    assert "王堃先生" in ticket.description
    assert ticket.customer.email == CUSTOMER and ticket.customer.name == "李晓明"
    evidence = InboundMail.objects.get(ticket=ticket)
    assert bytes(evidence.raw) == raw and evidence.size == len(raw)  # the original, as evidence

    again = services.ingest(
        eml("big5.eml").replace(b"chan@example.hk", CUSTOMER.encode()), mailbox=mailbox
    )
    assert again.created and _ticket(again.ticket).customer_id == ticket.customer_id
    assert Customer.objects.filter(email=CUSTOMER).count() == 1


def test_ch1_the_same_message_id_is_imported_once_per_mailbox(mailbox):
    raw = eml("outlook_gbk.eml")
    first = services.ingest(raw, mailbox=mailbox)
    second = services.ingest(raw, mailbox=mailbox)
    assert second.status == "duplicate" and second.ticket is None
    assert InboundMail.objects.count() == 1 and Ticket.objects.count() == 1
    # a second worker racing past the first check meets the unique constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        InboundMail.objects.create(
            mailbox=mailbox,
            message_id=InboundMail.objects.get().message_id,
            status=InboundStatus.CREATED,
            raw=b"x",
            sha256="x",
        )
    assert first.created


def test_ch1_a_reply_threads_by_references_into_the_same_ticket(mailbox):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    reply = services.ingest(eml("foxmail_reply_refs.eml", REF="unknown@nowhere"), mailbox=mailbox)
    assert reply.threaded and reply.ticket == first.ticket
    inbound = InboundMail.objects.get(message_id="tencent_3A9F1C2B@foxmail.com")
    assert inbound.body == "收到，谢谢！补发的书什么时候到？" and "原始邮件" in inbound.quoted
    note = TicketMessage.objects.filter(ticket__number=first.ticket).last()
    assert "收到，谢谢" in note.body and "原始邮件" not in note.body  # history folded away


def test_ch1_a_reply_without_references_threads_by_the_subject_token(mailbox):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    reply = services.ingest(eml("qq_reply_token.eml", NUMBER=first.ticket), mailbox=mailbox)
    assert reply.threaded and reply.ticket == first.ticket
    assert Ticket.objects.count() == 1


def test_ch1_a_token_of_another_business_line_opens_a_new_ticket(mailbox, org, wy_agent):
    other = services.mailbox_create(
        actor=wy_agent.__class__.objects.create(username="m2", role="admin"),
        business_line=org.property,
        name="物业邮箱",
        address="wy@property.example",
        intake_user=wy_agent.pk,
    )
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=other)
    reply = services.ingest(eml("qq_reply_token.eml", NUMBER=first.ticket), mailbox=mailbox)
    assert reply.created and reply.ticket != first.ticket


def test_ch1_a_reply_to_a_resolved_ticket_reopens_it(mailbox, agent):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    Ticket.objects.filter(number=first.ticket).update(status=Status.RESOLVED)
    reply = services.ingest(eml("qq_reply_token.eml", NUMBER=first.ticket), mailbox=mailbox)
    assert reply.threaded and _ticket(first.ticket).status == Status.IN_PROGRESS


def test_ch1_a_reply_to_a_closed_ticket_opens_a_linked_one_by_policy(mailbox, manager):
    services.mailbox_update(
        actor=manager, mailbox=mailbox, version=mailbox.version, changes={"closed_policy": "linked"}
    )
    mailbox.refresh_from_db()
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    Ticket.objects.filter(number=first.ticket).update(status=Status.CLOSED)
    reply = services.ingest(eml("qq_reply_token.eml", NUMBER=first.ticket), mailbox=mailbox)
    assert reply.created and reply.ticket != first.ticket
    assert first.ticket in _ticket(reply.ticket).description
    assert _ticket(first.ticket).status == Status.CLOSED


def test_ch1_auto_replies_never_open_or_reopen_tickets(mailbox):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    Ticket.objects.filter(number=first.ticket).update(status=Status.RESOLVED)
    auto = services.ingest(eml("autoreply.eml", NUMBER=first.ticket), mailbox=mailbox)
    assert auto.status == InboundStatus.AUTO_REPLY and not auto.created and not auto.threaded
    assert _ticket(first.ticket).status == Status.RESOLVED
    assert Ticket.objects.count() == 1 and TicketMessage.objects.count() == 0


def test_ch1_a_bounce_marks_the_address_undeliverable(mailbox, org):
    result = services.ingest(eml("bounce.eml"), mailbox=mailbox)
    assert result.status == InboundStatus.BOUNCE and result.ticket is None
    assert Undeliverable.objects.filter(business_line=org.shop, address=CUSTOMER).exists()
    assert Ticket.objects.count() == 0


def test_ch1_a_sender_over_the_hourly_limit_is_kept_but_opens_nothing(mailbox, manager):
    services.mailbox_update(
        actor=manager, mailbox=mailbox, version=mailbox.version, changes={"rate_limit": 2}
    )
    mailbox.refresh_from_db()
    outcomes = [
        services.ingest(
            eml("html_only.eml").replace(b"html-only-7", f"spam-{n}".encode()), mailbox=mailbox
        ).status
        for n in range(4)
    ]
    assert outcomes == ["created", "created", "rate_limited", "rate_limited"]
    assert Ticket.objects.count() == 2 and InboundMail.objects.count() == 4


def test_ch1_attachments_within_the_line_limit_are_attached_an_oversized_one_is_listed(
    mailbox, org
):
    ok = services.ingest(eml("utf8_attachments.eml"), mailbox=mailbox)
    names = sorted(
        Attachment.objects.filter(ticket__number=ok.ticket).values_list("name", flat=True)
    )
    assert len(names) == 2 and names[0].endswith(".pdf")
    org.shop.policies = {**org.shop.policies, "attachment_max_bytes": 1000}
    org.shop.save(update_fields=["policies"])
    big = services.ingest(eml("oversized_attachment.eml"), mailbox=mailbox)
    assert big.created and not Attachment.objects.filter(ticket__number=big.ticket).exists()
    (listed,) = InboundMail.objects.get(ticket__number=big.ticket).attachments
    assert listed["name"] == "video.zip" and listed["status"] == "refused"


def test_empty_or_broken_input_is_refused_or_kept_never_a_crash(mailbox):
    with pytest.raises(Invalid):
        services.ingest(b"   ", mailbox=mailbox)
    result = services.ingest(b"\xff\xfe garbage \x00 without headers", mailbox=mailbox)
    assert result.created  # kept: an agent reads it, the original is the evidence


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4480000000049454e44ae426082"
)


def test_ch1_an_inline_screenshot_without_a_file_name_is_attached(mailbox):
    """A screenshot pasted into the mail (multipart/related, cid:, no file name — Foxmail, QQ
    Mail) was refused as a file of no known type; it is attached as the image it is."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "客户 <kehu@example.cn>"
    msg["To"] = "service@shop.example"
    msg["Subject"] = "商品破损截图"
    msg["Message-ID"] = "<inline-1@example.cn>"
    msg.set_content("请看截图：破损在左上角。", charset="utf-8")
    msg.add_alternative(
        '<p>请看截图：<img src="cid:shot1"> 破损在左上角。</p>', subtype="html", charset="utf-8"
    )
    msg.get_payload()[1].add_related(PNG, "image", "png", cid="<shot1>")
    result = services.ingest(msg.as_bytes(), mailbox=mailbox)
    (listed,) = InboundMail.objects.get().attachments
    assert listed["status"] == "attached" and listed["name"] == "image-1.png"
    (attached,) = Attachment.objects.filter(ticket__number=result.ticket)
    assert attached.name == "image-1.png"
    assert "cid:" not in InboundMail.objects.get().body
