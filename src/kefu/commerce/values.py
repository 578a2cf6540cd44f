"""Cell values of imports and CLI files: times, amounts, yes/no. Pure: no Django.

Raise ``ValueError`` with an English reason; interfaces turn it into a row error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from kefu.commerce.reminder_rules import SHANGHAI

_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


def parse_time(value, tz: dt.tzinfo = SHANGHAI) -> dt.datetime | None:
    """An aware datetime; "" → None. A time without an offset is read in ``tz``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in _FORMATS:
                try:
                    parsed = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 (zone set below)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(f"not a time: {text}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def parse_amount(value) -> Decimal:
    text = str(value).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value}") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValueError(f"not an amount: {value}")
    return amount.quantize(Decimal("0.01"))


_TRUE = {"1", "true", "yes", "y", "是", "在线", "online"}
_FALSE = {"0", "false", "no", "n", "否", "离线", "offline", ""}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not 1 or 0: {value}")
