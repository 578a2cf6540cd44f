"""A platform dispute as plain data: what the API answers and ``kefu returns dispute-…`` print."""

from __future__ import annotations

from kefu.commerce.services.disputes import missing_for_appeal


def _dec(value) -> str | None:
    return None if value is None else str(value)


def dispute(d, *, full: bool = True) -> dict:
    out = {
        "id": d.pk,
        "return_id": d.ret_id,
        "order": d.order_id,
        "order_no": d.order.order_no,
        "customer": d.order.customer_id,
        "platform_case_no": d.platform_case_no,
        "stage": d.stage,
        "opened_at": d.opened_at,
        "reasons": d.reasons,
        "appealed_at": d.appealed_at,
        "outcome": d.outcome,
        "amount": _dec(d.amount),
        "closed_at": d.closed_at,
        "version": d.version,
    }
    if full:
        out["contacts"] = [
            {
                "id": c.pk,
                "at": c.at,
                "channel": c.channel,
                "offer": c.offer,
                "answer": c.answer,
                "by": c.by_id,
            }
            for c in d.contacts.all()
        ]
        out["evidence"] = [
            {"id": e.pk, "kind": e.kind, "name": e.name, "size": e.size} for e in d.evidence.all()
        ]
        out["missing_for_appeal"] = missing_for_appeal(d) if d.stage == "negotiating" else []
    return out
