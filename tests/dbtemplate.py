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
def _locked(name: str):
    with (_shared_dir() / f"{name}.lock").open("w") as handle:
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
        timeout=900,
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
    name = f"kefu_tmpl_{_fingerprint()}"
    with _locked(name):
        [found] = _admin(server_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if not found:
            building = f"{name}_building"
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
            _admin(server_url, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            # templates of older migrations are no use to anyone
            [old] = _admin(
                server_url,
                "SELECT datname FROM pg_database WHERE datname LIKE 'kefu\\_tmpl\\_%'"
                f" AND datname <> '{name}'",
            )
            for (stale,) in old:
                with contextlib.suppress(Exception):
                    _admin(server_url, f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
    return name


def create_postgres(server_url: str, database: str) -> None:
    """A fresh migrated database named ``database`` (dropped first if it exists)."""
    template = postgres_template(server_url)
    # copies of one template are made one at a time: PostgreSQL refuses a copy while another
    # session is connected to the template, and a concurrent copy counts as one
    with _locked(template):
        _admin(
            server_url,
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
            f'CREATE DATABASE "{database}" TEMPLATE "{template}"',
        )


def drop_postgres(server_url: str, database: str) -> None:
    _admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
