"""/api/v1/kb: search, articles and quick replies through the real URL and API stack."""

import pytest

from kefu.knowledge.models import Article

pytestmark = pytest.mark.django_db
BASE = "/api/v1/kb"


def test_search_returns_ranked_results_with_snippets(kb, api_as, agent):
    body = api_as(agent).get(f"{BASE}/search", {"q": "买错了能退吗", "limit": 5}).json()
    assert body["results"]
    first = body["results"][0]
    assert set(first) == {"id", "title", "score", "snippet"}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_article_list_is_paginated_with_bounded_queries(
    kb, api_as, agent, django_assert_max_num_queries
):
    client = api_as(agent)
    with django_assert_max_num_queries(6):
        page = client.get(f"{BASE}/articles", {"limit": 10}).json()
    assert len(page["items"]) == 10 and page["next"]
    assert all(item["business_line"] == kb.shop.pk for item in page["items"])


def test_lead_creates_and_updates_with_version_check(kb, api_as, lead):
    client = api_as(lead)
    created = client.post(
        f"{BASE}/articles",
        {
            "title": "直播间优惠",
            "body": "直播间下单享专属价。",
            "category": "优惠活动/直播",
            "tags": ["直播"],
            "status": "published",
        },
    )
    assert created.status_code == 201
    art = created.json()
    update = {
        "version": art["version"],
        "title": art["title"],
        "body": "改了。",
        "status": "published",
        "audience": "internal",
    }
    assert client.patch(f"{BASE}/articles/{art['id']}", update).status_code == 200
    stale = client.patch(f"{BASE}/articles/{art['id']}", update)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"


def test_agent_may_not_create_articles(kb, api_as, agent):
    response = api_as(agent).post(f"{BASE}/articles", {"title": "x", "body": "y"})
    assert response.status_code == 403
    assert not Article.objects.filter(title="x").exists()


def test_other_lines_article_is_404(kb, api_as, agent):
    wy = Article.objects.get(business_line=kb.property, slug="wy-fee-pay")
    assert api_as(agent).get(f"{BASE}/articles/{wy.pk}").status_code == 404


def test_language_check_endpoint_counts_only_when_recording(kb, api_as, agent):
    from kefu.knowledge.models import LanguageHit

    client = api_as(agent)
    live = client.post(f"{BASE}/language/check", {"text": "喂，你等一会儿"}).json()
    assert live["polite"] == "您好，请您稍等一会儿"
    assert LanguageHit.objects.count() == 0
    client.post(f"{BASE}/language/check", {"text": "喂，你等一会儿", "record": True})
    assert LanguageHit.objects.filter(agent=agent).count() == 2


def test_shortcut_endpoint_fills_the_agent_name(kb, api_as, agent):
    rows = api_as(agent).get(f"{BASE}/phrases/shortcut", {"typed": "快递"}).json()
    assert rows and rows[0]["shortcut"] == "快递"
