"""Pages: the outbox (the ``log`` backend's page) with the SMS composer and its length count,
the inbound messages, the public web form per business line (no sign-in) and the signed status
page where the customer reads the public replies and answers. Views parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from kefu.accounts.models import BusinessLine
from kefu.channels.messaging import outbox, rules, selectors, services
from kefu.channels.messaging.models import Channel
from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, NotFound
from kefu.core.middleware import CSP
from kefu.core.pagination import paginate
from kefu.tickets.models import TicketType


@login_required
def outbox_page(request):
    user = request.user
    may_send = scope.at_least(user, "supervisor")
    error, fields, sent = "", {}, None
    values = {"to": "", "text": "", "kind": "message"}
    if request.method == "POST" and may_send:
        values = {k: request.POST.get(k, "") for k in values}
        try:
            line = selectors.line_for(user, request.POST.get("business_line") or None)
            sent = outbox.send(
                to=values["to"],
                text=values["text"],
                kind=values["kind"] or "message",
                business_line=line,
                actor=user,
            )
        except DomainError as exc:
            error, fields = str(exc.message), exc.fields
        else:
            return redirect(f"{reverse('messaging:outbox')}?sent={sent.pk}")
    try:
        page = paginate(
            selectors.outbox_for(user).select_related("ticket"),
            ordering="-created_at",  # newest first by time, whatever order rows were written in
            cursor=request.GET.get("cursor"),
            limit=50,
        )
    except (ValueError, DomainError):
        raise NotFound()
    lines = BusinessLine.objects.filter(is_active=True)
    if not scope.is_admin(user):
        lines = lines.filter(pk=user.business_line_id or -1)
    return render(
        request,
        "messaging/outbox.html",
        {
            "page": page,
            "figures": selectors.outbox_figures(user),
            "may_send": may_send,
            "values": values,
            "error": error,
            "fields": fields,
            "sent_id": request.GET.get("sent", ""),
            "lines": lines,
            "single": rules.SINGLE,
            "part": rules.PART,
        },
        status=400 if error else 200,
    )


@login_required
def inbound_page(request):
    try:
        page = paginate(
            selectors.inbound_for(request.user),
            ordering="-received_at",
            cursor=request.GET.get("cursor"),
            limit=50,
        )
    except (ValueError, DomainError):
        raise NotFound()
    return render(request, "messaging/inbound.html", {"page": page})


# -- public ----------------------------------------------------------------------------------


def _embeddable(response, line: BusinessLine):
    """The public pages may be framed by the origins on the allow-list (the setting
    ``KEFU_WEBFORM_FRAME_ANCESTORS`` and the line's ``embed_origins`` policy), nobody else."""
    origins = list(getattr(settings, "KEFU_WEBFORM_FRAME_ANCESTORS", []) or [])
    origins += [o for o in (line.policy("embed_origins") or []) if isinstance(o, str)]
    allowed = " ".join(["'self'", *sorted({o.strip() for o in origins if o.strip()})])
    response["Content-Security-Policy"] = CSP.replace(
        "frame-ancestors 'none'", f"frame-ancestors {allowed}"
    )
    return response


def _line(code: str) -> BusinessLine:
    line = BusinessLine.objects.filter(code=code, is_active=True).first()
    if line is None:
        raise NotFound(_("This contact page does not exist."))
    return line


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "-"


@xframe_options_exempt
def contact(request, line: str):
    business_line = _line(line)
    types = [(t, TicketType(t).label) for t in business_line.ticket_types if t in TicketType.values]
    reference = services.REFERENCE.get(business_line.industry, "")
    values = {"type": "consult" if "consult" in business_line.ticket_types else types[0][0]}
    error, fields, status = "", {}, 200
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "")
            for k in ("type", "name", "phone", "email", "reference", "description")
        }
        if request.POST.get("website"):
            # the honeypot was filled in: a robot. Nothing is recorded.
            error, status = _("The form could not be sent."), 400
        else:
            try:
                ticket = services.web_submit(
                    line=business_line,
                    data=values,
                    address=_client_address(request),
                    upload=request.FILES.get("attachment"),
                    site_url=request.build_absolute_uri("/"),
                )
            except Invalid as exc:
                error, fields = str(exc.message), exc.fields
                status = 429 if exc.code == "throttled" else 400
            except DomainError as exc:
                error, fields, status = str(exc.message), exc.fields, 400
            else:
                token = services.status_token(ticket)
                return _embeddable(
                    redirect(reverse("contact:status", args=[token]) + "?new=1"), business_line
                )
    response = render(
        request,
        "messaging/contact.html",
        {
            "line": business_line,
            "types": types,
            "reference": reference,
            "values": values,
            "error": error,
            "fields": fields,
        },
        status=status,
    )
    return _embeddable(response, business_line)


@xframe_options_exempt
def contact_status(request, token: str):
    ticket = services.ticket_for_token(token)
    error, fields, status = "", {}, 200
    if request.method == "POST":
        try:
            services.web_answer(ticket=ticket, text=request.POST.get("text", ""))
        except Invalid as exc:
            error, fields, status = str(exc.message), exc.fields, 400
        else:
            return _embeddable(redirect(request.path), ticket.business_line)
    link = request.build_absolute_uri(request.path)
    response = render(
        request,
        "messaging/status.html",
        {
            "ticket": ticket,
            "thread": services.public_thread(ticket),
            "new": request.GET.get("new") == "1",
            "link": link,
            "error": error,
            "fields": fields,
            "web": Channel.WEB,
        },
        status=status,
    )
    return _embeddable(response, ticket.business_line)
