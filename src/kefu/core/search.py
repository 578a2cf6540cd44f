"""Chinese keyword search: jieba-segmented text in SQLite FTS5 or PostgreSQL full-text (GIN).

Indexed rows keep their segmented text in a ``search_text`` column. On SQLite an FTS5 table
named ``<db_table>_fts`` (rowid = the row's id) is kept in step by ``index_rows``; on PostgreSQL
a GIN index over ``to_tsvector('simple', search_text)`` serves the same query.
"""

from __future__ import annotations

import logging
import re

import jieba
from django.db import connection
from django.db.models import QuerySet

logging.getLogger("jieba").setLevel(logging.WARNING)
jieba.setLogLevel(logging.WARNING)

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation or blanks."""
    out = []
    for tok in jieba.cut_for_search(text or ""):
        tok = _PUNCT.sub("", tok).lower()
        if tok:
            out.append(tok)
    return out


def segment(text: str) -> str:
    """Space-joined tokens: what goes into ``search_text``."""
    return " ".join(tokens(text))


def query_terms(q: str) -> list[str]:
    """Distinct query terms; a long word also contributes the shorter words jieba finds in it."""
    seen: dict[str, None] = {}
    for tok in jieba.cut(q or "", cut_all=False):
        tok = _PUNCT.sub("", tok).lower()
        if tok:
            seen.setdefault(tok, None)
    return list(seen)[:12]


def fts_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def create_fts_sql(model) -> tuple[str, str]:
    """SQL (forward, reverse) for a migration; a no-op outside SQLite."""
    table = fts_table(model)
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(body, tokenize='unicode61')",
        f"DROP TABLE IF EXISTS {table}",
    )


def index_rows(model, rows: list[tuple[int, str]]) -> None:
    """Keep the FTS5 table in step with ``search_text`` (SQLite only; PostgreSQL indexes itself)."""
    if connection.vendor != "sqlite" or not rows:
        return
    table = fts_table(model)
    with connection.cursor() as cur:
        # bandit: identifiers come from model metadata; values are bound parameters
        cur.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(pk,) for pk, _ in rows])  # nosec B608
        # bandit: identifiers come from model metadata; values are bound parameters
        cur.executemany(f"INSERT INTO {table}(rowid, body) VALUES (%s, %s)", rows)  # nosec B608


# SQLite: below this many matches, look them up by id and sort them (bench/README.md)
FEW_MATCHES = 2_000


def filter_queryset(qs: QuerySet, q: str) -> QuerySet:
    """Rows whose text contains every term of ``q``.

    On SQLite the number of matches picks the plan: a few are looked up by id and sorted; more
    are kept in a temporary set that the list, read in its index order, is tested against, so a
    page stops at its last row instead of sorting every match. (Probing the FTS index row by row
    costs in proportion to the word's document list: slower for common words, not faster.)
    """
    terms = query_terms(q)
    if not terms:
        return qs
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        # a model may keep the vector in a stored column (``SEARCH_VECTOR``): testing a row then
        # does not parse its text again, which matters when the planner walks an index in order
        column = getattr(qs.model, "SEARCH_VECTOR", None)
        vector = f"{table}.{column}" if column else f"to_tsvector('simple', {table}.search_text)"
        # bandit: identifiers come from model metadata; the query text is a bound parameter
        return qs.extra(  # nosec B610
            where=[f"{vector} @@ plainto_tsquery('simple', %s)"],
            params=[" ".join(terms)],
        )
    if connection.vendor == "sqlite":
        fts = fts_table(qs.model)
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        # bandit: identifiers come from model metadata; values are bound parameters
        ids = f"(SELECT rowid FROM {fts} WHERE body MATCH %s)"  # nosec B608
        if _count_matches(fts, match, FEW_MATCHES) < FEW_MATCHES:
            where = f"{table}.id IN {ids}"
        else:
            where = f"+{table}.id IN {ids}"  # "+": a test on each row read, not a lookup by id
        # bandit: identifiers come from model metadata; the query text is a bound parameter
        return qs.extra(where=[where], params=[match])  # nosec B610
    for t in terms:
        qs = qs.filter(search_text__contains=t)
    return qs


def _count_matches(fts: str, match: str, at_most: int) -> int:
    """How many rows ``match`` finds, counting no further than ``at_most``."""
    with connection.cursor() as cur:
        # bandit: the identifier comes from model metadata; values are bound parameters
        sql = f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE body MATCH %s LIMIT %s)"  # nosec B608
        cur.execute(sql, [match, at_most])
        return cur.fetchone()[0]
