"""Forms of the account and organisation pages: they parse input; services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kefu.accounts.models import BusinessLine, Department, Industry, Role, Team, TokenScope, User
from kefu.accounts.templates import ALL_TYPES
from kefu.core.errors import DomainError


def _ticket_type_choices() -> list[tuple[str, str]]:
    # the labels are the tickets app's, so one type reads the same everywhere
    from kefu.tickets.models import TicketType

    labels = dict(TicketType.choices)
    return [(t, labels.get(t, t)) for t in ALL_TYPES]


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, so templates render fields in one loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs.setdefault("class", css)

    def add_domain_error(self, exc: DomainError) -> None:
        """Show a service's error above the form, and its hints beside the fields it names."""
        message = str(exc.message)
        self.add_error(None, message)
        for name, hint in exc.fields.items():
            if name in self.fields and str(hint) != message:
                self.add_error(name, str(hint))


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Note that both are case-sensitive."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            minutes = getattr(self.request, "kefu_lock_minutes", 1)
            if getattr(self.request, "kefu_locked", False):
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed sign-ins: this account is locked for %(minutes)s minute. "
                        "Try again then or ask an administrator to reset the password.",
                        "Too many failed sign-ins: this account is locked for %(minutes)s minutes. "
                        "Try again then or ask an administrator to reset the password.",
                        minutes,
                    ),
                    code="locked",
                    params={"minutes": minutes},
                ) from None
            if getattr(self.request, "kefu_throttled", False):
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed sign-ins from your network. "
                        "Try again in %(minutes)s minute.",
                        "Too many failed sign-ins from your network. "
                        "Try again in %(minutes)s minutes.",
                        minutes,
                    ),
                    code="throttled",
                    params={"minutes": minutes},
                ) from None
            raise


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class TokenCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, e.g. “call-centre integration”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,  # a form without it (an older page) makes a full token, as before
        help_text=_(
            "Read only: the program may only read. Read and write: it may also change tickets, "
            "customers and the like. Full: also webhooks, SLA policies, routing and language "
            "rules. Your role still limits what any token can do."
        ),
    )


class BusinessLineCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("A short Latin identifier, e.g. “shop” or “wy-north”."),
    )
    industry = forms.ChoiceField(
        label=_("Industry template"),
        choices=Industry.choices,
        help_text=_("Pre-fills ticket types, categories, departments, teams and policies."),
    )


class BusinessLineEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    ticket_types = forms.MultipleChoiceField(
        label=_("Ticket types"),
        choices=_ticket_type_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    refunds_enabled = forms.BooleanField(
        label=_("Refunds are granted"),
        required=False,
        help_text=_("Off for lines that never refund (不退费): refund tickets are then refused."),
    )
    resolution_time = forms.ChoiceField(
        label=_("Resolution targets count"),
        choices=[
            ("business", _("working hours of the line's calendar")),
            ("calendar", _("every hour (calendar time)")),
        ],
        required=False,
        help_text=_("Applies to tickets created from now on."),
    )


class UnitCreateForm(BootstrapMixin, forms.Form):
    """A new department or team: only a name."""

    name = forms.CharField(label=_("Name"), max_length=100)


class UnitEditForm(BootstrapMixin, forms.Form):
    """Rename or (de)activate a department or team."""

    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class TeamEditForm(UnitEditForm):
    """A team's form also says whether it is a practice team (the live drill)."""

    is_practice = forms.BooleanField(label=_("Practice team"), required=False)


class _PlacementFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("Required for agents and team leads."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("For supervisors; taken from the team when one is chosen."),
    )
    business_line = forms.ModelChoiceField(
        label=_("Business line"),
        queryset=BusinessLine.objects.none(),
        required=False,
        help_text=_("For managers; taken from the team or department when one is chosen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True).select_related(
            "department", "business_line"
        )
        self.fields["team"].label_from_instance = lambda t: (
            f"{t.business_line.name} / {t.department.name} / {t.name}"
        )
        self.fields["department"].queryset = Department.objects.filter(
            is_active=True
        ).select_related("business_line")
        self.fields["department"].label_from_instance = lambda d: (
            f"{d.business_line.name} / {d.name}"
        )
        self.fields["business_line"].queryset = BusinessLine.objects.all()


class UserCreateForm(BootstrapMixin, _PlacementFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "display_name",
        "email",
        "password",
        "role",
        "team",
        "department",
        "business_line",
    ]


class UserEditForm(BootstrapMixin, _PlacementFields):
    display_name = forms.CharField(label=_("Display name"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False)
    contact_access = forms.ChoiceField(
        label=_("Contact data access"),
        choices=User._meta.get_field("contact_access").choices,
        required=False,
    )

    field_order = [
        "display_name",
        "email",
        "role",
        "team",
        "department",
        "business_line",
        "contact_access",
        "is_active",
    ]


class PasswordResetForm(BootstrapMixin, forms.Form):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Tell the user in person; resetting also lifts a sign-in lock."),
    )


class UserFilterForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("All teams"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.select_related("business_line")
        self.fields["team"].label_from_instance = lambda t: f"{t.business_line.name} / {t.name}"


class AuditFilterForm(BootstrapMixin, forms.Form):
    action = forms.CharField(
        label=_("Action"),
        max_length=64,
        required=False,
        help_text=_("Beginning of the action, e.g. “user.” or “ticket.update”."),
    )
    object_type = forms.CharField(
        label=_("Object type"),
        max_length=64,
        required=False,
        help_text=_("e.g. accounts.user, tickets.ticket"),
    )
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
