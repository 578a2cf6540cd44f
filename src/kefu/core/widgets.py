"""Form widgets for the browser's own date and time pickers.

An ``<input type="date">`` accepts only an ISO value (``2026-06-05``); anything else — such as
the Chinese locale's first input format ``2026/06/05`` — is dropped by the browser, so the field
shows empty and an unchanged form saves the date away. These widgets always render the wire
format the input type requires, whatever the active language; every form uses them instead of
Django's localized ``DateInput``/``DateTimeInput``/``TimeInput``.
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    """``<input type="date">`` rendering ``YYYY-MM-DD`` in every language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` rendering ``YYYY-MM-DDTHH:MM`` (local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATETIME_LOCAL)


class TimeInput(forms.TimeInput):
    """``<input type="time">`` rendering ``HH:MM`` in every language."""

    input_type = "time"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_TIME)
