"""Signing and verifying webhook bodies (no Django import: receivers may copy this module).

Every delivery carries ``X-Kefu-Timestamp`` (Unix seconds) and ``X-Kefu-Signature``:
``sha256=`` + the hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with the subscription's
secret, where ``body`` is the exact bytes of the request body.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "sha256="
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Kefu-Signature`` value of ``body`` sent at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    return PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` is ours for ``body`` and ``timestamp`` is recent (± ``tolerance``
    seconds, against replays). Compares in constant time."""
    if not timestamp or not signature or not str(timestamp).isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff_seconds(failures: int) -> int:
    """The wait before the next attempt after ``failures`` failed ones: 1 min, 2, 4 … ≤ 1 h."""
    return min(60 * 2 ** max(failures - 1, 0), 3600)
