"""Background jobs of e-commerce operations (thin wrappers)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("commerce-reminders")
def reminders_periodic() -> dict:
    """Every minute: plan the 催付 reminders due now (idempotent: one per channel per order by a
    unique constraint) and send the next throttled batch of SMS/IM."""
    from kefu.commerce.services import reminders

    return {"planned": reminders.plan_due(), "sent": reminders.send_due()}
