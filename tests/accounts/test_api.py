"""/api/v1/accounts: me, tokens, and admin lists (design.md REST contract)."""

from __future__ import annotations

from django.test import Client

from kefu.accounts.models import ApiToken


def test_me_returns_the_user_and_placement(api_as, agent, org):
    body = api_as(agent).get("/api/v1/accounts/me").json()

    assert body == {
        "id": agent.pk,
        "username": "agent",
        "name": "agent",
        "role": "agent",
        "business_line": org.shop.pk,
        "department": org.aftersales1.department_id,
        "team": org.aftersales1.pk,
    }


def test_missing_token_gets_401_in_the_error_shape(client, db):
    response = client.get("/api/v1/accounts/me")

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert error["message"]
    assert error["fields"] == {}


def test_a_wrong_token_gets_401(client, agent):
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer kf_nope")

    assert response.status_code == 401


def test_token_created_by_api_is_returned_once_and_works(api_as, agent):
    api = api_as(agent)

    response = api.post("/api/v1/accounts/tokens", {"name": "robot"})

    body = response.json()
    assert response.status_code == 201
    stored = ApiToken.objects.get(pk=body["id"])
    assert body["token"].startswith(stored.prefix)
    assert stored.key_hash != body["token"]
    listing = api.get("/api/v1/accounts/tokens").json()
    assert "token" not in listing["items"][0]
    assert {t["name"] for t in listing["items"]} == {"robot", "test"}
    me = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200


def test_revoked_token_then_gets_401(api_as, agent):
    api = api_as(agent)
    created = api.post("/api/v1/accounts/tokens", {"name": "short-lived"}).json()
    other = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}")

    response = api.delete(f"/api/v1/accounts/tokens/{created['id']}")

    assert response.status_code == 204
    assert other.get("/api/v1/accounts/me").status_code == 401


def test_revoking_another_users_token_is_not_found(api_as, agent, agent_b):
    created = api_as(agent_b).post("/api/v1/accounts/tokens", {}).json()

    response = api_as(agent).delete(f"/api/v1/accounts/tokens/{created['id']}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_token_name_too_long_is_a_validation_error(api_as, agent):
    response = api_as(agent).post("/api/v1/accounts/tokens", {"name": "x" * 101})

    assert response.status_code == 422
    assert "name" in response.json()["error"]["fields"]


def test_users_and_teams_of_other_business_lines_stay_hidden(api_as, manager, org, wy_agent):
    # every role reads the names of its own business line (issue 16; tests/api/test_directory.py)
    api = api_as(manager)

    users = api.get("/api/v1/accounts/users", {"limit": 200}).json()["items"]
    teams = api.get("/api/v1/accounts/teams", {"limit": 200}).json()["items"]

    assert "wy_agent" not in {u["username"] for u in users}
    assert {t["business_line"] for t in teams} == {org.shop.pk}


def test_admin_lists_users_by_role_with_a_cursor(
    api_as, admin_user, agent, agent_b, agent2, lead, django_assert_max_num_queries
):
    api = api_as(admin_user)

    with django_assert_max_num_queries(6):
        first = api.get("/api/v1/accounts/users", {"role": "agent", "limit": 2}).json()
    second = api.get(
        "/api/v1/accounts/users", {"role": "agent", "limit": 2, "cursor": first["next"]}
    ).json()

    names = [u["username"] for u in first["items"] + second["items"]]
    assert names == ["agent", "agent2", "agent_b"]
    assert second["next"] is None


def test_user_list_rejects_an_unknown_role_and_a_bad_cursor(api_as, admin_user):
    api = api_as(admin_user)

    assert api.get("/api/v1/accounts/users", {"role": "boss"}).status_code == 400
    bad = api.get("/api/v1/accounts/users", {"cursor": "not-a-cursor"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"cursor": "Not a valid cursor."}


def test_admin_lists_teams_of_a_business_line(api_as, admin_user, org):
    body = (
        api_as(admin_user).get("/api/v1/accounts/teams", {"business_line": org.property.pk}).json()
    )

    assert {t["name"] for t in body["items"]} == {"前台组", "管家组"}
    assert {t["business_line"] for t in body["items"]} == {org.property.pk}


def test_business_lines_are_scoped(api_as, admin_user, agent, org):
    mine = api_as(agent).get("/api/v1/accounts/business-lines").json()
    every = api_as(admin_user).get("/api/v1/accounts/business-lines").json()

    assert [b["code"] for b in mine["items"]] == ["shop"]
    assert [b["code"] for b in every["items"]] == ["shop", "wy", "auto"]
