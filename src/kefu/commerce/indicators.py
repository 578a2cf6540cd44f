"""Shop indicators against each platform event's entry threshold (SAT-7). Pure: no Django.

DSR (描述相符, 服务态度, 物流服务) is the average of the reviews' stars over the last 180 days, as
the platform counts it; the after-sales composite indicators are the refund rate and the dispute
rate of the last 30 days in percent (refunds or disputes ÷ paid orders). Each indicator is
``ok``, ``warn`` (within the warning margin of the threshold: it is about to fall below) or
``below`` (the shop cannot enter the event).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DSR_CODES = ("dsr_item", "dsr_service", "dsr_logistics")
RATE_CODES = ("refund_rate", "dispute_rate")
CODES = DSR_CODES + RATE_CODES
DSR_DAYS, RATE_DAYS = 180, 30
# higher is better for DSR, lower for the after-sales rates
HIGHER_IS_BETTER = dict.fromkeys(DSR_CODES, True) | dict.fromkeys(RATE_CODES, False)
DEFAULT_EVENTS = (
    {
        "name": "天猫双11",
        "thresholds": {
            "dsr_item": "4.6",
            "dsr_service": "4.6",
            "dsr_logistics": "4.6",
            "refund_rate": "10",
            "dispute_rate": "0.1",
        },
    },
)
DEFAULT_MARGINS = {
    "dsr_item": "0.05",
    "dsr_service": "0.05",
    "dsr_logistics": "0.05",
    "refund_rate": "2",
    "dispute_rate": "0.03",
}
OK, WARN, BELOW = "ok", "warn", "below"


@dataclass(frozen=True)
class Check:
    event: str
    code: str
    value: Decimal | None
    threshold: Decimal
    status: str


def status(code: str, value: Decimal | None, threshold: Decimal, margin: Decimal) -> str:
    """``below`` past the threshold, ``warn`` within ``margin`` of it, else ``ok``; an indicator
    without data (no reviews yet) is ``ok``: the platform does not count it either."""
    if value is None:
        return OK
    if HIGHER_IS_BETTER[code]:
        if value < threshold:
            return BELOW
        return WARN if value < threshold + margin else OK
    if value > threshold:
        return BELOW
    return WARN if value > threshold - margin else OK


def checks(values: dict, events=None, margins=None) -> list[Check]:
    """Every event's threshold against the shop's values ({code: Decimal | None})."""
    margins = {**DEFAULT_MARGINS, **(margins or {})}
    out = []
    for event in events or DEFAULT_EVENTS:
        for code, raw in event.get("thresholds", {}).items():
            if code not in HIGHER_IS_BETTER:
                continue
            threshold = Decimal(str(raw))
            value = values.get(code)
            out.append(
                Check(
                    event=str(event.get("name", "")),
                    code=code,
                    value=value,
                    threshold=threshold,
                    status=status(code, value, threshold, Decimal(str(margins[code]))),
                )
            )
    return out


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in percent, three decimals; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.001"))


def average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.001"))
