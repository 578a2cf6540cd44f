"""Chinese keyword search: jieba-segmented text in SQLite FTS5 or PostgreSQL full-text (GIN).

Indexed rows keep their segmented text in a ``search_text`` column. On SQLite an FTS5 table
named ``<db_table>_fts`` (rowid = the row's id) is kept in step by ``index_rows``; on PostgreSQL
a GIN index over ``to_tsvector('simple', search_text)`` serves the same query.

The word dictionary (the business words and synonyms an app registers with
``register_dictionary``) decides how text is cut, so every process must cut with the same one:
before it segments or searches, a process compares the dictionary's signature in the database
(one small query; on SQLite it rides on the search's own count query) with the one it loaded,
and rebuilds jieba's word table from jieba's own dictionary plus the registered words when they
differ. The table is a pure function of the word set (never the history of additions and
removals in this process), so two processes with the same words cut the same text the same way.
Text indexed under an older dictionary is cut again by ``resegment_containing`` (a batched job).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterable

import jieba
from django.db import connection, transaction
from django.db.models import BooleanField, Max, Q, QuerySet
from django.db.models.expressions import RawSQL

logging.getLogger("jieba").setLevel(logging.WARNING)
jieba.setLogLevel(logging.WARNING)

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)

# --- the word dictionary -------------------------------------------------------------------------

WORD_FREQ = 20000  # a registered word outweighs the pieces jieba would otherwise cut it into
_UNSET = object()
_source: dict = {"signature_sql": None, "load": None}
_loaded: dict = {"signature": _UNSET, "words": frozenset(), "pristine": None}
_lock = threading.RLock()
_local = threading.local()


def register_dictionary(*, signature_sql: str, load: Callable[[], Iterable[str]]) -> None:
    """The app that owns the business words: ``signature_sql`` is a scalar SQL expression that
    changes whenever the words change (counts, newest id, newest edit); ``load()`` the words."""
    _source.update(signature_sql=signature_sql, load=load)
    _loaded["signature"] = _UNSET


def dictionary_signature() -> str | None:
    """The registered dictionary's signature as the database has it now (one query)."""
    sql = _source["signature_sql"]
    if not sql:
        return None
    with connection.cursor() as cur:
        cur.execute(f"SELECT {sql}")  # nosec B608  # the expression is the app's constant
        return cur.fetchone()[0]


def _table(words: frozenset[str]) -> tuple[dict, int]:
    """jieba's word table for ``words``: its own dictionary plus each word at WORD_FREQ or more."""
    dt = jieba.dt
    if _loaded["pristine"] is None:
        dt.check_initialized()
        _loaded["pristine"] = (dict(dt.FREQ), dt.total)
    base, total = _loaded["pristine"]
    freq = dict(base)  # a copy: jieba.add_word elsewhere must never change the base
    for word in sorted(words):
        old = base.get(word) or 0
        freq[word] = max(old, WORD_FREQ)
        total += freq[word] - old
        for end in range(1, len(word)):
            freq.setdefault(word[:end], 0)
    return freq, total


def ensure_dictionary(signature=_UNSET, *, force: bool = False) -> object:
    """Make jieba cut with the database's dictionary now; return its signature.

    ``signature``: the value just read with another query (saves the query). Inside
    ``dictionary_pinned()`` the dictionary checked on entry is kept without asking again."""
    if getattr(_local, "pinned", False) and not force:
        return _loaded["signature"]
    if signature is _UNSET:
        signature = dictionary_signature()
    if signature == _loaded["signature"] and not force:
        return signature
    with _lock:
        if signature != _loaded["signature"] or force:
            load = _source["load"]
            words = frozenset(w for w in (load() if load else ()) if w)
            if words != _loaded["words"] or _loaded["pristine"] is None:
                table, total = _table(words)
                jieba.dt.FREQ, jieba.dt.total = table, total
            _loaded.update(signature=signature, words=words)
    return signature


def forget_dictionary() -> None:
    """Read the dictionary again at the next use in this process."""
    _loaded["signature"] = _UNSET


def loaded_words() -> frozenset[str]:
    return _loaded["words"]


@contextlib.contextmanager
def dictionary_pinned():
    """Check the dictionary once, then cut every text of the block with it (bulk indexing)."""
    if getattr(_local, "pinned", False):
        yield
        return
    ensure_dictionary()
    _local.pinned = True
    try:
        yield
    finally:
        _local.pinned = False


# --- segmentation --------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation or blanks."""
    ensure_dictionary()
    return _tokens(text)


def _tokens(text: str) -> list[str]:
    out = []
    for tok in jieba.cut_for_search(text or ""):
        tok = _PUNCT.sub("", tok).lower()
        if tok:
            out.append(tok)
    return out


def segment(text: str) -> str:
    """Space-joined tokens: what goes into ``search_text``."""
    return " ".join(tokens(text))


def query_terms(q: str, *, checked: bool = False) -> list[str]:
    """Distinct query terms; a long word also contributes the shorter words jieba finds in it.

    ``checked``: the caller has just made sure of the dictionary."""
    if not checked:
        ensure_dictionary()
    seen: dict[str, None] = {}
    for tok in jieba.cut(q or "", cut_all=False):
        tok = _PUNCT.sub("", tok).lower()
        if tok:
            seen.setdefault(tok, None)
    return list(seen)[:12]


# --- indexing ------------------------------------------------------------------------------------


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
    """Keep the FTS5 table in step with ``search_text`` (SQLite only; PostgreSQL indexes itself).
    A new row's id is deleted first too: a table emptied without its FTS5 twin (a test flush, a
    purge) leaves index rows behind that a reused id would collide with."""
    if connection.vendor != "sqlite" or not rows:
        return
    table = fts_table(model)
    with connection.cursor() as cur:
        # bandit: identifiers come from model metadata; values are bound parameters
        cur.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(pk,) for pk, _ in rows])  # nosec B608
        # bandit: identifiers come from model metadata; values are bound parameters
        cur.executemany(f"INSERT INTO {table}(rowid, body) VALUES (%s, %s)", rows)  # nosec B608


def searchable_models() -> list:
    """Models that keep segmented text: they name its source fields in ``SEARCH_FIELDS``."""
    from django.apps import apps

    return [m for m in apps.get_models() if getattr(m, "SEARCH_FIELDS", None)]


def resegment_containing(words: Iterable[str], *, batch: int = 5000) -> int:
    """Cut again, with the dictionary of now, the text of every row (of every model with
    ``SEARCH_FIELDS``) that contains one of ``words``; the rows are read in id ranges of
    ``batch``, each range in its own transaction. Returns the number of rows written."""
    words = sorted({w for w in words if w})
    if not words:
        return 0
    written = 0
    with dictionary_pinned():
        for model in searchable_models():
            fields = tuple(model.SEARCH_FIELDS)
            contains = Q()
            for w in words:
                for f in fields:
                    contains |= Q(**{f"{f}__contains": w})
            top = model.objects.aggregate(top=Max("pk"))["top"] or 0
            low = 0
            while low < top:
                high = low + batch
                rows = list(
                    model.objects.filter(contains, pk__gt=low, pk__lte=high)
                    .order_by()
                    .values_list("pk", *fields)
                )
                if rows:
                    changed = [
                        (r[0], " ".join(_tokens(" ".join(v or "" for v in r[1:])))) for r in rows
                    ]
                    with transaction.atomic():
                        for pk, text in changed:
                            model.objects.filter(pk=pk).update(search_text=text)
                        index_rows(model, changed)
                    written += len(changed)
                low = high
    return written


# --- querying ------------------------------------------------------------------------------------

# SQLite: below this many matches, look them up by id and sort them (bench/README.md)
FEW_MATCHES = 2_000


def match_q(model, q: str) -> Q | None:
    """The condition "the row's text contains every term of ``q``" (None when ``q`` has none).

    On SQLite the number of matches picks the plan: a few are looked up by id and sorted; more
    are kept in a temporary set that the list, read in its index order, is tested against, so a
    page stops at its last row instead of sorting every match. (Probing the FTS index row by row
    costs in proportion to the word's document list: slower for common words, not faster.)
    """
    table = model._meta.db_table
    if connection.vendor == "sqlite" and _source["signature_sql"]:
        # the terms are cut first, then the count query reads the dictionary's signature too: a
        # dictionary changed meanwhile means cutting (and counting) once more
        terms = query_terms(q, checked=True)
        fts = fts_table(model)
        count, signature = _count_matches(fts, _fts_match(terms), FEW_MATCHES)
        if signature != _loaded["signature"]:
            ensure_dictionary(signature)
            terms = query_terms(q, checked=True)
            count, _ = _count_matches(fts, _fts_match(terms), FEW_MATCHES)
    else:
        terms = query_terms(q)
        count = None
    if not terms:
        return None
    if connection.vendor == "postgresql":
        # a model may keep the vector in a stored column (``SEARCH_VECTOR``): testing a row then
        # does not parse its text again, which matters when the planner walks an index in order
        column = getattr(model, "SEARCH_VECTOR", None)
        vector = f"{table}.{column}" if column else f"to_tsvector('simple', {table}.search_text)"
        # bandit: identifiers come from model metadata; the query text is a bound parameter
        sql = f"{vector} @@ plainto_tsquery('simple', %s)"  # nosec B608
        return Q(RawSQL(sql, [" ".join(terms)], output_field=BooleanField()))  # nosec B611
    if connection.vendor == "sqlite":
        fts = fts_table(model)
        match = _fts_match(terms)
        if count is None:
            count, _ = _count_matches(fts, match, FEW_MATCHES)
        # bandit: identifiers come from model metadata; values are bound parameters
        ids = f"(SELECT rowid FROM {fts} WHERE body MATCH %s)"  # nosec B608
        # "+": a test on each row read, not a lookup by id
        where = f"{table}.id IN {ids}" if count < FEW_MATCHES else f"+{table}.id IN {ids}"
        return Q(RawSQL(where, [match], output_field=BooleanField()))  # nosec B611
    out = Q()
    for t in terms:
        out &= Q(search_text__contains=t)
    return out


def filter_queryset(qs: QuerySet, q: str, *, also: Q | None = None) -> QuerySet:
    """Rows whose text contains every term of ``q`` — or that meet ``also`` (e.g. the number)."""
    cond = match_q(qs.model, q)
    if cond is None and also is None:
        return qs
    if cond is None:
        return qs.filter(also)
    return qs.filter(cond | also if also is not None else cond)


def _fts_match(terms: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _count_matches(fts: str, match: str, at_most: int) -> tuple[int, object]:
    """How many rows ``match`` finds, counting no further than ``at_most``, and the dictionary's
    signature (read in the same query)."""
    signature = _source["signature_sql"] or "NULL"
    if not match:
        return 0, dictionary_signature()
    with connection.cursor() as cur:
        # bandit: the identifier comes from model metadata; values are bound parameters
        sql = (
            f"SELECT (SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE body MATCH %s LIMIT %s)),"  # nosec B608
            f" {signature}"
        )
        cur.execute(sql, [match, at_most])
        count, sig = cur.fetchone()
        return count, sig
