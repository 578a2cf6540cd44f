"""Plain helpers shared by tests (importable as ``testkit``; conftest modules are not)."""

from __future__ import annotations

import contextlib

from kefu.accounts import services as account_services
from kefu.accounts.models import User

PASSWORD = "Kefu-test-2026!"


def make_user(username: str, role: str, **placement) -> User:
    return account_services.user_create(
        username=username, password=PASSWORD, role=role, display_name=username, **placement
    )


def agree_solution(ticket, actor) -> None:
    """Take a complaint through 澄清判定 to 方案协商 (a solution agreed), so that it may be
    resolved (complaint stages, CMP-1). Does nothing for other tickets or a later stage."""
    from kefu.tickets import complaints
    from kefu.tickets.models_sla import Stage

    if ticket.type != "complaint":
        return
    case = complaints.complaint_case(ticket)
    if case.stage == Stage.ACCEPTED:
        complaints.complaint_advance(
            actor=actor, ticket=ticket, stage=Stage.CLARIFIED, validity="valid"
        )
        case = complaints.complaint_case(ticket)
    if case.stage == Stage.CLARIFIED:
        complaints.complaint_advance(
            actor=actor,
            ticket=ticket,
            stage=Stage.SOLUTION,
            options=["补发", "退款"],
            agreed_option="补发",
        )


@contextlib.contextmanager
def module_data(django_db_blocker, tmp_dir):
    """Data built once for a module whose tests only read it: built under the suite's test
    settings (fast hasher, English, mail kept in memory), flushed after the module."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import translation

    test_settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_dir / "media",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LANGUAGE_CODE="en",
    )
    with django_db_blocker.unblock(), test_settings, translation.override("en"):
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
