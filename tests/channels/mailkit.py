"""Helpers of the e-mail channel tests: the .eml corpus and a free port."""

from __future__ import annotations

import socket
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CUSTOMER = "lixiaoming@example.com"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eml(name: str, **subs: str) -> bytes:
    """A fixture's bytes with ``{CUSTOMER}``, ``{NUMBER}``, ``{REF}`` filled in."""
    data = (FIXTURES / name).read_bytes()
    subs.setdefault("CUSTOMER", CUSTOMER)
    for key, value in subs.items():
        data = data.replace(b"{" + key.encode() + b"}", value.encode())
    return data
