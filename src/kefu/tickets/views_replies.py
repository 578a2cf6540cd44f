"""The ticket page's reply box: the service-language check before sending, and retrying a
failed delivery (htmx swaps its state in place)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import Conflict, Invalid
from kefu.tickets import outbound
from kefu.tickets.selectors import ticket_get_for


@login_required
@require_POST
def reply_retry(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    message = outbound.reply_get(ticket=ticket, pk=message_pk)
    htmx = bool(getattr(request, "htmx", False))
    error, status = "", 200
    try:
        message = outbound.reply_retry(actor=request.user, ticket=ticket, message=message)
    except (Invalid, Conflict) as exc:
        if not htmx:
            raise  # the error page of its status, with its message (core.middleware)
        error, status = str(exc.message), exc.status
    if htmx:
        # the job may have run already (it runs after commit): show the state it left
        message.refresh_from_db()
        context = {"m": message, "ticket": ticket, "delivery_error": error}
        return render(request, "tickets/_delivery.html", context, status=status)
    messages.success(request, _("The reply is queued to be sent again."))
    return redirect(reverse("tickets:detail", args=[ticket.pk]) + f"#delivery-{message.pk}")


CONFIRM_FIELD = "reply-confirm"


def language_gate(request: HttpRequest, body: str) -> dict | None:
    """The service-language findings of a reply about to be sent (knowledge.language), unless
    the agent already saw them and chose to send anyway; None when there is nothing to say."""
    if request.POST.get(CONFIRM_FIELD):
        return None
    from kefu.knowledge import language
    from kefu.knowledge.services import language_rules

    findings = language.check(body, language_rules(request.user.business_line_id))
    if not findings:
        return None
    return {"findings": findings, "polite": language.polite(body, findings), "text": body}
