"""The demo's ticketless calls (LOG-1, LOG-3): an enquiry answered on the phone in one go is
registered in the call register, recorded, and never becomes a ticket (营业时间, 发票, 物流 …).
About one such call per agent every four working days over 180 days, each with its recording
reference; the monthly QA sample draws them beside the tickets (inspections.sampling)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.customers.models import Customer
from kefu.demo.bulk import historic_timestamps
from kefu.followups.models import CallRecord, CallResult, Direction

DAYS = 180
ENQUIRIES = (
    "询问营业时间",
    "咨询发票开具",
    "查询物流进度",
    "询问退换货规则",
    "查询工单处理进度",
    "咨询会员积分",
    "询问停车收费标准",
    "咨询保养预约",
)


def recording_ref(at: dt.datetime, call_no: int) -> str:
    """How the switchboard names a recording: start time (Shanghai) and a call serial."""
    return f"rec-{timezone.localtime(at):%Y%m%d-%H%M%S}-{call_no % 10000:04d}.wav"


def build_enquiry_call_rows(*, now: dt.datetime, seed: int) -> int:
    """The calls above; the number written (0 when they exist already)."""
    if CallRecord.objects.filter(ticket__isnull=True, callback__isnull=True).exists():
        return 0
    rng = random.Random(seed + 4242)
    customers: dict[int, list[int]] = {}
    for line_id, pk in Customer.objects.filter(merged_into=None).values_list(
        "business_line_id", "id"
    )[:20_000]:
        customers.setdefault(line_id, []).append(pk)
    agents = User.objects.filter(role=Role.AGENT, is_active=True, business_line__isnull=False)
    today = timezone.localdate(now)
    calls = []
    for agent in agents.order_by("id").only("id", "business_line_id", "team_id", "department_id"):
        pool = customers.get(agent.business_line_id)
        if not pool:
            continue
        for back in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() >= 5 or rng.random() >= 0.25:
                continue
            at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59)))
            )
            calls.append(
                CallRecord(
                    business_line_id=agent.business_line_id,
                    department_id=agent.department_id,
                    team_id=agent.team_id,
                    direction=Direction.INBOUND,
                    started_at=at,
                    duration_seconds=rng.randint(40, 240),
                    result=CallResult.ANSWERED,
                    customer_id=rng.choice(pool),
                    agent_id=agent.pk,
                    recording_ref=recording_ref(at, len(calls) + 1),
                    notes=rng.choice(ENQUIRIES),
                    created_at=at,
                )
            )
    with historic_timestamps(CallRecord):
        CallRecord.objects.bulk_create(calls, batch_size=2000)
    return len(calls)
