"""Forms of the shift-log pages: they parse input; ``shiftlogs.services`` decides and writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import User
from kefu.core.inputs import DateField
from kefu.shiftlogs.models import Category, LogKind, Shift
from kefu.shiftlogs.services import MAX_AREA, MAX_TEXT, MAX_TITLE, writable_teams


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def add_domain_error(self, exc) -> None:
        message = str(exc.message)
        self.add_error(None, message)
        for name, hint in exc.fields.items():
            if name in self.fields and str(hint) != message:
                self.add_error(name, str(hint))


def current_shift() -> str:
    hour = timezone.localtime().hour
    return Shift.MORNING if 7 <= hour < 15 else Shift.AFTERNOON if 15 <= hour < 23 else Shift.NIGHT


class EntryForm(BootstrapForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    shift_date = DateField(label=_("Shift date"))
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices)
    handed_to = forms.ModelChoiceField(
        label=_("Handed over to"), queryset=None, required=False, empty_label=_("(nobody named)")
    )
    area = forms.CharField(label=_("Area patrolled"), max_length=MAX_AREA, required=False)
    title = forms.CharField(label=_("Summary"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("What happened"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    open_items = forms.CharField(
        label=_("Open items"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the next shift must take over."),
    )

    def __init__(self, *args, user, kind: str, editing: bool = False, **kwargs):
        kwargs.setdefault("initial", {"shift_date": timezone.localdate(), "shift": current_shift()})
        super().__init__(*args, **kwargs)
        teams = writable_teams(user)
        self.fields["team"].queryset = teams
        self.fields["handed_to"].queryset = User.objects.filter(
            is_active=True, team__in=teams
        ).order_by("team_id", "display_name", "username")
        self.fields["handed_to"].label_from_instance = lambda u: u.name
        if editing or (user.team_id and len(teams) <= 1):
            del self.fields["team"]
        if kind != LogKind.HANDOVER:
            del self.fields["handed_to"]
        if kind == LogKind.PATROL:
            self.fields["area"].required = True
        else:
            del self.fields["area"]
        if kind == LogKind.MANAGEMENT:
            self.fields["open_items"].help_text = _("What the team must follow up.")


class SignForm(BootstrapForm):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Choose…")), *Category.choices]
    )
    review_note = forms.CharField(
        label=_("Review note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


class AddendumForm(BootstrapForm):
    body = forms.CharField(
        label=_("Addendum"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A signed entry does not change; a correction is added below it."),
    )


class EditForm(EntryForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, editing=True, **kwargs)
