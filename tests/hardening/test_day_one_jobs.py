"""Imports and jobs on a real department's day (issue 15 §2): a long import lets others write,
the same file imported twice at once loads each row once, a killed import resumes, a roster whose
worker died does not stay 求解中, and ``kefu serve`` restarts a worker that was killed."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from kefu.customers.imports import BATCH, customers_import
from kefu.customers.models import Customer, CustomerImport, ImportStatus
from kefu.customers.services import customer_create

from .live_server import LiveServer, free_port, kill_group


def workbook(rows: int, first: int = 1000) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "电话"])
    for i in range(first, first + rows):
        sheet.append([f"导入客户{i}", f"1{i:010d}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_long_import_lets_an_agent_save_a_customer_between_its_batches(org, manager):
    """SQLite has one writer: an import in one transaction kept every intake waiting until it
    ended (into 'database is locked'); in batches, an agent's write gets in between."""
    data = workbook(BATCH * 2 + 500)
    outcome: dict = {}
    calls = []

    def agent_saves_a_customer() -> None:
        try:
            outcome["customer"] = customer_create(
                actor=manager, business_line=org.shop, name="来电客户", phone="13912340000"
            )
        except Exception as exc:  # reported below
            outcome["error"] = exc
        finally:
            connection.close()

    def progress(n: int) -> None:
        calls.append(n)
        if len(calls) == 4:  # 3 calls while validating 2,500 rows, then the first batch
            writer = threading.Thread(target=agent_saves_a_customer)
            writer.start()
            writer.join(timeout=60)

    result = customers_import(
        actor=manager, business_line=org.shop, source=io.BytesIO(data), progress=progress
    )

    assert "error" not in outcome, outcome.get("error")
    assert outcome["customer"].pk
    assert result.created == BATCH * 2 + 500
    assert Customer.objects.filter(business_line=org.shop).count() == BATCH * 2 + 501


@pytest.mark.django_db
def test_the_same_file_cannot_be_imported_twice_at_once(org, manager):
    """A double click on 导入: the second import of a file still importing is refused (409)."""
    from kefu.core.errors import Conflict
    from kefu.customers.imports import _claim, file_sha256

    data = io.BytesIO(workbook(10))
    _claim(actor=manager, business_line=org.shop, sha256=file_sha256(data))

    with pytest.raises(Conflict):
        customers_import(actor=manager, business_line=org.shop, source=data)
    assert not Customer.objects.filter(business_line=org.shop).exists()


@pytest.mark.django_db
def test_a_stopped_import_of_a_file_is_resumed_after_its_last_batch(org, manager):
    """An import whose process died (its heartbeat old) resumes: rows it committed are kept and
    not reported as 'already in the archive', the rest is loaded once."""
    data = workbook(BATCH + 300)
    first = customers_import(actor=manager, business_line=org.shop, source=io.BytesIO(data))
    assert first.created == BATCH + 300
    # as if the process had stopped after the first batch: that batch kept, the rest never written
    run = CustomerImport.objects.get()
    Customer.objects.filter(business_line=org.shop, name__gte=f"导入客户{1000 + BATCH}").delete()
    CustomerImport.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING,
        loaded_through=BATCH + 1,  # sheet rows 2 … 1001
        heartbeat_at=timezone.now() - dt.timedelta(minutes=10),
    )

    again = customers_import(actor=manager, business_line=org.shop, source=io.BytesIO(data))

    assert (again.resumed, again.created, again.error_count) == (BATCH, 300, 0)
    assert Customer.objects.filter(business_line=org.shop).count() == BATCH + 300
    assert CustomerImport.objects.get().status == ImportStatus.DONE


@pytest.mark.slow
def test_two_imports_of_one_file_started_together_load_each_phone_once(tmp_path):
    """Two `kefu customers import` processes of the same workbook at the same moment."""
    live = LiveServer(tmp_path / "data")
    try:
        live.migrate()
        live.call("seed_org")
        book = tmp_path / "customers.xlsx"
        live.call("write_customers_xlsx", path=str(book), rows=3000, first=5000)
        before = live.count("customers_customer")

        procs = [
            live.spawn("customers", "import", str(book), "--business-line", "shop")
            for _ in range(2)
        ]
        codes = sorted(p.wait(timeout=120) for p in procs)

        assert codes == [0, 2]  # one loads the file, the other is refused (or finds every row)
        assert live.count("customers_customer") == before + 3000
    finally:
        live.close()


@pytest.mark.django_db
def test_a_roster_left_solving_by_a_dead_worker_is_marked_failed_and_can_be_retried(
    org, manager, django_capture_on_commit_callbacks, web_as
):
    """The worker was killed while solving: the run must not say 求解中 forever."""
    from kefu.workforce.models import RosterRun, RunStatus
    from kefu.workforce.services import roster_reoptimise, roster_runs_reap

    run = RosterRun.objects.create(
        business_line=org.shop,
        name="十二月第一周",
        start_date=dt.date(2026, 12, 7),
        days=1,
        status=RunStatus.RUNNING,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
        created_by=manager,
    )
    fresh = RosterRun.objects.create(
        business_line=org.shop,
        name="仍在求解",
        start_date=dt.date(2026, 12, 14),
        days=1,
        status=RunStatus.RUNNING,
        lease_until=timezone.now() + dt.timedelta(minutes=5),
        created_by=manager,
    )

    assert roster_runs_reap() == 1
    run.refresh_from_db()
    fresh.refresh_from_db()
    assert (run.status, fresh.status) == (RunStatus.FAILED, RunStatus.RUNNING)
    page = web_as(manager).get(f"/workforce/rosters/{run.pk}/").content.decode()
    assert "stopped while solving" in page and "Retry" in page

    with django_capture_on_commit_callbacks(execute=False):
        retried = roster_reoptimise(actor=manager, run=run)
    assert retried.status == RunStatus.QUEUED


def _children(pid: int) -> dict[int, str]:
    """{pid: command line} of the processes whose parent is ``pid`` (read from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _worker_pid(serve_pid: int) -> int | None:
    return next((p for p, cmd in _children(serve_pid).items() if "kefu worker" in cmd), None)


@pytest.mark.slow
def test_serve_restarts_a_killed_worker_and_keeps_serving(tmp_path):
    live = LiveServer(tmp_path / "data", redis=False)
    port = free_port()
    proc = None
    try:
        live.migrate()
        log = (tmp_path / "serve.log").open("w")
        proc = live.spawn("serve", "--port", str(port), "--workers", "1", stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}/accounts/login/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _worker_pid(proc.pid) is None:
            time.sleep(0.2)
        first = _worker_pid(proc.pid)
        assert first, "serve started no worker"

        os.kill(first, signal.SIGKILL)

        deadline = time.monotonic() + 30
        second = None
        while time.monotonic() < deadline:
            second = _worker_pid(proc.pid)
            if second and second != first:
                break
            time.sleep(0.2)
        assert second and second != first, "the worker was not restarted"
        assert httpx.get(url, timeout=10).status_code == 200
        assert proc.poll() is None
    finally:
        if proc is not None:
            kill_group(proc)
        live.close()
