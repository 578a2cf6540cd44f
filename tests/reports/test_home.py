"""The home page (foundation issue §6 "home"): my open tickets, due and overdue counts, figures
for the user's scope as SQL aggregates, charts, and per-team counts for leads and above."""

from __future__ import annotations

import json
import re

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone
from testkit import shared_demo

from kefu.accounts.models import Team, User
from kefu.tickets.models import OPEN_STATUSES, Status, Ticket


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """One demo for the module (building it is most of the module's time); the pages only read."""
    with shared_demo(django_db_blocker):
        yield


@pytest.fixture
def demo(demo_data, db):
    pass


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False):
        yield timezone.now()


def _page(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response, response.content.decode()


def _figure(html: str, element_id: str) -> int:
    return int(re.search(rf'id="{element_id}">(\d+)<', html).group(1))


def _expected(tickets, now):
    open_ = tickets.filter(status__in=OPEN_STATUSES)
    return {
        "open": open_.count(),
        "overdue": open_.filter(due_at__lt=now).count(),
        "status": {s: tickets.filter(status=s).count() for s in Status.values},
    }


@pytest.mark.parametrize(
    ("username", "scope"),
    [
        ("agent", lambda u: Q(team=u.team) | Q(assignee=u) | Q(first_owner=u)),
        ("supervisor", lambda u: Q(department=u.department)),
    ],
)
def test_home_figures_equal_the_sql_counts_of_the_users_scope(
    demo, frozen, client, username, scope
):
    user = User.objects.get(username=username)
    expected = _expected(Ticket.objects.filter(scope(user)), frozen)
    mine = _expected(Ticket.objects.filter(Q(assignee=user) | Q(first_owner=user)), frozen)

    response, html = _page(client, user)
    figures = response.context["figures"]

    assert _figure(html, "scope-open") == expected["open"]
    assert _figure(html, "scope-overdue") == expected["overdue"]
    assert _figure(html, "my-open") == mine["open"]
    assert _figure(html, "my-overdue") == mine["overdue"]
    assert {code: n for code, _label, n in figures.by_status} == {
        s: n for s, n in expected["status"].items() if n
    }
    assert _figure(html, "scope-total") == sum(expected["status"].values())


def test_agent_and_supervisor_see_different_scopes(demo, frozen, client):
    agent = User.objects.get(username="agent")
    supervisor = User.objects.get(username="supervisor")

    _r, agent_html = _page(client, agent)
    _r, supervisor_html = _page(client, supervisor)

    assert _figure(agent_html, "scope-total") < _figure(supervisor_html, "scope-total")
    assert 'id="by-team"' not in agent_html
    assert 'id="by-team"' in supervisor_html


def test_my_open_tickets_are_mine_open_and_ordered_by_due_time(demo, frozen, client):
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
    agent = open_tickets.order_by("id").first().assignee

    response, html = _page(client, agent)
    listed = response.context["figures"].my_open

    assert 0 < len(listed) <= 10
    assert [t.due_at for t in listed] == sorted(t.due_at for t in listed)
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in listed]):
        assert ticket.status in OPEN_STATUSES
        assert agent.pk in (ticket.assignee_id, ticket.first_owner_id)
        assert ticket.number in html


def test_per_team_counts_for_a_supervisor_add_up(demo, frozen, client):
    supervisor = User.objects.get(username="supervisor")

    response, _html = _page(client, supervisor)
    rows = response.context["figures"].by_team

    assert len(rows) == 5
    for row in rows:
        team_tickets = Ticket.objects.filter(team_id=row["team_id"])
        assert row["total"] == team_tickets.count()
        assert row["open"] == team_tickets.filter(status__in=OPEN_STATUSES).count()
        assert (
            row["overdue"]
            == team_tickets.filter(status__in=OPEN_STATUSES, due_at__lt=frozen).count()
        )


def test_type_and_channel_charts_are_echarts_served_from_static_files(demo, client):
    manager = User.objects.get(username="manager")

    response, html = _page(client, manager)
    figures = response.context["figures"]
    for element_id, rows in (
        ("chart-type", figures.by_type),
        ("chart-channel", figures.by_channel),
    ):
        assert f'data-chart="{element_id}-data"' in html
        option = json.loads(
            re.search(rf'id="{element_id}-data"[^>]*>(.*?)</script>', html).group(1)
        )
        assert option["series"][0]["data"] == [n for _c, _l, n in rows]
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "cdn" not in html.lower()


def test_home_runs_a_bounded_number_of_queries(demo, client, django_assert_max_num_queries):
    manager = User.objects.get(username="manager")
    client.force_login(manager)

    with django_assert_max_num_queries(12):
        response = client.get("/")

    assert response.status_code == 200


def test_admin_sees_every_team_of_every_business_line(demo, client):
    admin = User.objects.get(username="admin")

    response, html = _page(client, admin)
    rows = response.context["figures"].by_team

    # the four lines' teams, the school's included; the shop's 双11 practice team (the live
    # drill, issue 19) counts nowhere
    assert len(rows) == Team.objects.filter(is_practice=False).count() == 11
    practice = Team.objects.get(is_practice=True)
    assert practice.pk not in {r["team_id"] for r in rows}
    assert sum(r["total"] for r in rows) == Ticket.objects.count()
    assert "物业服务中心" in html and "4S店售后" in html
