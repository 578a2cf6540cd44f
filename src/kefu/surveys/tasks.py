"""Background jobs of surveys (thin wrappers): delivery of a link, and the daily run that
invites for closed tickets without an invitation and runs the scheduled campaigns."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def survey_deliver(invitation_id: int) -> None:
    """Send one invitation's link by e-mail and SMS (once; see ``invitation_deliver``)."""
    from kefu.surveys.services import invitation_deliver

    invitation_deliver(invitation_id=invitation_id)


@db_periodic_task(crontab(minute="10"))
@lock_task("surveys-periodic")
def surveys_periodic() -> dict[str, int]:
    """Hourly: idempotent (unique constraints), so a repeated run invites nobody twice."""
    from kefu.surveys.services import periodic_run

    return periodic_run()
