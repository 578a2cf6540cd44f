"""The warehouse's plan for an event (PK-5). Pure: no Django.

The orders the event is expected to bring (its sales forecast) are split per brand by each
brand's share of the previous event's paid orders: expected = forecast × the brand's orders ÷
all orders of the previous event, rounded half up per brand (the brands may then differ from
the forecast by one or two). A brand new this time has no share: it is shown with its orders so
far and no expectation. Without a previous event there is no split (None, not 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: an order whose export names no brand is counted here (the page shows it in words)
NO_BRAND = ""
#: the largest pre-pack quantity and sales forecast taken
MAX_QUANTITY = 10_000_000


@dataclass(frozen=True)
class BrandForecast:
    brand: str
    base_orders: int  # paid in the previous event
    share: Decimal | None  # % of the previous event's paid orders, 1 decimal
    expected: int | None  # orders expected this time
    actual: int  # paid so far in this event

    @property
    def progress(self) -> Decimal | None:
        """Orders so far as a share of those expected (%)."""
        if not self.expected:
            return None
        return (Decimal(self.actual) * 100 / self.expected).quantize(Decimal("0.1"))


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def brand_forecast(
    *, orders: int | None, base: dict[str, int], actual: dict[str, int]
) -> list[BrandForecast]:
    """Per brand (the previous event's and this one's), most expected first, then by name."""
    if orders is not None and orders < 0:
        raise ValueError("orders cannot be negative")
    total = sum(base.values())
    out = []
    for brand in set(base) | set(actual):
        n = base.get(brand, 0)
        share = (Decimal(n) * 100 / total).quantize(Decimal("0.1")) if total else None
        expected = None
        if orders is not None and total and brand in base:
            expected = _round(Decimal(orders) * n / total)
        out.append(BrandForecast(brand, n, share, expected, actual.get(brand, 0)))
    out.sort(key=lambda f: (-(f.expected or 0), -f.base_orders, -f.actual, f.brand))
    return out


def packed_share(packed: int, quantity: int) -> Decimal | None:
    if not quantity:
        return None
    return (Decimal(packed) * 100 / quantity).quantize(Decimal("0.1"))
