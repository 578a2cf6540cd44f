"""Background jobs of channels: e-mail reply retries with back-off, the IMAP poll (thin)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def retry_reply_job(message_id: int) -> str | None:
    """Send a failed e-mail reply again (scheduled with back-off by channels.outbound)."""
    from kefu.channels.outbound import deliver

    return deliver(message_id, retry=True)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("channels-release-held-mail")
def release_held_mail_job() -> int:
    """Send the e-mail replies held for quiet hours once those ended, and what the mail
    outbox has due (held, failed with its back-off passed, stranded: ``customer_mail``)."""
    from kefu.channels import auto_mail
    from kefu.channels.outbound import release_held_mail

    return release_held_mail() + auto_mail.release_held()


@db_periodic_task(crontab(minute="*/2"))
@lock_task("channels-mail-fetch")
def fetch_mail_job() -> dict:
    """Poll every active IMAP mailbox (UID/UIDVALIDITY: nothing read twice or missed)."""
    from kefu.channels.imap import fetch_all

    return fetch_all()
