"""Issue 15, item 1: pages show only what the role may see, also inside another object.

A customer of the shop is served by two teams (售后一组 and 售前组). An agent of one team who
opens the customer sees their own team's tickets, calls and letters, and counts made of them,
on the page, in the API timeline and in the customer export; a manager sees both teams'. Old
versions of a knowledge article never show draft text to an agent, on the history, the diff,
the API and the export.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.customers.services import customer_create
from kefu.followups.services.registers import call_record_create, letter_record_create
from kefu.tickets.services import ticket_create


@pytest.fixture
def shared(org, agent, agent2, manager):
    """One customer; each team has a ticket, a call and a letter with it."""
    customer = customer_create(
        actor=manager, business_line=org.shop, name="共享客户", phone="13811112222"
    )
    mine = ticket_create(
        actor=agent,
        title="售后一组的工单",
        type="complaint",
        channel="phone",
        customer=customer,
    )
    theirs = ticket_create(
        actor=agent2,
        title="售前组的秘密工单",
        type="consult",
        channel="im",
        customer=customer,
        team=org.presale,
    )
    call_record_create(
        actor=agent, customer=customer, direction="out", result="answered", notes="我方回访电话"
    )
    call_record_create(
        actor=agent2, customer=customer, direction="in", result="answered", notes="售前组的通话"
    )
    letter_record_create(
        actor=agent, customer=customer, kind="notice", channel="post", subject="我方信函"
    )
    letter_record_create(
        actor=agent2, customer=customer, kind="notice", channel="post", subject="售前组的信函"
    )
    return customer, mine, theirs


HIDDEN = ("售前组的秘密工单", "售前组的通话", "售前组的信函")
OWN = ("售后一组的工单", "我方回访电话", "我方信函")


def _visits(html: str) -> str:
    start = html.index('id="customer-visits">') + len('id="customer-visits">')
    return html[start : html.index("<", start)].strip()


def test_an_agent_sees_only_their_scope_on_a_shared_customers_page(shared, agent, web_as):
    customer, _mine, theirs = shared

    html = web_as(agent).get(reverse("customers:detail", args=[customer.pk])).content.decode()

    for text in OWN:
        assert text in html, text
    for text in HIDDEN:
        assert text not in html, text
    assert theirs.number not in html
    assert _visits(html) == "1"  # the count is of visible tickets only


def test_a_manager_sees_both_teams_on_the_same_page(shared, manager, web_as):
    customer, _mine, _theirs = shared

    html = web_as(manager).get(reverse("customers:detail", args=[customer.pk])).content.decode()

    for text in OWN + HIDDEN:
        assert text in html, text
    assert _visits(html) == "2"


def test_the_api_timeline_and_detail_follow_the_same_scope(shared, agent, manager, api_as):
    customer, mine, theirs = shared

    items = api_as(agent).get(f"/api/v1/customers/{customer.pk}/timeline").json()["items"]
    detail = api_as(agent).get(f"/api/v1/customers/{customer.pk}").json()
    every = api_as(manager).get(f"/api/v1/customers/{customer.pk}/timeline").json()["items"]

    shown = " ".join(f"{i['title']} {i['detail']}" for i in items)
    assert [i["ref"]["id"] for i in items if i["kind"] == "ticket"] == [mine.pk]
    for text in HIDDEN:
        assert text not in shown, text
    assert detail["visits_12m"] == 1
    assert {i["ref"]["id"] for i in every if i["kind"] == "ticket"} == {mine.pk, theirs.pk}
    assert len([i for i in every if i["kind"] in ("call", "letter")]) == 4


def test_the_customer_list_and_export_count_only_visible_tickets(shared, agent, web_as):
    _customer, _mine, _theirs = shared
    web = web_as(agent)

    api_row = web.get(reverse("customers:list"), {"q": "共享客户"})
    export = web.get(reverse("customers:export"), {"q": "共享客户"})

    assert api_row.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    visits = next(i for i, h in enumerate(header) if "12" in str(h))
    assert row[1] == "共享客户"
    assert row[visits] == 1


# --- knowledge: an agent never reads a draft's text ------------------------------------------

DRAFT = "内部草稿：赔付上限可以提到五百元"
LIVE = "退款在审核通过后三个工作日内原路退回。"


def _update(article, actor, **changes):
    from kefu.knowledge import services as kb

    article.refresh_from_db()
    fields = {
        "title": article.title,
        "body": article.body,
        "category": None,
        "tags": "",
        "status": article.status,
        "audience": article.audience,
    }
    fields.update(changes)
    return kb.article_update(actor=actor, article=article, version=article.version, **fields)


@pytest.fixture
def drafted(org, lead):
    """An article written as a draft (v1), then published with other text (v2); and an
    article that is still a draft."""
    from kefu.knowledge import services as kb

    article = kb.article_create(
        actor=lead, business_line=org.shop, title="退款时效", body=DRAFT, status="draft"
    )
    _update(article, lead, body=LIVE, status="published")
    still_draft = kb.article_create(
        actor=lead, business_line=org.shop, title="未发布的赔付口径", body=DRAFT, status="draft"
    )
    return article, still_draft


def test_an_agent_sees_only_published_versions_in_history_and_diff(drafted, agent, web_as):
    article, _still_draft = drafted
    web = web_as(agent)

    page = web.get(reverse("knowledge:article", args=[article.pk])).content.decode()
    v1 = web.get(reverse("knowledge:article_diff", args=[article.pk, 1]))
    v2 = web.get(reverse("knowledge:article_diff", args=[article.pk, 2]))

    assert reverse("knowledge:article_diff", args=[article.pk, 2]) in page
    assert reverse("knowledge:article_diff", args=[article.pk, 1]) not in page
    assert v1.status_code == 404
    assert v2.status_code == 200
    assert DRAFT not in v2.content.decode()
    assert "赔付上限" not in v2.content.decode()


def test_an_editor_still_sees_every_version(drafted, lead, web_as):
    article, _still_draft = drafted
    web = web_as(lead)

    v2 = web.get(reverse("knowledge:article_diff", args=[article.pk, 2])).content.decode()

    assert web.get(reverse("knowledge:article_diff", args=[article.pk, 1])).status_code == 200
    assert "赔付上限" in v2  # the change from the draft is shown to editors


def test_the_versions_api_follows_the_same_rule(drafted, agent, lead, api_as):
    article, _still_draft = drafted
    url = f"/api/v1/kb/articles/{article.pk}/versions"

    agent_versions = api_as(agent).get(url).json()
    lead_versions = api_as(lead).get(url).json()

    assert [v["number"] for v in agent_versions] == [2]
    assert DRAFT not in str(agent_versions)
    assert [v["number"] for v in lead_versions] == [2, 1]


def test_publishing_a_draft_unchanged_makes_its_version_readable(org, lead, agent, web_as):
    from kefu.knowledge import services as kb

    article = kb.article_create(
        actor=lead, business_line=org.shop, title="发票开具", body=LIVE, status="draft"
    )
    _update(article, lead, status="published")  # no new text, no new version

    response = web_as(agent).get(reverse("knowledge:article_diff", args=[article.pk, 1]))

    assert response.status_code == 200
    assert "三个工作日" in response.content.decode()


def test_the_knowledge_export_has_no_drafts_for_agents(drafted, agent, lead, web_as):
    def titles(user) -> list[str]:
        response = web_as(user).get(reverse("knowledge:export"))
        book = load_workbook(io.BytesIO(response.content))
        return [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]

    assert titles(agent) == ["退款时效"]
    assert sorted(titles(lead)) == sorted(["退款时效", "未发布的赔付口径"])


def test_the_migration_marks_each_published_articles_live_text_only(drafted):
    import importlib

    from django.apps import apps

    from kefu.knowledge.models import ArticleVersion

    migration = importlib.import_module("kefu.knowledge.migrations.0004_version_published")
    article, _still_draft = drafted
    ArticleVersion.objects.update(published=False)  # as the field arrives on old rows

    migration.mark_live_versions(apps, None)

    assert set(ArticleVersion.objects.filter(published=True).values_list("article", "number")) == {
        (article.pk, 2)
    }


def test_the_register_exports_are_scoped_and_masked_like_the_registers(shared, agent, web_as):
    web = web_as(agent)

    def texts(name: str) -> str:
        book = load_workbook(io.BytesIO(web.get(reverse(name)).content))
        return " ".join(
            str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v
        )

    calls, letters = texts("followups:export_calls"), texts("followups:export_letters")

    assert "我方回访电话" in calls and "售前组的通话" not in calls
    assert "我方信函" in letters and "售前组的信函" not in letters
    assert "13811112222" not in calls + letters
    assert "138****2222" in calls
