"""Background jobs of the reports app (thin wrappers)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(hour="7", minute="5"))
@lock_task("reports-send-due")
def builder_reports_daily() -> dict:
    """07:05 every day: e-mail each subscribed saved report for its last full week or month
    (sent once per subscription and period by a unique key, so a second run sends nothing)."""
    from kefu.reports import builder_services

    return builder_services.send_due()
