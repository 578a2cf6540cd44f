"""Knowledge pages and the public help pages (spec §1.10, KB-3)."""

import pytest

from kefu.knowledge import services
from kefu.knowledge.models import Article

pytestmark = pytest.mark.django_db


def test_public_help_page_lists_only_published_public_articles_of_its_line(kb, client, lead):
    # given an internal article and a draft in the shop
    services.article_create(
        actor=lead,
        business_line=kb.shop,
        title="草稿：直播间优惠",
        body="未发布。",
        audience="public",
    )
    # when anyone opens the shop help centre without signing in
    page = client.get("/help/shop/").content.decode()
    # then public published shop articles show, internal ones, drafts and other lines do not
    assert "快递一直没到怎么办" in page
    assert "大促期间统一答复口径" not in page  # internal
    assert "草稿：直播间优惠" not in page
    assert "物业费怎么收费" not in page


def test_public_search_finds_answers_in_customer_words(kb, client):
    page = client.get("/help/shop/", {"q": "钱什么时候退回来"}).content.decode()
    assert "退款多久到账" in page
    assert "<mark>" in page


def test_public_search_never_shows_internal_articles(kb, client):
    page = client.get("/help/shop/", {"q": "大促统一答复口径"}).content.decode()
    assert "大促期间统一答复口径" not in page


def test_internal_article_is_not_reachable_on_the_public_page(kb, client):
    assert client.get("/help/shop/shop-peak-script/").status_code == 404
    assert client.get("/help/nope/").status_code == 404
    assert client.get("/help/wy/shop-courier-delay/").status_code == 404


def test_was_this_helpful_counts_once_per_reader(kb, client):
    url = "/help/shop/shop-refund-time/feedback/"
    assert client.post(url, {"helpful": "yes"}).status_code == 302
    client.post(url, {"helpful": "yes"})
    article = Article.objects.get(business_line=kb.shop, slug="shop-refund-time")
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert (
        "Thank you for your feedback."
        in client.get("/help/shop/shop-refund-time/").content.decode()
    )


def test_feedback_needs_yes_or_no(kb, client):
    assert (
        client.post("/help/shop/shop-refund-time/feedback/", {"helpful": "maybe"}).status_code
        == 400
    )


def test_agent_sees_the_article_list_of_their_line(
    kb, web_as, agent, django_assert_max_num_queries
):
    client = web_as(agent)
    with django_assert_max_num_queries(12):
        page = client.get("/kb/").content.decode()
    assert "恶意退款和职业差评的识别" in page
    assert "小区养狗有什么规定" not in page


def test_agent_gets_404_for_another_lines_article(kb, web_as, agent):
    wy = Article.objects.get(business_line=kb.property, slug="wy-fee-pay")
    assert web_as(agent).get(f"/kb/{wy.pk}/").status_code == 404


def test_agent_cannot_open_the_editor(kb, web_as, agent):
    assert web_as(agent).get("/kb/new/").status_code == 403


def test_lead_writes_an_article_and_sees_its_history(kb, web_as, lead):
    client = web_as(lead)
    response = client.post(
        "/kb/new/",
        {
            "title": "直播间优惠",
            "body": "直播间下单享专属价。",
            "category": "优惠活动",
            "tags": "直播、优惠",
            "status": "published",
            "audience": "internal",
        },
    )
    article = Article.objects.get(title="直播间优惠")
    assert response.status_code == 302
    page = client.get(f"/kb/{article.pk}/").content.decode()
    assert "v1" in page and "直播" in page


def test_reply_assistant_flags_improper_wording(kb, web_as, agent):
    page = web_as(agent).get("/kb/assist/check/", {"text": "喂，我不知道"}).content.decode()
    assert "您好" in page and "我可以帮您询问一下" in page


def test_reply_assistant_suggests_articles_and_phrases(kb, web_as, agent):
    page = web_as(agent).get("/kb/assist/suggest/", {"text": "包裹破损了怎么办"}).content.decode()
    assert "收到的包裹破损或商品损坏" in page
    assert "包裹破损" in page


def test_shortcut_fragment_offers_phrases_for_slash_typing(kb, web_as, agent):
    page = web_as(agent).get("/kb/assist/shortcut/", {"typed": "发票"}).content.decode()
    assert "/发票" in page


def test_only_admins_open_the_dictionary(kb, web_as, lead, admin_user):
    assert web_as(lead).get("/kb/dictionary/").status_code == 403
    assert "退钱" in web_as(admin_user).get("/kb/dictionary/").content.decode()
