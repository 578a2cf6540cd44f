"""The refund workload forecast (STF-3). Pure: no Django.

A sales forecast (the orders expected of an event) times the refund rates of a reference
cohort of orders (those paid in a past period: how many of them were refunded, and at which
stage the customer asked) gives the refunds to expect, split by the stage of the order when the
refund was asked for: 未发货 not shipped, 已发货 shipped, 已收货 received. The back office sizes
its refund staff from it (STF-2 in the workforce app takes the monthly refunds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

STAGES = ("unshipped", "shipped", "received")
#: the largest sales forecast taken (orders of one event)
MAX_ORDERS = 100_000_000


def stage(
    requested_at: dt.datetime, shipped_at: dt.datetime | None, delivered_at: dt.datetime | None
) -> str:
    """The stage of the order when the refund was asked for; a time equal to the request
    counts as already happened (shipped at 10:00:00, asked at 10:00:00 → shipped)."""
    if shipped_at is None or shipped_at > requested_at:
        return "unshipped"
    if delivered_at is None or delivered_at > requested_at:
        return "shipped"
    return "received"


@dataclass(frozen=True)
class StageForecast:
    stage: str
    base_refunds: int
    rate: Decimal | None  # refunds per 100 reference orders, 2 decimals
    expected: int | None  # refunds expected of the forecast orders


@dataclass(frozen=True)
class Forecast:
    orders: int  # the sales forecast: orders expected
    base_orders: int  # the reference cohort
    stages: tuple[StageForecast, ...]

    @property
    def base_refunds(self) -> int:
        return sum(s.base_refunds for s in self.stages)

    @property
    def expected(self) -> int | None:
        if not self.base_orders:
            return None
        return _round(Decimal(self.orders) * self.base_refunds / self.base_orders)

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.base_refunds, self.base_orders)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def forecast(*, orders: int, base_orders: int, base_refunds: dict[str, int]) -> Forecast:
    """``orders`` expected × each stage's refunds ÷ ``base_orders`` of the reference cohort,
    rounded half up per stage (the stages may then differ from the rounded total by one).
    Without a reference (no orders) there is no rate and no expectation (None, not 0)."""
    if orders < 0 or base_orders < 0:
        raise ValueError("orders cannot be negative")
    stages = []
    for name in STAGES:
        n = int(base_refunds.get(name, 0))
        expected = _round(Decimal(orders) * n / base_orders) if base_orders else None
        stages.append(StageForecast(name, n, _rate(n, base_orders), expected))
    return Forecast(orders=orders, base_orders=base_orders, stages=tuple(stages))
