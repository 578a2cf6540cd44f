"""The ticket list opens where each role's work is (issue 15), on the demo data set: every demo
role lands on its own queue, and it holds tickets."""

from __future__ import annotations

import pytest
from testkit import shared_demo

from kefu.accounts.models import User

from .test_list_default_tab import URL, _active_tab, _rows


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with shared_demo(django_db_blocker):
        yield


@pytest.fixture
def demo(built, db):
    return None


def test_every_demo_role_opens_the_list_on_work(demo, client):
    # given the demo data set
    expected = {
        "agent": "mine",
        "agent2": "mine",
        "wy_agent": "mine",
        "4s_agent": "mine",
        "lead": "team",
        "supervisor": "department",
        "manager": "attention",
        "admin": "attention",
    }
    for username, tab in expected.items():
        client.force_login(User.objects.get(username=username))
        response = client.get(URL)
        # then the list opens on the role's queue, and it holds tickets
        assert _active_tab(response) == tab, username
        assert _rows(response), f"{username}'s default list is empty"
        client.logout()
