"""Teams and users readable with their names by every role, inside the business line (every
line for an administrator), in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from testkit import make_user


@pytest.mark.parametrize("role", ["agent", "lead", "supervisor", "manager"])
def test_every_role_reads_the_teams_of_its_business_line(api_as, org, role, request):
    user = request.getfixturevalue({"agent": "agent"}.get(role, role))

    answer = api_as(user).get("/api/v1/accounts/teams", {"limit": 200})

    assert answer.status_code == 200, answer.content
    teams = answer.json()["items"]
    names = {t["name"] for t in teams}
    assert {"售前组", "售后一组"} <= names
    assert {t["business_line"] for t in teams} == {org.shop.pk}
    assert all(t["department_name"] and t["business_line_name"] for t in teams)


def test_an_agent_reads_the_people_of_its_business_line_with_names(api_as, agent, agent2, wy_agent):
    answer = api_as(agent).get("/api/v1/accounts/users", {"limit": 200})

    assert answer.status_code == 200, answer.content
    people = {u["username"]: u for u in answer.json()["items"]}
    assert "agent2" in people and "wy_agent" not in people
    assert people["agent2"]["name"]
    assert people["agent2"]["team_name"] == "售前组"
    assert people["agent"]["team_name"] == "售后一组"
    assert people["agent"]["department_name"]


def test_the_administrator_reads_everyone(api_as, admin_user, agent, wy_agent):
    answer = api_as(admin_user).get("/api/v1/accounts/users", {"limit": 200})

    names = {u["username"] for u in answer.json()["items"]}
    assert {"agent", "wy_agent", admin_user.username} <= names


def test_filters_still_work(api_as, agent, agent2, lead, org):
    api = api_as(agent)

    leads = api.get("/api/v1/accounts/users", {"role": "lead"}).json()["items"]
    presale = api.get("/api/v1/accounts/users", {"team": org.presale.pk}).json()["items"]
    bad = api.get("/api/v1/accounts/users", {"role": "boss"})

    assert [u["username"] for u in leads] == ["lead"]
    assert [u["username"] for u in presale] == ["agent2"]
    assert bad.status_code == 400


def test_the_lists_take_a_bounded_number_of_queries(api_as, admin_user, org):
    for i in range(12):
        make_user(f"extra{i}", "agent", team=org.aftersales1 if i % 2 else org.presale)
    api = api_as(admin_user)
    api.get("/api/v1/accounts/users")  # the token's first use writes last_used_at

    with CaptureQueriesContext(connection) as users:
        assert api.get("/api/v1/accounts/users", {"limit": 50}).status_code == 200
    with CaptureQueriesContext(connection) as teams:
        assert api.get("/api/v1/accounts/teams", {"limit": 50}).status_code == 200

    assert len(users) <= 4, [q["sql"] for q in users]
    assert len(teams) <= 4, [q["sql"] for q in teams]
