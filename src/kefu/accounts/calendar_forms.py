"""Forms of the business calendar pages: they parse input; ``core.business_calendar`` decides."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.accounts.forms import BootstrapMixin
from kefu.core.calendar import ALWAYS, CN, DAILY
from kefu.core.inputs import DateField
from kefu.core.widgets import DateInput

MAX_DAYS_LISTED = 366
_SEPARATORS = re.compile(r"[\s,;，；、]+")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|~)(\d{4}-\d{2}-\d{2})$")


def parse_date_list(text: str) -> list[dt.date]:
    """``"2027-02-06..2027-02-12, 2027-10-01"`` → the dates (ranges included), sorted, once each.

    Raises ``forms.ValidationError`` naming the first piece that is not a date or a range."""
    days: set[dt.date] = set()
    for piece in _SEPARATORS.split(text or ""):
        if not piece:
            continue
        match = _RANGE.match(piece)
        try:
            if match:
                first, last = (dt.date.fromisoformat(part) for part in match.groups())
            else:
                first = last = dt.date.fromisoformat(piece)
        except ValueError:
            first = last = None
        if first is None or last is None or last < first:
            raise forms.ValidationError(
                _(
                    "“%(piece)s” is not a date such as 2027-10-01 or a range such as "
                    "2027-10-01..2027-10-07."
                ),
                params={"piece": piece[:40]},
                code="date",
            )
        while first <= last and len(days) <= MAX_DAYS_LISTED:
            days.add(first)
            first += dt.timedelta(days=1)
        if len(days) > MAX_DAYS_LISTED:
            raise forms.ValidationError(_("List at most one year of days."), code="too_many")
    return sorted(days)


class DateListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        return parse_date_list(super().clean(value))


class CalendarSettingsForm(BootstrapMixin, forms.Form):
    working_hours = forms.CharField(
        label=_("Working hours"),
        max_length=200,
        help_text=_(
            "One or more windows, separated by commas: 09:00-18:00, or shifts such as "
            "07:00-14:00, 14:00-21:00."
        ),
    )
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        choices=[
            (CN, _("Chinese workdays (public holidays and make-up workdays)")),
            (DAILY, _("Every day within the working hours (holidays included)")),
            (ALWAYS, _("Every day around the clock (24×7)")),
        ],
    )


class CalendarDayForm(BootstrapMixin, forms.Form):
    date = DateField(label=_("Date"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("0", _("a holiday (day off)")), ("1", _("a workday (e.g. a make-up workday)"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class CalendarDayDeleteForm(forms.Form):
    date = DateField()


class CalendarYearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = DateListField(
        label=_("Holidays (days off)"),
        required=False,
        help_text=_(
            "Dates or ranges from the State Council's notice, separated by commas or new lines, "
            "e.g. 2027-01-01, 2027-02-06..2027-02-12."
        ),
    )
    workdays = DateListField(
        label=_("Make-up workdays"),
        required=False,
        help_text=_("Weekend days that are worked (调休), e.g. 2027-02-20."),
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)
