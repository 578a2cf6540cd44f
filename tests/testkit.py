"""Plain helpers shared by tests (importable as ``testkit``; conftest modules are not)."""

from __future__ import annotations

from kefu.accounts import services as account_services
from kefu.accounts.models import User

PASSWORD = "Kefu-test-2026!"


def make_user(username: str, role: str, **placement) -> User:
    return account_services.user_create(
        username=username, password=PASSWORD, role=role, display_name=username, **placement
    )
