"""E-mail ingest benchmark: 10,000 mixed-charset messages through the one ingest path.

    .venv/bin/python bench/mail_bench.py [--messages 10000] [--data-dir DIR]

Builds a scratch database in its own KEFU_DATA_DIR (SQLite unless DATABASE_URL is set), one
business line with a mailbox, then ingests generated mail: new customers writing in GBK
(labelled GB2312), GB18030, Big5, UTF-8 and HTML-only, a third of them answering by References
or by the ticket token, a few auto-replies and bounces; prints JSON with messages/s, the outcome
counts, the decoding's time per message, the messages that lost or mangled a character (every
one checked against its source text) and the peak memory (max RSS; --trace adds tracemalloc).
``--decode-only`` decodes and checks the messages without a database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from email.message import EmailMessage

CHARSETS = ("gb2312", "gb18030", "big5", "utf-8", "html")
TEXT = {
    "gb2312": "订单{n}的发票抬头开错了，朱镕基传缺页，麻烦处理。",  # 镕: GBK under a GB2312 label
    "gb18030": "快递{n}三天没有更新物流，请帮忙催一下。",
    "big5": "請問訂單{n}何時發貨？謝謝。",
    "utf-8": "收到的商品{n}有破损，申请退货退款。",
    "html": "<p>退货地址是哪里？订单 <b>{n}</b></p><script>alert(1)</script>",
}


def make(n: int) -> bytes:
    kind = CHARSETS[n % len(CHARSETS)]
    customer = n // 3  # three mails per customer: a new one, then two answers
    step = n % 3
    msg = EmailMessage()
    msg["From"] = f"客户{customer} <c{customer}@example.cn>"
    msg["To"] = "service@bench.example"
    msg["Message-ID"] = f"<m{n}@example.cn>"
    subject = f"咨询{customer}"
    if step == 1:
        msg["In-Reply-To"] = f"<m{n - 1}@example.cn>"
        msg["References"] = f"<m{n - 1}@example.cn>"
        subject = f"回复：{subject}"
    msg["Subject"] = subject
    if n % 97 == 0:
        msg["Auto-Submitted"] = "auto-replied"
    text = TEXT[kind].format(n=n)
    if kind == "html":
        msg.set_content(text, subtype="html", charset="utf-8")
    else:
        label = kind
        msg.set_content(text.encode("gb18030" if kind == "gb2312" else kind), "text", "plain")
        msg.set_param("charset", label)
    return msg.as_bytes()


def garbled(n: int, parsed) -> bool:
    """Whether message ``n`` lost or mangled a character: its subject must come back exactly,
    its text (the HTML one as text, its script gone) whole, and nothing may be U+FFFD."""
    customer, step = n // 3, n % 3
    subject = f"回复：咨询{customer}" if step == 1 else f"咨询{customer}"
    kind = CHARSETS[n % len(CHARSETS)]
    if kind == "html":
        ok = (
            f"退货地址是哪里？订单 {n}" in " ".join(parsed.text.split())
            and "alert" not in parsed.text
        )
    else:
        ok = TEXT[kind].format(n=n) in parsed.text
    return not ok or parsed.subject != subject or "\ufffd" in parsed.subject + parsed.text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--data-dir")
    parser.add_argument("--trace", action="store_true", help="tracemalloc (slows it 2-3x)")
    parser.add_argument(
        "--decode-only", action="store_true", help="decode and check every message, no database"
    )
    args = parser.parse_args()
    if args.decode_only:
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
        from kefu.channels import mime

        start = time.perf_counter()
        bad = sum(garbled(n, mime.parse(make(n))) for n in range(args.messages))
        print(
            json.dumps(
                {
                    "messages": args.messages,
                    "garbled_messages": bad,
                    "make_and_decode_ms_per_message": round(
                        (time.perf_counter() - start) * 1000 / args.messages, 3
                    ),
                }
            )
        )
        return
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="kefu-mail-bench-")
    os.environ["KEFU_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    # the acknowledgements (CH-4) are composed and handed to Django's in-memory backend: the
    # bench measures Kefu, not an SMTP server (the outbox is emptied as it goes)
    os.environ.setdefault("EMAIL_URL", "locmem://")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    from kefu.accounts.services import business_line_create, user_create
    from kefu.channels import mime, services
    from kefu.channels.models import Mailbox

    line = business_line_create(name="网店", code="bench", industry="ecommerce")
    team = line.departments.first().teams.first()
    agent = user_create(username="bench", password="Bench-2026!x", role="agent", team=team)
    mailbox = Mailbox.objects.create(
        business_line=line,
        name="bench",
        address="service@bench.example",
        intake_user=agent,
        rate_limit=0,
    )
    raws = [make(n) for n in range(args.messages)]
    decode_start = time.perf_counter()
    for raw in raws[:1000]:
        mime.parse(raw)
    decode_per_msg = (time.perf_counter() - decode_start) / min(1000, len(raws))
    garbled_count = sum(garbled(n, mime.parse(raw)) for n, raw in enumerate(raws))
    if args.trace:
        tracemalloc.start()
    counts: dict[str, int] = {}
    start = time.perf_counter()
    from django.core import mail

    mail.outbox = []
    for n, raw in enumerate(raws):
        status = str(services.ingest(raw, mailbox=mailbox).status)
        counts[status] = counts.get(status, 0) + 1
        if n % 500 == 0:
            counts["acknowledgements"] = counts.get("acknowledgements", 0) + len(mail.outbox)
            mail.outbox.clear()
    counts["acknowledgements"] = counts.get("acknowledgements", 0) + len(mail.outbox)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if args.trace else 0
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "messages": len(raws),
                "seconds": round(elapsed, 1),
                "messages_per_s": round(len(raws) / elapsed, 1),
                "decode_ms_per_message": round(decode_per_msg * 1000, 3),
                "garbled_messages": garbled_count,
                "outcomes": counts,
                "peak_traced_mib": round(peak / 2**20, 1) if args.trace else None,
                "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
                "data_dir": data_dir,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
