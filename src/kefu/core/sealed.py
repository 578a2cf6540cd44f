"""Secrets the server must read back (webhook signing keys) stored sealed, not in plain text.

``SealedCharField`` encrypts with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the
installation's ``SECRET_KEY`` (generated once into the data dir and kept in backups), so a copy
of the database alone does not give an outsider the keys that sign Kefu's webhooks. Values read
from rows written before sealing (plain text) are returned as they are until saved again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"kefu.core.sealed:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def unseal(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before sealing
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # another installation's key: refuse loudly, never sign with junk
        raise ImproperlyConfigured(
            "A sealed secret cannot be opened with this SECRET_KEY (restored without its key?)."
        ) from exc


class SealedCharField(models.CharField):
    """A CharField whose value is sealed in the database; ``max_length`` bounds the plain value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        # a sealed value is about 1.4 × the plain one plus 100 characters
        return models.CharField(max_length=self.max_length * 2 + 120).db_type(connection)

    def from_db_value(self, value, expression, connection):
        return value if value is None else unseal(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else seal(value)
