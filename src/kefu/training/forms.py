"""Forms of the training pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.widgets import DateInput, DateTimeLocalInput


class RequestForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    audience = forms.CharField(label=_("Audience"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    wished_on = forms.DateField(label=_("Wished date"), required=False, widget=DateInput())


class TypingForm(forms.Form):
    typed = forms.CharField(
        label=_("Type the passage here"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
    )


class ClassForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=50, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeLocalInput())
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.25, max_value=8, decimal_places=2, initial=1
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000, initial=20)
