"""The top bar's search box (issue 15): tickets, customers and knowledge articles on one page,
grouped, each group scoped like its own list, with links to see all there; an empty state; the
box in every page's top bar with "/" to reach it."""

from __future__ import annotations

import pytest

URL = "/search/"


@pytest.fixture
def data(org, agent, agent2, admin_user):
    from kefu.customers.services import customer_create
    from kefu.knowledge.services import article_create
    from kefu.tickets.services import ticket_create

    wang = customer_create(actor=None, business_line=org.shop, name="王退款", phone="13912345678")
    other = customer_create(
        actor=None, business_line=org.property, name="物业退款户", phone="13600001111"
    )
    mine = ticket_create(
        actor=agent, title="退款没到账", type="refund", channel="phone", customer=wang
    )
    presale = ticket_create(
        actor=agent2, title="退款咨询售前", type="consult", channel="phone", customer=wang
    )
    article = article_create(
        actor=admin_user,
        business_line=org.shop,
        title="退款多久到账",
        body="退款一般在三个工作日内原路退回。",
        status="published",
    )
    return {"wang": wang, "other": other, "mine": mine, "presale": presale, "article": article}


def test_groups_tickets_customers_and_articles_scoped_like_their_lists(web_as, agent, data):
    response = web_as(agent).get(URL, {"q": "退款"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="search-tickets"' in body and 'id="search-customers"' in body
    assert 'id="search-articles"' in body
    # the agent's own ticket, not the presale team's one (not in the agent's list either)
    assert data["mine"].number in body
    assert data["presale"].number not in body
    # customers of the agent's line only, phones masked as on the customer list
    assert "王退款" in body and "物业退款户" not in body
    assert "139****5678" in body and "13912345678" not in body
    # the published article of the line
    assert "退款多久到账" in body
    # each group links to its own list with the same search
    assert "/tickets/?tab=all&amp;q=%E9%80%80%E6%AC%BE" in body
    assert "/customers/?q=%E9%80%80%E6%AC%BE" in body
    assert "/kb/?q=%E9%80%80%E6%AC%BE" in body


def test_finds_a_ticket_by_its_number(web_as, agent, data):
    body = web_as(agent).get(URL, {"q": data["mine"].number}).content.decode()
    assert f"/tickets/{data['mine'].pk}/" in body


def test_empty_state_and_no_query(web_as, agent, data):
    client = web_as(agent)
    body = client.get(URL, {"q": "完全没有的词语组合"}).content.decode()
    assert 'id="search-empty"' in body
    body = client.get(URL).content.decode()
    assert 'id="search-empty"' not in body and 'id="search-page-q"' in body


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_box_is_in_the_top_bar_of_every_page_in_both_languages(
    web_as, agent, data, settings, language
):
    settings.LANGUAGE_CODE = language
    client = web_as(agent)
    for page in ("/", "/tickets/", "/customers/"):
        body = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert 'id="global-search-q"' in body and 'aria-keyshortcuts="/"' in body
        assert "kefu/global_search.js" in body
    body = client.get(URL, {"q": "退款"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    if language == "zh-hans":
        assert "工单" in body and "客户" in body and "知识" in body
    else:
        assert "Tickets" in body and "Customers" in body and "Knowledge articles" in body


def test_refused_digits_say_why(web_as, agent, data):
    agent.contact_access = "masked"
    agent.save(update_fields=["contact_access"])
    response = web_as(agent).get(URL, {"q": "13912345678"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="search-refused"' in body and data["mine"].number not in body
