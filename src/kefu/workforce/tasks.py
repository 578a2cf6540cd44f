"""Background jobs of workforce: solving a roster run, and failing runs whose worker stopped."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def roster_solve_task(run_id: int) -> int:
    """Solve one roster run within its time limit and store the assignments."""
    from kefu.workforce.services import roster_run_solve

    return roster_run_solve(run_id=run_id).pk


@db_periodic_task(crontab(minute="*"))
def roster_reap_job() -> int:
    """A run left solving by a worker that died is marked failed (idempotent: one UPDATE)."""
    from kefu.workforce.services import roster_runs_reap

    return roster_runs_reap()
