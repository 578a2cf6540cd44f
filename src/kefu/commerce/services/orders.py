"""Shops' orders: idempotent upsert by (shop, order id) from imports and the API.

A batch is validated row by row first; with any row error nothing is loaded (unless
``partial``), and the errors name their rows. New orders are bulk-inserted, changed ones
bulk-updated; a late or out-of-order status update never overwrites a newer one
(``order_merge``). A payment or a closing cancels the order's pending reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.commerce import order_merge
from kefu.commerce.models import Reminder, ReminderStatus
from kefu.commerce.values import parse_amount, parse_bool, parse_time
from kefu.core import audit
from kefu.core.db import update_rows
from kefu.core.errors import Invalid
from kefu.customers import services as customers
from kefu.customers.models import BuyerAccount, Customer, Order, Shop

BATCH = 1000
ORDER_FIELDS = (
    "amount",
    "placed_at",
    "paid_at",
    "shipped_at",
    "delivered_at",
    "closed_at",
    "courier",
    "tracking_no",
    "warehouse_city",
    "buyer_online",
    "lines",
    "brand",
)
UPDATE_BATCH = 200
MAX_ROWS = 200_000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "errors": self.errors,
        }


def _clean_row(raw: dict) -> dict:
    """Our field values from one row; ValueError names the first bad cell."""
    order_no = str(raw.get("order_id", "") or "").strip()
    if not order_no:
        raise ValueError(_("The order id is missing."))
    if len(order_no) > 40:
        raise ValueError(_("The order id is longer than 40 characters."))
    out: dict = {"order_no": order_no}
    try:
        out["amount"] = parse_amount(raw.get("amount", ""))
    except ValueError:
        raise ValueError(_("The amount is not a number of yuan: %(v)s") % {"v": raw.get("amount")})
    for name in ("placed_at", "paid_at", "shipped_at", "delivered_at", "closed_at", "status_at"):
        try:
            out[name] = parse_time(raw.get(name))
        except ValueError:
            raise ValueError(_("A time is not readable: %(v)s") % {"v": raw.get(name)}) from None
    if out["placed_at"] is None:
        raise ValueError(_("The time the order was placed is missing."))
    for a, b in (("placed_at", "paid_at"), ("placed_at", "shipped_at"), ("placed_at", "closed_at")):
        if out[b] is not None and out[b] < out[a]:
            raise ValueError(_("A status time is earlier than the time the order was placed."))
    try:
        out["buyer_online"] = parse_bool(raw.get("buyer_online", ""))
    except ValueError:
        raise ValueError(_("Buyer online must be 1 or 0.")) from None
    for name, limit in (("courier", 40), ("tracking_no", 60), ("warehouse_city", 40)):
        out[name] = str(raw.get(name, "") or "").strip()[:limit]
    lines = raw.get("lines", "")
    out["lines"] = (
        lines if isinstance(lines, list) else [s for s in str(lines or "").split(";") if s.strip()]
    )
    # a row without a brand leaves the stored one as it is (an export without the column)
    brand = str(raw.get("brand", "") or "").strip()
    if len(brand) > 60:
        raise ValueError(_("The brand is longer than 60 characters."))
    if brand:
        out["brand"] = brand
    out["buyer_id"] = str(raw.get("buyer_id", "") or "").strip()[:100]
    out["buyer_name"] = str(raw.get("buyer_name", "") or "").strip()[:100]
    out["phone"] = str(raw.get("phone", "") or "").strip()
    if not out["status_at"]:
        out["status_at"] = order_merge.status_time(out)
    return out


def _snapshot(order: Order) -> dict:
    data = {name: getattr(order, name) for name in ORDER_FIELDS}
    data["status"] = order_merge.status_of(data)
    data["status_at"] = order.status_at
    return data


def orders_upsert(*, actor, shop: Shop, rows: list[dict], partial: bool = False) -> ImportResult:
    """Create or update the shop's orders from ``rows`` (dicts keyed like ``tables.HEADERS``).

    Row numbers in errors count the header as row 1, as a spreadsheet shows them."""
    result = ImportResult()
    if len(rows) > MAX_ROWS:
        raise Invalid(_("At most %(n)s rows per import.") % {"n": MAX_ROWS})
    cleaned: list[tuple[int, dict]] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        try:
            row = _clean_row(raw)
        except ValueError as exc:
            result.errors.append({"row": number, "message": str(exc)})
            continue
        if row["order_no"] in seen:
            result.errors.append({"row": number, "message": _("The order id appears twice.")})
            continue
        seen.add(row["order_no"])
        cleaned.append((number, row))
    if result.errors and not partial:
        return result
    with transaction.atomic():
        for start in range(0, len(cleaned), BATCH):
            _upsert_batch(actor, shop, cleaned[start : start + BATCH], result)
        if result.errors and not partial:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = result.stale = 0
            return result
        audit.record(
            actor=actor,
            action="commerce.orders_import",
            obj=shop,
            business_line_id=shop.business_line_id,
            changes={"created": result.created, "updated": result.updated},
        )
    return result


def _buyers(actor, shop: Shop, batch: list[tuple[int, dict]], known: dict, result) -> dict:
    """order_no → customer id for the new orders: by buyer account (ARC-5), else by phone in the
    business line, else a new archive entry with its buyer account."""
    line_id = shop.business_line_id
    wanted = [(n, r) for n, r in batch if r["order_no"] not in known]
    ids = {r["buyer_id"] for _, r in wanted if r["buyer_id"]}
    by_account = dict(
        BuyerAccount.objects.filter(
            platform=shop.platform, platform_user_id__in=ids, customer__business_line_id=line_id
        ).values_list("platform_user_id", "customer_id")
    )
    phones = {r["phone"] for _, r in wanted if r["phone"]}
    by_phone = dict(
        Customer.objects.filter(business_line_id=line_id, phone__in=phones, merged_into=None)
        .order_by("id")
        .values_list("phone", "id")
    )
    out: dict[str, int] = {}
    for number, r in wanted:
        customer_id = by_account.get(r["buyer_id"]) or by_phone.get(r["phone"])
        if customer_id is None:
            if not r["phone"]:
                result.errors.append(
                    {"row": number, "message": _("Unknown buyer: give the buyer's phone.")}
                )
                continue
            try:
                customer = customers.customer_create(
                    actor=actor,
                    business_line=shop.business_line,
                    name=r["buyer_name"] or r["buyer_id"] or r["phone"],
                    phone=r["phone"],
                )
            except Invalid as exc:
                result.errors.append({"row": number, "message": str(exc.message)})
                continue
            customer_id = customer.pk
            by_phone[r["phone"]] = customer_id
        if r["buyer_id"] and r["buyer_id"] not in by_account:
            BuyerAccount.objects.create(
                customer_id=customer_id, platform=shop.platform, platform_user_id=r["buyer_id"]
            )
            by_account[r["buyer_id"]] = customer_id
        out[r["order_no"]] = customer_id
    return out


def _upsert_batch(actor, shop: Shop, batch: list[tuple[int, dict]], result: ImportResult):
    known = {
        o.order_no: o
        for o in Order.objects.filter(shop=shop, order_no__in=[r["order_no"] for _, r in batch])
    }
    buyers = _buyers(actor, shop, batch, known, result)
    new, changed, stopped = [], [], []
    now = timezone.now()
    for _number, r in batch:
        incoming = {name: r[name] for name in ORDER_FIELDS if name in r}
        incoming["status_at"] = r["status_at"]
        existing = known.get(r["order_no"])
        if existing is None:
            if r["order_no"] not in buyers:
                continue  # its row error is recorded
            new.append(
                Order(
                    shop=shop,
                    customer_id=buyers[r["order_no"]],
                    order_no=r["order_no"],
                    platform=shop.platform,
                    buyer_id=r["buyer_id"],
                    status=order_merge.PLATFORM_WORDS[order_merge.status_of(incoming)],
                    **incoming,
                )
            )
            continue
        changes = order_merge.merge(_snapshot(existing), incoming)
        if changes is None:
            result.stale += 1
            continue
        if not changes:
            result.unchanged += 1
            continue
        if "status" in changes:
            changes["status"] = order_merge.PLATFORM_WORDS[changes["status"]]
        for name, value in changes.items():
            setattr(existing, name, value)
        existing.updated_at = now
        changed.append((existing, tuple(sorted(changes))))
        if existing.paid_at is not None or existing.closed_at is not None:
            stopped.append(existing.pk)
    Order.objects.bulk_create(new, batch_size=BATCH)
    # one UPDATE … CASE per group of rows that changed the same fields, in small batches (a CASE
    # over every field of a thousand rows is what makes a naive bulk_update slow), in plain SQL
    groups: dict[tuple, list[Order]] = {}
    for order, fields in changed:
        groups.setdefault(fields, []).append(order)
    for fields, group in groups.items():
        update_rows(group, [*fields, "updated_at"], batch=UPDATE_BATCH)
    if stopped:
        # payment or closing stops every pending reminder of the order (§9.5)
        Reminder.objects.filter(order_id__in=stopped, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.CANCELLED
        )
    result.created += len(new)
    result.updated += len(changed)


@transaction.atomic
def shop_create(*, actor, business_line, name: str, platform: str) -> Shop:
    name, platform = (name or "").strip(), (platform or "").strip()
    if not name or not platform:
        raise Invalid(_("Give the shop's name and platform."))
    shop = Shop.objects.create(business_line=business_line, name=name[:100], platform=platform[:30])
    audit.record(actor=actor, action="commerce.shop_create", obj=shop, changes={"name": name})
    return shop
