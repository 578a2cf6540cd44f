"""催付 results (PAY-5), recomputed from the reminder rows. Pure: no Django.

回单率 = reminded orders paid after their first reminder ÷ reminded orders;
回款率 = amount so paid ÷ amount reminded; 回款金额 = amount so paid. A payment is credited to the
last reminder before it (its channel, agent and day).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Touch:
    order: int
    amount: Decimal
    paid_at: dt.datetime | None
    channel: str
    agent: int | None
    at: dt.datetime


@dataclass
class Figures:
    reminded_orders: int = 0
    reminded_amount: Decimal = Decimal("0")
    paid_orders: int = 0
    paid_amount: Decimal = Decimal("0")

    @property
    def order_rate(self) -> Decimal | None:
        """回单率 in percent (one decimal)."""
        if not self.reminded_orders:
            return None
        return (Decimal(100) * self.paid_orders / self.reminded_orders).quantize(Decimal("0.1"))

    @property
    def amount_rate(self) -> Decimal | None:
        """回款率 in percent (one decimal)."""
        if not self.reminded_amount:
            return None
        return (Decimal(100) * self.paid_amount / self.reminded_amount).quantize(Decimal("0.1"))


@dataclass
class Results:
    total: Figures = field(default_factory=Figures)
    by_channel: dict = field(default_factory=lambda: defaultdict(Figures))
    by_agent: dict = field(default_factory=lambda: defaultdict(Figures))
    by_day: dict = field(default_factory=lambda: defaultdict(Figures))


def compute(touches: list[Touch], tz: dt.tzinfo) -> Results:
    """Figures in total and per channel, agent and day. An order counts as reminded once in the
    total and once in each group its reminders fall in; its payment is credited to the last
    reminder at or before the payment (only to that reminder's channel, agent and day)."""
    per_order: dict[int, list[Touch]] = defaultdict(list)
    for t in touches:
        per_order[t.order].append(t)
    r = Results()
    for items in per_order.values():
        items.sort(key=lambda t: t.at)
        first = items[0]
        paid_at = first.paid_at
        recovered = paid_at is not None and paid_at >= first.at
        credited = [t for t in items if paid_at is not None and t.at <= paid_at]
        last = credited[-1] if recovered else None
        groups = [
            (r.by_channel, lambda t: t.channel),
            (r.by_agent, lambda t: t.agent),
            (r.by_day, lambda t: t.at.astimezone(tz).date()),
        ]
        _add(r.total, first.amount, recovered)
        for table, key in groups:
            keys = {key(t) for t in items}
            for k in keys:
                _add(table[k], first.amount, last is not None and key(last) == k)
    return r


def _add(f: Figures, amount: Decimal, paid: bool) -> None:
    f.reminded_orders += 1
    f.reminded_amount += amount
    if paid:
        f.paid_orders += 1
        f.paid_amount += amount
