"""Sign-in, lockout and sign-out through the real login page (design.md: login throttling)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from testkit import PASSWORD

LOGIN = "/accounts/login/"


def _sign_in(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_sign_in_with_the_right_password_opens_the_home_page(client, agent):
    response = _sign_in(client, "agent", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("accounts:me")).status_code == 200


def test_wrong_password_shows_a_clear_message(client, agent):
    response = _sign_in(client, "agent", "wrong")

    assert response.status_code == 200
    assert "The username or password is wrong" in response.content.decode()


def test_account_locks_after_max_failures_with_a_clear_message(client, agent, settings, frozen):
    """ACL: KEFU_LOGIN_MAX_FAILURES failures in a row start a back-off of one minute."""
    # given four failures, the account still accepts the right password
    for _ in range(settings.KEFU_LOGIN_MAX_FAILURES - 1):
        _sign_in(client, "agent", "wrong")
    agent.refresh_from_db()
    assert agent.locked_until is None

    # when the fifth failure arrives
    response = _sign_in(client, "agent", "wrong")

    # then the page says the account is locked and for how long
    body = response.content.decode()
    assert "locked for 1 minute." in body
    agent.refresh_from_db()
    assert agent.locked_until == timezone.now() + timedelta(minutes=1)


def test_locked_account_cannot_sign_in_even_with_the_right_password(client, agent, frozen):
    for _ in range(5):
        _sign_in(client, "agent", "wrong")

    response = _sign_in(client, "agent", PASSWORD)

    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_opens_after_the_back_off(client, agent, settings, frozen):
    for _ in range(5):
        _sign_in(client, "agent", "wrong")

    frozen.shift(timedelta(seconds=59))
    assert _sign_in(client, "agent", PASSWORD).status_code == 200  # still locked

    frozen.shift(timedelta(seconds=2))
    response = _sign_in(client, "agent", PASSWORD)

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.locked_until is None
    assert agent.failed_logins == 0


def test_a_successful_sign_in_resets_the_failure_count(client, agent):
    for _ in range(4):
        _sign_in(client, "agent", "wrong")
    assert _sign_in(client, "agent", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        _sign_in(client, "agent", "wrong")

    agent.refresh_from_db()
    assert agent.locked_until is None


def test_lock_settings_are_honoured(client, agent, settings, frozen):
    settings.KEFU_LOGIN_MAX_FAILURES = 2
    settings.KEFU_LOGIN_LOCK_MINUTES = 3

    _sign_in(client, "agent", "wrong")
    assert "locked for 1 minute." in _sign_in(client, "agent", "wrong").content.decode()
    frozen.shift(timedelta(minutes=1, seconds=1))
    assert "locked for 2 minutes" in _sign_in(client, "agent", "wrong").content.decode()
    frozen.shift(timedelta(minutes=2, seconds=1))
    assert "locked for 3 minutes" in _sign_in(client, "agent", "wrong").content.decode()  # cap


def test_sign_out_is_a_post_and_ends_the_session(web_as, agent):
    client = web_as(agent)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 302
