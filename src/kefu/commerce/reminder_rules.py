"""催付 rules (spec §9.5, PAY-2/3/4): when an unpaid order is due a reminder on each channel.

Pure: no Django. Times are aware datetimes; windows are read in the business line's local time
(Asia/Shanghai by default). An order qualifies on a channel when it is still unpaid and open
``delay`` after it was placed; the channel sends only inside its window (start inclusive, end
exclusive); an order that qualifies outside the window waits for the next opening. IM reminds
only buyers who are online. At most one reminder per channel per order (the job's unique
constraint; here: ``sent``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

SMS, IM, PHONE = "sms", "im", "phone"
CHANNELS = (SMS, IM, PHONE)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class ReminderRules:
    """The defaults of §9.5; a business line overrides any of them in its ``reminders`` policy."""

    delay_minutes: dict = field(default_factory=lambda: {SMS: 60, IM: 60, PHONE: 180})
    windows: dict = field(
        default_factory=lambda: {
            SMS: ("09:00", "21:30"),
            PHONE: ("10:00", "21:00"),
            IM: ("09:00", "24:00"),
        }
    )
    # orders placed longer ago than this are no longer reminded (the platform closes them)
    lookback_hours: int = 72
    tz: dt.tzinfo = SHANGHAI

    @classmethod
    def from_policy(cls, policy: dict | None, tz: dt.tzinfo = SHANGHAI) -> ReminderRules:
        base = cls(tz=tz)
        policy = policy or {}
        return cls(
            delay_minutes={**base.delay_minutes, **policy.get("delay_minutes", {})},
            windows={**base.windows, **{k: tuple(v) for k, v in policy.get("windows", {}).items()}},
            lookback_hours=int(policy.get("lookback_hours", base.lookback_hours)),
            tz=tz,
        )

    def delay(self, channel: str) -> dt.timedelta:
        return dt.timedelta(minutes=self.delay_minutes[channel])

    def in_window(self, channel: str, at: dt.datetime) -> bool:
        """Start inclusive, end exclusive, to the second (IM's 24:00 is midnight)."""
        start, end = (_minutes(x) for x in self.windows[channel])
        local = at.astimezone(self.tz)
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return start * 60 <= seconds < end * 60

    def first_due(self, channel: str, placed_at: dt.datetime) -> dt.datetime:
        """The first moment the channel may remind an order placed at ``placed_at`` (if it is
        still unpaid then): ``placed_at + delay`` or the next opening of the window after it."""
        t = placed_at + self.delay(channel)
        if self.in_window(channel, t):
            return t
        start = _minutes(self.windows[channel][0])
        local = t.astimezone(self.tz)
        opening = local.replace(hour=start // 60, minute=start % 60, second=0, microsecond=0)
        if opening <= local:
            opening = (local + dt.timedelta(days=1)).replace(
                hour=start // 60, minute=start % 60, second=0, microsecond=0
            )
        return opening.astimezone(t.tzinfo)


@dataclass(frozen=True)
class OrderState:
    order_id: str
    placed_at: dt.datetime
    amount: Decimal
    paid_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    buyer_online: bool = False
    sent: frozenset = frozenset()


def is_due(rules: ReminderRules, channel: str, order: OrderState, at: dt.datetime) -> bool:
    """Whether ``channel`` reminds ``order`` at the moment ``at``."""
    if channel in order.sent:
        return False
    if order.paid_at is not None and order.paid_at <= at:
        return False
    if order.closed_at is not None and order.closed_at <= at:
        return False
    if channel == IM and not order.buyer_online:
        return False
    if at < order.placed_at + rules.delay(channel):
        return False
    if at - order.placed_at > dt.timedelta(hours=rules.lookback_hours):
        return False
    return rules.in_window(channel, at)


def phone_order_key(amount: Decimal, placed_at: dt.datetime, tiebreak=0):
    """The phone list's order (PAY-3): amount descending, then the earlier order first."""
    return (-amount, placed_at, tiebreak)


def plan(rules: ReminderRules, orders: Iterable[OrderState], at: dt.datetime) -> dict:
    """The reminders due at ``at``: {"sms": [ids], "im": [ids], "phone": [ids by amount desc]}."""
    due: dict[str, list[OrderState]] = {c: [] for c in CHANNELS}
    for order in orders:
        for channel in CHANNELS:
            if is_due(rules, channel, order, at):
                due[channel].append(order)
    due[PHONE].sort(key=lambda o: phone_order_key(o.amount, o.placed_at))
    return {c: [o.order_id for o in due[c]] for c in CHANNELS}
