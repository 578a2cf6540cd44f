"""How an incoming order row merges into the stored order (idempotent upsert). Pure: no Django.

A row carries the platform's status times; the stored order keeps each time once known and takes
a later row's values. A row whose status time is older than the stored one (a late or
out-of-order update) never overwrites the newer state: it is skipped as stale.
"""

from __future__ import annotations

import datetime as dt

STATUSES = ("placed", "paid", "shipped", "delivered", "closed")
# the archive shows an order's status in the platform's words (customers.Order.status)
PLATFORM_WORDS = {
    "placed": "待付款",
    "paid": "已付款",
    "shipped": "已发货",
    "delivered": "已签收",
    "closed": "已关闭",
}
TIME_FIELDS = {
    "placed": "placed_at",
    "paid": "paid_at",
    "shipped": "shipped_at",
    "delivered": "delivered_at",
    "closed": "closed_at",
}


def status_of(times: dict) -> str:
    """The furthest status whose time is known."""
    current = "placed"
    for status in STATUSES:
        if times.get(TIME_FIELDS[status]) is not None:
            current = status
    return current


def status_time(times: dict) -> dt.datetime | None:
    """The time of the row's latest status (the newest known status time)."""
    known = [times.get(f) for f in TIME_FIELDS.values() if times.get(f) is not None]
    return max(known) if known else None


def merge(stored: dict, incoming: dict) -> dict | None:
    """The changes to apply to ``stored`` for ``incoming`` ({} when nothing changes), or None
    when the incoming row is older than what is stored (stale: nothing is applied)."""
    stored_at = stored.get("status_at")
    incoming_at = incoming.get("status_at") or status_time(incoming)
    if stored_at is not None and incoming_at is not None and incoming_at < stored_at:
        return None
    changes = {k: v for k, v in incoming.items() if k != "status_at" and stored.get(k) != v}
    merged = {**stored, **changes}
    # a status time once known is never erased by a row that lacks it
    for f in TIME_FIELDS.values():
        if incoming.get(f) is None and stored.get(f) is not None:
            changes.pop(f, None)
            merged[f] = stored[f]
    status = status_of(merged)
    if stored.get("status") != status:
        changes["status"] = status
    new_at = (
        max(x for x in (stored_at, incoming_at) if x is not None)
        if (stored_at or incoming_at)
        else None
    )
    if new_at != stored_at:
        changes["status_at"] = new_at
    return changes
