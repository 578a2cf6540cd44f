"""The home page without data: empty states, and sign-in first (foundation issue §6 "home")."""

from __future__ import annotations

import re


def _figure(html: str, element_id: str) -> int:
    return int(re.search(rf'id="{element_id}">(\d+)<', html).group(1))


def test_home_without_tickets_shows_empty_states(web_as, agent):
    response = web_as(agent).get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'id="no-tickets"' in html
    assert 'id="my-open-empty"' in html
    assert _figure(html, "my-open") == 0


def test_home_requires_sign_in(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]
