"""Shared fixtures: the organisation, one user per role, and API clients that carry a token.

The organisation mirrors the demo: an online shop (售前组, 售后一组 …), a property office and a
4S desk, so scope tests read like the product.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import dbtemplate
import hypothesis
import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY
from pytest_django.fixtures import _get_databases_for_setup
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import BusinessLine, Team, User

HUEY.immediate = True
# property tests check rules, not speed: a busy machine (two test workers, a browser) must not
# fail them on hypothesis's timing checks
hypothesis.settings.register_profile(
    "kefu", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("kefu")
# the API's rate limit is counted in every test, but high enough that no suite meets it (the
# rate tests set their own); live servers started by tests inherit it
TEST_API_RATE = 100_000
os.environ.setdefault("KEFU_API_RATE", str(TEST_API_RATE))


def pytest_configure(config):
    # the controlling process names the run, so that its workers share the run's demo snapshot
    if not hasattr(config, "workerinput"):
        import uuid

        os.environ.setdefault(dbtemplate.RUN_ENV, uuid.uuid4().hex[:12])


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        dbtemplate.drop_snapshots()


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """The test database copied from a migrated template (``dbtemplate``), not migrated again
    in every worker; ``setup_databases`` then finds nothing to apply."""
    import sqlite3

    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    config = settings.DATABASES["default"]
    keeper = None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # the in-memory test database lives while one connection to it is open
        keeper = sqlite3.connect("file:memorydb_default?mode=memory&cache=shared", uri=True)
        dbtemplate.load_sqlite_into(keeper)
    else:
        test_name = config.get("TEST", {}).get("NAME") or f"test_{config['NAME']}"
        dbtemplate.create_postgres(os.environ["DATABASE_URL"], test_name)
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=True,
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=request.config.option.verbose, keepdb=True)
        if keeper is not None:
            keeper.close()
        else:
            from django.db import connections

            connections.close_all()
            dbtemplate.drop_postgres(os.environ["DATABASE_URL"], test_name)


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"
    settings.KEFU_API_RATE = TEST_API_RATE


@dataclass
class Org:
    shop: BusinessLine
    property: BusinessLine
    auto: BusinessLine
    presale: Team
    aftersales1: Team
    aftersales2: Team
    wy_front: Team
    s4_front: Team


def _team(line: BusinessLine, name: str) -> Team:
    return Team.objects.get(business_line=line, name=name)


@pytest.fixture
def org(db) -> Org:
    shop = account_services.business_line_create(name="网店", code="shop", industry="ecommerce")
    prop = account_services.business_line_create(name="物业", code="wy", industry="property")
    auto = account_services.business_line_create(name="4S店", code="auto", industry="auto")
    return Org(
        shop=shop,
        property=prop,
        auto=auto,
        presale=_team(shop, "售前组"),
        aftersales1=_team(shop, "售后一组"),
        aftersales2=_team(shop, "售后二组"),
        wy_front=_team(prop, "前台组"),
        s4_front=_team(auto, "服务前台"),
    )


@pytest.fixture
def admin_user(org) -> User:
    return make_user("admin", "admin")


@pytest.fixture
def manager(org) -> User:
    return make_user("manager", "manager", business_line=org.shop)


@pytest.fixture
def supervisor(org) -> User:
    return make_user("supervisor", "supervisor", department=org.aftersales1.department)


@pytest.fixture
def lead(org) -> User:
    return make_user("lead", "lead", team=org.aftersales1)


@pytest.fixture
def agent(org) -> User:
    return make_user("agent", "agent", team=org.aftersales1)


@pytest.fixture
def agent_b(org) -> User:
    """A second agent of the same team (售后一组)."""
    return make_user("agent_b", "agent", team=org.aftersales1)


@pytest.fixture
def agent2(org) -> User:
    """An agent of another team of the same shop (售前组)."""
    return make_user("agent2", "agent", team=org.presale)


@pytest.fixture
def wy_agent(org) -> User:
    return make_user("wy_agent", "agent", team=org.wy_front)


class ApiClient:
    """Django's test client with a Bearer token and JSON bodies."""

    def __init__(self, user: User):
        _, raw = account_services.token_create(user=user, name="test")
        self.user = user
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path, params=None):
        return self.client.get(path, params or {})

    def post(self, path, data=None):
        return self.client.post(path, data or {}, content_type="application/json")

    def patch(self, path, data=None):
        return self.client.patch(path, data or {}, content_type="application/json")

    def delete(self, path):
        return self.client.delete(path)


@pytest.fixture
def api_as():
    """api_as(user) → an ApiClient signed in as that user by token."""
    return ApiClient


@pytest.fixture
def web_as(client):
    """web_as(user) → the test client signed in (session) as that user."""

    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login
