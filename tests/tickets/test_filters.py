"""Ticket-list filters: parsing (TicketFilters.parse) and what they select (ticket_list_for)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from testkit import agree_solution

from kefu.core.errors import Invalid
from kefu.tickets import services
from kefu.tickets.filters import TicketFilters
from kefu.tickets.selectors import status_counts_for, ticket_list_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ids(user, **params):
    return {t.pk for t in ticket_list_for(user=user, filters=TicketFilters.parse(params))}


def test_parse_open_comma_lists_and_defaults():
    f = TicketFilters.parse({"status": "open", "type": "complaint,refund", "q": " 快递 "})
    assert f.status == ["new", "in_progress", "pending"]
    assert f.type == ["complaint", "refund"]
    assert f.q == "快递"
    assert f.ordering == "-created_at"
    assert f.priority is None


def test_parse_date_alone_is_midnight_in_shanghai():
    f = TicketFilters.parse({"created_after": "2026-11-23", "created_before": "2026-11-24T08:00"})
    assert f.created_after == dt.datetime(2026, 11, 23, tzinfo=SHANGHAI)
    assert f.created_before == dt.datetime(2026, 11, 24, 8, tzinfo=SHANGHAI)


def test_parse_accepts_unencoded_plus_in_offset():
    f = TicketFilters.parse({"updated_after": "2026-11-23T09:30:00 08:00"})
    assert f.updated_after.utcoffset() == dt.timedelta(hours=8)


def test_parse_blank_values_filter_nothing():
    f = TicketFilters.parse({"status": "", "team": "", "assignee": "", "ordering": ""})
    assert f == TicketFilters()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "open,archived"),
        ("type", "complain"),
        ("priority", "asap"),
        ("channel", "fax"),
        ("team", "abc"),
        ("customer", "-1"),
        ("assignee", "someone"),
        ("created_after", "23/11/2026"),
        ("updated_before", "2026-13-01"),
        ("ordering", "title"),
    ],
)
def test_parse_rejects_bad_value_naming_the_field(name, value):
    with pytest.raises(Invalid) as exc:
        TicketFilters.parse({name: value})
    assert set(exc.value.fields) == {name}


def test_status_open_and_comma_lists_select_the_right_tickets(agent, make_ticket):
    # given
    new = make_ticket(agent, type="consult")
    pending = make_ticket(agent, type="refund")
    services.ticket_update(actor=agent, ticket=pending, version=1, changes={"status": "pending"})
    done = make_ticket(agent, type="complaint")
    agree_solution(done, agent)
    services.ticket_update(actor=agent, ticket=done, version=1, changes={"status": "resolved"})
    # then
    assert _ids(agent, status="open") == {new.pk, pending.pk}
    assert _ids(agent, status="resolved,pending") == {done.pk, pending.pk}
    assert _ids(agent, type="consult,refund") == {new.pk, pending.pk}
    assert status_counts_for(agent) == {
        "new": 1,
        "in_progress": 0,
        "pending": 1,
        "resolved": 1,
        "closed": 0,
    }


def test_q_finds_chinese_keyword(agent, make_ticket):
    # given
    late = make_ticket(agent, title="快递一直没有到")
    make_ticket(agent, title="发票抬头写错了")
    make_ticket(agent, title="咨询尺码", description="想换大一号")
    # then
    assert _ids(agent, q="快递") == {late.pk}
    assert _ids(agent, q="大一号") != set()
    assert _ids(agent, q="没有到 快递") == {late.pk}


def test_q_follows_title_changes(agent, make_ticket):
    ticket = make_ticket(agent, title="咨询尺码")
    services.ticket_update(actor=agent, ticket=ticket, version=1, changes={"title": "快递破损"})
    assert _ids(agent, q="快递") == {ticket.pk}
    assert _ids(agent, q="尺码") == set()


def test_created_after_and_assignee_filters(agent, agent_b, org, make_ticket):
    mine = make_ticket(agent)
    theirs = make_ticket(agent_b)
    nobody = make_ticket(agent, team=org.presale)
    assert _ids(agent, assignee="me") == {mine.pk}
    assert _ids(agent, assignee=str(agent_b.pk)) == {theirs.pk}
    assert _ids(agent, assignee="none") == {nobody.pk}
    assert _ids(agent, team=str(org.presale.pk)) == {nobody.pk}
    tomorrow = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=1)).date().isoformat()
    yesterday = (dt.datetime.now(SHANGHAI) - dt.timedelta(days=1)).date().isoformat()
    assert _ids(agent, created_after=tomorrow) == set()
    assert _ids(agent, created_after=yesterday) == {mine.pk, theirs.pk, nobody.pk}
    assert _ids(agent, created_before=yesterday) == set()
