"""Pure text pieces of the knowledge search (no Django): query terms with synonyms, character
bigrams for typo tolerance, FTS5 / tsquery match strings and highlighted snippets.

How a query is matched (see ``search.py``): the OR of its words (so extra words and another word
order cost rank, not recall) plus the synonyms of each word; a single-character word matches as a
prefix (退 → 退款, 退货); when that finds too little, the OR of the query's character bigrams
(快第 still shares 怎么/没到 … with the article, a near-miss still ranks).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Mapping

import jieba

jieba.setLogLevel(logging.WARNING)
logging.getLogger("jieba").setLevel(logging.WARNING)

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-zA-Z0-9]+")

# Function words of customer wording that say nothing about the topic (我的快递怎么还没到啊).
_STOPWORDS_TEXT = """
    的 了 吗 啊 呢 吧 呀 哦 嘛 么 哈 啦 噢 喔 哎 唉 嗯 得 地 着 过 和 与 及 或 也 都 就 还 又 再 才 很 太 更 最
    我 你 您 他 她 它 我们 你们 他们 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 这么 那么 哪 哪个
    是 有 没 在 把 被 给 让 对 向 从 到底 一下 一个 一些 有点 有些 请问 请 麻烦 谢谢 你好 您好 亲 在吗
    怎么 怎么办 怎么样 怎样 如何 什么 为什么 为啥 啥 多少 多久 几 能 能不能 可以 可不可以 可否 会 会不会
    时候 什么时候 东西 要 想 需要 应该 是不是 有没有 吗 呢 现在 已经 还是 但是 可是 如果 然后 因为 所以 就是 一直
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words(text: str) -> list[str]:
    """jieba search-mode words of ``text``, lower-cased, without punctuation (long words also
    yield the shorter words inside them)."""
    out = []
    for tok in jieba.cut_for_search(text or ""):
        tok = _PUNCT.sub("", tok).lower()
        if tok:
            out.append(tok)
    return out


def segment(text: str) -> str:
    """Space-joined words: the indexed form of a text."""
    return " ".join(words(text))


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of every run of Chinese characters (a lone character stays
    itself); Latin words and numbers whole and lower-cased."""
    out: list[str] = []
    for run in _RUNS.findall(text or ""):
        if _CJK.match(run):
            if len(run) == 1:
                out.append(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


def fallback_terms(text: str, limit: int = 24) -> list[str]:
    """Terms of the typo-tolerant second pass: the query's bigrams and, for a short query, its
    single characters (a prefix: 积份 still reaches 积分 through 积)."""
    grams = list(dict.fromkeys(bigrams(text)))
    chars = [c for c in dict.fromkeys(_CJK.findall(text or "")) if c not in STOPWORDS]
    if len(chars) <= 6:
        grams += [c for c in chars if c not in grams]
    return grams[:limit]


def query_words(text: str, limit: int = 16) -> list[str]:
    """Distinct content words of a query, in order; stop words dropped unless nothing else is
    left."""
    seen: dict[str, None] = {}
    for tok in words(text):
        seen.setdefault(tok, None)
    terms = [t for t in seen if t not in STOPWORDS]
    return (terms or list(seen))[:limit]


def expand(terms: Iterable[str], synonyms: Mapping[str, Iterable[str]]) -> list[str]:
    """``terms`` followed by every synonym of each (退钱 → 退钱, 退款, 返款 …), without repeats."""
    out: dict[str, None] = {}
    for t in terms:
        out.setdefault(t, None)
    for t in list(out):
        for s in synonyms.get(t, ()):
            out.setdefault(s.lower(), None)
    return list(out)


def synonym_map(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """{term: [its synonyms]} from groups of equivalent terms."""
    out: dict[str, list[str]] = {}
    for group in groups:
        terms = [t.strip().lower() for t in group if t and t.strip()]
        for t in terms:
            bucket = out.setdefault(t, [])
            bucket.extend(o for o in terms if o != t and o not in bucket)
    return out


def _fts_term(term: str) -> str:
    quoted = '"' + term.replace('"', '""') + '"'
    # A lone Chinese character is a prefix: 退 finds 退款 and 退货.
    if len(term) == 1 and _CJK.match(term):
        return quoted + " *"
    return quoted


def fts_match(terms: Iterable[str], columns: Iterable[str] = ()) -> str:
    """An FTS5 MATCH expression: any of ``terms``, limited to ``columns`` when given."""
    body = " OR ".join(_fts_term(t) for t in terms)
    if not body:
        return ""
    cols = list(columns)
    if cols:
        return "{" + " ".join(cols) + "} : (" + body + ")"
    return body


def tsquery(terms: Iterable[str]) -> str:
    """A PostgreSQL ``to_tsquery('simple', …)`` string: any of ``terms``; a lone character as a
    prefix."""
    parts = []
    for t in terms:
        clean = re.sub(r"[^\w]", "", t)
        if not clean:
            continue
        parts.append(f"{clean}:*" if len(clean) == 1 and _CJK.match(clean) else clean)
    return " | ".join(parts)


def snippet(text: str, terms: Iterable[str], width: int = 90) -> list[tuple[str, bool]]:
    """The ``width`` characters of ``text`` around the densest run of ``terms`` as
    ``[(piece, is_hit), …]``, with an ellipsis where it was cut."""
    text = re.sub(r"\s+", " ", text or "").strip()
    needles = sorted({t for t in terms if t}, key=len, reverse=True)
    if not needles:
        return [(text[:width] + ("…" if len(text) > width else ""), False)]
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    hits = [m.start() for m in pattern.finditer(text)]
    start = 0
    if hits and len(text) > width:
        best, best_count = hits[0], 0
        for h in hits:
            count = sum(1 for o in hits if h <= o < h + width)
            if count > best_count:
                best, best_count = h, count
        start = max(0, min(best - width // 5, len(text) - width))
    window = text[start : start + width]
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("…", False))
    pos = 0
    for m in pattern.finditer(window):
        if m.start() > pos:
            parts.append((window[pos : m.start()], False))
        parts.append((m.group(0), True))
        pos = m.end()
    if pos < len(window):
        parts.append((window[pos:], False))
    if start + width < len(text):
        parts.append(("…", False))
    return parts


def snippet_html(parts: Iterable[tuple[str, bool]]) -> str:
    """Snippet pieces as escaped HTML with ``<mark>`` around the hits."""
    return "".join(f"<mark>{html.escape(p)}</mark>" if hit else html.escape(p) for p, hit in parts)


def highlight_terms(terms: Iterable[str]) -> list[str]:
    """The terms worth marking in a snippet (single characters would light up every line)."""
    return [t for t in terms if len(t) > 1]
