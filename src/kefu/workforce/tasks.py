"""Background jobs of workforce: solving a roster run (thin wrapper taking an id)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def roster_solve_task(run_id: int) -> int:
    """Solve one roster run within its time limit and store the assignments."""
    from kefu.workforce.services import roster_run_solve

    return roster_run_solve(run_id=run_id).pk
