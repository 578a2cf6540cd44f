"""Background jobs of followups: the cadence run every 15 minutes (thin wrapper)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*/15"))
@lock_task("followups-cadence")
def followups_cadence() -> dict[str, int]:
    """Maintenance reminders, inactivity callbacks and escalations; idempotent, so an
    overlapping or repeated run creates nothing twice (the lock only saves the work)."""
    from kefu.followups.services import cadence_run

    return cadence_run()
