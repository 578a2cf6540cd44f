"""Pages of the e-mail channel: the mailboxes of a business line (managers), a ticket's mail with
the original messages as evidence (whoever sees the ticket). Thin: services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kefu.accounts import lines
from kefu.accounts.models import User
from kefu.channels import selectors, services
from kefu.channels.models import ClosedPolicy, Security
from kefu.core.errors import DomainError
from kefu.tickets.models import TicketType

FORM_FIELDS = (
    "name",
    "address",
    "intake_user",
    "ticket_type",
    "closed_policy",
    "rate_limit",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_user",
    "imap_password",
    "imap_folder",
)


def _error(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(f"{v}" for v in exc.fields.values() if str(v) != str(exc.message))
    messages.error(request, f"{exc.message} {details}".strip())


def _form_data(post) -> dict:
    data = {name: post.get(name, "") for name in FORM_FIELDS if name in post}
    data["is_active"] = post.get("is_active") == "on"
    return data


def _choices(line) -> dict:
    return {
        "users": User.objects.filter(business_line=line, is_active=True).order_by("id")
        if line
        else User.objects.none(),
        "types": TicketType.choices,
        "policies": ClosedPolicy.choices,
        "securities": Security.choices,
    }


@login_required
@require_safe
def mailbox_list(request: HttpRequest) -> HttpResponse:
    services.require_manager(request.user)
    line = lines.line_shown(request.user, request.GET.get("line"))
    boxes = selectors.mailbox_qs_for(request.user)
    boxes = boxes.filter(business_line=line) if line else boxes.none()
    figures = selectors.mailbox_figures(boxes)
    rows = [(box, figures.get(box.pk, {})) for box in boxes.select_related("intake_user")]
    context = {
        "rows": rows,
        "recent": selectors.recent_inbound(boxes),
        "line": line,
        "line_choices": lines.line_choices(request.user),
        **_choices(line),
    }
    return render(request, "channels/mailbox_list.html", context)


@login_required
@require_POST
def mailbox_create(request: HttpRequest) -> HttpResponse:
    try:
        services.require_manager(request.user)
        line = lines.line_for(request.user, request.POST.get("business_line"))
        data = _form_data(request.POST)
        data.pop("is_active", None)
        mailbox = services.mailbox_create(actor=request.user, business_line=line, **data)
    except DomainError as exc:
        _error(request, exc)
        return redirect("mail:mailboxes")
    messages.success(request, _("The mailbox is added."))
    return redirect("mail:mailbox", pk=mailbox.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mailbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_manager(request.user)
    mailbox = selectors.mailbox_get_for(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.mailbox_update(
                actor=request.user,
                mailbox=mailbox,
                version=version,
                changes=_form_data(request.POST),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The mailbox is saved."))
        return redirect("mail:mailbox", pk=mailbox.pk)
    boxes = selectors.mailbox_qs_for(request.user).filter(pk=mailbox.pk)
    context = {
        "mailbox": mailbox,
        "figures": selectors.mailbox_figures(boxes).get(mailbox.pk, {}),
        "recent": selectors.recent_inbound(boxes, 50),
        **_choices(mailbox.business_line),
    }
    return render(request, "channels/mailbox_detail.html", context)


@login_required
@require_safe
def ticket_mail(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    ticket, inbound, outbound = selectors.ticket_mail_for(user=request.user, ticket_pk=ticket_pk)
    return render(
        request,
        "channels/ticket_mail.html",
        {"ticket": ticket, "inbound": inbound, "outbound": outbound},
    )


@login_required
@require_safe
def inbound_raw(request: HttpRequest, ticket_pk: int, pk: int) -> HttpResponse:
    mail = selectors.inbound_raw_for(user=request.user, ticket_pk=ticket_pk, pk=pk)
    response = HttpResponse(bytes(mail.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="mail-{mail.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
