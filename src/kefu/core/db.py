"""Small database helpers that differ by vendor."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections


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


def update_rows(objs: list, fields: list[str], *, batch: int = 200) -> None:
    """Write ``fields`` of model instances ``objs`` (one model, saved rows) back in one
    ``UPDATE … SET f = CASE id WHEN … END`` per ``batch`` rows: what ``bulk_update`` does, in
    plain SQL. Django builds a resolved expression tree per row and field, which cost 49 of 53 s
    for 3,000 imported orders against 0.4 s of SQL (bench/README.md, E-commerce). Values are
    prepared by each field as for ``save()`` and bound as parameters."""
    if not objs:
        return
    meta = type(objs[0])._meta
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    columns = [meta.get_field(name) for name in fields]
    with connection.cursor() as cursor:
        for i in range(0, len(objs), batch):
            part = objs[i : i + batch]
            sets, params = [], []
            for field in columns:
                value = "%s"
                if is_postgres():  # a bound value is untyped text to PostgreSQL's CASE
                    value = f"CAST(%s AS {field.db_type(connection)})"
                whens = " ".join(f"WHEN %s THEN {value}" for _o in part)
                sets.append(f"{connection.ops.quote_name(field.column)} = CASE {pk} {whens} END")
                for obj in part:
                    prepared = field.get_db_prep_save(getattr(obj, field.attname), connection)
                    params += [obj.pk, prepared]
            marks = ", ".join("%s" for _o in part)
            params += [obj.pk for obj in part]
            # table and column names come from the model, every value is a placeholder
            sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} IN ({marks})"  # nosec B608
            cursor.execute(sql, params)


# (model label, vendor, pk given) → the INSERT's head, one row's placeholders, its fields, the
# RETURNING clause and the fields it returns; None where the model needs the ORM's own insert
_inserts: dict[tuple[str, str, bool], tuple | None] = {}


def insert_rows(objs: list) -> list:
    """INSERT new instances ``objs`` of one model in one statement, without the ORM's compiler.

    The intake's hot path (issue 24): building an INSERT cost more CPU than running it, for every
    audit row, domain event and ticket. The statement is built once per model and process; each
    value is prepared by its field as ``save()`` prepares it (``pre_save`` stamps auto_now fields
    and auto_now_add ones that hold no value yet, then ``get_db_prep_save``); a value that is an
    SQL expression (``txid_current()``) is compiled in its place; the ids come back by RETURNING.
    A model with save signal receivers, a parent table or a field with a placeholder of its own
    goes through ``bulk_create``/``save()``, so nothing they do is skipped."""
    if not objs:
        return objs
    model = type(objs[0])
    entry = _insert_entry(model, objs[0].pk is not None)
    if entry is None:
        if len(objs) == 1:
            objs[0].save(force_insert=True)
            return objs
        return model.objects.bulk_create(objs)
    head, marks, fields, returning_sql, returned = entry
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup a use
    rows, params = [], []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
        values = [_prepared(field, plain, obj, conn) for field, plain in fields]
        if any(hasattr(value, "as_sql") for value in values):
            rows.append(_compiled_row(model, values, params, conn))
        else:
            rows.append(marks)
            params += values
    # names come from the model, every value is a placeholder or a compiled expression
    sql = f"{head} {', '.join(rows)} {returning_sql}"  # nosec B608
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        results = cursor.fetchall()
    for obj, result in zip(objs, results, strict=True):
        for field, value in zip(returned, result, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = conn.alias
    return objs


# values a plain field would hand to the driver unchanged
_AS_IS = (str, int, bool, type(None))


def _prepared(field, plain: bool, obj, conn):
    if getattr(field, "auto_now_add", False) and getattr(obj, field.attname) is not None:
        value = getattr(obj, field.attname)  # a moment the service gave (the intake's)
    else:
        value = field.pre_save(obj, True)
    if plain and type(value) in _AS_IS:
        return value
    if hasattr(value, "as_sql"):
        return value
    return field.get_db_prep_save(value, conn)


def _plain(field) -> bool:
    """A field whose str/int/bool/None value reaches the driver as it is (its preparation only
    checks the type): text, integers, booleans and foreign keys, never JSON."""
    from django.db.models import BooleanField, CharField, ForeignKey, IntegerField, TextField

    base = (BooleanField, CharField, ForeignKey, IntegerField, TextField)
    return isinstance(field, base) and field.get_internal_type() != "JSONField"


def _compiled_row(model, values: list, params: list, conn) -> str:
    from django.db.models.sql import InsertQuery

    query = InsertQuery(model)
    compiler = query.get_compiler(connection=conn)
    marks = []
    for value in values:
        if hasattr(value, "as_sql"):
            sql, more = compiler.compile(value.resolve_expression(query, allow_joins=False))
            marks.append(sql)
            params += more
        else:
            marks.append("%s")
            params.append(value)
    return "(" + ", ".join(marks) + ")"


def _insert_entry(model, pk_given: bool):
    from django.db.models import signals

    key = (model._meta.label, connection.vendor, pk_given)
    if key in _inserts:
        return _inserts[key]
    meta = model._meta
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_given or f is not meta.auto_field)
    ]
    plain = (
        not meta.parents
        and not meta.order_with_respect_to
        and connection.features.can_return_rows_from_bulk_insert
        and not any(hasattr(f, "get_placeholder") for f in fields)
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )
    entry = None
    if plain:
        quote = connection.ops.quote_name
        returned = list(meta.db_returning_fields)
        returning_sql, _params = connection.ops.return_insert_columns(returned)
        columns = ", ".join(quote(f.column) for f in fields)
        head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES"  # nosec B608
        marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
        entry = (head, marks, [(f, _plain(f)) for f in fields], returning_sql, returned)
    _inserts[key] = entry
    return entry


#: SQLite's default limit of parameters in a statement since 3.32
SQLITE_MAX_PARAMS = 32766


def sqlite_parameter_limit(sender, connection, **kwargs) -> None:
    """``connection_created``: tell Django the SQLite library's own limit of parameters in a
    statement (32,766 since SQLite 3.32) instead of its default of 999, which cut every bulk
    INSERT into statements of 999 ÷ columns rows (62 outbox messages, 111 events): 2,000
    payment reminders cost 74 INSERTs instead of 10. ``batch_size`` still caps the rows."""
    if connection.vendor != "sqlite":
        return
    import sqlite3

    getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
    if getlimit is not None:
        # Debian builds allow 250,000: kept at SQLite's own default so a statement stays modest
        limit = min(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), SQLITE_MAX_PARAMS)
        if limit > connection.features.max_query_params:
            connection.features.max_query_params = limit
