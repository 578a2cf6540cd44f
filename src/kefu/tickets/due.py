"""Due time of a ticket (pure, no Django import).

For now the resolution target counts calendar hours; the SLA engine will replace ``compute_due``
with business-calendar arithmetic, keeping this signature.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

DEFAULT_HOURS = 48


class HasPolicy(Protocol):
    def policy(self, key: str) -> Any: ...


def resolution_hours(business_line: HasPolicy, priority: str) -> float:
    """The resolution target in hours for ``priority`` (policy ``resolution_hours``)."""
    table = business_line.policy("resolution_hours") or {}
    hours = table.get(priority, table.get("normal", DEFAULT_HOURS))
    return float(hours)


def compute_due(business_line: HasPolicy, priority: str, start: dt.datetime) -> dt.datetime:
    """When a ticket of ``priority`` opened at ``start`` must be resolved (calendar hours)."""
    return start + dt.timedelta(hours=resolution_hours(business_line, priority))
