"""Mail helpers shared by every app that sends e-mail."""

from __future__ import annotations

import unicodedata

SUBJECT_MAX = 150


def header_safe(text, limit: int = SUBJECT_MAX) -> str:
    """``text`` fit for a mail header (a subject): line breaks of every kind and other control
    characters become spaces, runs of spaces one, at most ``limit`` characters. Django refuses a
    header with a newline (BadHeaderError), and a ticket title or a customer name may hold one."""
    out = [" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(text or "")]
    clean = " ".join("".join(out).split())
    return clean[:limit].rstrip()
