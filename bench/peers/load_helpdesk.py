"""Bulk data for the django-helpdesk peer, in the shape of Kefu's demo (issue 7, W7).

Runs INSIDE the peer's virtual environment with its settings (``helpdesk_peer.py load`` starts
it): 9 queues (one per Kefu team), one staff user per queue plus ``bench`` (superuser, DRF token),
N tickets over the last 180 days with Chinese titles and descriptions, mostly closed like Kefu's
demo, each with 2–4 follow-ups (Kefu's tickets carry events and messages). Inserted with
``bulk_create`` in batches, as Kefu's demo builder does.

    python load_helpdesk.py N
"""

from __future__ import annotations

import datetime as dt
import random
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

QUEUES = [
    "售前组",
    "催付组",
    "售后一组",
    "售后二组",
    "退款组",
    "前台组",
    "管家组",
    "服务前台",
    "跟踪回访组",
]
TOPICS = [
    ("快递一直没有收到", "客户来电反映快递三天没有更新物流，要求尽快查询。"),
    ("申请退款", "客户要求退款，商品未拆封，已提供订单号。"),
    ("商品破损", "收到的商品外包装破损，内件有划痕，客户要求换货。"),
    ("发票怎么开", "客户咨询电子发票的开具方式和抬头修改。"),
    ("物业报修 卫生间漏水", "业主反映卫生间天花板滴水，需要上门查看。"),
    ("保养预约", "车主预约首保，询问需要多长时间。"),
    ("投诉客服态度", "客户对上次通话的服务态度不满意，要求回电说明。"),
    ("表扬 送货师傅", "客户表扬送货师傅耐心负责。"),
]
# helpdesk statuses: 1 open, 2 reopened, 3 resolved, 4 closed
STATUS_WEIGHTS = [(4, 0.9), (3, 0.09), (1, 0.008), (2, 0.002)]
BATCH = 5000


def main() -> int:
    total = int(sys.argv[1])
    rnd = random.Random(20261111)
    now = timezone.now()
    user_model = get_user_model()
    with transaction.atomic():
        boss, _ = user_model.objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )
        boss.set_password("bench-peer-2026")
        boss.save()
        Token.objects.get_or_create(user=boss)
        queues = []
        for i, title in enumerate(QUEUES):
            queue, _ = Queue.objects.get_or_create(
                slug=f"q{i}", defaults={"title": title, "allow_email_submission": False}
            )
            queues.append(queue)
        staff = []
        for i in range(len(QUEUES) * 4):
            user, _ = user_model.objects.get_or_create(
                username=f"agent{i}", defaults={"is_staff": True}
            )
            staff.append(user)
    made = total if Ticket.objects.exists() else 0  # loaded once per database
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    while made < total:
        n = min(BATCH, total - made)
        tickets = []
        for _ in range(n):
            created = now - dt.timedelta(seconds=rnd.randint(0, 180 * 86400))
            title, body = rnd.choice(TOPICS)
            qi = rnd.randrange(len(queues))
            tickets.append(
                Ticket(
                    title=f"{title} {rnd.randint(1000, 9999)}",
                    queue=queues[qi],
                    created=created,
                    modified=created + dt.timedelta(hours=rnd.randint(1, 72)),
                    submitter_email=f"c{rnd.randint(1, 200000)}@example.com",
                    assigned_to=staff[qi * 4 + rnd.randrange(4)],
                    status=rnd.choices(statuses, weights)[0],
                    description=body,
                    priority=rnd.randint(1, 5),
                    due_date=created + dt.timedelta(days=rnd.randint(1, 7)),
                )
            )
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=1000)
            if tickets[0].pk is None:  # SQLite before RETURNING: read the ids back
                tickets = list(Ticket.objects.order_by("-id")[:n])[::-1]
            followups = [
                FollowUp(
                    ticket_id=t.pk,
                    date=t.created + dt.timedelta(hours=k + 1),
                    title="跟进",
                    comment="已联系客户，等待回复。",
                    public=k % 2 == 0,
                    user=t.assigned_to,
                )
                for t in tickets
                for k in range(rnd.randint(2, 4))
            ]
            FollowUp.objects.bulk_create(followups, batch_size=2000)
        made += n
        print(f"{made} tickets", file=sys.stderr)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"{Ticket.objects.count()} tickets in the peer", file=sys.stderr)
    print(Token.objects.get(user__username="bench").key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
