"""Double 11 operations (PK-1, PK-5, PK-7, STF-4, RPT-6). Pure: no Django.

* the 双11 groups and the queue each one works (PK-1);
* the share of each day's paid orders shipped within 5 days, against 100 % (PK-5);
* the ship ratio of the warehouse cities 上海, 广州, 北京, 深圳, 杭州 (STF-4);
* live progress against separate targets for reminders, refunds and returns (PK-7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# the 双11小组 (PK-1) in the order the page shows them, and the queue each works
GROUPS = (
    ("presale", "tickets"),  # 售前接待: the team's open tickets (IM + phone)
    ("reminders", "phone_reminders"),  # 催单/催付: the phone reminder list
    ("aftersales", "tickets"),  # 售后: the team's open tickets
    ("refunds", "refund_queue"),  # 退款: refunds waiting for the second key
    ("vip", "vip_returns"),  # VIP服务组: VIP returns
    ("returns", "returns"),  # 退换货: the other open returns
)
CITIES = ("上海", "广州", "北京", "深圳", "杭州")
SHIP_WITHIN = dt.timedelta(days=5)
TARGET_SHARE = Decimal(100)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ShipDay:
    day: dt.date
    paid: int
    within: int

    @property
    def share(self) -> Decimal | None:
        return percent(self.within, self.paid)

    @property
    def met(self) -> bool:
        return self.share is not None and self.share >= TARGET_SHARE


@dataclass(frozen=True)
class Progress:
    code: str
    actual: Decimal | int | None
    target: Decimal | int | None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target
