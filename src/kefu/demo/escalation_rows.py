"""The demo's escalations by hand (ESC-4/5/6), same-day "tell the customer" tasks (CMP-4) and
new customers' intake (ARC-1/6).

* in each business line a few open tickets are escalated by their agents, through the service
  (reason, audit, notification, timeline), to the lead, the supervisor or the manager, and a
  difficult customer is reported; the rows are dated over the current month so the complaints
  page's counts per level have something to count;
* a few issues raised in callbacks of the demo agent's customers got their solution today, so the
  agent's workbench shows what must be told to the customer before the end of the day.

Bounded whatever the build's size (at most ``PER_LINE`` escalations per line, ``NOTICES``
notices per desk agent); idempotent: a line that has manual escalations is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Case, Q, When
from django.utils import timezone

from kefu.accounts.models import User
from kefu.customers.models import Customer
from kefu.followups.models import (
    CallbackTask,
    CustomerIntake,
    ManualEscalation,
    Outcome,
    SolutionNotice,
)
from kefu.followups.services.intake import intake_record, intake_run
from kefu.followups.services.manual import recipients, ticket_escalate
from kefu.followups.services.notices import notice_make
from kefu.tickets.models import Status, Ticket

PER_LINE = 6
INTAKE_PER_LINE = 8
INCOMPLETE = (1, 3, 4)  # of the newest customers: archive not complete yet (two overdue)
NOTICES = 3
REASONS = (
    ("supervisor", False, "客户对补偿方案不接受，要求主管出面处理"),
    ("lead", False, "涉及跨组协调，需组长安排"),
    ("manager", False, "客户情绪激动并多次投诉，转经理接待"),
    ("supervisor", True, "客户反复提出无理要求并辱骂客服，上报主管（劣质客户）"),
    ("supervisor", False, "三天内未能给出方案，按三级管理制度上报"),
    ("manager", False, "客户表示将向媒体反映，需经理决定"),
)
SOLUTIONS = {
    "agent": ("已安排补发，快递单号今天生成", "同意退还差价50元，三个工作日内到账"),
    "wy_agent": ("维修师傅明早九点上门", "已协调保洁主管，今晚起增加一次清运"),
    "4s_agent": ("配件已到货，可预约明天进店更换", "厂家同意延长该部件保修一年"),
}


def build_escalation_rows(*, now: dt.datetime | None = None, seed: int = 0) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(seed + 23)
    made = {"escalations": 0, "notices": 0}
    first_of_month = timezone.localtime(now).replace(
        day=1, hour=9, minute=0, second=0, microsecond=0
    )
    open_statuses = (Status.NEW, Status.IN_PROGRESS, Status.PENDING)
    lines = Ticket.objects.values_list("business_line_id", flat=True).distinct()
    for line_id in sorted(set(lines)):
        if ManualEscalation.objects.filter(business_line_id=line_id).exists():
            continue
        tickets = list(
            Ticket.objects.filter(
                business_line_id=line_id,
                status__in=open_statuses,
                first_owner__role="agent",
                first_owner__is_active=True,
            )
            .select_related("first_owner")
            .annotate(complaint_first=Case(When(type="complaint", then=0), default=1))
            .order_by("complaint_first", "-id")[: PER_LINE * 4]
        )
        done = 0
        for level, difficult, reason in REASONS:
            ticket = next((t for t in tickets if recipients(t, level)), None)
            if ticket is None:
                continue
            tickets.remove(ticket)
            with transaction.atomic():
                row = ticket_escalate(
                    actor=ticket.first_owner,
                    ticket=ticket,
                    level=level,
                    reason=reason,
                    difficult=difficult,
                )
            start = max(first_of_month, ticket.created_at)
            span = max((now - start).total_seconds(), 0)
            at = start + dt.timedelta(seconds=rng.uniform(0, span))
            ManualEscalation.objects.filter(pk=row.pk).update(created_at=at)
            done += 1
        made["escalations"] += done
    # the demo desks' agents: issues whose solution came today (the ticket was resolved again)
    for username in SOLUTIONS:
        agent = User.objects.filter(username=username).first()
        if agent is None or SolutionNotice.objects.filter(owner=agent).exists():
            continue
        issues = (
            CallbackTask.objects.filter(owner=agent, outcome=Outcome.DISSATISFIED)
            .filter(Q(ticket__isnull=True) | Q(ticket__status=Status.RESOLVED))
            .filter(solution_notice__isnull=True)
            .select_related("business_line", "ticket")
            .order_by("-id")[:NOTICES]
        )
        for issue, solution in zip(issues, SOLUTIONS[username], strict=False):
            with transaction.atomic():
                if issue.issue_resolved_at is None:
                    CallbackTask.objects.filter(pk=issue.pk).update(issue_resolved_at=now)
                notice_make(actor=agent, issue=issue, solution=solution, at=now)
            made["notices"] += 1
    made["intake"] = _intake_rows(now)
    return made


def _intake_rows(now: dt.datetime) -> int:
    """ARC-1/6: the newest customers of each line came in over the last days: their archives
    are due 2 days after the visit (some overdue, some complete) and the allocation runs."""
    today = timezone.localdate(now)
    made = 0
    for line_id in Customer.objects.values_list("business_line_id", flat=True).distinct():
        if CustomerIntake.objects.filter(business_line_id=line_id).exists():
            continue
        newest = list(
            Customer.objects.filter(business_line_id=line_id, merged_into=None)
            .select_related("business_line")
            .order_by("-id")[:INTAKE_PER_LINE]
        )
        with transaction.atomic():
            # the day's new customers are not allocated yet: the allocation below chooses
            Customer.objects.filter(pk__in=[c.pk for c in newest]).update(dedicated_agent=None)
            for i, customer in enumerate(newest):
                customer.dedicated_agent_id = None
                if i in INCOMPLETE:  # the address is still to be taken down
                    Customer.objects.filter(pk=customer.pk).update(address="")
                    customer.address = ""
                intake = intake_record(customer=customer)
                visited = today - dt.timedelta(days=i % 5)
                CustomerIntake.objects.filter(pk=intake.pk).update(
                    visited_on=visited, archive_due_on=visited + dt.timedelta(days=2)
                )
                made += 1
            intake_run(today=today, line_ids=[line_id])
    return made
