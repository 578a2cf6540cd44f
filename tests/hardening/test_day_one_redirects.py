"""Issue 15, item 4: a ``next`` that leaves the site is refused everywhere it is read.

Sign-in, sign-out, the language switch and every view that reads ``next`` send the browser only
back into Kefu: ``//evil.example``, ``https://evil.example`` and ``/\\evil.example`` fall back
to the view's own default.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from testkit import PASSWORD

HOSTILE = ["//evil.example/x", "https://evil.example/x", "/\\evil.example/x", "\\\\evil.example"]


def _stays_home(response) -> None:
    assert response.status_code in (200, 204, 302), response.status_code
    location = response.headers.get("Location", "")
    assert "evil" not in location, location
    assert not location.startswith(("//", "/\\", "\\")), location
    assert location == "" or location.startswith("/"), location


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_sends_the_browser_elsewhere(client, agent, target):
    response = client.post(
        reverse("accounts:login"),
        {"username": "agent", "password": PASSWORD, "next": target},
    )
    _stays_home(response)
    assert response.status_code == 302  # signed in, sent home


@pytest.mark.parametrize("target", HOSTILE)
def test_the_sign_in_page_does_not_carry_a_foreign_next(client, org, target):
    response = client.get(reverse("accounts:login"), {"next": target})
    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_out_never_sends_the_browser_elsewhere(web_as, agent, target):
    response = web_as(agent).post(reverse("accounts:logout"), {"next": target})
    _stays_home(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_sends_the_browser_elsewhere(web_as, agent, target):
    response = web_as(agent).post(
        reverse("set_language"), {"language": "en", "next": target}, HTTP_ACCEPT="text/html"
    )
    _stays_home(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_marking_a_task_done_never_sends_the_browser_elsewhere(web_as, agent, target):
    response = web_as(agent).post(reverse("sla:task_done", args=[999999]), {"next": target})
    _stays_home(response)
    assert response.headers["Location"] == reverse("sla:tasks")


def test_marking_a_task_done_goes_back_to_the_page_it_came_from(web_as, agent):
    back = reverse("sla:tasks") + "?tab=overdue"
    response = web_as(agent).post(reverse("sla:task_done", args=[999999]), {"next": back})
    assert response.headers["Location"] == back
