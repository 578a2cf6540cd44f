"""Articles: versions with diff, stale writes, who may edit, import (spec §1.10)."""

import pytest

from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.knowledge import selectors, services
from kefu.knowledge.models import Article, ArticleVersion


def _update(article, actor, **changes):
    fields = {
        "title": article.title,
        "body": article.body,
        "category": article.category,
        "tags": [t.name for t in article.tags.all()],
        "status": article.status,
        "audience": article.audience,
        "version": article.version,
        **changes,
    }
    return services.article_update(actor=actor, article=article, **fields)


@pytest.mark.django_db
def test_each_edit_keeps_a_version_and_the_diff_shows_the_change(org, lead):
    # given an article
    article = services.article_create(
        actor=lead, business_line=org.shop, title="发货时间", body="付款后 48 小时内发货。"
    )
    # when a lead changes the answer
    _update(article, lead, body="付款后 72 小时内发货。")
    # then there are two versions and the diff shows 48 → 72
    article.refresh_from_db()
    assert article.version == 2
    assert [v.number for v in selectors.article_versions(article=article, user=None)] == [2, 1]
    diff = selectors.article_version_diff(article=article, number=2, user=None)
    assert ("delete", "48") in diff["body"] and ("insert", "72") in diff["body"]


@pytest.mark.django_db
def test_a_stale_edit_is_refused(org, lead):
    article = services.article_create(
        actor=lead, business_line=org.shop, title="发货时间", body="付款后 48 小时内发货。"
    )
    stale = Article.objects.get(pk=article.pk)
    _update(article, lead, body="第一次修改。")
    with pytest.raises(StaleWrite):
        _update(stale, lead, body="基于旧版本的修改。")
    assert Article.objects.get(pk=article.pk).body == "第一次修改。"


@pytest.mark.django_db
def test_agents_cannot_edit_articles(org, agent):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=agent, business_line=org.shop, title="标题", body="内容")


@pytest.mark.django_db
def test_a_lead_cannot_edit_another_business_lines_articles(org, lead):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=lead, business_line=org.property, title="标题", body="内容")


@pytest.mark.django_db
def test_an_agent_cannot_open_another_lines_article(kb, agent):
    from kefu.core.errors import NotFound

    wy = Article.objects.get(business_line=kb.property, slug="wy-fee-pay")
    with pytest.raises(NotFound):
        selectors.article_get_for(user=agent, pk=wy.pk)


@pytest.mark.django_db
def test_import_creates_categories_and_splits_tags(org):
    items = services.parse_article_rows(
        [
            ("标题", "内容", "分类", "标签"),
            ("会员卡怎么办", "前台出示身份证即可办理。", "会员/办卡", "会员，会员卡、办卡"),
        ]
    )
    result = services.articles_import(actor=None, business_line=org.shop, items=items)
    article = Article.objects.get(business_line=org.shop, title="会员卡怎么办")
    assert result == {"created": 1, "updated": 0}
    assert article.category.name == "办卡" and article.category.parent.name == "会员"
    assert sorted(t.name for t in article.tags.all()) == ["会员", "会员卡", "办卡"]
    assert article.status == "published"


@pytest.mark.django_db
def test_import_with_a_bad_row_names_it_and_loads_nothing(org):
    rows = [
        ("title", "body"),
        ("好的一行", "内容"),
        ("", "没有标题的一行"),
    ]
    with pytest.raises(Invalid) as exc:
        services.parse_article_rows(rows)
    assert "3" in str(exc.value.message)
    assert not Article.objects.exists()
    assert not ArticleVersion.objects.exists()


@pytest.mark.django_db
def test_import_refuses_a_sheet_without_the_title_column(org):
    with pytest.raises(Invalid) as exc:
        services.parse_article_rows([("名称", "内容"), ("a", "b")])
    assert "标题" in str(exc.value.message)
