"""The demo's e-mail channel (issue 17): a mailbox per business line and today's mail run through
the real ingest path (``channels.services.ingest``), so a manager's mailbox page shows true
figures and the e-mail tickets carry threads: customers of the archive write in from QQ Mail,
Foxmail, Outlook and Gmail in GBK, GB18030, Big5 and UTF-8; some add a second mail that threads
by References or by the ticket token in the subject; an out-of-office auto-reply and a bounce
are kept and ignored."""

from __future__ import annotations

import random
from email.message import EmailMessage

from kefu.accounts.models import User
from kefu.channels import services
from kefu.channels.models import Mailbox
from kefu.customers.models import Customer

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


def build_channels_rows(lines, *, seed: int) -> int:
    """Mailboxes and today's mail of each line; returns the number of messages ingested."""
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
        customers = list(
            Customer.objects.filter(business_line=line, merged_into__isnull=True)
            .exclude(email="")
            .order_by("id")[: COUNTS[code]]
        )
        for index, customer in enumerate(customers):
            mailer, charset = CLIENTS[index % len(CLIENTS)]
            title, text = rng.choice(TOPICS[code])
            n = rng.randrange(1000, 9999)
            frm = f"{customer.name} <{customer.email}>"
            msgid = f"demo-{code}-{index}@{customer.email.split('@')[1]}"
            body = text.format(n=n) + f"\n\n{customer.name}"
            result = services.ingest(
                _message(
                    frm=frm,
                    to=mailbox.address,
                    subject=title,
                    body=body,
                    charset=charset,
                    mailer=mailer,
                    msgid=msgid,
                ),
                mailbox=mailbox,
            )
            done += 1
            if index % 5 == 1:  # a second mail threaded by References
                services.ingest(
                    _message(
                        frm=frm,
                        to=mailbox.address,
                        subject=f"回复：{title}",
                        body="补充一下：今天下午都在家，可以电话联系我。\n\n------------------ 原始邮件 ------------------\n"
                        + body,
                        charset=charset,
                        mailer=mailer,
                        msgid=f"more-{msgid}",
                        refs=[msgid],
                    ),
                    mailbox=mailbox,
                )
                done += 1
            elif index % 5 == 3 and result.ticket:  # by the ticket token, no References
                services.ingest(
                    _message(
                        frm=frm,
                        to=mailbox.address,
                        subject=f"{title} [#{result.ticket}]",
                        body="请问处理得怎么样了？",
                        charset="utf-8",
                        mailer="QQMail 2.x",
                        msgid=f"token-{msgid}",
                    ),
                    mailbox=mailbox,
                )
                done += 1
        if customers:
            first = customers[0]
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
            services.ingest(auto, mailbox=mailbox)
            done += 1
    return done
