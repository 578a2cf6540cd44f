"""The ticket timeline speaks the reader's language (issue 15, "every code is a word").

Statuses and other choices are shown by their label in the page's language, whatever language
they were written in; entries that are not a ticket column (complaint stage, promise …) are
named in words, never by their internal field name."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from kefu.tickets import complaints
from kefu.tickets.services import ticket_update


def _timeline(client, ticket, language):
    client.cookies["django_language"] = language
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    start = html.index('id="timeline"')
    return html[start : html.index("</ol>", start)]


def test_status_changes_follow_the_page_language(web_as, agent, make_ticket):
    ticket = make_ticket(agent)
    with translation.override("zh-hans"):
        ticket = ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
        )
    client = web_as(agent)

    english = _timeline(client, ticket, "en")
    chinese = _timeline(client, ticket, "zh-hans")

    assert "Status: <span" in english
    assert "New</span> → <span" in english and "In progress" in english
    assert "新建" not in english and "处理中" not in english
    assert "状态：" in chinese and "新建</span> → <span" in chinese and "处理中" in chinese


def test_complaint_stage_and_promise_are_named_in_words(web_as, agent, make_ticket):
    ticket = make_ticket(agent, type="complaint")
    complaints.complaint_advance(actor=agent, ticket=ticket, stage="clarified", validity="valid")
    complaints.promise_create(actor=agent, ticket=ticket, title="半小时内回电", minutes=30)
    client = web_as(agent)

    english = _timeline(client, ticket, "en")
    chinese = _timeline(client, ticket, "zh-hans")

    for text in (english, chinese):
        assert "complaint_stage" not in text and "promise" not in text
    assert "Complaint stage" in english and "Clarify and judge" in english
    assert "Promise" in english
    assert "投诉阶段" in chinese and "澄清判定" in chinese and "承诺" in chinese
