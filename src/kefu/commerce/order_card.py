"""What the order card (beside a conversation) and the order page show per order: its status,
the return, refund and logistics case under way, the §9.6 policy as it stands now (shown before
the agent opens a return), and which one-click actions are open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.commerce import order_merge, return_policy
from kefu.commerce.models import OPEN_RETURN_STATUSES, CaseKind
from kefu.commerce.services.returns import PENDING_REFUND_STATUSES, policy_for
from kefu.commerce.words import order_status_label, rule_message

# the chip colour of each order status
STATUS_TONE = {
    "placed": "warning",
    "paid": "info",
    "shipped": "primary",
    "delivered": "success",
    "closed": "secondary",
}
# the kinds an agent opens from the card, in the order offered (查件 first)
CARD_CASE_KINDS = ("anomaly", "lost", "short", "damaged", "extend")


def when(value: dt.datetime | None) -> str:
    """A time as the policy states it: local, to the second."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


@dataclass
class CardOrder:
    order: object
    status: str
    status_label: str
    tone: str
    open_return: object | None = None
    last_return: object | None = None
    waiting_refund: object | None = None
    last_refund: object | None = None
    open_cases: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    policy_text: str = ""
    opened_text: str = ""
    can_return: bool = False
    exchange_only: bool = False
    can_refund: bool = False
    can_case: bool = False


def policy_preview(policy, *, tier: str, order, now: dt.datetime) -> tuple[str, str, bool]:
    """(the window as it stands, what an opened item would get, still open?) for ``order``
    delivered and asked about at ``now``: e.g. "7-day no-reason return ends 2026-12-09
    14:00:00"."""
    last = return_policy.deadline(policy, tier, order.delivered_at)
    if now > last:
        return (
            _("The return window ended %(deadline)s: no return can be opened.")
            % {"deadline": when(last)},
            "",
            False,
        )
    if tier in policy.higher_tiers:
        text = _("%(days)d-day return of a higher tier ends %(deadline)s") % {
            "days": policy.higher_tier_days,
            "deadline": when(last),
        }
    else:
        text = _("%(days)d-day no-reason return ends %(deadline)s") % {
            "days": policy.window_days,
            "deadline": when(last),
        }
    opened = return_policy.check(
        policy,
        tier=tier,
        delivered_at=order.delivered_at,
        requested_at=now,
        amount=order.amount,
        opened=True,
        refund=False,
    )
    opened_text = _("If the goods were opened: %(rule)s") % {
        "rule": rule_message(opened.rule) if opened.eligible else _("not accepted.")
    }
    return text, opened_text, True


def card_orders(*, orders, by_order: dict, tier: str, line, now=None) -> list[CardOrder]:
    now = now or timezone.now()
    policy = policy_for(line) if line is not None else None
    refunds_on = line is not None and line.policy("refunds_enabled") is not False
    out = []
    for o in orders:
        status = order_merge.status_of(o.__dict__)
        rows = by_order.get(o.pk, {"returns": [], "refunds": [], "cases": []})
        item = CardOrder(
            order=o,
            status=status,
            status_label=order_status_label(status),
            tone=STATUS_TONE.get(status, "secondary"),
        )
        item.open_return = next(
            (r for r in rows["returns"] if r.status in OPEN_RETURN_STATUSES), None
        )
        item.last_return = item.open_return or (rows["returns"][0] if rows["returns"] else None)
        item.waiting_refund = next(
            (f for f in rows["refunds"] if f.status in PENDING_REFUND_STATUSES), None
        )
        item.last_refund = item.waiting_refund or (rows["refunds"][0] if rows["refunds"] else None)
        item.open_cases = [
            c for c in rows["cases"] if c.closed_at is None and c.kind != CaseKind.EXTEND
        ]
        item.extensions = [c for c in rows["cases"] if c.kind == CaseKind.EXTEND]
        shop_order = o.shop_id is not None and policy is not None
        # one return per order from the card: a resolved one is followed on its own page
        if shop_order and o.delivered_at is not None and item.last_return is None:
            item.policy_text, item.opened_text, item.can_return = policy_preview(
                policy, tier=tier, order=o, now=now
            )
            item.exchange_only = not refunds_on
        item.can_refund = (
            shop_order and refunds_on and o.paid_at is not None and item.waiting_refund is None
        )
        item.can_case = shop_order and o.shipped_at is not None
        out.append(item)
    return out


def case_kind_choices() -> list[tuple[str, str]]:
    labels = dict(CaseKind.choices)
    names = {"anomaly": _("Parcel trace (查件)")}
    return [(k, str(names.get(k, labels[k]))) for k in CARD_CASE_KINDS]
