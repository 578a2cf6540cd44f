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


def next_id(model) -> int:
    """The id the next row of ``model`` gets, taken before its INSERT so that values derived
    from it (a ticket's number) go into that one statement instead of a second write.

    PostgreSQL: from the table's sequence, which never hands a value out twice. SQLite: one more
    than the largest id ever given (AUTOINCREMENT keeps it in ``sqlite_sequence``), safe because an
    IMMEDIATE transaction runs one writer at a time. Call inside ``transaction.atomic``.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
        else:
            if not connection.in_atomic_block:
                raise RuntimeError("next_id needs the writer's transaction")
            cursor.execute(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0) + 1",
                [table],
            )
        return cursor.fetchone()[0]


def lock_keys(keys: list[str]) -> None:
    """``lock_key`` for many keys in one round trip, in the order given (sort them, so two
    transactions taking overlapping sets never wait on each other in a cycle)."""
    if is_postgres() and keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0))"
                " FROM unnest(%s::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n",
                [keys],
            )
