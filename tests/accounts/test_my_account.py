"""The "My account" page: placement, password change, API tokens created once and revoked."""

from __future__ import annotations

import re

from django.urls import reverse
from testkit import PASSWORD

from kefu.accounts.models import ApiToken
from kefu.accounts.services import hash_token


def test_my_account_shows_role_and_placement(web_as, agent, org):
    response = web_as(agent).get(reverse("accounts:me"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Agent" in body
    assert "网店" in body and "客服部" in body and "售后一组" in body


def test_my_account_requires_sign_in(client, db):
    response = client.get(reverse("accounts:me"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_token_is_shown_once_and_stored_only_as_a_hash(web_as, agent):
    client = web_as(agent)

    response = client.post(reverse("accounts:token_create"), {"name": "crm"})

    raw = re.search(r'id="raw-token" readonly value="([^"]+)"', response.content.decode())[1]
    token = ApiToken.objects.get(user=agent)
    assert token.key_hash == hash_token(raw)
    assert raw not in {token.key_hash, token.prefix, token.name}
    assert raw.startswith(token.prefix)
    # the next visit lists the token by prefix but never shows the raw value again
    listing = client.get(reverse("accounts:me")).content.decode()
    assert token.prefix in listing
    assert raw not in listing


def test_raw_token_is_nowhere_in_the_database(web_as, agent, django_db_blocker):
    from django.db import connection

    response = web_as(agent).post(reverse("accounts:token_create"), {"name": "x"})
    raw = re.search(r'value="(kf_[^"]+)"', response.content.decode())[1]

    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
        for table in tables:
            cur.execute(f'SELECT * FROM "{table}"')
            assert not any(raw in str(row) for row in cur.fetchall()), table


def test_revoked_token_no_longer_authenticates(web_as, agent):
    client = web_as(agent)
    response = client.post(reverse("accounts:token_create"), {"name": "old"})
    raw = re.search(r'value="(kf_[^"]+)"', response.content.decode())[1]
    token = ApiToken.objects.get(user=agent)
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    client.post(reverse("accounts:token_revoke", args=[token.pk]))

    client.logout()
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_user_cannot_revoke_someone_elses_token(web_as, agent, agent_b):
    from kefu.accounts.services import token_create

    token, _raw = token_create(user=agent_b)

    web_as(agent).post(reverse("accounts:token_revoke", args=[token.pk]))

    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_a_post(web_as, agent):
    from kefu.accounts.services import token_create

    token, _raw = token_create(user=agent)

    response = web_as(agent).get(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 405


def test_password_change_needs_the_current_password(web_as, agent):
    client = web_as(agent)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password": "Xy7-long-new!", "new_password2": "Xy7-long-new!"},
    )

    assert response.status_code == 400
    assert "The current password is wrong." in response.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_password_change_keeps_the_user_signed_in(web_as, agent):
    client = web_as(agent)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password": "Xy7-long-new!",
            "new_password2": "Xy7-long-new!",
        },
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Xy7-long-new!")
    assert client.get(reverse("accounts:me")).status_code == 200


def test_password_change_refuses_a_weak_password(web_as, agent):
    response = web_as(agent).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "123", "new_password2": "123"},
    )

    assert response.status_code == 400
    assert "too short" in response.content.decode()


def test_navbar_has_account_links_and_organisation_only_for_admins(web_as, agent, admin_user):
    agent_page = web_as(agent).get(reverse("accounts:me")).content.decode()
    admin_page = web_as(admin_user).get(reverse("accounts:me")).content.decode()

    assert reverse("accounts:password_change") in agent_page
    assert reverse("accounts:org") not in agent_page
    assert reverse("accounts:org") in admin_page
