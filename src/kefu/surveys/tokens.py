"""Signed survey links: ``TimestampSigner`` over the invitation id, so a link cannot be guessed
or altered, and it carries the time it was signed (the expiry is checked against it)."""

from __future__ import annotations

import datetime as dt

from django.core import signing

SALT = "kefu.surveys.invitation"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(invitation_id: int) -> str:
    return _signer().sign(str(invitation_id))


def token_invitation_id(token: str) -> int:
    """The invitation id of a well-signed token; ``signing.BadSignature`` otherwise."""
    value = _signer().unsign(token)
    if not value.isdigit():
        raise signing.BadSignature("not an id")
    return int(value)


def token_fresh(token: str, *, max_age: dt.timedelta) -> bool:
    """False when the token was signed more than ``max_age`` ago."""
    try:
        _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        return False
    return True
