"""The IM accounts page (/messaging/im-accounts/, supervisors and above): which team's queue
takes each IM account's conversations (CH-2, CH-3). Parse, call ``im_accounts``, redirect."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.accounts import lines
from kefu.accounts.models import Team
from kefu.channels.messaging import im_accounts
from kefu.channels.messaging.models import ImPurpose
from kefu.core.errors import DomainError
from kefu.tickets.models import TicketType


def _error(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(f"{v}" for v in exc.fields.values() if str(v) != str(exc.message))
    messages.error(request, f"{exc.message} {details}".strip())


def _data(post) -> dict:
    data = {k: post.get(k, "") for k in ("account", "name", "purpose", "team", "ticket_type")}
    data["is_active"] = post.get("is_active") == "on"
    return data


def _page(request: HttpRequest, line, status: int = 200, draft=None) -> HttpResponse:
    context = {
        "draft": draft,
        "tab": "im_accounts",
        "accounts": im_accounts.accounts_for(request.user, line),
        "line": line,
        "line_choices": lines.line_choices(request.user),
        "teams": Team.objects.filter(business_line=line, is_active=True).order_by("id")
        if line
        else Team.objects.none(),
        "types": TicketType.choices,
        "purposes": ImPurpose.choices,
    }
    return render(request, "messaging/im_accounts.html", context, status=status)


@login_required
@require_safe
def im_account_list(request: HttpRequest) -> HttpResponse:
    im_accounts.require_supervisor(request.user)
    return _page(request, lines.line_shown(request.user, request.GET.get("line")))


@login_required
@require_POST
def im_account_create(request: HttpRequest) -> HttpResponse:
    im_accounts.require_supervisor(request.user)
    line = lines.line_for(request.user, request.POST.get("business_line"))
    data = _data(request.POST)
    data.pop("is_active")
    try:
        im_accounts.account_create(actor=request.user, business_line=line, **data)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _error(request, exc)
        # the page again with what was typed kept in the add form
        team = data["team"]
        draft = SimpleNamespace(
            pk=None, **data, team_id=int(team) if team.isdigit() and len(team) < 10 else None
        )
        return _page(request, line, status=exc.status, draft=draft)
    messages.success(request, _("The IM account is mapped to its queue."))
    return redirect("messaging:im_accounts")


@login_required
@require_POST
def im_account_update(request: HttpRequest, pk: int) -> HttpResponse:
    account = im_accounts.account_get_for(request.user, pk)
    try:
        version = request.POST.get("version", "")
        im_accounts.account_update(
            actor=request.user,
            account=account,
            version=int(version) if version.isdigit() and len(version) < 10 else None,
            changes=_data(request.POST),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _error(request, exc)
        # the accounts as they are now, with the refusal (400, or 409 when changed meanwhile)
        return _page(request, account.business_line, status=exc.status)
    messages.success(request, _("The IM account is saved."))
    return redirect("messaging:im_accounts")
