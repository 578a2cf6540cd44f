"""Background jobs of the reports app (thin wrappers)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_periodic_task(crontab(hour="7", minute="5"))
@lock_task("reports-send-due")
def builder_reports_daily() -> dict:
    """07:05 every day: e-mail each subscribed saved report for its last full week or month
    (sent once per subscription and period by a unique key, so a second run sends nothing)."""
    from kefu.reports import builder_services

    return builder_services.send_due()


@db_task()
def feedback_letter_mail(letter_id: int) -> str | None:
    """E-mail one weekly feedback letter to its unit (FU-10; once, whoever runs it)."""
    from kefu.reports import letter_mail

    return letter_mail.send(letter_id)


@db_periodic_task(crontab(minute="25"))
@lock_task("reports-feedback-letters")
def feedback_letters_hourly() -> dict:
    """Every hour: e-mail the weekly feedback letters the queue missed (a worker down, a failed
    send, a unit's address added later)."""
    from kefu.reports import letter_mail

    return letter_mail.send_due()
