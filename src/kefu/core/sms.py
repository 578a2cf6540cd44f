"""Pluggable SMS sending; the default backend writes the message to the log."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("kefu.sms")


class LogBackend:
    def send(self, phone: str, text: str) -> None:
        from kefu.core.masking import mask_phone

        log.info("SMS to %s: %s", mask_phone(phone), text)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.KEFU_SMS_BACKEND)().send(phone, text)
