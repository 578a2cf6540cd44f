"""Knowledge search over SQLite FTS5 (bm25) or PostgreSQL full-text (BM25 from ts_rank_cd, GIN).

Matching is the OR of the query's words and their synonyms, ranked BM25-style with the title
weighted above the body; if that finds fewer than asked, the OR of the query's character bigrams
fills up the list (typos). Snippets are cut from the original text in Python on both backends:
the indexed text is segmented (words separated by spaces), which reads badly in Chinese.
Scope (business line, status, audience) is the caller's: pass it in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from kefu.core import search as core_search
from kefu.knowledge import textsearch as ts
from kefu.knowledge.models import Article, DictionaryWord, QuickReply, SynonymGroup

TITLE_WEIGHT = 4.0  # a word in the title counts four times a word in the body
GRAM_SCALE = 0.5  # bigram matches rank below any word match of similar strength

_lock = threading.Lock()
_state: dict = {"signature": None, "synonyms": {}}


@dataclass
class Hit:
    id: int
    title: str
    score: float
    parts: list[tuple[str, bool]] = field(default_factory=list)
    obj: object | None = None

    @property
    def snippet(self) -> str:
        return ts.snippet_html(self.parts)


# --- dictionary and synonyms ---------------------------------------------------------------------

# changes whenever a word or a synonym group is added, edited or removed (ids only grow)
_PART = (
    "(SELECT CAST(count(*) AS TEXT) || '.' || CAST(coalesce(max(id), 0) AS TEXT) || '.' || "
    "coalesce(CAST(max(updated_at) AS TEXT), '') FROM {table})"
)
SIGNATURE_SQL = (
    _PART.format(table="knowledge_dictionaryword")
    + " || '|' || "
    + _PART.format(table="knowledge_synonymgroup")
)


def dictionary_words() -> set[str]:
    """The business dictionary and every synonym term: the words jieba keeps whole."""
    words = set(DictionaryWord.objects.values_list("word", flat=True))
    for group in SynonymGroup.objects.values_list("terms", flat=True):
        words.update(t for t in group or () if t)
    return words


def load_dictionary(force: bool = False) -> dict[str, list[str]]:
    """Make jieba cut with the database's dictionary (core.search: every process, checked on
    every use); return the synonym map of that dictionary."""
    signature = core_search.ensure_dictionary(force=force)
    if force or _state["signature"] != signature:
        with _lock:
            groups = list(SynonymGroup.objects.values_list("terms", flat=True))
            _state.update(signature=signature, synonyms=ts.synonym_map(groups))
    return _state["synonyms"]


def forget_dictionary() -> None:
    """Make the next use read the dictionary again (after an edit in this process)."""
    core_search.forget_dictionary()
    _state["signature"] = None


# --- indexing ------------------------------------------------------------------------------------


def article_fields(
    *, title: str, body: str, tags: Iterable[str] = (), category: str = ""
) -> tuple[str, str, str, str]:
    """(title words, body words, bigrams, PostgreSQL search_text) of an article."""
    title_words = ts.segment(" ".join([title, *tags]))
    body_words = ts.segment(f"{body} {category}")
    grams = " ".join(ts.bigrams(f"{title} {body}"))
    return title_words, body_words, grams, f"{title_words} {title_words} {body_words}"


def index_articles(rows: list[tuple[int, str, str, str]]) -> None:
    """Write (id, title words, body words, bigrams) rows to the FTS5 table (SQLite only)."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cur:
        cur.executemany(
            "DELETE FROM knowledge_article_fts WHERE rowid = %s", [(r[0],) for r in rows]
        )
        cur.executemany(
            "INSERT INTO knowledge_article_fts(rowid, title, body, grams) VALUES (%s, %s, %s, %s)",
            rows,
        )


def unindex_articles(ids: list[int]) -> None:
    if connection.vendor != "sqlite" or not ids:
        return
    with connection.cursor() as cur:
        cur.executemany("DELETE FROM knowledge_article_fts WHERE rowid = %s", [(i,) for i in ids])


def reindex_article(article: Article) -> None:
    """Recompute and store the search fields of one article (tags and category included)."""
    tags = [t.name for t in article.tags.all()]
    category = article.category.name if article.category_id else ""
    title_w, body_w, grams, text = article_fields(
        title=article.title, body=article.body, tags=tags, category=category
    )
    Article.objects.filter(pk=article.pk).update(search_text=text, search_grams=grams)
    article.search_text, article.search_grams = text, grams
    index_articles([(article.pk, title_w, body_w, grams)])


def index_phrases(phrases: Iterable[QuickReply]) -> None:
    """Store the search text of quick replies (shortcut, title, category, body)."""
    rows = []
    for p in phrases:
        text = ts.segment(f"{p.shortcut} {p.title} {p.title} {p.category} {p.body}")
        QuickReply.objects.filter(pk=p.pk).update(search_text=text)
        rows.append((p.pk, text))
    if connection.vendor == "sqlite" and rows:
        with connection.cursor() as cur:
            cur.executemany(
                "DELETE FROM knowledge_quickreply_fts WHERE rowid = %s", [(r[0],) for r in rows]
            )
            cur.executemany(
                "INSERT INTO knowledge_quickreply_fts(rowid, body) VALUES (%s, %s)", rows
            )


# --- querying ------------------------------------------------------------------------------------


def _scope_sql(
    alias: str, line_ids: list[int] | None, statuses: list[str], audiences: list[str] | None
):
    where, params = [], []
    if line_ids is not None:
        where.append(f"{alias}.business_line_id IN ({', '.join(['%s'] * len(line_ids))})")
        params += line_ids
    if statuses:
        where.append(f"{alias}.status IN ({', '.join(['%s'] * len(statuses))})")
        params += statuses
    if audiences:
        where.append(f"{alias}.audience IN ({', '.join(['%s'] * len(audiences))})")
        params += audiences
    return where, params


def _ranked_sqlite(match: str, weights: tuple, where, params, limit, exclude) -> list[tuple]:
    sql = (
        "SELECT a.id, -bm25(knowledge_article_fts, %s, %s, %s) AS score "
        "FROM knowledge_article_fts JOIN knowledge_article a ON a.id = knowledge_article_fts.rowid "
        "WHERE knowledge_article_fts MATCH %s"
    )
    args = [*weights, match]
    for w in where:
        sql += f" AND {w}"
    args += params
    if exclude:
        sql += f" AND a.id NOT IN ({', '.join(['%s'] * len(exclude))})"
        args += list(exclude)
    sql += " ORDER BY score DESC, a.id DESC LIMIT %s"
    args.append(limit)
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


# BM25 as FTS5 computes it: k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5)) kept above 0,
# N and n over the whole table. PostgreSQL's own ts_rank_cd has no idf (a word in every article
# would count as much as a rare one): with weights {1,1,1,1} and no normalisation, ts_rank_cd of a
# one-word query is that word's frequency in the row, and the formula is applied to it here.
_BM25_PG = """
WITH stats AS (
    SELECT count(*) AS total,
           greatest(avg(coalesce(array_length(string_to_array(x.{col}, ' '), 1), 0)), 1) AS avgdl
    FROM {table} x
), terms AS (
    SELECT u.term, to_tsquery('simple', u.term) AS query,
           greatest(ln((s.total - d.n + 0.5) / (d.n + 0.5)), 1e-6) AS idf
    FROM unnest(%s::text[]) AS u(term)
    CROSS JOIN stats s
    CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM {table} y
        WHERE to_tsvector('simple', y.{col}) @@ to_tsquery('simple', u.term)
    ) d
)
SELECT {alias}.id, (
    SELECT sum(t.idf * r.tf * 2.2 / (r.tf + 1.2 * (0.25 + 0.75 * (
        coalesce(array_length(string_to_array({alias}.{col}, ' '), 1), 0) / s.avgdl))))
    FROM terms t
    CROSS JOIN LATERAL (
        SELECT ts_rank_cd('{{1,1,1,1}}', to_tsvector('simple', {alias}.{col}), t.query, 0) AS tf
    ) r
) AS score
FROM {table} {alias} CROSS JOIN stats s
WHERE to_tsvector('simple', {alias}.{col}) @@ to_tsquery('simple', %s)"""


def _bm25_postgres(
    table: str, alias: str, column: str, terms: list[str], where, params, limit, exclude
) -> list[tuple]:
    """(id, BM25 score) of the rows of ``table`` whose ``column`` holds any of ``terms``, best
    first, over the GIN index of ``to_tsvector('simple', column)``."""
    pieces = [p for p in (ts.tsquery([t]) for t in terms) if p]
    if not pieces:
        return []
    sql = _BM25_PG.format(table=table, alias=alias, col=column)
    args: list = [pieces, " | ".join(pieces)]
    for w in where:
        sql += f" AND {w}"
    args += params
    if exclude:
        sql += f" AND {alias}.id NOT IN ({', '.join(['%s'] * len(exclude))})"
        args += list(exclude)
    sql += f" ORDER BY score DESC, {alias}.id DESC LIMIT %s"
    args.append(limit)
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def _ranked_fallback(terms, where_q, limit, exclude) -> list[tuple]:
    """Other databases: rows containing any term, ranked by how many terms they contain."""
    from django.db.models import Q

    q = Q()
    for t in terms:
        q |= Q(search_text__contains=t)
    rows = Article.objects.filter(where_q).filter(q).exclude(pk__in=exclude)
    scored = []
    for pk, text in rows.values_list("pk", "search_text")[:2000]:
        scored.append((pk, float(sum(text.count(t) for t in terms))))
    scored.sort(key=lambda r: (-r[1], -r[0]))
    return scored[:limit]


def search_articles(
    q: str,
    *,
    line_ids: list[int] | None,
    statuses: list[str],
    audiences: list[str] | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Articles of ``line_ids`` (None = every line) best first for the query ``q``."""
    synonyms = load_dictionary()
    words = ts.query_words(q)
    terms = ts.expand(words, synonyms)
    if not terms:
        return []
    grams = ts.fallback_terms(q)
    where, params = _scope_sql("a", line_ids, statuses, audiences)
    ranked: list[tuple] = []
    if connection.vendor == "sqlite":
        ranked = _ranked_sqlite(
            ts.fts_match(terms, ["title", "body"]),
            (TITLE_WEIGHT, 1.0, 0.0),
            where,
            params,
            limit,
            (),
        )
        if len(ranked) < limit and grams:
            more = _ranked_sqlite(
                ts.fts_match(grams, ["grams"]),
                (0.0, 0.0, 1.0),
                where,
                params,
                limit - len(ranked),
                [r[0] for r in ranked],
            )
            ranked += [(pk, s * GRAM_SCALE) for pk, s in more]
    elif connection.vendor == "postgresql":
        ranked = _bm25_postgres(
            "knowledge_article", "a", "search_text", terms, where, params, limit, ()
        )
        if len(ranked) < limit and grams:
            more = _bm25_postgres(
                "knowledge_article",
                "a",
                "search_grams",
                grams,
                where,
                params,
                limit - len(ranked),
                [r[0] for r in ranked],
            )
            ranked += [(pk, s * GRAM_SCALE) for pk, s in more]
    else:
        from django.db.models import Q

        where_q = Q(status__in=statuses)
        if line_ids is not None:
            where_q &= Q(business_line_id__in=line_ids)
        if audiences:
            where_q &= Q(audience__in=audiences)
        ranked = _ranked_fallback(terms, where_q, limit, ())
    if not ranked:
        return []
    objs = Article.objects.select_related("category").in_bulk([r[0] for r in ranked])
    marks = ts.highlight_terms(terms) or terms
    hits = []
    for pk, score in ranked:
        a = objs.get(pk)
        if a is None:
            continue
        hits.append(Hit(pk, a.title, float(f"{score:.6g}"), ts.snippet(a.body, marks), a))
    return hits


def search_phrases(q: str, *, line_id: int, limit: int = 5) -> list[Hit]:
    """Active quick replies of a line (standard ones and those of a switched-on set) for ``q``."""
    synonyms = load_dictionary()
    terms = ts.expand(ts.query_words(q), synonyms)
    if not terms:
        return []
    active = (
        "p.business_line_id = %s AND p.is_active AND (p.phrase_set_id IS NULL OR "
        "p.phrase_set_id IN (SELECT id FROM knowledge_phraseset WHERE is_active))"
    )
    if connection.vendor == "sqlite":
        sql = (
            # bandit: identifiers come from model metadata; values are bound parameters
            "SELECT p.id, -bm25(knowledge_quickreply_fts) AS score FROM knowledge_quickreply_fts "  # nosec B608
            "JOIN knowledge_quickreply p ON p.id = knowledge_quickreply_fts.rowid "
            f"WHERE knowledge_quickreply_fts MATCH %s AND {active} ORDER BY score DESC LIMIT %s"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [ts.fts_match(terms), line_id, limit])
            ranked = cur.fetchall()
    elif connection.vendor == "postgresql":
        ranked = _bm25_postgres(
            "knowledge_quickreply", "p", "search_text", terms, [active], [line_id], limit, ()
        )
    else:
        return []
    objs = QuickReply.objects.in_bulk([r[0] for r in ranked])
    marks = ts.highlight_terms(terms) or terms
    return [
        Hit(pk, objs[pk].title, round(float(s), 4), ts.snippet(objs[pk].body, marks), objs[pk])
        for pk, s in ranked
        if pk in objs
    ]
