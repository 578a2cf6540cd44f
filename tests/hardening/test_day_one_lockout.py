"""Issue 15, item 3: sign-in throttling that counts atomically, tells nobody whether a user
exists, and cannot keep an account out for longer than the capped back-off.

The parallel tests release threads together on the real database (run them on PostgreSQL with
DATABASE_URL: row locks are what they prove).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.utils import timezone
from testkit import PASSWORD, make_user

from kefu.accounts.models import SignInThrottle, User
from kefu.core.models import AuditEvent

LOGIN = "/accounts/login/"


def _sign_in(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.non_field_errors()]


def together(n: int, work) -> list:
    """Call ``work(i)`` from n threads released at once; each closes its own connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def hasher_calls(monkeypatch) -> list[int]:
    """How often the password hasher ran (one entry per call)."""
    calls: list[int] = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(1)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


# --- parallel tries are counted atomically --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_tries_than_the_limit(org, settings):
    if connection.vendor == "sqlite":
        pytest.skip("threads on the SQLite test database share one in-memory file; PostgreSQL")
    make_user("agent", "agent", team=org.aftersales1)
    factory = RequestFactory()

    def attempt(i: int):
        request = factory.post(LOGIN, REMOTE_ADDR=f"10.1.0.{i}")
        return authenticate(request, username="agent", password=f"guess-{i}")

    results = together(20, attempt)

    assert results == [None] * 20
    user = User.objects.get(username="agent")
    checked = AuditEvent.objects.filter(action="login.failed", object_id=str(user.pk)).count()
    assert checked == settings.KEFU_LOGIN_MAX_FAILURES  # 5 passwords tried, 15 refused
    assert user.failed_logins == settings.KEFU_LOGIN_MAX_FAILURES
    assert user.locked_until is not None


@pytest.mark.django_db(transaction=True)
def test_parallel_tries_from_one_address_stop_at_its_limit(org, settings):
    if connection.vendor == "sqlite":
        pytest.skip("threads on the SQLite test database share one in-memory file; PostgreSQL")
    settings.KEFU_LOGIN_SOURCE_MAX_FAILURES = 8
    factory = RequestFactory()

    def attempt(i: int):
        request = factory.post(LOGIN, REMOTE_ADDR="10.2.0.9")
        return authenticate(request, username=f"nobody{i}", password="guess")

    together(24, attempt)

    # only the tries the address was allowed reached the name check
    assert SignInThrottle.objects.filter(key__startswith="name:").count() == 8
    assert SignInThrottle.objects.get(key="ip:10.2.0.9").failures == 8


# --- nobody learns whether a user exists ----------------------------------------------------


def test_an_unknown_name_is_answered_exactly_like_a_known_one(org, hasher_calls, frozen):
    make_user("agent", "agent", team=org.aftersales1)
    known, unknown = Client(), Client()

    for attempt in range(8):
        before = len(hasher_calls)
        a = _sign_in(known, "agent", "wrong", ip="10.3.0.1")
        ran_known = len(hasher_calls) - before
        before = len(hasher_calls)
        b = _sign_in(unknown, "ghost", "wrong", ip="10.3.0.2")
        ran_unknown = len(hasher_calls) - before

        assert a.status_code == b.status_code == 200, attempt
        assert _errors(a) == _errors(b), attempt
        # the same work: the hasher runs once for every try, refused or not
        assert ran_known == ran_unknown == 1, (attempt, ran_known, ran_unknown)
    assert "locked" in _errors(a)[0]


# --- back-off instead of a hard lock --------------------------------------------------------


def test_the_back_off_doubles_up_to_its_cap_and_then_the_right_password_works(
    org, settings, frozen
):
    agent = make_user("agent", "agent", team=org.aftersales1)
    client = Client()
    for _ in range(settings.KEFU_LOGIN_MAX_FAILURES - 1):
        _sign_in(client, "agent", "wrong")

    waits = []
    for _ in range(7):
        _sign_in(client, "agent", "wrong")
        agent.refresh_from_db()
        wait = agent.locked_until - timezone.now()
        waits.append(int(wait.total_seconds() // 60))
        # a stranger hammering during the back-off is refused and extends nothing
        for _ in range(10):
            _sign_in(client, "agent", "wrong", ip="10.9.9.9")
        agent.refresh_from_db()
        assert agent.locked_until - timezone.now() == wait
        frozen.shift(wait + timedelta(seconds=1))

    assert waits == [1, 2, 4, 8, 15, 15, 15]
    response = _sign_in(client, "agent", PASSWORD)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.failed_logins, agent.locked_until) == (0, None)


def test_an_address_that_fails_too_often_is_throttled_for_every_account(org, settings, frozen):
    settings.KEFU_LOGIN_SOURCE_MAX_FAILURES = 6
    make_user("agent", "agent", team=org.aftersales1)
    client = Client()
    for i in range(6):
        _sign_in(client, f"guess{i}", "wrong", ip="10.4.0.1")

    refused = _sign_in(client, "agent", PASSWORD, ip="10.4.0.1")

    assert refused.status_code == 200
    assert "from your network" in _errors(refused)[0]
    assert "_auth_user_id" not in client.session
    # another address is not affected, and the account itself is not locked
    assert _sign_in(Client(), "agent", PASSWORD, ip="10.4.0.2").status_code == 302
    # the address's window ends
    frozen.shift(timedelta(minutes=settings.KEFU_LOGIN_SOURCE_WINDOW_MINUTES, seconds=1))
    assert _sign_in(client, "agent", PASSWORD, ip="10.4.0.1").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_address(org, settings):
    settings.KEFU_LOGIN_SOURCE_MAX_FAILURES = 3
    make_user("agent", "agent", team=org.aftersales1)
    for _ in range(6):  # an office behind one address signs in all day
        client = Client()
        assert _sign_in(client, "agent", PASSWORD, ip="10.5.0.1").status_code == 302


def test_behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own(org, settings):
    settings.KEFU_LOGIN_SOURCE_MAX_FAILURES = 3
    settings.KEFU_TRUSTED_PROXIES = 1
    make_user("agent", "agent", team=org.aftersales1)
    client = Client()
    for i in range(3):  # the client forges a first address; nginx appends the real one
        client.post(
            LOGIN,
            {"username": f"guess{i}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 10.6.0.1",
        )

    refused = client.post(
        LOGIN,
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.6.0.1",
    )
    other = Client().post(
        LOGIN,
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.6.0.2",
    )

    assert "from your network" in _errors(refused)[0]
    assert other.status_code == 302
