"""Backups that can be trusted: ``kefu backup`` and ``kefu restore``.

An archive is one ``.tar.gz`` holding ``manifest.json``, the database and the uploads:

* SQLite: ``database.sqlite3``, a copy taken with SQLite's online backup API (consistent while
  the server keeps writing; WAL readers never block writers).
* PostgreSQL: ``database.dump``, ``pg_dump -Fc`` run on a snapshot exported from a repeatable-read
  transaction, and the manifest's checksums are computed in that same snapshot.
* ``secret_key``: the signing key (``KEFU_SECRET_KEY`` or the generated ``DATA_DIR/secret_key``),
  so signed survey links and sessions still verify on the machine a backup is restored to. The
  archive is written with mode 0600: keep it as secret as the key itself.

The manifest records, per table, the row count and a sha256 over the rows in primary-key order
(read in keyset-paginated chunks, so memory stays flat on a million tickets). A backup is
verified before it is reported done: the archive is read back, the database copy opened
(PostgreSQL: restored into a scratch database) and every table's count and checksum compared.
A restore is verified the same way against the live database after it is loaded.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
UPLOADS = "uploads"
SECRET_FILE = "secret_key"
# rows read per query when checksumming: bounded memory, few round trips
CHUNK = 5000
# a restore that waits longer than this for a table lock fails instead of hanging on a server
# that is still running
PG_LOCK_TIMEOUT = "30s"


class BackupError(Exception):
    """A backup or restore that cannot go on; ``exit_code`` 2 for bad input, 1 otherwise."""

    def __init__(self, message: str, *, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class BadInput(BackupError):
    def __init__(self, message: str):
        super().__init__(message, exit_code=2)


@dataclass
class Result:
    path: Path
    manifest: dict
    verified: list[str] = field(default_factory=list)
    secret_key: dict = field(default_factory=dict)  # restore: what happened to the signing key

    def as_dict(self) -> dict:
        tables = self.manifest["tables"]
        return {
            **({"secret_key": self.secret_key} if self.secret_key else {}),
            "path": str(self.path),
            "vendor": self.manifest["database"]["vendor"],
            "created_at": self.manifest["created_at"],
            "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()),
            "uploads": self.manifest["uploads"]["files"],
            "verified": self.verified,
        }


# --- checksums ---------------------------------------------------------------------------------


def _value(value):
    """A JSON-able, vendor-stable form of one column value."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _row_bytes(row) -> bytes:
    values = [_value(v) for v in row]
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode() + b"\n"


class _Dialect(abc.ABC):
    """Table listing and keyset queries on one DB-API connection of one vendor."""

    vendor = ""
    param = "%s"

    def __init__(self, conn):
        self.conn = conn

    @abc.abstractmethod
    def tables(self) -> list[str]: ...

    @abc.abstractmethod
    def columns(self, table: str) -> tuple[list[str], list[str]]:
        """(all columns in table order, primary-key columns in key order)."""

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def fetch(self, sql: str, params=()) -> list:
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchall()
        finally:
            cur.close()

    @abc.abstractmethod
    def as_text(self, column: str) -> str:
        """The column rendered as text by the database, so every driver and adapter setting
        hashes the same bytes."""

    def table_checksum(self, table: str) -> dict:
        """{"rows": n, "sha256": hex} over the rows in primary-key order, CHUNK rows a query."""
        columns, key = self.columns(table)
        q = self.quote
        order = key or columns
        # the key columns first (raw, for the next chunk's WHERE), then every column as text
        # the table is aliased t: a key column and its text form share a name in the output
        select = ", ".join([f"t.{q(c)}" for c in key] + [self.as_text(c) for c in columns])
        order_sql = ", ".join(f"t.{q(c)}" for c in order)
        width = len(key)
        digest = hashlib.sha256()
        rows = 0
        if not key:
            # no primary key (none of ours): one ordered scan read in chunks
            cur = self.conn.cursor()
            try:
                # bandit: identifiers come from model metadata; values are bound parameters
                cur.execute(f"SELECT {select} FROM {q(table)} AS t ORDER BY {order_sql}")  # nosec B608
                while batch := cur.fetchmany(CHUNK):
                    rows += len(batch)
                    for row in batch:
                        digest.update(_row_bytes(row))
            finally:
                cur.close()
            return {"rows": rows, "sha256": digest.hexdigest()}
        key_sql = "(" + ", ".join(f"t.{q(c)}" for c in key) + ")"
        marks = "(" + ", ".join([self.param] * width) + ")"
        last = None
        while True:
            if last is None:
                # bandit: identifiers come from model metadata; values are bound parameters
                sql = f"SELECT {select} FROM {q(table)} AS t ORDER BY {order_sql} LIMIT {CHUNK}"  # nosec B608
                batch = self.fetch(sql)
            else:
                sql = (
                    # bandit: identifiers come from model metadata; values are bound parameters
                    f"SELECT {select} FROM {q(table)} AS t WHERE {key_sql} > {marks} "  # nosec B608
                    f"ORDER BY {order_sql} LIMIT {CHUNK}"
                )
                batch = self.fetch(sql, last)
            for row in batch:
                digest.update(_row_bytes(row[width:]))
            rows += len(batch)
            if len(batch) < CHUNK:
                break
            last = tuple(batch[-1][:width])
        return {"rows": rows, "sha256": digest.hexdigest()}

    def checksums(self) -> dict[str, dict]:
        return {table: self.table_checksum(table) for table in self.tables()}


class _SqliteDialect(_Dialect):
    vendor = "sqlite"
    param = "?"

    def tables(self) -> list[str]:
        rows = self.fetch(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        # a virtual (FTS5) table stores its data in shadow tables, which are listed themselves
        return [name for name, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")]

    def as_text(self, column: str) -> str:
        # quote(): an SQL literal of any value (text, X'blob', number, NULL), never converted
        return f"quote(t.{self.quote(column)})"

    def columns(self, table: str) -> tuple[list[str], list[str]]:
        info = self.fetch(f"PRAGMA table_info({self.quote(table)})")
        columns = [r[1] for r in info]
        key = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        return columns, key


class _PostgresDialect(_Dialect):
    vendor = "postgresql"

    def as_text(self, column: str) -> str:
        # our connections all run with TimeZone UTC, so timestamptz renders the same everywhere
        return f"t.{self.quote(column)}::text"

    def tables(self) -> list[str]:
        rows = self.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
        return [r[0] for r in rows]

    def columns(self, table: str) -> tuple[list[str], list[str]]:
        columns = self.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            (self.quote(table),),
        )
        key = self.fetch(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)",
            (self.quote(table),),
        )
        return [r[0] for r in columns], [r[0] for r in key]


def dialect_for(conn) -> _Dialect:
    if isinstance(conn, sqlite3.Connection):
        return _SqliteDialect(conn)
    return _PostgresDialect(conn)


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Human-readable differences between two {table: {"rows", "sha256"}} maps."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"table {table} is not in the manifest")
        elif got is None:
            problems.append(f"table {table} is missing")
        elif want["rows"] != got["rows"]:
            problems.append(f"table {table}: {got['rows']} rows, the manifest says {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"table {table}: same row count but different content")
    return problems


# --- uploads -----------------------------------------------------------------------------------


def _upload_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def uploads_summary(root: Path) -> dict:
    """{"files", "bytes", "sha256"}: the sha256 covers every file's relative path and content."""
    digest = hashlib.sha256()
    files = size = 0
    for path in _upload_files(root):
        content = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda f=fh: f.read(1 << 20), b""):
                content.update(block)
        rel = path.relative_to(root).as_posix()
        digest.update(f"{rel}\0{content.hexdigest()}\n".encode())
        files += 1
        size += path.stat().st_size
    return {"files": files, "bytes": size, "sha256": digest.hexdigest()}


# --- database connection details ----------------------------------------------------------------


def _django_connection():
    from django.db import connection

    return connection


def vendor() -> str:
    return _django_connection().vendor


def _pg_env(settings_dict: dict, dbname: str | None = None) -> dict:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    env["PGDATABASE"] = dbname or settings_dict["NAME"]
    return env


def _pg_connect(settings_dict: dict, dbname: str | None = None, *, autocommit: bool = True):
    import psycopg

    params = {
        "dbname": dbname or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    conn = psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)
    conn.execute("SET TIME ZONE 'UTC'")
    conn.autocommit = autocommit
    return conn


def _run(cmd: list[str], env: dict | None = None) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (PostgreSQL client tools are needed)")
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip() or done.returncode}")


def _migrations() -> dict[str, str]:
    """{app: latest applied migration} of the live database (tells which code can read it)."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(_django_connection())
    latest: dict[str, str] = {}
    if not recorder.has_table():
        return latest
    for app, name in recorder.migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# --- backup --------------------------------------------------------------------------------------


def default_path() -> Path:
    from django.conf import settings

    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"kefu-{stamp}.tar.gz"


def _dump_sqlite(work: Path) -> dict[str, dict]:
    """Copy the live database with the online backup API; checksums of the copy."""
    connection = _django_connection()
    connection.ensure_connection()
    target_path = work / SQLITE_FILE
    target = sqlite3.connect(target_path)
    try:
        # pages=-1: one step, one read transaction on the source, so the copy is one snapshot
        connection.connection.backup(target, pages=-1)
        # a self-contained file: no -wal/-shm companions needed to read it
        target.execute("PRAGMA journal_mode=DELETE")
        return dialect_for(target).checksums()
    finally:
        target.close()


def _dump_postgres(work: Path) -> dict[str, dict]:
    """pg_dump -Fc on a snapshot exported by a repeatable-read transaction that also computes
    the checksums, so the manifest describes exactly the rows in the dump."""
    settings_dict = _django_connection().settings_dict
    conn = _pg_connect(settings_dict, autocommit=False)
    try:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(work / PG_FILE)],
            env=_pg_env(settings_dict),
        )
        return dialect_for(conn).checksums()
    finally:
        conn.rollback()
        conn.close()


def backup(*, out: Path | None = None, say: Callable[[str], None] = lambda _m: None) -> Result:
    """Write an archive of the database and the uploads to ``out`` and verify it."""
    from django.conf import settings

    import kefu

    out = Path(out) if out else default_path()
    if out.exists() and out.is_dir():
        raise BadInput(f"{out} is a directory; give a file name ending in .tar.gz")
    if not out.name.endswith((".tar.gz", ".tgz")):
        raise BadInput(f"{out}: the archive name must end in .tar.gz")
    out.parent.mkdir(parents=True, exist_ok=True)
    db_vendor = vendor()
    if db_vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {db_vendor} databases are not supported")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="kefu-backup-", dir=out.parent) as tmp:
        work = Path(tmp)
        say(f"Copying the {db_vendor} database …")
        tables = _dump_sqlite(work) if db_vendor == "sqlite" else _dump_postgres(work)
        manifest = {
            "format": FORMAT,
            "kefu_version": kefu.__version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": db_vendor,
                "file": SQLITE_FILE if db_vendor == "sqlite" else PG_FILE,
                "migrations": _migrations(),
            },
            "tables": tables,
            "uploads": uploads_summary(media),
            "secret_key": {
                "file": SECRET_FILE,
                "source": "environment" if os.environ.get("KEFU_SECRET_KEY") else "file",
                "sha256": _key_digest(settings.SECRET_KEY),
            },
        }
        say(f"Packing {len(tables)} tables and {manifest['uploads']['files']} uploaded files …")
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / manifest["database"]["file"], arcname=manifest["database"]["file"])
            key = settings.SECRET_KEY.encode()
            info = tarfile.TarInfo(SECRET_FILE)
            info.size, info.mode, info.mtime = (
                len(key),
                0o600,
                int(dt.datetime.now(dt.UTC).timestamp()),
            )
            tar.addfile(info, io.BytesIO(key))
            for path in _upload_files(media):
                tar.add(path, arcname=f"{UPLOADS}/{path.relative_to(media).as_posix()}")
        say("Verifying the archive …")
        verified = verify_archive(partial, manifest=manifest)
        partial.chmod(0o600)  # it holds the signing key and every customer's data
        os.replace(partial, out)
    return Result(path=out, manifest=manifest, verified=verified)


# --- reading archives ------------------------------------------------------------------------------


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for m in members:
        name = m.name
        if name.startswith("/") or ".." in Path(name).parts or not (m.isfile() or m.isdir()):
            raise BadInput(f"the archive holds an unsafe entry: {name!r}")
    return members


def read_manifest(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.loads(tar.extractfile(member).read())
    except KeyError:
        raise BadInput(f"{path} is not a Kefu backup: it has no {MANIFEST}")
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BadInput(f"{path} is not a readable Kefu backup (.tar.gz): {exc}")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInput(f"{path}: unknown backup format {manifest.get('format')!r}")
    for key in ("database", "tables", "uploads"):
        if key not in manifest:
            raise BadInput(f"{path}: the manifest lacks {key!r}")
    return manifest


@contextlib.contextmanager
def _unpacked(path: Path, manifest: dict) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kefu-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(path, "r:gz") as tar:
                tar.extractall(work, members=_safe_members(tar), filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BadInput(f"{path} cannot be unpacked: {exc}")
        if not (work / manifest["database"]["file"]).is_file():
            raise BadInput(f"{path} lacks its database file {manifest['database']['file']}")
        yield work


def _check(what: str, expected: dict, actual: dict) -> None:
    problems = compare(expected, actual)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BackupError(f"verification of {what} failed: {shown}{more}")


def _check_uploads(what: str, expected: dict, root: Path) -> None:
    got = uploads_summary(root)
    if got != expected:
        raise BackupError(
            f"verification of {what} failed: uploads hold {got['files']} files "
            f"({got['bytes']} bytes), the manifest says {expected['files']} ({expected['bytes']})"
        )


def _scratch_checksums(dump: Path) -> dict[str, dict]:
    """Restore a pg_dump archive into a scratch database, checksum it, drop it."""
    settings_dict = _django_connection().settings_dict
    scratch = f"{settings_dict['NAME']}_verify_{uuid.uuid4().hex[:8]}"[:63]
    admin = _pg_connect(settings_dict)
    try:
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            _run(
                ["pg_restore", "--no-owner", "--exit-on-error", "-d", scratch, str(dump)],
                env=_pg_env(settings_dict, scratch),
            )
            conn = _pg_connect(settings_dict, scratch)
            try:
                return dialect_for(conn).checksums()
            finally:
                conn.close()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    finally:
        admin.close()


def verify_archive(path: Path, *, manifest: dict | None = None) -> list[str]:
    """Read the archive back and compare the database copy and the uploads with the manifest.

    Returns what was verified; raises ``BackupError`` on the first difference."""
    manifest = manifest or read_manifest(path)
    with _unpacked(path, manifest) as work:
        db_file = work / manifest["database"]["file"]
        if manifest["database"]["vendor"] == "sqlite":
            conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
            try:
                status = conn.execute("PRAGMA integrity_check").fetchone()[0]
                if status != "ok":
                    raise BackupError(f"the database copy is damaged: {status}")
                actual = dialect_for(conn).checksums()
            finally:
                conn.close()
        else:
            actual = _scratch_checksums(db_file)
        _check("the archive", manifest["tables"], actual)
        _check_uploads("the archive", manifest["uploads"], work / UPLOADS)
        if "secret_key" in manifest:
            _archived_key(work, manifest)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    return [
        f"{len(manifest['tables'])} tables, {rows} rows: counts and checksums match",
        f"{manifest['uploads']['files']} uploaded files match",
        *(["the secret key matches"] if "secret_key" in manifest else []),
    ]


# --- the signing key -----------------------------------------------------------------------------


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _archived_key(work: Path, manifest: dict) -> str:
    """The archive's signing key, checked against the manifest's digest."""
    path = work / manifest["secret_key"].get("file", SECRET_FILE)
    try:
        key = path.read_text()
    except OSError:
        raise BackupError(f"the archive lacks its secret key file {path.name}")
    if _key_digest(key) != manifest["secret_key"].get("sha256"):
        raise BackupError("verification failed: the secret key differs from the manifest")
    return key


def secret_key_path() -> Path:
    """Where ``kefu`` keeps a generated signing key (``settings._secret_key`` reads it)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "secret_key"


def _restore_secret_key(work: Path, manifest: dict, say: Callable[[str], None]) -> dict:
    """Put the archive's signing key where this machine reads it, unless the environment
    decides the key (then say whether it matches)."""
    if "secret_key" not in manifest:
        message = (
            "This backup holds no secret key (it was made by an older Kefu): survey links and "
            "sessions signed before it verify only if this machine has the same key."
        )
        say(message)
        return {"restored": False, "reason": "not in backup", "message": message}
    key = _archived_key(work, manifest)
    env_key = os.environ.get("KEFU_SECRET_KEY")
    if env_key:
        same = env_key == key
        message = (
            "KEFU_SECRET_KEY is set and equals the backup's key: signed links keep working."
            if same
            else "KEFU_SECRET_KEY is set and differs from the backup's key, so the key was not "
            "restored: survey links and sessions signed before the backup will not verify. Set "
            "KEFU_SECRET_KEY to the old key (the secret_key file in the archive) to keep them."
        )
        say(message)
        return {"restored": False, "reason": "environment", "matches": same, "message": message}
    path = secret_key_path()
    if path.is_file() and path.read_text().strip() == key.strip():
        message = f"The secret key in {path} already equals the backup's."
        say(message)
        return {"restored": False, "reason": "unchanged", "path": str(path), "message": message}
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.parent / f".{path.name}-{uuid.uuid4().hex[:8]}"
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(fresh, path)
    message = (
        f"Restored the secret key into {path}; restart the web and worker processes so they "
        "sign and verify with it."
    )
    say(message)
    return {"restored": True, "path": str(path), "message": message}


# --- restore -------------------------------------------------------------------------------------

# tables that a freshly migrated database fills by itself: rows there do not make it "non-empty"
_BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


def database_rows() -> int:
    """Rows in the live database's model tables, bookkeeping aside (0 = empty or unmigrated)."""
    from django.apps import apps

    connection = _django_connection()
    existing = set(connection.introspection.table_names())
    total = 0
    with connection.cursor() as cur:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in _BOOKKEEPING:
                # bandit: identifiers come from model metadata; values are bound parameters
                cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608
                total += cur.fetchone()[0]
    return total


def _load_sqlite(db_file: Path) -> dict[str, dict]:
    connection = _django_connection()
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("cannot restore inside a transaction")
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        source.backup(connection.connection, pages=-1)
    except sqlite3.OperationalError as exc:
        raise BackupError(f"the database is in use ({exc}); stop the web and worker processes")
    finally:
        source.close()
    return dialect_for(connection.connection).checksums()


def _load_postgres(dump: Path) -> dict[str, dict]:
    connection = _django_connection()
    settings_dict = connection.settings_dict
    connection.close()
    env = _pg_env(settings_dict)
    env["PGOPTIONS"] = f"-c lock_timeout={PG_LOCK_TIMEOUT}"
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            settings_dict["NAME"],
            str(dump),
        ],
        env=env,
    )
    conn = _pg_connect(settings_dict)
    try:
        return dialect_for(conn).checksums()
    finally:
        conn.close()


def _swap_uploads(source: Path, media: Path) -> None:
    """Replace the uploads directory by the archive's, renaming so a crash leaves one of them."""
    media.parent.mkdir(parents=True, exist_ok=True)
    fresh = media.parent / f".{media.name}-restore-{uuid.uuid4().hex[:8]}"
    if source.is_dir():
        shutil.copytree(source, fresh)
    else:
        fresh.mkdir()
    old = None
    if media.exists():
        old = media.parent / f".{media.name}-old-{uuid.uuid4().hex[:8]}"
        media.rename(old)
    fresh.rename(media)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def restore(
    path: Path, *, force: bool = False, say: Callable[[str], None] = lambda _m: None
) -> Result:
    """Load an archive into the configured database and uploads directory, then verify.

    Refuses (``BadInput``) a database that already holds data unless ``force``; refuses an
    archive of another database vendor. Stop the web and worker processes first."""
    from django.conf import settings

    path = Path(path)
    manifest = read_manifest(path)
    db_vendor = vendor()
    archived = manifest["database"]["vendor"]
    if archived != db_vendor:
        raise BadInput(
            f"{path} is a {archived} backup but the configured database is {db_vendor}; "
            "restore it into a database of the same kind"
        )
    rows = database_rows()
    if rows and not force:
        raise BadInput(
            f"the database is not empty ({rows} rows); restoring replaces everything in it. "
            "Run again with --yes to go ahead"
        )
    media = Path(settings.MEDIA_ROOT)
    with _unpacked(path, manifest) as work:
        if "secret_key" in manifest:
            _archived_key(work, manifest)  # a damaged key file stops the restore before it begins
        db_file = work / manifest["database"]["file"]
        say(f"Loading the {db_vendor} database …")
        actual = _load_sqlite(db_file) if db_vendor == "sqlite" else _load_postgres(db_file)
        _check("the restored database", manifest["tables"], actual)
        say("Restoring the uploads …")
        _swap_uploads(work / UPLOADS, media)
        secret = _restore_secret_key(work, manifest, say)
    _check_uploads("the restored uploads", manifest["uploads"], media)
    total = sum(t["rows"] for t in manifest["tables"].values())
    return Result(
        path=path,
        manifest=manifest,
        verified=[
            f"{len(manifest['tables'])} tables, {total} rows: counts and checksums match",
            f"{manifest['uploads']['files']} uploaded files match",
        ],
        secret_key=secret,
    )
