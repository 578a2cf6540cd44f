"""Background jobs of tickets: the SLA check every minute, reply delivery (thin wrappers)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("tickets-sla-check")
def sla_check_job() -> int:
    """Record warnings and breaches whose time has come and escalate them; idempotent, so an
    overlapping or repeated run records and notifies nothing twice (the lock only saves work)."""
    from kefu.tickets.sla_services import sla_check

    return sla_check()


@db_task()
def deliver_reply_job(message_id: int) -> str | None:
    """Send one reply to the customer (tickets.outbound); a reply no longer queued is skipped,
    so a job delivered twice sends once."""
    from kefu.tickets.outbound import deliver

    return deliver(message_id)
