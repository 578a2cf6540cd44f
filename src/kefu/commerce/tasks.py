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


@db_periodic_task(crontab(minute="*/5"))
@lock_task("commerce-care")
def care_notices_periodic() -> dict:
    """Every 5 minutes: plan the care notices due now (one per kind per order) and send the next
    batch through the messaging outbox (CARE-1)."""
    from kefu.commerce.services import care

    return {"planned": care.plan_notices(), "sent": care.send_notices()}


@db_periodic_task(crontab(hour="8", minute="0"))
def shipment_check_daily() -> dict:
    """08:00: check yesterday's shipments; untraceable parcels get extended receipt time (CARE-2)."""
    from kefu.commerce.services import care

    return care.check_shipments()


@db_periodic_task(crontab(hour="1", minute="10"))
def indicators_daily() -> int:
    """01:10: record yesterday's DSR and after-sales indicators of every shop (SAT-7)."""
    from kefu.commerce.services import indicators

    return indicators.record_day()
