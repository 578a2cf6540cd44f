"""Crashes (issue 8): kill -9 in the middle of an import and of a periodic job.

An import commits batch by batch, so a killed import leaves whole batches only (every customer
with its phone index) and a re-run of the same file resumes after them, loading every row once; a worker killed in the middle of the cadence job leaves a job that,
after restart, completes exactly once (unique constraints, not hope). Each test is bounded (<60 s).
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from .live_server import LiveServer, kill_group

pytestmark = pytest.mark.slow

IMPORT_ROWS = 6000
CALLBACKS = 120


def wait_for(predicate, *, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def test_import_killed_mid_way_leaves_whole_batches_and_a_rerun_loads_each_row_once(tmp_path):
    """Crashes: kill -9 `kefu customers import` while it writes → nothing half-written."""
    from kefu.customers.imports import BATCH

    # given a department and a workbook of 6,000 new customers (six batches)
    live = LiveServer(tmp_path / "data")
    try:
        live.migrate()
        live.call("seed_org")
        book = tmp_path / "customers.xlsx"
        live.call("write_customers_xlsx", path=str(book), rows=IMPORT_ROWS, first=1000)
        before = (live.count("customers_customer"), live.count("customers_phonegram"))

        # when the import is killed with SIGKILL while it is writing
        proc = live.spawn("customers", "import", str(book), "--business-line", "shop")
        assert wait_for(live.writer_active, timeout=45), "the import never started writing"
        time.sleep(0.3)
        assert proc.poll() is None, "the import finished before it could be killed"
        kill_group(proc)

        # then only whole batches remain, each customer with its phone index (8 grams a phone)
        kept = live.count("customers_customer") - before[0]
        assert kept % BATCH == 0 and kept < IMPORT_ROWS
        assert live.count("customers_phonegram") - before[1] == kept * 8
        if live.vendor == "sqlite":
            conn = sqlite3.connect(live.sqlite_path, timeout=5)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()

        # when it is run again to the end, and then once more
        done = live.kefu("customers", "import", str(book), "--business-line", "shop")
        again = live.kefu("customers", "import", str(book), "--business-line", "shop")

        # then every row was loaded exactly once: the second run finds them all in the archive
        assert done.returncode == 0, done.stderr[-2000:]
        assert live.count("customers_customer") == before[0] + IMPORT_ROWS
        assert again.returncode == 2
        assert live.count("customers_customer") == before[0] + IMPORT_ROWS
    finally:
        live.close()


def test_worker_killed_mid_cadence_job_completes_it_exactly_once_after_restart(tmp_path):
    """Crashes: kill -9 `kefu worker` (Huey on SQLite) during the periodic cadence job."""
    # given 120 callbacks left 不满意 three weeks ago (escalations and inactivity calls due)
    live = LiveServer(tmp_path / "data", redis=False)
    worker = None
    try:
        live.migrate()
        live.call("seed_org")
        live.call("enable_inactivity")
        live.call("seed_callbacks", count=CALLBACKS, dissatisfied=True, days_ago=21)
        callbacks_before = live.count("followups_callbacktask")

        # when the worker runs the queued job and is killed with SIGKILL half-way through
        live.call("huey_enqueue_cadence")
        worker = live.spawn("worker", "--workers", "1")
        assert wait_for(lambda: live.count("followups_escalation") > 0, timeout=40)
        kill_group(worker)
        worker = None
        at_kill = live.count("followups_escalation")
        assert at_kill < CALLBACKS, "the job finished before the worker could be killed"

        # when the worker restarts and the job's next run comes round
        worker = live.spawn("worker", "--workers", "1")
        live.call("huey_enqueue_cadence")
        finished = wait_for(
            lambda: (
                live.count("followups_escalation") == CALLBACKS
                and live.call("huey_pending")["pending"] == 0
            ),
            timeout=40,
            interval=0.5,
        )

        # then every escalation and callback exists exactly once
        assert finished, f"stuck at {live.count('followups_escalation')} of {CALLBACKS}"
        time.sleep(1)
        counts = live.call("counts")
        assert counts["escalations"] == counts["escalation_callbacks"] == CALLBACKS
        assert counts["audit_escalate"] == CALLBACKS
        assert counts["inactivity"] == CALLBACKS
        # and one first-contact callback for each of the 120 customers, new to the archive and
        # allocated by the same job (ARC-6), also exactly once
        assert counts["callbacks"] == callbacks_before + CALLBACKS + CALLBACKS
    finally:
        if worker is not None:
            kill_group(worker)
        live.close()
