"""The demo's e-mail channel (issue 17): a mailbox per business line, and the open e-mail tickets
of the archive's customers carry their mail, so a manager's mailbox page shows true figures:
the original message (QQ Mail, Foxmail, Outlook, Gmail; GBK, GB18030, UTF-8) kept as evidence,
the line's acknowledgement mailed back with the number (and the out-of-hours notice when the mail
came out of hours, CH-4), follow-ups that thread through the real ingest path by References or by
the ticket token, and an out-of-office auto-reply that is kept and ignored. Nothing is sent:
the acknowledgements are history, and the follow-ups are ingested without auto-replies."""

from __future__ import annotations

import random
from email.message import EmailMessage

from kefu.accounts.models import User
from kefu.channels import services
from kefu.channels.models import Mailbox

ADDRESSES = {
    "shop": "service@shop.kefu.example",
    "wy": "wuye@property.kefu.example",
    "4s": "fuwu@auto.kefu.example",
}
NAMES = {"shop": "网店售后邮箱", "wy": "物业服务邮箱", "4s": "4S店售后邮箱"}
COUNTS = {"shop": 24, "wy": 8, "4s": 8}
TOPICS = {
    "shop": [
        ("发票抬头开错了", "订单{n}的发票抬头写错了，麻烦重开一张。"),
        ("快递三天没更新", "订单{n}的物流三天没有更新，请帮忙查一下。"),
        ("收到的商品有破损", "订单{n}收到时外箱破损，里面的杯子碎了一个，附照片。"),
        ("申请退货", "订单{n}尺码不合适，想申请退货，请告诉我退货地址。"),
    ],
    "wy": [
        ("楼道灯不亮", "{n}号楼二单元三楼楼道灯坏了好几天了。"),
        ("物业费发票", "请开具{n}室今年的物业费发票，谢谢。"),
    ],
    "4s": [
        ("保养预约", "车牌沪A{n}想预约下周六上午做保养。"),
        ("维修进度查询", "车牌沪A{n}的维修进度怎么样了？"),
    ],
}
CLIENTS = (
    ("Foxmail 7.2", "gb18030"),
    ("Microsoft Outlook 16.0", "gb2312"),
    ("QQMail 2.x", "utf-8"),
    ("Gmail", "utf-8"),
)


def _message(*, frm, to, subject, body, charset, mailer, msgid, refs=None) -> bytes:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{msgid}>"
    msg["X-Mailer"] = mailer
    if refs:
        msg["In-Reply-To"] = f"<{refs[-1]}>"
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    msg.set_content(body, charset=charset)
    return msg.as_bytes()


def _acknowledged(mailbox: Mailbox, original, ticket) -> None:
    """The acknowledgement the line mailed back when ``original`` opened ``ticket`` (CH-4): an
    ``AutoMail`` sent 20 seconds later, with its ``OutboundMail`` (so an answer threads)."""
    import datetime as dt

    from kefu.channels.messaging import services as messaging
    from kefu.channels.models import AutoMail, AutoMailStatus, OutboundMail

    line = mailbox.business_line
    kinds = ["ack"]
    if not messaging.in_working_hours(line, ticket.created_at):
        kinds.append("out_of_hours")
    at = ticket.created_at + dt.timedelta(seconds=20)
    msgid = f"ack-{ticket.number}@{mailbox.address.split('@')[1]}"
    row = AutoMail.objects.create(
        business_line=line,
        ticket=ticket,
        inbound=original,
        to_address=original.from_address.lower(),
        kinds=",".join(kinds),
        text="\n\n".join(messaging.auto_text(line, k, ticket, "email") for k in kinds),
        status=AutoMailStatus.SENT,
        message_id=msgid,
        sent_at=at,
    )
    AutoMail.objects.filter(pk=row.pk).update(created_at=ticket.created_at)
    sent = OutboundMail.objects.create(
        ticket=ticket,
        message_id=msgid,
        to_address=row.to_address,
        subject=f"回复：{ticket.title} [#{ticket.number}]"[:500],
    )
    OutboundMail.objects.filter(pk=sent.pk).update(created_at=at, updated_at=at)


def build_channels_rows(lines, *, seed: int) -> int:
    """Mailboxes and the mail of each line's open e-mail tickets; returns the messages kept.

    The demo's ticket count is fixed, so mail opens no ticket here: the generated e-mail tickets
    get the customer's original message as evidence (as the ingest path keeps it), and their
    follow-ups and an auto-reply go through the real ingest path, threading by References or by
    the ticket token in the subject."""
    import hashlib

    from kefu.channels.models import InboundMail, InboundStatus
    from kefu.tickets.models import OPEN_STATUSES, Ticket

    rng = random.Random(seed + 17)
    done = 0
    for line in lines:
        code = line.code
        if code not in ADDRESSES:
            continue
        owner = (
            User.objects.filter(business_line=line, role="agent", is_active=True)
            .order_by("id")
            .first()
        )
        if owner is None:
            continue
        mailbox = Mailbox.objects.create(
            business_line=line, name=NAMES[code], address=ADDRESSES[code], intake_user=owner
        )
        tickets = list(
            Ticket.objects.filter(business_line=line, channel="email", status__in=OPEN_STATUSES)
            .exclude(customer__email="")
            .select_related("customer")
            .order_by("-created_at", "-id")[: COUNTS[code]]
        )
        for index, ticket in enumerate(tickets):
            customer = ticket.customer
            mailer, charset = CLIENTS[index % len(CLIENTS)]
            domain = customer.email.split("@")[1]
            frm = f"{customer.name} <{customer.email}>"
            msgid = f"demo-{ticket.number}@{domain}"
            body = (ticket.description or ticket.title) + f"\n\n{customer.name}"
            raw = _message(
                frm=frm,
                to=mailbox.address,
                subject=ticket.title,
                body=body,
                charset=charset,
                mailer=mailer,
                msgid=msgid,
            )
            original = InboundMail.objects.create(
                mailbox=mailbox,
                message_id=msgid,
                ticket=ticket,
                status=InboundStatus.CREATED,
                from_address=customer.email,
                from_name=customer.name[:100],
                subject=ticket.title,
                body=body,
                charsets=charset.replace("gb2312", "gb18030"),
                raw=raw,
                size=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
            )
            InboundMail.objects.filter(pk=original.pk).update(received_at=ticket.created_at)
            _acknowledged(mailbox, original, ticket)
            done += 1
            if index % 3 == 1:  # a second mail threaded by References
                more = "补充一下：今天下午都在家，可以电话联系我。"
                services.ingest(
                    _message(
                        frm=frm,
                        to=mailbox.address,
                        subject=f"回复：{ticket.title}",
                        body=f"{more}\n\n------------------ 原始邮件 ------------------\n{body}",
                        charset=charset,
                        mailer=mailer,
                        msgid=f"more-{msgid}",
                        refs=[msgid],
                    ),
                    mailbox=mailbox,
                    auto_reply=False,
                )
                done += 1
            elif index % 3 == 2:  # by the ticket token, no References (QQ Mail)
                services.ingest(
                    _message(
                        frm=frm,
                        to=mailbox.address,
                        subject=f"{ticket.title} [#{ticket.number}]",
                        body=rng.choice(("请问处理得怎么样了？", "麻烦尽快回复，谢谢。")),
                        charset="utf-8",
                        mailer="QQMail 2.x",
                        msgid=f"token-{msgid}",
                    ),
                    mailbox=mailbox,
                    auto_reply=False,
                )
                done += 1
        if tickets:
            first = tickets[0].customer
            auto = _message(
                frm=first.email,
                to=mailbox.address,
                subject="自动回复：休假中",
                body="您好，我正在休假，假期结束后回复。",
                charset="utf-8",
                mailer="QQMail 2.x",
                msgid=f"auto-{code}@{first.email.split('@')[1]}",
            )
            auto = auto.replace(b"MIME-Version", b"Auto-Submitted: auto-replied\nMIME-Version", 1)
            services.ingest(auto, mailbox=mailbox, auto_reply=False)
            done += 1
        _survey_mail_history(mailbox)
    return done


SURVEY_MAILS = 30  # the latest invitations of a line mailed through the mail outbox


def _survey_mail_history(mailbox: Mailbox) -> int:
    """Survey invitations also went by e-mail through the mail outbox (issue 17): the latest
    invitations of customers with an address have their mail, sent from the line's mailbox;
    every tenth was refused by the recipient's daily quota, with the reason, as the invitations
    page shows it. History only: nothing is sent."""
    from kefu.channels.models import AutoMail, AutoMailStatus, OutboundMail
    from kefu.surveys.models import SurveyInvitation

    line = mailbox.business_line
    invitations = list(
        SurveyInvitation.objects.filter(business_line=line, sent_at__isnull=False)
        .exclude(customer__email="")
        .select_related("customer", "questionnaire")
        .order_by("-sent_at", "-id")[:SURVEY_MAILS]
    )
    quota = "今日发给该收件人的消息已达上限。"
    for n, invitation in enumerate(invitations):
        refused = n % 10 == 9
        at = invitation.sent_at
        address = invitation.customer.email
        msgid = f"survey-{invitation.pk}@{mailbox.address.split('@')[1]}"
        row = AutoMail.objects.create(
            business_line=line,
            ticket_id=invitation.ticket_id,
            customer_id=invitation.customer_id,
            to_address=address,
            kinds="survey",
            subject=f"您的意见很重要：{invitation.questionnaire.name}",
            text=f"{line.name}邀请您参加满意度调查“{invitation.questionnaire.name}”。",
            status=AutoMailStatus.REFUSED if refused else AutoMailStatus.SENT,
            error=quota if refused else "",
            message_id="" if refused else msgid,
            sent_at=None if refused else at,
            attempts=0 if refused else 1,
        )
        AutoMail.objects.filter(pk=row.pk).update(created_at=at)
        if not refused:
            sent = OutboundMail.objects.create(
                ticket_id=invitation.ticket_id,
                message_id=msgid,
                to_address=address,
                subject=row.subject,
            )
            OutboundMail.objects.filter(pk=sent.pk).update(created_at=at, updated_at=at)
        others = [c for c in invitation.sent_channels.split(",") if c and c != "email"]
        first = "email:refused" if refused else "email"
        SurveyInvitation.objects.filter(pk=invitation.pk).update(
            sent_channels=",".join([first, *others])[:30]
        )
    return len(invitations)
