"""Background jobs of messaging: every five minutes, send the held messages whose quiet hours
have ended (idempotent: a row is claimed held → queued before it is sent); every minute, switch
the lines' peak mode by their queue per agent on shift."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*/5"))
@lock_task("messaging-release-held")
def messaging_release_held() -> int:
    from kefu.channels.messaging.outbox import release_held

    return release_held()


@db_periodic_task(crontab(minute="*"))
@lock_task("messaging-peak-check")
def messaging_peak_check() -> dict:
    """CH-4: switch each line's peak auto-reply by its queue per agent on shift (``peak``)."""
    from kefu.channels.messaging.peak import check_all

    return check_all()
