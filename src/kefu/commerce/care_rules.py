"""Care notices and reviews (CARE-1…3): when an order is due which care SMS, how a review is
graded, who earns the 5-star + photo cash-back. Pure: no Django.

Notices (one of each kind per order): ``unshipped`` when paid ``unshipped_after_hours`` ago and
still not shipped; ``shipped`` once dispatched (while not yet delivered); ``delivered`` once
delivered; ``confirm`` (please confirm receipt) ``confirm_after_days`` after delivery while the
order is not completed. Older events than ``lookback_hours`` get no notice; notices leave only
inside the SMS window (09:00–21:30, start inclusive, end exclusive), else they wait.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kefu.commerce.reminder_rules import SHANGHAI

UNSHIPPED, SHIPPED, DELIVERED, CONFIRM = "unshipped", "shipped", "delivered", "confirm"
KINDS = (UNSHIPPED, SHIPPED, DELIVERED, CONFIRM)
GOOD, MEDIUM, POOR = "good", "medium", "poor"

DEFAULT_SCRIPTS = {
    UNSHIPPED: "亲爱的{name}，您在{shop}的订单{order}已付款，仓库正在加紧打包，发货后第一时间通知您~",
    SHIPPED: "亲爱的{name}，您的订单{order}已由{courier}发出，运单号{tracking}，请留意查收~",
    DELIVERED: "亲爱的{name}，您的订单{order}已签收，使用中有任何问题请随时联系我们~",
    CONFIRM: "亲爱的{name}，您的订单{order}已签收几天啦，满意的话请确认收货，五星晒图评价有返现哦~",
}


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class CareRules:
    """The defaults; a business line overrides any of them in its ``care`` policy."""

    unshipped_after_hours: int = 24
    confirm_after_days: int = 3
    lookback_hours: int = 72
    window: tuple = ("09:00", "21:30")
    # CARE-2: an untraceable parcel's receipt time is extended by this many days
    extend_days: int = 3
    # the 5-star + photo cash-back (CARE-1)
    cashback_yuan: Decimal = Decimal("5.00")
    scripts: dict = field(default_factory=lambda: dict(DEFAULT_SCRIPTS))
    tz: dt.tzinfo = SHANGHAI

    @classmethod
    def from_policy(cls, policy: dict | None, tz: dt.tzinfo = SHANGHAI) -> CareRules:
        base = cls(tz=tz)
        policy = policy or {}
        return cls(
            unshipped_after_hours=int(
                policy.get("unshipped_after_hours", base.unshipped_after_hours)
            ),
            confirm_after_days=int(policy.get("confirm_after_days", base.confirm_after_days)),
            lookback_hours=int(policy.get("lookback_hours", base.lookback_hours)),
            window=tuple(policy.get("window", base.window)),
            extend_days=int(policy.get("extend_days", base.extend_days)),
            cashback_yuan=Decimal(str(policy.get("cashback_yuan", base.cashback_yuan))),
            scripts={**base.scripts, **policy.get("scripts", {})},
            tz=tz,
        )

    def in_window(self, at: dt.datetime) -> bool:
        start, end = (_minutes(x) for x in self.window)
        local = at.astimezone(self.tz)
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return start * 60 <= seconds < end * 60

    def anchor(self, kind: str) -> tuple[str, dt.timedelta]:
        """(the order time a notice of ``kind`` counts from, the wait after it)."""
        return {
            UNSHIPPED: ("paid_at", dt.timedelta(hours=self.unshipped_after_hours)),
            SHIPPED: ("shipped_at", dt.timedelta()),
            DELIVERED: ("delivered_at", dt.timedelta()),
            CONFIRM: ("delivered_at", dt.timedelta(days=self.confirm_after_days)),
        }[kind]


def is_due(rules: CareRules, kind: str, times: dict, at: dt.datetime) -> bool:
    """Whether an order with these status times (``paid_at`` … ``closed_at``) is due the notice
    ``kind`` at ``at`` (the one-per-kind rule is the job's unique constraint)."""
    if times.get("closed_at") is not None and times["closed_at"] <= at:
        return False
    field_name, wait = rules.anchor(kind)
    start = times.get(field_name)
    if (
        start is None
        or at < start + wait
        or at - start - wait > dt.timedelta(hours=rules.lookback_hours)
    ):
        return False
    later = {UNSHIPPED: "shipped_at", SHIPPED: "delivered_at"}.get(kind)
    if later and times.get(later) is not None and times[later] <= at:
        return False
    return rules.in_window(at)


def render(script: str, fallback: str, **values) -> str:
    """The script with its variables ({name} {shop} {order} {courier} {tracking}); a broken
    script falls back to the default wording."""
    try:
        return script.format(**values)
    except (KeyError, IndexError, ValueError):
        return fallback.format(**values)


def grade_of(rating: int) -> str:
    """Taobao's 好评/中评/差评 from the 1–5 rating: 4–5 positive, 3 neutral, 1–2 negative."""
    if rating >= 4:
        return GOOD
    return MEDIUM if rating == 3 else POOR


def cashback_eligible(rating: int, has_photo: bool) -> bool:
    """The 5-star review with a photo earns the cash-back (CARE-1)."""
    return rating == 5 and has_photo


def reply_rate(replied: int, total: int) -> Decimal | None:
    """Replied reviews ÷ all reviews, in percent (one decimal); None without reviews."""
    if not total:
        return None
    return (Decimal(replied) * 100 / Decimal(total)).quantize(Decimal("0.1"))
