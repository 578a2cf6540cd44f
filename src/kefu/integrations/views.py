"""The webhooks page of a business line (administrators and the line's manager): list, create,
edit, disable/enable, rotate the secret, send a test event, and the delivery log. Views parse,
call a service or selector and render; changes by POST only, then redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kefu.accounts import lines
from kefu.core.errors import DomainError
from kefu.core.pagination import paginate
from kefu.integrations import selectors, services
from kefu.integrations.models import DeliveryStatus

PAGE_SIZE = 25
SECRET_KEY = "webhook_secret_shown_once"


def _error(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(f"{v}" for v in exc.fields.values() if str(v) != str(exc.message))
    messages.error(request, f"{exc.message} {details}".strip())


EVENT_LABELS = {
    "ticket.created": gettext_lazy("A ticket was recorded"),
    "ticket.updated": gettext_lazy("A ticket's fields changed"),
    "ticket.status_changed": gettext_lazy("A ticket's status changed"),
    "reply.created": gettext_lazy("A reply to the customer"),
    "note.created": gettext_lazy("An internal note"),
    "callback.logged": gettext_lazy("A callback attempt was logged"),
    "call.registered": gettext_lazy("A call was registered"),
    "letter.registered": gettext_lazy("A letter was registered"),
    "complaint.graded": gettext_lazy("A complaint's grade was set"),
    "customer.created": gettext_lazy("A customer entered the archive"),
    "customer.updated": gettext_lazy("A customer's fields changed"),
    "customer.merged": gettext_lazy("A customer was merged into another"),
    "survey.answered": gettext_lazy("A survey was answered"),
    "reply.requeued": gettext_lazy("A failed reply was sent again"),
    "complaint.judged": gettext_lazy("A complaint's validity was judged"),
    "qa.review.completed": gettext_lazy("A quality review was scored"),
    "qa.appeal.filed": gettext_lazy("A quality review was appealed"),
    "qa.appeal.decided": gettext_lazy("A quality appeal was decided"),
    "reminder.due": gettext_lazy("A payment reminder is due"),
    "workshop.update": gettext_lazy("A 4S workshop update to the customer"),
    "care.notice": gettext_lazy("A care notice was sent to a buyer"),
    "shop.indicator_warning": gettext_lazy("A shop indicator came close to an event's threshold"),
    "worklog.task_carried_over": gettext_lazy("A work-log task was carried over to the next day"),
    "mail.sent": gettext_lazy("An e-mail was sent to a customer"),
    "mail.received": gettext_lazy("A customer's e-mail was received"),
}


def _event_choices() -> list[tuple[str, str]]:
    return [(name, EVENT_LABELS.get(name, "")) for name in services.subscribable_events()]


def _show_secret_once(request: HttpRequest, sub) -> None:
    request.session[SECRET_KEY] = {"id": sub.pk, "secret": sub.secret}


@login_required
@require_safe
def webhook_list(request: HttpRequest) -> HttpResponse:
    services.require_manager(request.user)
    line = lines.line_shown(request.user, request.GET.get("line"))
    qs = selectors.subscriptions_for(request.user)
    qs = qs.filter(business_line=line) if line else qs.none()
    page = paginate(qs, ordering="-id", cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    context = {
        "page": page,
        "line": line,
        "line_choices": lines.line_choices(request.user),
        "event_choices": _event_choices(),
    }
    return render(request, "integrations/webhook_list.html", context)


@login_required
@require_POST
def webhook_create(request: HttpRequest) -> HttpResponse:
    try:
        services.require_manager(request.user)
        line = lines.line_for(request.user, request.POST.get("business_line"))
        sub = services.subscription_create(
            actor=request.user,
            business_line=line,
            url=request.POST.get("url", ""),
            events=request.POST.getlist("events"),
            secret=request.POST.get("secret") or None,
            description=request.POST.get("description", ""),
        )
    except DomainError as exc:
        _error(request, exc)
        url = reverse("integrations:webhooks")
        chosen = request.POST.get("business_line", "")
        return redirect(url + (f"?line={chosen}" if chosen.isdigit() else ""))
    _show_secret_once(request, sub)
    messages.success(request, _("Webhook added."))
    return redirect("integrations:webhook", pk=sub.pk)


@login_required
@require_safe
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_manager(request.user)
    sub = services.subscription_get_for(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    deliveries = selectors.deliveries_of(sub)
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    page = paginate(
        deliveries, ordering="-id", cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
    )
    shown = request.session.pop(SECRET_KEY, None)
    context = {
        "sub": sub,
        "page": page,
        "status": status,
        "statuses": DeliveryStatus.choices,
        "event_choices": _event_choices(),
        "new_secret": shown["secret"] if shown and shown.get("id") == sub.pk else None,
    }
    return render(request, "integrations/webhook_detail.html", context)


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    try:
        services.require_manager(request.user)
        sub = services.subscription_get_for(user=request.user, pk=pk)
        action(sub)
    except DomainError as exc:
        if exc.status == 404:
            raise
        _error(request, exc)
    return redirect("integrations:webhook", pk=pk)


@login_required
@require_POST
def webhook_update(request: HttpRequest, pk: int) -> HttpResponse:
    def update(sub):
        services.subscription_update(
            actor=request.user,
            subscription=sub,
            changes={
                "url": request.POST.get("url", ""),
                "events": request.POST.getlist("events"),
                "description": request.POST.get("description", ""),
            },
        )
        messages.success(request, _("Webhook saved."))

    return _act(request, pk, update)


@login_required
@require_POST
def webhook_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    def toggle(sub):
        sub = services.subscription_set_active(
            actor=request.user, subscription=sub, active=not sub.active
        )
        messages.success(request, _("Webhook enabled.") if sub.active else _("Webhook disabled."))

    return _act(request, pk, toggle)


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    def rotate(sub):
        sub = services.subscription_rotate_secret(actor=request.user, subscription=sub)
        _show_secret_once(request, sub)
        messages.success(request, _("New secret made. Deliveries are signed with it from now on."))

    return _act(request, pk, rotate)


@login_required
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    def test(sub):
        services.subscription_send_test(actor=request.user, subscription=sub)
        messages.success(request, _("Test event queued. Its result appears in the delivery log."))

    return _act(request, pk, test)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_manager(request.user)
    sub = services.subscription_get_for(user=request.user, pk=pk)
    line_id = sub.business_line_id
    services.subscription_delete(actor=request.user, subscription=sub)
    messages.success(request, _("Webhook deleted."))
    url = reverse("integrations:webhooks")
    return redirect(url + (f"?line={line_id}" if lines.may_choose(request.user) else ""))
