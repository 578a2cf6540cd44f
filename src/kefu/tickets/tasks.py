"""Background jobs of tickets: the SLA check every minute (thin wrapper)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("tickets-sla-check")
def sla_check_job() -> int:
    """Record warnings and breaches whose time has come and escalate them; idempotent, so an
    overlapping or repeated run records and notifies nothing twice (the lock only saves work)."""
    from kefu.tickets.sla_services import sla_check

    return sla_check()
