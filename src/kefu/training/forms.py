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


class ExamForm(forms.Form):
    """A new exam: its blueprint is one "category: number of questions" per line."""

    title = forms.CharField(label=_("Title"), max_length=200)
    blueprint = forms.CharField(
        label=_("Blueprint (one “category: number of questions” a line)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=600, initial=30
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark (%)"), min_value=0, max_value=100, decimal_places=2, initial=60
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=20, initial=2
    )
    closed_book = forms.BooleanField(
        label=_("Closed book: one question at a time, leaving the page logged"), required=False
    )
    allow_back = forms.BooleanField(
        label=_("Closed book: may go back to an earlier question"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            checkbox = isinstance(field.widget, forms.CheckboxInput)
            field.widget.attrs.setdefault(
                "class", "form-check-input" if checkbox else "form-control"
            )

    def clean_blueprint(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for line in self.cleaned_data["blueprint"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, count = line.replace("：", ":").rpartition(":")
            count = count.strip()
            if not sep or not name.strip() or not count.isdigit() or not 0 < int(count) <= 200:
                raise forms.ValidationError(
                    _("Write one “category: number of questions” a line, e.g. 售后规范: 5.")
                )
            out[name.strip()[:50]] = int(count)
        if not out:
            raise forms.ValidationError(_("Name at least one category."))
        return out
