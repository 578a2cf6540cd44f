"""Bounds on what a client may send, shared by forms, pages and the API.

A date outside ``MIN_DATE``–``MAX_DATE`` (0001-01-01, 9999-12-31) is no date a department plans
or records, and turning it into a Shanghai day's start in UTC overflows Python's datetime; an
id beyond ``MAX_ID`` overflows the database's bigint. Both are client mistakes: a 4xx with a
message, or a filter ignored, never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy
from pydantic import Field

from kefu.core.widgets import DateInput

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
MAX_ID = 2**63 - 1

# API parameters: pydantic refuses values outside the range with a 422 naming the field
Day = Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


RANGE_MESSAGE = gettext_lazy("Enter a date between 1900-01-01 and 2999-12-31.")


def date_range_message() -> str:
    return str(RANGE_MESSAGE)


def date_in_range(day: dt.date | dt.datetime) -> bool:
    if isinstance(day, dt.datetime):
        day = day.date()
    return MIN_DATE <= day <= MAX_DATE


def lenient_date(raw) -> dt.date | None:
    """A date from a query parameter, or None when it is no date or out of range (a 2026-02-30,
    a 9999-12-31): for filters where a bad value is ignored."""
    try:
        day = parse_date(str(raw or "").strip())
    except ValueError:
        return None
    return day if day is not None and date_in_range(day) else None


def id_or_none(raw) -> int | None:
    """A positive id within the database's range from a query parameter, or None."""
    raw = str(raw or "").strip()
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ID:
        return int(raw)
    return None


class DateField(forms.DateField):
    """A form date within ``MIN_DATE``–``MAX_DATE``, with the ISO date picker."""

    widget = DateInput
    default_error_messages = {
        "invalid": gettext_lazy("Enter a valid date."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(MinValueValidator(MIN_DATE, message=RANGE_MESSAGE))
        self.validators.append(MaxValueValidator(MAX_DATE, message=RANGE_MESSAGE))
