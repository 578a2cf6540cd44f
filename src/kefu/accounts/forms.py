from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Note that both are case-sensitive."),
        "locked": _(
            "This account is locked for a while after too many failed sign-ins. "
            "Try again later or ask an administrator."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "kefu_locked", False):
                raise forms.ValidationError(self.error_messages["locked"], code="locked")
            raise
