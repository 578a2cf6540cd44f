"""The demo's repeat complaints (decision §9.9, issue 23 §1): a few customers whose complaint of
the last weeks was closed call again about the same thing. The new complaint goes through the
ticket service, so the followups subscriber links it to the earlier one and grades it 重复 (same
category, within the line's 30 days); both tickets show the link. A fixed handful per line,
whatever the size of the build; idempotent (a second run finds its titles and adds nothing)."""

from __future__ import annotations

import datetime as dt

from kefu.accounts.models import BusinessLine, User
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create

PER_LINE = 3
PREFIX = "再次投诉："
DESCRIPTION = "客户来电反映上次投诉的同一问题又出现了，情绪不满，要求尽快处理并给出说法。"
INDUSTRIES = ("ecommerce", "property", "auto")


def build_repeat_rows(*, now: dt.datetime) -> int:
    """Record the repeat complaints; the number of tickets created."""
    created = 0
    for line in BusinessLine.objects.filter(industry__in=INDUSTRIES).order_by("id"):
        if Ticket.objects.filter(business_line=line, title__startswith=PREFIX).exists():
            continue
        # the agent or lead who took the first complaint takes the second; a complaint first
        # owned by someone else (a supervisor) goes to the line's first agent
        staff = {
            u.pk: u
            for u in User.objects.filter(
                business_line=line, role__in=("agent", "lead"), is_active=True
            ).order_by("role", "id")
        }
        if not staff:
            continue
        fallback = next(iter(staff.values()))
        earlier = (
            Ticket.objects.filter(
                business_line=line,
                type="complaint",
                status="closed",
                category__isnull=False,
                created_at__gte=now - dt.timedelta(days=25),
                created_at__lte=now - dt.timedelta(days=3),
            )
            .select_related("customer")
            .order_by("-created_at", "-id")[: PER_LINE * 10]
        )
        seen: set[int] = set()
        for ticket in earlier:
            if ticket.customer_id in seen or ticket.customer.merged_into_id is not None:
                continue
            seen.add(ticket.customer_id)
            ticket_create(
                actor=staff.get(ticket.first_owner_id, fallback),
                title=f"{PREFIX}{ticket.title}"[:200],
                description=DESCRIPTION,
                type="complaint",
                channel="phone",
                priority="high",
                customer=ticket.customer,
                category=ticket.category_id,
            )
            created += 1
            if len(seen) >= PER_LINE:
                break
    return created
