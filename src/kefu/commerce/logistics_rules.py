"""The steps of a logistics case (RET-7). Pure: no Django.

- Lost parcel: confirm the loss → reship or refund the customer first → claim from the courier
  (amount claimed) → close with the amount recovered.
- Short shipment: check the weight with the warehouse and the courier → reship the missing part
  or refund, as the customer wishes → close.
- Damaged in transit: reship or refund → claim from the courier → close with the amount
  recovered.
- Logistics anomaly: query the courier → close with the answer.
- Receipt time extended (延长收货时间): recorded once done on the platform; no steps.

The customer is made whole before any claim: ``claim`` follows only ``remedied``.
"""

from __future__ import annotations

# kind → {step: (from statuses, to status)}
FLOWS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "lost": {
        "confirm": (("open",), "confirmed"),
        "remedy": (("confirmed",), "remedied"),
        "claim": (("remedied",), "claimed"),
        "close": (("claimed",), "closed"),
    },
    "short": {
        "weigh": (("open",), "weighed"),
        "remedy": (("weighed",), "remedied"),
        "close": (("remedied",), "closed"),
    },
    "damaged": {
        "remedy": (("open",), "remedied"),
        "claim": (("remedied",), "claimed"),
        "close": (("claimed",), "closed"),
    },
    "anomaly": {
        "query": (("open",), "queried"),
        "close": (("queried",), "closed"),
    },
    "extend": {},
}
KINDS = tuple(FLOWS)
STEPS = ("confirm", "weigh", "query", "remedy", "claim", "close")


def next_steps(kind: str, status: str) -> list[str]:
    """The steps open to a case of ``kind`` in ``status``, in flow order."""
    return [step for step, (before, _to) in FLOWS.get(kind, {}).items() if status in before]


def target(kind: str, status: str, step: str) -> str | None:
    """The status ``step`` leads to, or None when it does not follow from ``status``."""
    found = FLOWS.get(kind, {}).get(step)
    if found is None or status not in found[0]:
        return None
    return found[1]
