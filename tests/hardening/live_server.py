"""A real ``kefu serve`` for concurrency and crash tests, and the scripts that seed it.

``LiveServer`` gives a process its own KEFU_DATA_DIR (SQLite, uploads, Huey on SQLite) or, when
the suite runs with DATABASE_URL on PostgreSQL, its own scratch database on that server (dropped
at the end), so it never touches the test database or another test's files.

``server.call("seed_org")`` runs one function of this file in a separate Python process with the
server's environment (``python live_server.py FUNCTION JSON``) and returns what it prints: test
data is built through the services, exactly as the web processes would see it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

PYTHON = sys.executable
HERE = Path(__file__).resolve()
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str | None:
    """The suite's DATABASE_URL when it names a PostgreSQL server, else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


class LiveServer:
    """``kefu serve`` on a free port with its own data dir (and database on PostgreSQL)."""

    def __init__(self, data_dir: Path, *, workers: int = 3, threads: int = 4, redis: bool = True):
        self.data_dir = Path(data_dir)
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.pg_db: str | None = None
        self.pg_server = postgres_url()
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "KEFU_TESTING", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            KEFU_DATA_DIR=str(self.data_dir),
            KEFU_HUEY_NAME=f"kefu-live-{uuid.uuid4().hex[:8]}",
            KEFU_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        if self.pg_server:
            self.pg_db = f"kefu_live_{uuid.uuid4().hex[:10]}"
            _pg_admin(self.pg_server, f'CREATE DATABASE "{self.pg_db}"')
            self.env["DATABASE_URL"] = _with_db(self.pg_server, self.pg_db)
        if redis and os.environ.get("REDIS_URL"):
            self.env["REDIS_URL"] = os.environ["REDIS_URL"]

    @property
    def vendor(self) -> str:
        return "postgresql" if self.pg_db else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "kefu.sqlite3"

    # -- processes ---------------------------------------------------------------------------

    def kefu(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run ``kefu ARGS`` to completion with the server's environment (a bound, not a speed
        check: on a loaded machine ``migrate`` alone took over 120 s)."""
        return subprocess.run(
            [PYTHON, "-m", "kefu", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def spawn(self, *args: str, **kwargs) -> subprocess.Popen:
        """Start ``kefu ARGS`` in its own process group (so kill -9 takes its children too)."""
        return subprocess.Popen(
            [PYTHON, "-m", "kefu", *args],
            env=self.env,
            start_new_session=True,
            stdout=kwargs.pop("stdout", subprocess.DEVNULL),
            stderr=kwargs.pop("stderr", subprocess.DEVNULL),
            **kwargs,
        )

    def call(self, function: str, **kwargs):
        """Run one seeding/inspection function of this file in a fresh process; its result."""
        done = subprocess.run(
            [PYTHON, str(HERE), function, json.dumps(kwargs)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{function} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def migrate(self) -> None:
        """The server's database as ``kefu migrate`` leaves it: a copy of the run's migrated
        template (``dbtemplate``), which costs a second instead of a minute of CPU."""
        import dbtemplate  # the suite's module (this file also runs as a script for ``call``)

        if self.pg_db:
            dbtemplate.create_postgres(self.pg_server, self.pg_db)
        else:
            dbtemplate.copy_sqlite(self.sqlite_path)

    @property
    def log_path(self) -> Path:
        return self.data_dir / "serve.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> LiveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("a")
        self.proc = self.spawn(
            "serve",
            "--no-worker",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kefu serve exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v1/openapi.json", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"kefu serve did not answer within {START_TIMEOUT}s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn master and workers) and reap it."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def close(self) -> None:
        self.kill(signal.SIGTERM)
        if self.pg_db:
            _pg_admin(self.pg_server, f'DROP DATABASE IF EXISTS "{self.pg_db}" WITH (FORCE)')
            self.pg_db = None

    def count(self, table: str) -> int:
        """Rows in ``table``, read straight from the database (no Django start-up)."""
        if self.pg_db:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        conn = sqlite3.connect(self.sqlite_path, timeout=20)
        try:
            return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        finally:
            conn.close()

    def writer_active(self) -> bool:
        """Whether another process holds an open write transaction on the database now."""
        if self.pg_db:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                sql = (
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                )
                return conn.execute(sql).fetchone()[0] > 0
        conn = sqlite3.connect(self.sqlite_path, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()

    # -- HTTP ----------------------------------------------------------------------------------

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )


def kill_group(proc: subprocess.Popen) -> None:
    """kill -9 a process started by ``LiveServer.spawn`` and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=20)


# --- functions run inside the server's environment (python live_server.py NAME JSON) ------------


def _token(user) -> str:
    from kefu.accounts.services import token_create

    return token_create(user=user, name="live")[1]


def seed_org(**_):
    """A shop with a supervisor and two agents of 售后一组; their tokens."""
    from kefu.accounts import services
    from kefu.accounts.models import Team

    line = services.business_line_create(name="网店", code="shop", industry="ecommerce")
    team = Team.objects.get(business_line=line, name="售后一组")
    password = "Kefu-live-2026!"
    supervisor = services.user_create(
        username="supervisor",
        password=password,
        role="supervisor",
        display_name="主管",
        department=team.department,
        email="supervisor@example.com",
    )
    agents = [
        services.user_create(
            username=f"agent{i}",
            password=password,
            role="agent",
            display_name=f"客服{i}",
            team=team,
        )
        for i in range(2)
    ]
    return {
        "line": line.pk,
        "supervisor": _token(supervisor),
        "agents": [_token(a) for a in agents],
    }


def _agent():
    from kefu.accounts.models import User

    return User.objects.get(username="agent0")


def seed_callbacks(*, count: int, dissatisfied: bool = False, days_ago: int = 0, **_):
    """``count`` customers, each with a resolved ticket and its open callback task; with
    ``dissatisfied`` the callback is logged 不满意 (the issue stays open: escalation due).
    With ``days_ago`` all of it happened that many days ago (the clock is moved back)."""
    if days_ago:
        import datetime as dt

        import time_machine

        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        with time_machine.travel(past, tick=True):
            return seed_callbacks(count=count, dissatisfied=dissatisfied)
    from kefu.customers.models import Customer
    from kefu.customers.services import customer_create
    from kefu.followups.models import CallbackTask
    from kefu.followups.services import callback_log_outcome
    from kefu.tickets.services import ticket_create, ticket_update

    agent = _agent()
    callbacks = []
    first = Customer.objects.count()
    for i in range(first, first + count):
        customer = customer_create(
            actor=agent,
            business_line=agent.business_line,
            name=f"回访客户{i}",
            phone=f"1370{i:07d}",
        )
        ticket = ticket_create(
            actor=agent, title="快递破损", type="consult", channel="phone", customer=customer
        )
        ticket = ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )
        task = CallbackTask.objects.get(ticket=ticket)
        if dissatisfied:
            task = callback_log_outcome(
                actor=agent, task=task, version=task.version, outcome="dissatisfied"
            )
        callbacks.append({"id": task.pk, "version": task.version, "ticket": ticket.pk})
    return callbacks


def enable_inactivity(**_):
    from kefu.accounts.models import User
    from kefu.followups.models import Kind
    from kefu.followups.services import policy_for, policy_update

    supervisor = User.objects.get(username="supervisor")
    policy = policy_for(supervisor.business_line or _agent().business_line, Kind.INACTIVITY)
    policy_update(actor=supervisor, policy=policy, changes={"enabled": True})
    return {"policy": policy.pk}


def cadence(*, days_ahead: int, **_):
    """One periodic cadence run as the worker does it, ``days_ahead`` days from now."""
    import datetime as dt

    from django.utils import timezone

    from kefu.followups.services import cadence_run

    return cadence_run(now=timezone.now() + dt.timedelta(days=days_ahead))


def counts(**_):
    """Row counts the concurrency and crash tests compare."""
    from kefu.core.audit import AuditEvent
    from kefu.customers.models import Customer
    from kefu.followups.models import CallbackTask, Escalation, Kind

    return {
        "customers": Customer.objects.count(),
        "callbacks": CallbackTask.objects.count(),
        "inactivity": CallbackTask.objects.filter(kind=Kind.INACTIVITY).count(),
        "escalations": Escalation.objects.count(),
        "escalation_callbacks": Escalation.objects.values("callback").distinct().count(),
        "audit_escalate": AuditEvent.objects.filter(action="followups.escalate").count(),
    }


def ticket(*, pk: int, **_):
    from kefu.tickets.models import Ticket

    t = Ticket.objects.get(pk=pk)
    return {"title": t.title, "priority": t.priority, "version": t.version}


def write_customers_xlsx(*, path: str, rows: int, first: int, **_):
    """A workbook of ``rows`` new customers (姓名, 电话) with phones from ``first`` on."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "电话"])
    for i in range(first, first + rows):
        sheet.append([f"导入客户{i}", f"1{i:010d}"])
    book.save(path)
    return {"path": path}


def huey_enqueue_cadence(**_):
    """Put one run of the periodic cadence job on the worker's queue."""
    from kefu.followups.tasks import followups_cadence

    followups_cadence()
    return {"queued": True}


def huey_pending(**_):
    from huey.contrib.djhuey import HUEY

    return {"pending": HUEY.pending_count()}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    name, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    print(json.dumps(globals()[name](**json.loads(raw)), default=str))
