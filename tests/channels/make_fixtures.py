"""Writes the .eml fixtures of tests/channels/fixtures/ (run once; the files are committed).

Each mimics a real client's shape: Outlook (multipart/alternative, GB2312 label on GBK text,
"-----原始邮件-----"), Foxmail (GB18030, References), QQ Mail (no References, 回复： and the
ticket token), Gmail (UTF-8, References, "写道："), plus the noise and charset traps.
``{NUMBER}``, ``{REF}`` and ``{CUSTOMER}`` are filled in by the tests.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).parent / "fixtures"


def b64(text: str, charset: str) -> str:
    return base64.encodebytes(text.encode(charset)).decode("ascii")


def word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode('gb18030' if charset.lower() in ('gb2312', 'gbk') else charset)).decode()}?="


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data.replace(b"\n", b"\r\n"))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    # 1. Outlook, GBK body labelled gb2312 (镕 and 堃 are GBK, not GB2312), GB2312 subject
    body = "您好：\n\n我在贵店购买的朱镕基传记少了一页，王堃先生让我联系你们。\n订单号 20261201889。\n\n李晓明"
    write(
        "outlook_gbk.eml",
        f"""From: {word("李晓明", "gb2312")} <{{CUSTOMER}}>
To: service@shop.example
Subject: {word("图书缺页（朱镕基传）", "gb2312")}
Date: Mon, 30 Nov 2026 09:12:44 +0800
Message-ID: <000001db42a1$8e1f2c30$aa5d8490$@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="----=_NextPart_000_0001_01DB42E4.9C426C30"
X-Mailer: Microsoft Outlook 16.0
Thread-Index: AdtCoY4fLDCqXYSQ

------=_NextPart_000_0001_01DB42E4.9C426C30
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

{b64(body, "gb18030")}
------=_NextPart_000_0001_01DB42E4.9C426C30
Content-Type: text/html; charset="gb2312"
Content-Transfer-Encoding: base64

{b64("<html><body><p>" + body.replace(chr(10), "<br>") + "</p></body></html>", "gb18030")}
------=_NextPart_000_0001_01DB42E4.9C426C30--
""".encode("ascii"),
    )
    # 2. Foxmail reply by References, GB18030, 原始邮件 quote
    reply = '收到，谢谢！补发的书什么时候到？\n\n------------------ 原始邮件 ------------------\n发件人: "网店"<service@shop.example>\n主题: Re: 图书缺页\n\n您好，已为您补发。'
    write(
        "foxmail_reply_refs.eml",
        f"""From: {word("李晓明", "gb18030")} <{{CUSTOMER}}>
To: service@shop.example
Subject: {word("回复：Re: 图书缺页（朱镕基传）", "gb18030")}
Date: Tue, 01 Dec 2026 10:02:11 +0800
Message-ID: <tencent_3A9F1C2B@foxmail.com>
In-Reply-To: <{{REF}}>
References: <000001db42a1$8e1f2c30$aa5d8490$@example.com> <{{REF}}>
X-Mailer: Foxmail 7.2.25.228
MIME-Version: 1.0
Content-Type: text/plain; charset="GB18030"
Content-Transfer-Encoding: base64

{b64(reply, "gb18030")}""".encode("ascii"),
    )
    # 3. QQ Mail reply without References or In-Reply-To: only the ticket token in the subject
    qq = "还是没有收到，麻烦再查一下物流。\n\n发自我的iPhone\n\n------------------ Original ------------------\nFrom: 网店"
    write(
        "qq_reply_token.eml",
        f"""From: "=?utf-8?B?{base64.b64encode("晓明".encode()).decode()}?=" <{{CUSTOMER}}>
To: "service" <service@shop.example>
Subject: =?utf-8?B?{base64.b64encode("回复：Re: 图书缺页".encode()).decode()}?= [#{{NUMBER}}]
Date: Wed, 02 Dec 2026 20:15:09 +0800
Message-ID: <tencent_8D2E1F0A3C4B5D6E7F@qq.com>
X-QQ-MIME: TCMime 1.0 by Tencent
X-Mailer: QQMail 2.x
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="----=_NextPart_6571A2B3_0F1E2D3C_4B5A6978"

------=_NextPart_6571A2B3_0F1E2D3C_4B5A6978
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(qq, "utf-8")}
------=_NextPart_6571A2B3_0F1E2D3C_4B5A6978--
""".encode("ascii"),
    )
    # 4. Gmail reply with References, UTF-8 quoted-printable, 写道： quote
    gmail = "好的，地址改成上海市浦东新区张江路 88 号。\n\n在 2026年12月1日周二 10:05，网店 <service@shop.example> 写道：\n> 您好，已为您补发。\n"
    write(
        "gmail_reply.eml",
        b"""From: =?UTF-8?B?"""
        + base64.b64encode("李晓明".encode())
        + b"""?= <{CUSTOMER}>
To: service@shop.example
Subject: Re: =?UTF-8?B?"""
        + base64.b64encode("图书缺页（朱镕基传）".encode())
        + b"""?=
Date: Thu, 03 Dec 2026 08:00:00 +0800
Message-ID: <CAJx9Lq3+Yb2Pn=qW4f@mail.gmail.com>
In-Reply-To: <{REF}>
References: <{REF}>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

"""
        + quopri.encodestring(gmail.encode()),
    )
    # 5. UTF-8 with Chinese attachment names: RFC 2231 and RFC 2047 (GBK)
    write(
        "utf8_attachments.eml",
        f"""From: =?utf-8?B?{base64.b64encode("王芳".encode()).decode()}?= <wangfang@example.cn>
To: service@shop.example
Subject: =?utf-8?Q?=E5=8F=91=E7=A5=A8?= =?gb2312?B?{base64.b64encode("开错了".encode("gb18030")).decode()}?=
Message-ID: <attach-001@example.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

发票抬头写错了，请看附件。
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8%E6%89%AB%E6%8F%8F.pdf
Content-Transfer-Encoding: base64

{b64("%PDF-1.4 fake invoice", "ascii")}
--b1
Content-Type: image/png; name="{word("订单截图.png", "gbk")}"
Content-Disposition: attachment; filename="{word("订单截图.png", "gbk")}"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
--b1--
""".encode(),
    )
    # 6. HTML only, with a script that must not survive
    write(
        "html_only.eml",
        f"""From: zhao@example.com
To: service@shop.example
Subject: =?utf-8?B?{base64.b64encode("退货地址".encode()).decode()}?=
Message-ID: <html-only-7@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

{b64('<html><head><style>p{{color:red}}</style><script>alert("x")</script></head><body><p>请问&nbsp;退货地址是哪里？</p><div>订单 <b>20261130</b></div><img src="http://tracker.example/p.gif" onerror="alert(1)"></body></html>', "utf-8")}""".encode(),
    )
    # 7. Wrong labels: iso-8859-1 on GBK bytes; gb2312 on UTF-8 bytes
    write(
        "wrong_charset_latin1.eml",
        b"""From: sun@example.com
To: service@shop.example
Subject: wrong label
Message-ID: <wrong-label-1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

"""
        + "快递一直显示派送中，已经五天了，请帮忙催一下。".encode("gbk")
        + b"\n",
    )
    write(
        "wrong_charset_utf8_as_gb2312.eml",
        b"""From: sun@example.com
To: service@shop.example
Subject: =?gb2312?B?"""
        + base64.b64encode("发货".encode("gbk"))
        + b"""?=
Message-ID: <wrong-label-2@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=gb2312
Content-Transfer-Encoding: 8bit

"""
        + "商品与描述不符，要求退货退款。".encode()
        + b"\n",
    )
    # 8. Big5 (a Hong Kong customer), subject raw 8-bit Big5 without encoded words
    write(
        "big5.eml",
        b"""From: chan@example.hk
To: service@shop.example
Subject: """
        + "訂單查詢".encode("big5")
        + b"""
Message-ID: <big5-1@example.hk>
MIME-Version: 1.0
Content-Type: text/plain; charset=big5
Content-Transfer-Encoding: 8bit

"""
        + "請問我的訂單何時發貨？謝謝。".encode("big5")
        + b"\n",
    )
    # 9. Auto-reply (QQ Mail vacation reply)
    write(
        "autoreply.eml",
        f"""From: {{CUSTOMER}}
To: service@shop.example
Subject: =?utf-8?B?{base64.b64encode("自动回复: Re: 图书缺页".encode()).decode()}?= [#{{NUMBER}}]
Message-ID: <auto-1@qq.com>
Auto-Submitted: auto-replied
X-Autoreply: yes
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64("您好，我正在休假，稍后回复。", "utf-8")}""".encode(),
    )
    # 10. Bounce (DSN) for the customer's address
    write(
        "bounce.eml",
        b"""From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)
To: service@shop.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.shop.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain; charset=us-ascii

This is the mail system. Your message could not be delivered.
--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.example

Final-Recipient: rfc822; {CUSTOMER}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--dsn
Content-Type: text/rfc822-headers

Subject: Re: test
--dsn--
""",
    )
    # 11. An attachment larger than the line's limit (the test lowers the limit)
    write(
        "oversized_attachment.eml",
        f"""From: qian@example.com
To: service@shop.example
Subject: =?utf-8?B?{base64.b64encode("视频证据".encode()).decode()}?=
Message-ID: <big-attach-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

开箱视频见附件。
--b2
Content-Type: application/zip
Content-Disposition: attachment; filename="video.zip"
Content-Transfer-Encoding: base64

{base64.encodebytes(bytes(range(256)) * 64).decode()}
--b2--
""".encode(),
    )


if __name__ == "__main__":
    main()
