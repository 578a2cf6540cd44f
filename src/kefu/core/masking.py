"""Masking of contact data for roles without the right to see it (pure, no Django import)."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D+")


def normalize_phone(raw: str | None) -> str:
    """Digits only, without a +86/0086 country prefix: '+86 138-0013-8000' → '13800138000'."""
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def mask_phone(phone: str | None) -> str:
    """138****1234 for a mobile; keep the first 3 and last 4 digits, hide the rest."""
    phone = phone or ""
    if len(phone) <= 4:
        return "*" * len(phone)
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 3) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_address(address: str | None) -> str:
    """Keep the first 6 characters (district level) and hide the rest."""
    address = address or ""
    if len(address) <= 6:
        return address[:2] + "*" * max(len(address) - 2, 0)
    return address[:6] + "*" * min(len(address) - 6, 8)
