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


def _module_settings(media_root):
    """The suite's test settings (fast hasher, English, mail kept in memory) for data that a
    module-scoped fixture builds outside any test."""
    from django.test import override_settings

    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media_root,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LANGUAGE_CODE="en",
    )


@contextlib.contextmanager
def module_data(django_db_blocker, tmp_dir):
    """Data built once for a module whose tests only read it: built under the suite's test
    settings, flushed after the module."""
    from django.core.management import call_command
    from django.utils import translation

    with (
        django_db_blocker.unblock(),
        _module_settings(tmp_dir / "media"),
        translation.override("en"),
    ):
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


DEMO_TICKETS = 400


@contextlib.contextmanager
def shared_demo(django_db_blocker):
    """`kefu demo --tickets 400` for a module whose tests only read it (a test's own writes roll
    back with its transaction): built once per test run and database engine, loaded from a
    snapshot by every other module that asks (``dbtemplate``); the migrated database is put back
    after the module."""
    import dbtemplate
    from django.utils import translation

    from kefu.demo.builder import build_demo

    media = dbtemplate.demo_media_dir(DEMO_TICKETS)
    with django_db_blocker.unblock(), _module_settings(media), translation.override("en"):
        dbtemplate.load_demo(DEMO_TICKETS, lambda: build_demo(tickets=DEMO_TICKETS))
        try:
            yield
        finally:
            dbtemplate.restore_migrated()
