"""Background jobs of webhooks: send deliveries after their commit, and every minute the due
retries and whatever a dead worker left (claims make running both at once harmless)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup


@db_task()
def webhooks_deliver_job(ids: list[int]) -> dict:
    """Send the given deliveries (each claimed first, so a second worker never sends it too)."""
    from kefu.integrations.delivery import send

    return send(ids)


@db_periodic_task(crontab(minute="*"))
def webhooks_sweep() -> dict:
    """Send every due delivery: retries whose back-off ran out, deliveries whose sender died."""
    from kefu.integrations.delivery import deliver_due

    return deliver_due(seconds=50)  # the next minute's run goes on


@db_task()
def webhooks_sweep_once() -> dict:
    from kefu.integrations.delivery import deliver_due

    return deliver_due()


@on_startup("kefu_webhooks_resume")
def _resume_after_restart() -> None:
    """A worker that starts (again) sweeps once the leases of a killed worker have run out,
    not only at the next minute."""
    from kefu.integrations.delivery import LEASE_SECONDS

    try:
        webhooks_sweep_once.schedule(delay=int(LEASE_SECONDS) + 1)
    except Exception:  # never keep a worker from starting
        import logging

        logging.getLogger("kefu.webhooks").exception("could not schedule the webhook sweep")


@db_periodic_task(crontab(hour="3", minute="17"))
def webhooks_prune() -> int:
    """Every night: forget deliveries finished more than 30 days ago (KEFU_WEBHOOK_KEEP_DAYS)."""
    from kefu.integrations.delivery import prune

    return prune()
