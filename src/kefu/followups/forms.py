"""Forms of the followups pages (register a call, register a letter, create an event): they parse
input; the services in ``followups.services`` decide and write."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.inputs import DateField
from kefu.core.widgets import DateInput, DateTimeLocalInput
from kefu.customers.forms import SEGMENT_CHOICES
from kefu.customers.models import Tier
from kefu.followups.models import CallResult, Direction, LetterChannel, LetterKind

MAX_ID = 2**63 - 1
_IDS = re.compile(r"[\s,;，；、]+")


class BootstrapForm(forms.Form):
    """Bootstrap 5 classes on every widget, so templates render fields in one loop."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def add_domain_error(self, exc) -> None:
        """A service's error above the form, and its hints beside the fields it names."""
        message = str(exc.message)
        self.add_error(None, message)
        for name, hint in exc.fields.items():
            if name in self.fields and str(hint) != message:
                self.add_error(name, str(hint))


class CustomerPickMixin(forms.Form):
    """A customer by id, or by a search text (name or 4+ phone digits) the view resolves."""

    customer = forms.IntegerField(
        label=_("Customer id"), required=False, min_value=1, max_value=MAX_ID
    )
    customer_q = forms.CharField(
        label=_("or find the customer"),
        required=False,
        max_length=100,
        help_text=_("A name or 4 or more digits of the phone number."),
    )
    ticket = forms.IntegerField(
        label=_("Ticket id (optional)"), required=False, min_value=1, max_value=MAX_ID
    )

    def clean(self):
        data = super().clean()
        if not data.get("customer") and not (data.get("customer_q") or "").strip():
            raise forms.ValidationError(
                _("Choose the customer: enter an id or search by name or phone."), code="customer"
            )
        return data


class CallRegisterForm(CustomerPickMixin, BootstrapForm):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    started_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_seconds = forms.IntegerField(
        label=_("Duration (seconds)"), min_value=0, max_value=24 * 3600, initial=0
    )
    result = forms.ChoiceField(label=_("Result"), choices=CallResult.choices)
    recording_ref = forms.CharField(
        label=_("Recording reference (optional)"), required=False, max_length=255
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["customer_q", "customer", "ticket", "direction", "started_at"]


class LetterRegisterForm(CustomerPickMixin, BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=LetterChannel.choices)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=60)
    sent_on = DateField(label=_("Sent on"), widget=DateInput())
    subject = forms.CharField(label=_("Subject"), required=False, max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["customer_q", "customer", "ticket", "kind", "channel"]


def call_initial() -> dict:
    return {
        "started_at": timezone.localtime().replace(second=0, microsecond=0),
        "direction": Direction.OUTBOUND,
        "duration_seconds": 0,
    }


def letter_initial() -> dict:
    return {"sent_on": timezone.localdate()}


class EventCreateForm(BootstrapForm):
    """An event and whom it invites: customers matching tier / tag / segment, and listed ids."""

    business_line = forms.TypedChoiceField(label=_("Business line"), coerce=int, choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    happens_on = DateField(label=_("Date"), widget=DateInput())
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tier = forms.ChoiceField(
        label=_("Invite customers of tier"),
        required=False,
        choices=[("", _("Any tier")), *Tier.choices],
    )
    tag = forms.CharField(label=_("with tag"), required=False, max_length=30)
    segment = forms.ChoiceField(label=_("in segment"), required=False, choices=SEGMENT_CHOICES)
    ids = forms.CharField(
        label=_("and these customer ids"),
        required=False,
        max_length=20000,
        help_text=_("Separated by commas or spaces."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_line"].choices = [(line.pk, line.name) for line in lines]
        if len(lines) <= 1:
            self.fields["business_line"].widget = forms.HiddenInput()
            if lines:
                self.fields["business_line"].initial = lines[0].pk

    def clean_ids(self) -> list[int]:
        ids = []
        for piece in _IDS.split(self.cleaned_data.get("ids") or ""):
            if not piece:
                continue
            if not piece.isdigit() or not 1 <= int(piece) <= MAX_ID:
                raise forms.ValidationError(
                    _("“%(piece)s” is not a customer id."), params={"piece": piece[:20]}
                )
            ids.append(int(piece))
        return ids

    def clean(self):
        data = super().clean()
        chosen = data.get("tier") or data.get("tag") or data.get("segment") or data.get("ids")
        if not self.errors and not chosen:
            raise forms.ValidationError(
                _("Choose whom to invite: a tier, a tag, a segment or customer ids."),
                code="nobody",
            )
        return data
