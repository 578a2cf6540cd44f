"""Articles and quick replies to and from .xlsx (openpyxl); the sheets use Chinese headers."""

from __future__ import annotations

import io

from openpyxl import Workbook

from kefu.core.xlsx import safe_row
from kefu.knowledge.models import Article, QuickReply

ARTICLE_HEADERS = ["标题", "内容", "分类", "标签", "状态", "受众"]
PHRASE_HEADERS = ["分类", "快捷键", "标题", "内容", "短语组"]
STATUS_LABELS = {"draft": "草稿", "published": "已发布", "archived": "已归档"}
AUDIENCE_LABELS = {"internal": "内部", "public": "公开"}
EXPORT_BATCH = 2000  # rows fetched per query so a large base streams in flat memory


def _workbook_bytes(headers: list[str], rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(safe_row(headers))
    for row in rows:
        ws.append(safe_row(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _category_path(category) -> str:
    names = []
    while category is not None:
        names.append(category.name)
        category = category.parent
    return "/".join(reversed(names))


def export_articles(line, user=None) -> bytes:
    """Every article of a line, readable back by ``kefu kb import``; with a ``user``, only the
    articles that user may read (an agent: the published ones, never a draft)."""
    from kefu.knowledge.selectors import visible_statuses

    qs = Article.objects.filter(business_line=line)
    if user is not None:
        qs = qs.filter(status__in=visible_statuses(user))
    qs = qs.select_related("category__parent").prefetch_related("tags").order_by("id")

    def rows():
        for a in qs.iterator(chunk_size=EXPORT_BATCH):
            yield [
                a.title,
                a.body,
                _category_path(a.category),
                "、".join(t.name for t in a.tags.all()),
                STATUS_LABELS.get(a.status, a.status),
                AUDIENCE_LABELS.get(a.audience, a.audience),
            ]

    return _workbook_bytes(ARTICLE_HEADERS, rows())


def export_phrases(line, user=None) -> bytes:
    """The quick replies of a line; with a ``user``, only those that user may use."""
    from kefu.knowledge.selectors import phrase_qs_for

    qs = QuickReply.objects.filter(business_line=line)
    if user is not None:
        qs = qs.filter(pk__in=phrase_qs_for(user).filter(business_line=line).values("pk"))
    qs = qs.select_related("phrase_set").order_by("id")
    return _workbook_bytes(
        PHRASE_HEADERS,
        (
            [p.category, p.shortcut, p.title, p.body, p.phrase_set.name if p.phrase_set else ""]
            for p in qs.iterator(chunk_size=EXPORT_BATCH)
        ),
    )
