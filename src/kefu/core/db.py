"""Small database helpers that differ by vendor."""

from __future__ import annotations

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def lock_key(key: str) -> None:
    """Serialise the transactions that take the same ``key`` until each ends.

    PostgreSQL: a transaction-scoped advisory lock, so a check-then-insert (a phone that must
    not exist twice) cannot interleave under READ COMMITTED. SQLite: nothing to do, its
    IMMEDIATE transactions already run one writer at a time. Call inside ``transaction.atomic``.
    """
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
