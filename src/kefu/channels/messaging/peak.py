"""Peak mode switched by the queue (CH-4 peak guidance, issue 17 §5): every minute each line's
waiting conversations (new tickets on the chat channels and e-mail, not yet taken) are divided by
its agents on shift (active agents and leads, not on leave, inside their shift); above the line's
``peak_waiting_per_agent`` (default 5) the peak auto-reply turns on, below
``peak_waiting_per_agent_off`` (default 3) it turns off again (``rules.peak_next``: the gap keeps
it from flapping). Each switch is audited (``message.peak_on`` / ``message.peak_off``); the
auto-replies page shows the state and the latest measurement. While it is on, every new
conversation gets the peak message (once per conversation per window, like every auto-reply)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import BusinessLine, Team
from kefu.channels.messaging import rules
from kefu.channels.messaging.models import PeakState
from kefu.core import audit
from kefu.tickets.models import Status, Ticket
from kefu.tickets.routing_services import available_agents

ENTER = 5.0
LEAVE = 3.0
WAITING_CHANNELS = ("im", "sms", "web", "email")


def thresholds(line: BusinessLine) -> tuple[float, float]:
    """(on above, off below) waiting conversations per agent; a bad policy falls back."""
    try:
        enter = float(line.policy("peak_waiting_per_agent") or ENTER)
    except (TypeError, ValueError):
        enter = ENTER
    try:
        leave = float(line.policy("peak_waiting_per_agent_off") or LEAVE)
    except (TypeError, ValueError):
        leave = LEAVE
    enter = enter if enter > 0 else ENTER
    return enter, min(leave, enter) if leave > 0 else min(LEAVE, enter)


def measure(line: BusinessLine, now: dt.datetime) -> tuple[int, int]:
    """(waiting conversations, agents on shift) of the line at ``now``."""
    waiting = Ticket.objects.filter(
        business_line=line, status=Status.NEW, channel__in=WAITING_CHANNELS
    ).count()
    agents = sum(
        len(available_agents(team=team, at=now))
        for team in Team.objects.filter(business_line=line, is_active=True)
    )
    return waiting, agents


@transaction.atomic
def check(line: BusinessLine, now: dt.datetime | None = None) -> PeakState:
    """Measure the line and switch its peak mode when the measurement crosses a threshold."""
    now = now or timezone.now()
    PeakState.objects.get_or_create(business_line=line)
    state = PeakState.objects.select_for_update().get(business_line=line)
    waiting, agents = measure(line, now)
    enter, leave = thresholds(line)
    on = rules.peak_next(state.on, waiting, agents, enter, leave)
    changed = on != state.on
    state.on, state.waiting, state.agents, state.checked_at = on, waiting, agents, now
    if changed:
        state.changed_at = now
        audit.record(
            actor=None,
            action="message.peak_on" if on else "message.peak_off",
            obj=state,
            business_line_id=line.pk,
            changes={"waiting": waiting, "agents": agents, "on_above": enter, "off_below": leave},
        )
    state.save()
    return state


def check_all(now: dt.datetime | None = None) -> dict[str, bool]:
    """Every active line, each in its own transaction: {line code: peak mode on}."""
    return {
        line.code: check(line, now).on
        for line in BusinessLine.objects.filter(is_active=True).order_by("id")
    }


def is_on(line: BusinessLine) -> bool:
    return PeakState.objects.filter(business_line=line, on=True).exists()
