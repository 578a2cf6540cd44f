"""``kefu mail smtpd``: an inbound SMTP endpoint (aiosmtpd) that a relay delivers to; each message
goes through the one ingest path into the mailbox its recipient address names."""

from __future__ import annotations

import logging
import signal
import threading

from asgiref.sync import sync_to_async

log = logging.getLogger("kefu.channels.smtpd")
#: set to stop ``serve`` (SIGTERM sets it; so can a test running the command in a thread)
stopping = threading.Event()


def _ingest_for(rcpts: list[str], raw: bytes) -> str:
    from django.db import close_old_connections

    from kefu.channels import services
    from kefu.channels.models import Mailbox

    close_old_connections()
    boxes = list(Mailbox.objects.filter(address__in=[r.lower() for r in rcpts], is_active=True))
    if not boxes:
        return "550 5.1.1 No such mailbox here"
    from kefu.core.errors import DomainError

    try:
        for mailbox in boxes:
            services.ingest(raw, mailbox=mailbox)
    except DomainError as exc:  # empty or too large: a relay must not try it again
        return f"554 5.6.0 {exc.message}"
    return "250 OK"


def _known(address: str) -> bool:
    from django.db import close_old_connections

    from kefu.channels.models import Mailbox

    close_old_connections()
    return Mailbox.objects.filter(address=address.lower(), is_active=True).exists()


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if not await sync_to_async(_known, thread_sensitive=True)(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        try:
            return await sync_to_async(_ingest_for, thread_sensitive=True)(
                list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)
            )
        except Exception:
            log.exception("inbound SMTP: the message could not be imported")
            return "451 4.3.0 Temporary failure, try again later"


def controller(host: str, port: int):
    from aiosmtpd.controller import Controller

    return Controller(Handler(), hostname=host, port=port, data_size_limit=40 * 1024 * 1024)


def serve(host: str, port: int) -> None:
    """Listen until stopped (Ctrl-C, SIGTERM or ``stopping``). An address that cannot be
    listened on (in use, an unknown host) raises OSError before anything is served."""
    ctl = controller(host, port)
    ctl.start()
    stopping.clear()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_args: stopping.set())
    print(f"Listening for mail on {host}:{port}", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        ctl.stop()
