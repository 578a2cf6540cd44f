"""Fixtures of the e-mail channel: a mailbox of the online shop, a real SMTP catcher (aiosmtpd)
for the mail Kefu sends."""

from __future__ import annotations

import os

import pytest

from kefu.channels import services
from kefu.channels.models import Mailbox

from .mailkit import free_port


@pytest.fixture
def mailbox(org, manager, agent) -> Mailbox:
    return services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )


@pytest.fixture
def smtp_catcher(settings):
    """A real SMTP server (aiosmtpd) on a free port; Django sends to it. Yields the list of
    received envelopes (each with ``.content`` bytes and ``.rcpt_tos``)."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.received.append(envelope)
            return "250 OK"

    handler = Keep()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler.received
    finally:
        controller.stop()


#: the one skip CI accepts here: a test that needs two real PostgreSQL connections, run by the
#: PostgreSQL pass of ``make test`` (the SQLite pass cannot hold two writers on its test database)
POSTGRES_ONLY = "PostgreSQL only"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Issue 17 "Must show": under CI (``CI=true``) a skipped mail test is a failure — a server
    that could not start (dovecot) or anything else skipped must not pass silently."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") != "true" or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    if POSTGRES_ONLY in reason and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI=true (issue 17: a skipped mail test is a failure): {reason}"
    )
