"""Background jobs of messaging: every five minutes, send the held messages whose quiet hours
have ended (idempotent: a row is claimed held → queued before it is sent)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*/5"))
@lock_task("messaging-release-held")
def messaging_release_held() -> int:
    from kefu.channels.messaging.outbox import release_held

    return release_held()
