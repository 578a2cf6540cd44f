"""Inbound webhook signatures, pure: HMAC-SHA256 over ``timestamp + "." + body`` with the
shared secret, hex-encoded; a timestamp more than ``WINDOW`` seconds from now is a replay."""

from __future__ import annotations

import hashlib
import hmac

WINDOW = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check(
    secret: str, timestamp: str, body: bytes, signature: str, now: float, window: int = WINDOW
) -> str | None:
    """None when the request is genuine and fresh; else why not: ``bad_signature`` or
    ``replayed`` (a timestamp outside the window). The signature is compared in constant time."""
    if not secret or not timestamp or not signature:
        return "bad_signature"
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        return "bad_signature"
    try:
        sent = float(timestamp)
    except ValueError:
        return "bad_signature"
    if abs(now - sent) > window:
        return "replayed"
    return None
