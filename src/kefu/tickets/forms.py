"""Forms of the ticket pages: they parse and render input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.accounts.models import Team
from kefu.core.errors import DomainError
from kefu.core.widgets import DateInput
from kefu.tickets.filters import ORDERINGS
from kefu.tickets.models import Category, Channel, Priority, Status, TicketType
from kefu.tickets.selectors import assignable_users_for

BLANK = [("", _("Any"))]
ORDERING_LABELS = {
    "-created_at": _("Newest first"),
    "created_at": _("Oldest first"),
    "due_at": _("Due soonest"),
    "-due_at": _("Due latest"),
    "-updated_at": _("Recently updated"),
    "updated_at": _("Least recently updated"),
}


class BootstrapMixin:
    """Bootstrap classes on every widget, and a service's error shown on the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def add_domain_error(self, exc: DomainError) -> None:
        """The service's message above the form, its hints beside the fields it names."""
        message = str(exc.message)
        self.add_error(None, message)
        for name, hint in exc.fields.items():
            if name in self.fields and str(hint) != message:
                self.add_error(name, str(hint))


def _line_teams(business_line_id):
    return Team.objects.filter(
        business_line_id=business_line_id, is_active=True, is_practice=False
    ).order_by("id")


def _line_categories(business_line_id):
    return (
        Category.objects.filter(business_line_id=business_line_id, is_active=True)
        .select_related("parent")
        .order_by("parent_id", "id")
    )


def _type_choices(business_line) -> list[tuple[str, str]]:
    enabled = (business_line.ticket_types if business_line else None) or TicketType.values
    if business_line is not None and business_line.policy("refunds_enabled") is False:
        # §9.6: a line whose refunds are switched off offers no return or refund tickets
        enabled = [t for t in enabled if t not in (TicketType.RETURN, TicketType.REFUND)]
    return [(value, label) for value, label in TicketType.choices if value in enabled]


# -- list ------------------------------------------------------------------------------------


class TicketFilterForm(BootstrapMixin, forms.Form):
    """Renders the list filters; ``TicketFilters.parse`` validates them (so saved views and the
    API read the same values)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.CharField(
        label=_("Status"),
        required=False,
        widget=forms.Select(choices=[*BLANK, ("open", _("Open (not resolved)")), *Status.choices]),
    )
    type = forms.CharField(
        label=_("Type"),
        required=False,
        widget=forms.Select(choices=[*BLANK, *TicketType.choices]),
    )
    priority = forms.CharField(
        label=_("Priority"),
        required=False,
        widget=forms.Select(choices=[*BLANK, *Priority.choices]),
    )
    channel = forms.CharField(
        label=_("Channel"),
        required=False,
        widget=forms.Select(choices=[*BLANK, *Channel.choices]),
    )
    team = forms.CharField(label=_("Team"), required=False, widget=forms.Select())
    assignee = forms.CharField(label=_("Assignee"), required=False, widget=forms.Select())
    customer = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or phone digits")}),
    )
    created_after = forms.CharField(
        # the customer list's "Created from" is 建档 (filed); a ticket's is 创建
        label=pgettext_lazy("ticket filter", "Created from"),
        required=False,
        widget=DateInput(),
    )
    created_before = forms.CharField(label=_("Created before"), required=False, widget=DateInput())
    updated_after = forms.CharField(label=_("Updated from"), required=False, widget=DateInput())
    updated_before = forms.CharField(label=_("Updated before"), required=False, widget=DateInput())
    ordering = forms.CharField(
        label=_("Sort"),
        required=False,
        widget=forms.Select(choices=[(o, ORDERING_LABELS[o]) for o in ORDERINGS]),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = list(_line_teams(user.business_line_id)) if user.business_line_id else []
        self.fields["team"].widget.choices = [*BLANK, *((t.pk, t.name) for t in teams)]
        people = list(assignable_users_for(user=user, team=user.team_id)) if user.team_id else []
        self.fields["assignee"].widget.choices = [
            *BLANK,
            ("me", _("Me")),
            ("none", _("Unassigned")),
            *((u.pk, u.name) for u in people if u.pk != user.pk),
        ]

    def show_filter_errors(self, fields: dict) -> None:
        for name, message in fields.items():
            if name in self.fields:
                self.add_error(name, str(message))
            else:
                self.add_error(None, str(message))


class SavedViewForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=60)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)


# -- detail ----------------------------------------------------------------------------------


class VersionedForm(BootstrapMixin, forms.Form):
    """Every ticket form carries the version the user saw and the last timeline entry shown,
    so a stale submit is refused and the page can show what changed meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class TicketEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    type = forms.ChoiceField(label=_("Type"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _type_choices(ticket.business_line)
        if ticket.type not in {value for value, _label in choices}:  # e.g. refunds switched off
            choices.append((ticket.type, ticket.get_type_display()))
        self.fields["type"].choices = choices
        self.fields["category"].choices = [
            ("", _("None")),
            *((str(c.pk), str(c)) for c in _line_categories(ticket.business_line_id)),
        ]

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "type": data["type"],
            "channel": data["channel"],
            "priority": data["priority"],
            "category": data["category"] or None,
        }


class TicketStatusForm(VersionedForm):
    status = forms.ChoiceField(choices=Status.choices)


class TicketTransferForm(VersionedForm):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, ticket, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in _line_teams(ticket.business_line_id)]
        team = self.data.get(self.add_prefix("team")) if self.is_bound else None
        try:
            team_id = int(team) if team else ticket.team_id
        except ValueError:
            team_id = ticket.team_id
        self.fields["assignee"].choices = assignee_choices(user=user, team=team_id)
        self.fields["team"].widget.attrs.update(
            {
                "hx-get": reverse("tickets:assignee_options", args=[ticket.pk]),
                "hx-target": f"#{self['assignee'].auto_id}",
                "hx-trigger": "change",
            }
        )

    def changes(self) -> dict:
        return {
            "team": self.cleaned_data["team"],
            "assignee": self.cleaned_data["assignee"],
        }


def assignee_choices(*, user, team) -> list[tuple]:
    return [
        ("", _("Unassigned")),
        *((u.pk, u.name) for u in assignable_users_for(user=user, team=team)),
    ]


class MessageForm(VersionedForm):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(VersionedForm):
    file = forms.FileField(label=_("File"))


# -- intake ----------------------------------------------------------------------------------


class IntakeForm(BootstrapMixin, forms.Form):
    """The phone-call screen: a picked customer, or a new caller's name and phone, and the
    ticket fields. Enter in the title never submits (kefu.js); Ctrl+Enter does."""

    customer = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    customer_name = forms.CharField(label=_("Caller's name"), required=False, max_length=100)
    customer_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=20)
    type = forms.ChoiceField(label=_("Type"), initial=TicketType.CONSULT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    accesskeys = {
        "type": "t",
        "channel": "c",
        "priority": "p",
        "title": "i",
        "description": "e",
        "category": "g",
        "customer_name": "m",
        "customer_phone": "h",
    }

    def __init__(self, *args, user, allow_new_caller: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        line = user.business_line
        self.fields["type"].choices = _type_choices(line)
        self.fields["category"].choices = [
            ("", _("None")),
            *((str(c.pk), str(c)) for c in _line_categories(user.business_line_id)),
        ]
        for name, key in self.accesskeys.items():
            self.fields[name].widget.attrs["accesskey"] = key
        self.fields["title"].widget.attrs["data-enter-next"] = ""
        self.fields["type"].widget.attrs["data-focus-after-pick"] = ""
        self.fields["customer_phone"].widget.attrs.update({"inputmode": "tel"})
        if not allow_new_caller:
            del self.fields["customer_name"]
            del self.fields["customer_phone"]
        from kefu.accounts import lines

        if lines.may_choose(user):
            # an administrator has no team of their own: they say which team takes the ticket
            self.fields["team"] = forms.ChoiceField(
                label=_("Team"),
                required=False,
                choices=[("", _("By the routing rules"))]
                + [
                    (str(team.pk), f"{team.business_line.name} · {team.name}")
                    for team in Team.objects.filter(is_active=True, business_line__is_active=True)
                    .select_related("business_line")
                    .order_by("business_line_id", "id")
                ],
                help_text=_(
                    "Required for a new caller: the team's business line keeps the customer."
                ),
            )
            self.fields["team"].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("customer"):
            return data
        if "customer_phone" not in self.fields:
            raise forms.ValidationError(_("Pick the customer first."))
        if not (data.get("customer_phone") or "").strip():
            self.add_error("customer_phone", _("Required for a new caller."))
            raise forms.ValidationError(
                _("Pick a customer from the search, or enter the new caller's name and phone.")
            )
        return data

    def ticket_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "type": data["type"],
            "channel": data["channel"],
            "priority": data["priority"],
            "title": data["title"],
            "description": data["description"],
            "category": data["category"] or None,
            **({"team": int(data["team"])} if data.get("team") else {}),
        }
