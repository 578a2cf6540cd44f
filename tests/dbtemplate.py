"""Migrated databases for tests, made once per run and copied (importable as ``dbtemplate``).

Applying Kefu's migrations to an empty database costs about a minute of CPU (Django renders the
whole model graph again for nearly every operation, because almost every model points at the
user). The suite needs a fresh migrated database for each test worker and for every test that
starts real ``kefu`` processes, so it made dozens. Now ``kefu migrate`` runs once per run and
engine, into a template under a file lock, and everyone copies it: a SQLite file (or the
in-memory test database, through SQLite's backup API) or ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL. The template's name carries a hash of every migration file and of Django's version,
so a changed migration makes a new one; the copy is what ``kefu migrate`` would have left.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SRC = Path(__file__).resolve().parents[1] / "src" / "kefu"


def _fingerprint() -> str:
    import django

    digest = hashlib.sha256(django.__version__.encode())
    for path in sorted(SRC.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(SRC)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _shared_dir() -> Path:
    """A folder every process of this run sees: the suite's data dir (shared by the workers)."""
    base = os.environ.get("KEFU_DATA_DIR") or tempfile.gettempdir()
    path = Path(base).resolve() / "migrated-templates"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(name: str, *, server_wide: bool = False):
    """A file lock on ``name``: shared by this run's processes, or with ``server_wide`` by every
    checkout on this machine (PostgreSQL templates live on one server that several checkouts
    use: without it one checkout's clean-up dropped another's template while it was copied)."""
    folder = Path(tempfile.gettempdir()) / "kefu-postgres-locks" if server_wide else _shared_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _kefu_migrate(env: dict) -> None:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "KEFU_TESTING", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(env, KEFU_LOG_LEVEL="WARNING")
    done = subprocess.run(
        [sys.executable, "-m", "kefu", "migrate"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=1800,  # a loaded machine has taken over 15 minutes
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kefu migrate failed:\n{done.stderr[-3000:]}")


# -- SQLite --------------------------------------------------------------------------------------


def sqlite_template() -> Path:
    """The path of a migrated SQLite database file for this code's migrations (made if missing)."""
    target = _shared_dir() / f"sqlite-{_fingerprint()}.sqlite3"
    with _locked(target.name):
        if not target.exists():
            build = Path(tempfile.mkdtemp(prefix="kefu-template-", dir=_shared_dir()))
            _kefu_migrate({"KEFU_DATA_DIR": str(build)})
            built = build / "kefu.sqlite3"
            with contextlib.closing(sqlite3.connect(built)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            os.replace(built, target)
            shutil.rmtree(build, ignore_errors=True)
            # templates of older migrations are no use to anyone
            for stale in _shared_dir().glob("sqlite-*.sqlite3"):
                if stale != target:
                    stale.unlink(missing_ok=True)
    return target


def copy_sqlite(destination: Path) -> None:
    """A migrated database at ``destination`` (a data dir's ``kefu.sqlite3``)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template(), destination)


def load_sqlite_into(connection: sqlite3.Connection) -> None:
    """Copy the template into an open SQLite database (the suite's in-memory test database)."""
    with contextlib.closing(sqlite3.connect(sqlite_template())) as source:
        source.backup(connection)


# -- PostgreSQL ----------------------------------------------------------------------------------


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin(url: str, *statements: str) -> list:
    import psycopg

    rows = []
    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        for sql in statements:
            cursor = conn.execute(sql)
            rows.append(cursor.fetchall() if cursor.description else None)
    return rows


def postgres_template(server_url: str) -> str:
    """The name of a migrated template database on that server (made if missing)."""
    with _locked("kefu_tmpl", server_wide=True):
        return _ensure_template(server_url)


def _ensure_template(server_url: str) -> str:
    name = f"kefu_tmpl_{_fingerprint()}"
    [found] = _admin(server_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if found:
        return name
    # built under a name of its own: no other checkout's clean-up ever matches it
    building = f"kefu_build_{_fingerprint()}_{os.getpid()}"
    _admin(
        server_url,
        f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)',
        f'CREATE DATABASE "{building}"',
    )
    _kefu_migrate(
        {
            "DATABASE_URL": _with_db(server_url, building),
            "KEFU_DATA_DIR": tempfile.mkdtemp(prefix="kefu-template-"),
        }
    )
    import psycopg

    try:
        _admin(server_url, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    except psycopg.errors.DuplicateDatabase:  # another checkout finished the same one first
        drop_postgres(server_url, building)
        return name
    # templates of older migrations are no use; other checkouts on this machine may still use
    # the few newest (a database's oid grows with its creation)
    [old] = _admin(
        server_url,
        "SELECT datname FROM pg_database WHERE datname LIKE 'kefu\\_tmpl\\_%'"
        " ORDER BY oid DESC OFFSET 4",
    )
    for (stale,) in old:
        with contextlib.suppress(Exception):
            _admin(server_url, f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
    return name


def create_postgres(server_url: str, database: str) -> None:
    """A fresh migrated database named ``database`` (dropped first if it exists)."""
    # copies of one template are made one at a time: PostgreSQL refuses a copy while another
    # session is connected to the template, and a concurrent copy counts as one
    with _locked("kefu_tmpl", server_wide=True):
        template = _ensure_template(server_url)
        _admin(
            server_url,
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
            f'CREATE DATABASE "{database}" TEMPLATE "{template}"',
        )


def drop_postgres(server_url: str, database: str) -> None:
    _admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# -- Demo snapshots ------------------------------------------------------------------------------
# Several modules read the same `kefu demo --tickets 400` data set and used to build it each (half
# a minute or more apiece). The first worker of a run to need it builds it into its own test
# database and saves a copy; everyone else, that worker's later modules included, loads the copy.
# A snapshot belongs to one test run (``KEFU_TEST_RUN``, set by the controlling process), so an
# edit to the code between runs can never serve stale data; the controller drops it at the end.

RUN_ENV = "KEFU_TEST_RUN"


def _run_id() -> str:
    return os.environ.get(RUN_ENV) or f"p{os.getpid()}"


def _snapshot_name(tickets: int) -> str:
    return f"kefu_demo_{_run_id()}_{tickets}"


def demo_media_dir(tickets: int) -> Path:
    """Where the snapshot's uploads live (the build saves files; every loader reads the same)."""
    return _shared_dir() / f"{_snapshot_name(tickets)}_media"


def load_demo(tickets: int, build) -> None:
    """This worker's test database holds the demo of ``tickets`` tickets: loaded from the run's
    snapshot, or built by ``build()`` (into this database) and saved as the snapshot."""
    from django.db import connection

    name = _snapshot_name(tickets)
    with _locked(name):
        if connection.vendor == "sqlite":
            _load_demo_sqlite(connection, _shared_dir() / f"{name}.sqlite3", build)
        else:
            _load_demo_postgres(connection, name, build)


def _load_demo_sqlite(connection, snapshot: Path, build) -> None:
    connection.ensure_connection()
    if snapshot.exists():
        with contextlib.closing(sqlite3.connect(snapshot)) as source:
            source.backup(connection.connection)
        return
    build()
    partial = snapshot.with_suffix(".partial")
    with contextlib.closing(sqlite3.connect(partial)) as copy:
        connection.connection.backup(copy)
    os.replace(partial, snapshot)


def _load_demo_postgres(connection, snapshot: str, build) -> None:
    from django.db import connections

    url, database = os.environ["DATABASE_URL"], connection.settings_dict["NAME"]
    [found] = _admin(url, f"SELECT 1 FROM pg_database WHERE datname = '{snapshot}'")
    if not found:
        build()
    # a database is copied only while nobody is connected to it
    connections.close_all()
    if found:
        _admin(
            url,
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
            f'CREATE DATABASE "{database}" TEMPLATE "{snapshot}"',
        )
    else:
        _admin(url, f'CREATE DATABASE "{snapshot}" TEMPLATE "{database}"')


def restore_migrated() -> None:
    """Put this worker's test database back to the freshly migrated state (after a snapshot)."""
    from django.db import connection, connections

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        load_sqlite_into(connection.connection)
    else:
        connections.close_all()
        create_postgres(os.environ["DATABASE_URL"], connection.settings_dict["NAME"])


def drop_snapshots() -> None:
    """The controlling process, at the end of the run: this run's snapshots are no use to anyone."""
    prefix = f"kefu_demo_{_run_id()}_"
    for path in _shared_dir().glob(f"{prefix}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        with contextlib.suppress(Exception):
            [rows] = _admin(
                url, "SELECT datname FROM pg_database WHERE datname LIKE 'kefu\\_demo\\_%'"
            )
            for (name,) in rows:
                if name.startswith(prefix):
                    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
