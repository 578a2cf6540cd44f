"""Sign-in and the user's own account: profile, password, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts import selectors, services
from kefu.accounts.forms import PasswordChangeForm, SignInForm, TokenCreateForm
from kefu.accounts.models import TokenScope
from kefu.core.errors import DomainError, NotFound


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def _me_page(request, *, token_form=None, raw_token=None, new_token=None, status=200):
    context = {
        "me": selectors.me_get(user=request.user),
        "tokens": selectors.token_list_for(user=request.user),
        "token_form": token_form or TokenCreateForm(),
        "raw_token": raw_token,
        "new_token": new_token,
    }
    return render(request, "accounts/me.html", context, status=status)


@login_required
def me(request):
    return _me_page(request)


@login_required
@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _me_page(request, token_form=form, status=400)
    try:
        token, raw = services.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            actor=request.user,
            scope=form.cleaned_data["scope"] or TokenScope.ADMIN,
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _me_page(request, token_form=form, status=400)
    # answered directly (no redirect), so the raw token never sits in the session store
    return _me_page(request, raw_token=raw, new_token=token)


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        services.token_revoke(user=request.user, token_id=pk, actor=request.user)
    except NotFound:
        messages.error(request, _("This token does not exist or is already revoked."))
    else:
        messages.success(request, _("The token is revoked; programs using it are refused now."))
    return redirect("accounts:me")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:me")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)
