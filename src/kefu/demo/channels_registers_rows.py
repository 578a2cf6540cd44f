"""The demo's channel registers (issue 17, LOG-1, LOG-2, CMP-6), 180 days back: what the channel
subscribers write for live traffic, written here for the generated tickets (which the builder
inserts in bulk, past the events) —
- every phone ticket is an inbound call in the call register (an enquiry or complaint call);
- every e-mail ticket's first mail is a customer's letter in the letter register, followed by
  the acknowledgement mailed with its number (a notice), and its resolved ones carry the reply
  that was mailed;
- the property line receives fed complaints (CMP-6): the first complaint ticket of a day came
  from the 96860 platform, a second one that day from the 12345 hotline (even days) or the visit
  log (odd days), by file or webhook, with the station (team), its department and the notified
  heads;
- each line's peak mode is measured once (its queue per agent on shift, CH-4).
No tickets are added: the demo's ticket count is fixed."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.channels.messaging.models import FeedSource, PlatformComplaint
from kefu.demo.bulk import historic_timestamps
from kefu.demo.enquiry_call_rows import recording_ref
from kefu.followups.models import (
    CallRecord,
    CallResult,
    Direction,
    LetterChannel,
    LetterDirection,
    LetterKind,
    LetterRecord,
)
from kefu.tickets.models import Ticket

DAYS = 180
BATCH = 2000
FEED_LINE = "wy"
ADDRESSES = ("幸福里{n}号楼", "锦绣花园{n}栋", "滨江苑{n}幢", "阳光小区{n}号")
FIELDS = (
    "id",
    "business_line_id",
    "department_id",
    "team_id",
    "customer_id",
    "first_owner_id",
    "assignee_id",
    "created_at",
    "resolved_at",
    "title",
    "number",
    "description",
    "channel",
    "type",
)


def _rows(since: dt.datetime):
    return (
        Ticket.objects.filter(created_at__gte=since, customer__isnull=False)
        .exclude(pk__in=CallRecord.objects.filter(direction=Direction.INBOUND).values("ticket_id"))
        .values(*FIELDS, phone=F("customer__phone"))
        .order_by("id")
    )


def build_channels_registers_rows(lines, *, now=None, seed: int = 0) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(seed + 1717)
    since = now - dt.timedelta(days=DAYS)
    calls, letters, feed = [], [], []
    line_ids = {line.pk for line in lines}
    for row in _rows(since).filter(channel__in=("phone", "email"), business_line_id__in=line_ids):
        common = {
            "business_line_id": row["business_line_id"],
            "department_id": row["department_id"],
            "team_id": row["team_id"],
            "customer_id": row["customer_id"],
            "ticket_id": row["id"],
        }
        at = row["created_at"]
        if row["channel"] == "phone":
            calls.append(
                CallRecord(
                    **common,
                    direction=Direction.INBOUND,
                    started_at=at - dt.timedelta(seconds=rng.randint(60, 600)),
                    duration_seconds=rng.randint(45, 540),
                    result=CallResult.ANSWERED,
                    agent_id=row["first_owner_id"],
                    notes=row["title"][:200],
                    recording_ref=recording_ref(at, row["id"]),
                    created_at=at,
                )
            )
            continue
        letters.append(
            LetterRecord(
                **common,
                direction=LetterDirection.RECEIVED,
                kind=LetterKind.CUSTOMER,
                channel=LetterChannel.EMAIL,
                sent_on=timezone.localtime(at).date(),
                subject=row["title"][:200],
                created_at=at,
            )
        )
        # the line's acknowledgement with the number, mailed at once (CH-4, channels.auto_mail)
        letters.append(
            LetterRecord(
                **common,
                direction=LetterDirection.SENT,
                kind=LetterKind.NOTICE,
                channel=LetterChannel.EMAIL,
                sent_on=timezone.localtime(at).date(),
                subject=f"回复：{row['title']} [#{row['number']}]"[:200],
                created_at=at + dt.timedelta(seconds=20),
            )
        )
        if row["resolved_at"]:
            letters.append(
                LetterRecord(
                    **common,
                    direction=LetterDirection.SENT,
                    kind=LetterKind.REPLY,
                    channel=LetterChannel.EMAIL,
                    sent_on=timezone.localtime(row["resolved_at"]).date(),
                    subject=f"回复：{row['title']} [#{row['number']}]"[:200],
                    agent_id=row["assignee_id"] or row["first_owner_id"],
                    created_at=row["resolved_at"],
                )
            )
    feed_line = next((line for line in lines if line.code == FEED_LINE), None)
    if feed_line is not None:
        feed = _feed(feed_line, since, rng)
    with historic_timestamps(CallRecord, LetterRecord, PlatformComplaint):
        CallRecord.objects.bulk_create(calls, batch_size=BATCH)
        LetterRecord.objects.bulk_create(letters, batch_size=BATCH)
        PlatformComplaint.objects.bulk_create(feed, batch_size=BATCH)
    from kefu.channels.messaging.peak import check_all

    check_all(now)  # the auto-replies page shows each line's queue per agent (CH-4)
    return {"calls": len(calls), "letters": len(letters), "platform_complaints": len(feed)}


def _feed(line, since: dt.datetime, rng: random.Random) -> list[PlatformComplaint]:
    """About one complaint ticket a day of the line came from the 96860 platform's feed, and a
    second one of the day, when there is one, from the 12345 hotline or the visit log."""
    leads: dict[int, list[int]] = {}
    for user_id, team_id in User.objects.filter(
        business_line=line, role=Role.LEAD, is_active=True
    ).values_list("id", "team_id"):
        leads.setdefault(team_id, []).append(user_id)
    by_day: dict[dt.date, list[dict]] = {}
    for row in _rows(since).filter(business_line=line, type="complaint"):
        day_rows = by_day.setdefault(timezone.localtime(row["created_at"]).date(), [])
        if len(day_rows) < 2:
            day_rows.append(row)
    picked = []
    for day, day_rows in sorted(by_day.items()):
        picked.append((day, FeedSource.PLATFORM_96860, day_rows[0]))
        if len(day_rows) > 1:
            second = FeedSource.HOTLINE_12345 if day.toordinal() % 2 else FeedSource.VISIT
            picked.append((day, second, day_rows[1]))
    complaints = []
    for n, (day, source, row) in enumerate(picked):
        at = row["created_at"]
        # the visit log numbers its sheets 来访 + day + serial (LF20261206123)
        prefix = "LF" if source == FeedSource.VISIT else f"{source}-"
        complaints.append(
            PlatformComplaint(
                business_line=line,
                source=source,
                complaint_id=f"{prefix}{day:%Y%m%d}-{n % 900 + 100:03d}",
                via="webhook" if n % 3 == 0 and source != FeedSource.VISIT else "file",
                complained_at=at - dt.timedelta(hours=rng.randint(1, 18)),
                name=rng.choice(("王先生", "李女士", "张阿姨", "刘大爷", "陈小姐")),
                phone=row["phone"] or "",
                address=rng.choice(ADDRESSES).format(n=rng.randint(1, 30)),
                station_id=row["team_id"],
                department_id=row["department_id"],
                text=(row["description"] or row["title"])[:500],
                ticket_id=row["id"],
                notified=leads.get(row["team_id"], []),
                received_at=at,
            )
        )
    return complaints
