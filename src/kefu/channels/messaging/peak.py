"""Peak mode switched by the queue (CH-4 peak guidance, issue 17 §5): every minute each line's
waiting conversations (new tickets on the chat channels and e-mail, not yet taken) are divided by
its agents on shift (active agents and leads, not on leave, inside their shift); above the line's
``peak_waiting_per_agent`` (default 5) the peak auto-reply turns on, below
``peak_waiting_per_agent_off`` (default 3) it turns off again (``rules.peak_next``: the gap keeps
it from flapping). Each switch is audited (``message.peak_on`` / ``message.peak_off``); the
auto-replies page shows the state and the latest measurement, and there supervisors set the
line's two thresholds (``thresholds_save``: validated, 409 on a stale form, audited). While it is on, every new
conversation gets the peak message (once per conversation per window, like every auto-reply)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, Team
from kefu.channels.messaging import rules
from kefu.channels.messaging.models import PeakState
from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
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


MAX_THRESHOLD = 100


def _threshold(name: str, raw) -> float:
    try:
        value = float(str(raw).strip().replace("，", "."))
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 < value <= MAX_THRESHOLD:  # NaN and inf fail this too
        raise Invalid(
            _("The peak thresholds are not valid."),
            fields={
                name: _(
                    "Enter a number of waiting conversations per agent above 0 and at most %(n)d."
                )
                % {"n": MAX_THRESHOLD}
            },
        )
    return round(value, 1)


def settings_version(line: BusinessLine) -> int:
    state = PeakState.objects.filter(business_line=line).only("settings_version").first()
    return state.settings_version if state else 1


@transaction.atomic
def thresholds_save(*, actor, line: BusinessLine, enter, leave, version) -> PeakState:
    """Set the line's peak thresholds (supervisors and above of the line): on above ``enter``
    waiting conversations per agent on shift, off below ``leave`` (lower, so it does not flap).
    ``version`` is the one the form was loaded with: a stale one is 409 and changes nothing.
    The every-minute job reads them from the line's policies; the change is audited."""
    if not scope.at_least(actor, "supervisor") or not (
        scope.is_admin(actor) or actor.business_line_id == line.pk
    ):
        raise PermissionDenied()
    enter_value = _threshold("enter", enter)
    leave_value = _threshold("leave", leave)
    if leave_value >= enter_value:
        raise Invalid(
            _("The peak thresholds are not valid."),
            fields={"leave": _("Peak mode turns off below a lower figure than it turns on.")},
        )
    PeakState.objects.get_or_create(business_line=line)
    state = PeakState.objects.select_for_update().get(business_line=line)
    if str(version or "").strip() != str(state.settings_version):
        raise StaleWrite()
    line = BusinessLine.objects.select_for_update().get(pk=line.pk)
    before_enter, before_leave = thresholds(line)
    after = {"peak_waiting_per_agent": enter_value, "peak_waiting_per_agent_off": leave_value}
    changes = audit.diff(
        {"peak_waiting_per_agent": before_enter, "peak_waiting_per_agent_off": before_leave},
        after,
    )
    if changes:
        line.policies = {**(line.policies or {}), **after}
        line.save(update_fields=["policies", "updated_at"])
        state.settings_version += 1
        state.save(update_fields=["settings_version"])
        audit.record(
            actor=actor,
            action="message.peak_thresholds",
            obj=state,
            business_line_id=line.pk,
            changes=changes,
        )
    return state


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
    # the thresholds' version is the settings form's, not the job's
    state.save(update_fields=["on", "waiting", "agents", "checked_at", "changed_at"])
    return state


def check_all(now: dt.datetime | None = None) -> dict[str, bool]:
    """Every active line, each in its own transaction: {line code: peak mode on}."""
    return {
        line.code: check(line, now).on
        for line in BusinessLine.objects.filter(is_active=True).order_by("id")
    }


def is_on(line: BusinessLine) -> bool:
    return PeakState.objects.filter(business_line=line, on=True).exists()
