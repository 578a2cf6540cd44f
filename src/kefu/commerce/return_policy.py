"""Return and refund policy (spec §9.6; RET-3, RET-4, RET-6, RET-10). Pure: no Django.

- 7-day no-reason return or exchange, counted from delivery to the second (RET-6);
- higher tiers: 30 days, and opened items under 500 yuan (499.99 yes, 500.00 no) (RET-3);
- members' green policy: an allergy may be returned even opened (过敏可退), priority refund (RET-4);
- a business line may switch refunds off (不退费, RET-10).

``check`` answers with a stable rule code; the words for each code live with the interfaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kefu.core.calendar import BusinessCalendar, add_business_hours

ALLERGY = "allergy"
CALENDAR, BUSINESS = "calendar", "business"


@dataclass(frozen=True)
class ReturnPolicy:
    window_days: int = 7
    higher_tier_days: int = 30
    higher_tiers: tuple = ("gold", "vip")
    green_tiers: tuple = ("silver", "gold", "vip")
    opened_limit: Decimal = Decimal("500")
    refunds_enabled: bool = True
    # processing SLA from receipt of the returned parcel (RET-1, RET-2)
    sla_hours: int = 48
    vip_sla_hours: int = 24
    vip_tiers: tuple = field(default=("vip",))
    # the SLA counts calendar hours by default; a line may count business hours instead
    # (``"sla_clock": "business"``): the line's working hours and workdays, as the tickets' SLA
    sla_clock: str = CALENDAR

    @classmethod
    def from_policy(cls, policy: dict | None, *, refunds_enabled: bool = True) -> ReturnPolicy:
        policy = dict(policy or {})
        if "opened_limit" in policy:
            policy["opened_limit"] = Decimal(str(policy["opened_limit"]))
        for key in ("higher_tiers", "green_tiers", "vip_tiers"):
            if key in policy:
                policy[key] = tuple(policy[key])
        known = {k: v for k, v in policy.items() if k in cls.__dataclass_fields__}
        return cls(**{**known, "refunds_enabled": refunds_enabled})


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    rule: str
    deadline: dt.datetime | None = None
    priority: bool = False


def deadline(policy: ReturnPolicy, tier: str, delivered_at: dt.datetime) -> dt.datetime:
    days = policy.higher_tier_days if tier in policy.higher_tiers else policy.window_days
    return delivered_at + dt.timedelta(days=days)


def check(
    policy: ReturnPolicy,
    *,
    tier: str,
    delivered_at: dt.datetime,
    requested_at: dt.datetime,
    amount: Decimal,
    opened: bool = False,
    reason: str = "",
    refund: bool = True,
) -> Verdict:
    """May this return be accepted? Rule codes: refunds_off, window_expired, opened_refused,
    green_allergy, opened_under_limit, higher_tier_window, no_reason_window."""
    if refund and not policy.refunds_enabled:
        return Verdict(False, "refunds_off")
    last = deadline(policy, tier, delivered_at)
    priority = tier in policy.green_tiers
    if requested_at > last:
        return Verdict(False, "window_expired", last, priority)
    if opened:
        if reason == ALLERGY and tier in policy.green_tiers:
            return Verdict(True, "green_allergy", last, priority)
        if tier in policy.higher_tiers and amount < policy.opened_limit:
            return Verdict(True, "opened_under_limit", last, priority)
        return Verdict(False, "opened_refused", last, priority)
    if tier in policy.higher_tiers:
        return Verdict(True, "higher_tier_window", last, priority)
    return Verdict(True, "no_reason_window", last, priority)


def sla_due(
    policy: ReturnPolicy,
    *,
    tier: str,
    received_at: dt.datetime,
    calendar: BusinessCalendar | None = None,
) -> dt.datetime:
    """A returned parcel is processed within 48 h of receipt, a VIP's within 24 h: calendar
    hours, or the business hours of ``calendar`` when the line's clock is ``business`` (received
    Friday 17:00 with 09:00–18:00 workdays: 48 h end the next-but-one Monday 11:00)."""
    hours = policy.vip_sla_hours if tier in policy.vip_tiers else policy.sla_hours
    if policy.sla_clock == BUSINESS:
        if calendar is None:
            raise ValueError("a business-hours SLA needs the line's calendar")
        return add_business_hours(received_at, hours, calendar)
    return received_at + dt.timedelta(hours=hours)
