"""Pluggable SMS sending; the default backend writes the message to the log.

``send_sms(phone, text)`` is what every app calls. When the messaging app
(``kefu.channels.messaging``) is installed it registers itself with ``set_sender``: every SMS
then goes through its one adapter interface and outbox (``KEFU_SMS_BACKEND`` = ``log``,
``file``, ``http`` or a dotted path to a class with ``send(phone, text)``), with the per-recipient
daily quota, the business line's quiet hours and the shop signature enforced there.

Customer-facing callers name the business line (``business_line_id=``) and the kind of send
(``kind="reply" | "notice" | "reminder"``), else no line's quiet hours or quota apply. With the
outbox installed ``send_sms`` returns its row: ``row.status == HELD`` means it waits for the end
of the quiet hours (the outbox sends it then); a refusal (quota, opt-out) raises ``NotSent``.

``send_sms_many([(phone, text), …], **options)`` sends a batch (payment reminders): the outbox
writes it with a fixed number of queries whatever its size, and records a refusal on its row
instead of raising.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("kefu.sms")
_sender = None
_bulk_sender = None
#: the status of a message the outbox holds for the line's quiet hours
HELD = "held"


class NotSent(Exception):
    """The outbox refused a message (the daily quota, an opt-out): nothing was sent."""


class LogBackend:
    def send(self, phone: str, text: str) -> None:
        from kefu.core.masking import mask_phone

        log.info("SMS to %s: %s", mask_phone(phone), text)


def set_sender(sender) -> None:
    """Route every ``send_sms`` through ``sender(phone, text, **options)`` (the outbox)."""
    global _sender
    _sender = sender


def set_bulk_sender(sender) -> None:
    """Route every ``send_sms_many`` through ``sender(messages, **options)`` (the outbox)."""
    global _bulk_sender
    _bulk_sender = sender


def send_sms_many(messages: list[tuple[str, str]], **options) -> None:
    """Send many SMS; one failing message does not stop the others (each failure is logged)."""
    if _bulk_sender is not None:
        _bulk_sender(list(messages), **options)
        return
    for phone, text in messages:
        try:
            send_sms(phone, text, **options)
        except Exception:  # a refusal or a gateway error: logged, the others still go
            log.exception("SMS to one recipient of a batch failed")


def send_sms(phone: str, text: str, **options):
    if _sender is not None:
        return _sender(phone, text, **options)
    backend = settings.KEFU_SMS_BACKEND
    if "." not in backend:
        backend = "kefu.core.sms.LogBackend"
    return import_string(backend)().send(phone, text)
