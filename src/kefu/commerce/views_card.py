"""The order page and the order card's one-click actions (beside a conversation): open a return
or exchange, request a refund for the second key, open a 查件 / 延长收货时间 case. Each is a POST
through the services of the commerce pages and the API; from the ticket page htmx sends it and
the card alone comes back in place (with the outcome in it), without htmx it comes back to the
ticket it was sent from (or to the order page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.commerce import selectors
from kefu.commerce.models import Channel
from kefu.commerce.order_card import card_orders, case_kind_choices
from kefu.commerce.services import returns, returns_team
from kefu.commerce.templatetags.commerce_cards import card_context
from kefu.core.errors import DomainError
from kefu.tickets.selectors import ticket_get_for


@login_required
def order_detail(request, pk: int):
    order, rows = selectors.order_page_for(user=request.user, pk=pk)
    by_order = {order.pk: rows}
    card = card_orders(
        orders=[order],
        by_order=by_order,
        tier=order.customer.tier,
        line=order.shop.business_line if order.shop_id else None,
    )[0]
    return render(
        request,
        "commerce/order_detail.html",
        {
            "order": order,
            "c": card,
            "rows": rows,
            "channels": dict(Channel.choices),
            "case_kinds": case_kind_choices(),
            "now": timezone.now(),
        },
    )


def _ticket(request):
    """The ticket the action was sent from: 404 outside the user's scope."""
    raw = (request.POST.get("ticket") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        from django.http import Http404

        raise Http404
    return ticket_get_for(user=request.user, pk=int(raw))


def _back(ticket, order):
    if ticket is not None:
        return redirect(reverse("tickets:detail", args=[ticket.pk]) + "#order-card")
    return redirect("commerce:order", pk=order.pk)


def _run(request, order, ticket, action, done: str):
    try:
        action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        text = str(exc.message)
        if exc.fields:
            text = f"{text} ({'; '.join(str(v) for v in exc.fields.values())})"
        level, text = (
            "danger",
            _("Order %(order)s: %(error)s")
            % {
                "order": order.order_no,
                "error": text,
            },
        )
    else:
        level, text = "success", done
    if request.htmx and ticket is not None:
        # the card beside the conversation answers in place: the agent keeps the reply they
        # were typing and their place in the thread
        context = card_context(request.user, ticket, get_token(request))
        context["card_message"] = {"level": level, "text": text}
        return render(request, "commerce/_order_card.html", context)
    (messages.success if level == "success" else messages.error)(request, text)
    return _back(ticket, order)


@login_required
@require_POST
def order_return(request, pk: int):
    order = selectors.order_get_for(user=request.user, pk=pk)
    ticket = _ticket(request)
    exchange = request.POST.get("exchange") == "1"
    return _run(
        request,
        order,
        ticket,
        lambda: returns.return_request(
            actor=request.user,
            order=order,
            reason=request.POST.get("reason", ""),
            opened=request.POST.get("opened") == "1",
            exchange=exchange,
            allergy=request.POST.get("allergy") == "1",
            ticket=ticket,
        ),
        _("Order %(order)s: the exchange has been opened.") % {"order": order.order_no}
        if exchange
        else _("Order %(order)s: the return has been opened.") % {"order": order.order_no},
    )


@login_required
@require_POST
def order_refund(request, pk: int):
    order = selectors.order_get_for(user=request.user, pk=pk)
    ticket = _ticket(request)
    return _run(
        request,
        order,
        ticket,
        lambda: returns.refund_request(
            actor=request.user,
            order=order,
            amount=request.POST.get("amount", ""),
            ticket=ticket,
        ),
        _("Order %(order)s: the refund waits for approval by somebody else.")
        % {"order": order.order_no},
    )


@login_required
@require_POST
def order_case(request, pk: int):
    order = selectors.order_get_for(user=request.user, pk=pk)
    ticket = _ticket(request)
    kind = request.POST.get("kind", "")
    return _run(
        request,
        order,
        ticket,
        lambda: returns_team.case_open(
            actor=request.user,
            order=order,
            kind=kind,
            description=request.POST.get("description", ""),
            extend_days=request.POST.get("extend_days") if kind == "extend" else None,
            ticket=ticket,
        ),
        _("Order %(order)s: the receipt time has been extended.") % {"order": order.order_no}
        if kind == "extend"
        else _("Order %(order)s: the logistics case has been opened.") % {"order": order.order_no},
    )
