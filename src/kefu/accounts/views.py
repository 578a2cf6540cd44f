from __future__ import annotations

from django.contrib.auth import views as auth_views

from kefu.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
