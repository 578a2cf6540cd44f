"""The returns team, logistics cases and registers as plain data (RET-7, RET-8, RET-9): what the
API answers and ``kefu returns team|cases|registers`` print. Decimals become strings."""

from __future__ import annotations

import datetime as dt

from kefu.commerce import logistics_rules, team_selectors
from kefu.commerce.care_selectors import local_range


def _dec(value) -> str | None:
    return None if value is None else str(value)


def team(*, user, first: dt.date, last: dt.date) -> dict:
    """补发 sent in the days [first, last] with 补发准确率 and median turnaround, and the refund
    completion per specialist, ranked (ties share a rank)."""
    start, end = local_range(first, last)
    f = team_selectors.reship_figures_for(user=user, start=start, end=end)
    return {
        "start": first,
        "end": last,
        "reshipments": {
            "sent": f.sent,
            "correct": f.correct,
            "wrong": f.wrong,
            "unchecked": f.unchecked,
            "accuracy": _dec(f.accuracy),
            "median_turnaround_hours": _dec(f.median_turnaround_hours),
        },
        "specialists": [
            {
                "rank": s.rank,
                "user": s.user_id,
                "name": s.name,
                "completed": s.completed,
                "median_hours": _dec(s.median_hours),
            }
            for s in team_selectors.specialists_for(user=user, start=start, end=end)
        ],
    }


def reshipment(r) -> dict:
    return {
        "id": r.pk,
        "order": r.order_id,
        "order_no": r.order.order_no,
        "case": r.case_id,
        "reason": r.reason,
        "items": r.items,
        "requested_at": r.requested_at,
        "sent_at": r.sent_at,
        "tracking_no": r.tracking_no,
        "result": r.result,
        "checked_at": r.checked_at,
        "version": r.version,
    }


def case(c) -> dict:
    return {
        "id": c.pk,
        "order": c.order_id,
        "order_no": c.order.order_no,
        "kind": c.kind,
        "status": c.status,
        "courier": c.courier,
        "description": c.description,
        "opened_at": c.opened_at,
        "weight_warehouse": _dec(c.weight_warehouse),
        "weight_courier": _dec(c.weight_courier),
        "remedy": c.remedy,
        "refund": c.refund_id,
        "claim_amount": _dec(c.claim_amount),
        "recovered_amount": _dec(c.recovered_amount),
        "note": c.note,
        "closed_at": c.closed_at,
        "extend_days": c.extend_days,
        "ticket": c.ticket_id,
        "next_steps": logistics_rules.next_steps(c.kind, c.status),
        "version": c.version,
    }


def registers(*, user, day: dt.date) -> dict:
    """The eight registers of ``day`` (RET-8)."""
    return {
        "day": day,
        "registers": [
            {
                "code": code,
                "title": title,
                "rows": [
                    {
                        "at": r.at,
                        "order_no": r.order_no,
                        "customer": r.customer,
                        "detail": r.detail,
                        "status": str(r.status),
                    }
                    for r in rows
                ],
            }
            for code, title, rows in team_selectors.registers_for(user=user, day=day)
        ],
    }


def refund_forecast(*, user, first: dt.date, last: dt.date, orders: int) -> dict:
    """STF-3: the refunds to expect of ``orders``, from the orders paid in the days
    [first, last] and their refunds, by the stage of the order when each was asked for."""
    from kefu.commerce import peak_selectors

    start, end = local_range(first, last)
    f = peak_selectors.refund_forecast_for(user=user, start=start, end=end, orders=orders)
    return {
        "start": first,
        "end": last,
        "orders": f.orders,
        "base_orders": f.base_orders,
        "base_refunds": f.base_refunds,
        "rate": _dec(f.rate),
        "expected": f.expected,
        "stages": [
            {
                "stage": s.stage,
                "base_refunds": s.base_refunds,
                "rate": _dec(s.rate),
                "expected": s.expected,
            }
            for s in f.stages
        ],
    }
