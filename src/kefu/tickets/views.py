"""Ticket pages: the list, the detail with its forms, and the phone-call intake screen.

Each view parses, calls a selector or service, and renders; on ``request.htmx`` only the
fragment template (leading underscore) is rendered. Changes only by POST, then PRG / HX-Redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from kefu.core.errors import DomainError, Invalid, NotFound, StaleWrite
from kefu.core.idempotency import once
from kefu.core.inputs import id_or_none
from kefu.core.pagination import paginate
from kefu.core.xlsx import XLSX
from kefu.customers.selectors import customer_get_for, customer_search_for, shown_phone
from kefu.tickets import bulk, queues, services, workflow
from kefu.tickets.filters import TicketFilters
from kefu.tickets.forms import (
    AttachmentForm,
    IntakeForm,
    MessageForm,
    SavedViewForm,
    TicketEditForm,
    TicketFilterForm,
    TicketStatusForm,
    TicketTransferForm,
    assignee_choices,
)
from kefu.tickets.models import OPEN_STATUSES, Status, Ticket
from kefu.tickets.selectors import (
    ticket_branches_for,
    ticket_get_for,
    ticket_list_for,
    ticket_qs_for,
    ticket_timeline,
)

PAGE_SIZE = 25
TAB_COOKIE = "kefu_ticket_tab"
TAB_COOKIE_AGE = 365 * 24 * 3600
SEARCH_RESULTS = 8
HISTORY_RECENT = 5
HISTORY_OPEN = 10


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _fragment(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _done(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """After a successful POST: HX-Redirect for htmx, a plain redirect otherwise (PRG)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _detail_url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


# -- list ------------------------------------------------------------------------------------


def _chosen_tab(request: HtmxHttpRequest, params: QueryDict) -> tuple[str, bool]:
    """(tab, whether to remember it): the tab asked for, else the one this user chose last time
    in this browser (a signed cookie: no write per page), else the role's."""
    asked = params.get("tab")
    remembered = request.get_signed_cookie(TAB_COOKIE, default="", salt=TAB_COOKIE)
    user_pk, _sep, tab = remembered.partition(":")
    remembered = tab if user_pk == str(request.user.pk) and tab in queues.TABS else ""
    if asked in queues.TABS:
        return asked, asked != remembered
    return remembered or queues.default_tab(request.user), False


def _with_tab_defaults(params: QueryDict, tab: str) -> tuple[QueryDict, set[str]]:
    """``params`` with the tab's default filters where the user gave none (an empty value is a
    choice: "any status"); and the names of the filters so filled in."""
    data = params.copy()
    filled = set()
    for name, value in queues.TAB_DEFAULTS[tab].items():
        if name not in data:
            data[name] = value
            filled.add(name)
    return data, filled


def _bulk_context(user) -> dict:
    """The bulk-action bar: the status targets, and for those who dispatch, people and teams."""
    reachable = set().union(*(workflow.allowed_targets(s) for s in Status.values))
    context = {
        "bulk_statuses": [(v, label) for v, label in Status.choices if v in reachable],
        "bulk_max": bulk.MAX_ITEMS,
    }
    context["bulk_dispatch"] = bulk.may_dispatch(user)
    if context["bulk_dispatch"]:
        context["bulk_assignees"] = list(bulk.assignees_for(user))
        context["bulk_teams"] = list(bulk.teams_for(user))
    return context


def _render_list(request: HtmxHttpRequest, params: QueryDict, *, status: int = 200):
    tab, remember = _chosen_tab(request, params)
    data, filled = _with_tab_defaults(params, tab)
    form = TicketFilterForm(data, user=request.user)
    page = None
    try:
        filters = TicketFilters.parse(data, customer_text=True)
        filters.active = [name for name in filters.active if name not in filled]
        qs = queues.queue_filter(
            ticket_list_for(user=request.user, filters=filters), tab, request.user
        )
        branches = (
            []
            if tab == "team"
            else ticket_branches_for(user=request.user, filters=filters, mine=tab == "mine")
        )
        page = paginate(
            qs,
            ordering=filters.ordering,
            cursor=params.get("cursor"),
            limit=PAGE_SIZE,
            branches=branches,
        )
    except Invalid as exc:
        form.show_filter_errors(exc.fields or {"__all__": exc.message})
        filters, status = None, 400
    query = params.copy()
    query.pop("cursor", None)
    query.pop("csrfmiddlewaretoken", None)
    filter_query = query.copy()
    filter_query.pop("tab", None)
    query["tab"] = tab
    context = {
        "tab": tab,
        "tabs": queues.tabs_for(request.user),
        "form": form,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "filter_query": filter_query.urlencode(),
        "now": timezone.now(),
    }
    if _fragment(request):
        response = render(request, "tickets/_ticket_rows.html", context, status=status)
    else:
        context["saved_views"] = list(request.user.saved_views.all())
        context["save_form"] = SavedViewForm()
        context.update(_bulk_context(request.user))
        response = render(request, "tickets/ticket_list.html", context, status=status)
    if remember:
        response.set_signed_cookie(
            TAB_COOKIE,
            f"{request.user.pk}:{tab}",
            salt=TAB_COOKIE,
            max_age=TAB_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@login_required
@require_safe
def ticket_list(request: HtmxHttpRequest) -> HttpResponse:
    return _render_list(request, request.GET)


BULK_VALUES = {"assign": "assignee", "transfer": "team", "status": "status"}


@login_required
@require_POST
def ticket_bulk(request: HtmxHttpRequest) -> HttpResponse:
    """One action on the tickets ticked in the list (at most bulk.MAX_ITEMS): each ticket's
    outcome is reported; a request that cannot be understood is a 4xx that changes nothing."""
    action = request.POST.get("action", "")
    back = QueryDict(request.POST.get("query", "")[:2000], mutable=True)
    try:
        items = bulk.parse_selection(request.POST.getlist("t"))
        if action == "export":
            content, _rows = bulk.tickets_export_xlsx(actor=request.user, items=items)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response = HttpResponse(content, content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.xlsx"'
            return response
        value = request.POST.get(BULK_VALUES.get(action, ""), "")
        result = bulk.tickets_bulk_update(
            actor=request.user, items=items, action=action, value=value
        )
    except DomainError as exc:
        messages.error(request, _flat(exc))
        return _render_list(request, back, status=exc.status)
    if result.skipped:
        messages.warning(request, result.summary())
    else:
        messages.success(request, result.summary())
    return _done(request, f"{reverse('tickets:list')}?{back.urlencode()}")


@login_required
@require_POST
def saved_view_create(request: HtmxHttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            view = services.saved_view_save(
                user=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
        except Invalid as exc:
            messages.error(request, _flat(exc))
        else:
            messages.success(request, _("View “%(name)s” is saved.") % {"name": view.name})
            query = view.query
    else:
        messages.error(request, _("Name the view to save it."))
    return _done(request, f"{reverse('tickets:list')}?{QueryDict(query).urlencode()}")


@login_required
@require_POST
def saved_view_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    services.saved_view_delete(user=request.user, pk=pk)
    messages.success(request, _("The saved view is deleted."))
    return _done(request, reverse("tickets:list"))


def _flat(exc: DomainError) -> str:
    details = "; ".join(str(v) for v in exc.fields.values() if str(v) != str(exc.message))
    return f"{exc.message} {details}".strip()


# -- detail ----------------------------------------------------------------------------------

ACTIONS = ("edit", "status", "transfer", "reply", "note", "attach")


def _make_form(action: str, *, ticket: Ticket, user, data=None, files=None, initial=None):
    kwargs = {"data": data, "files": files, "initial": initial, "prefix": action}
    if action == "edit":
        return TicketEditForm(ticket=ticket, **kwargs)
    if action == "transfer":
        return TicketTransferForm(ticket=ticket, user=user, **kwargs)
    if action == "status":
        return TicketStatusForm(**kwargs)
    if action == "attach":
        return AttachmentForm(**kwargs)
    return MessageForm(**kwargs)


def _initial(action: str, ticket: Ticket, seen: int) -> dict:
    initial = {"version": ticket.version, "seen": seen}
    if action == "edit":
        initial.update(
            title=ticket.title,
            description=ticket.description,
            type=ticket.type,
            channel=ticket.channel,
            priority=ticket.priority,
            category=str(ticket.category_id or ""),
        )
    elif action == "transfer":
        initial.update(team=ticket.team_id, assignee=ticket.assignee_id or "")
    return initial


def _status_targets(ticket: Ticket) -> list[tuple[str, str, bool]]:
    """(status, label, is_reopen) for every status the machine allows from the current one."""
    allowed = workflow.allowed_targets(ticket.status)
    return [
        (value, label, workflow.is_reopen(ticket.status, value))
        for value, label in Status.choices
        if value in allowed
    ]


def _render_detail(
    request: HtmxHttpRequest,
    ticket: Ticket,
    *,
    bound=None,
    stale_since: int | None = None,
    status: int = 200,
    extra: dict | None = None,
) -> HttpResponse:
    """The detail page. ``bound`` is the (action, form) the user submitted; its input is kept,
    with the hidden version refreshed to the current one so a deliberate resubmit applies."""
    timeline = ticket_timeline(ticket=ticket)
    seen = timeline[-1].pk if timeline else 0
    forms = {
        action: _make_form(
            action, ticket=ticket, user=request.user, initial=_initial(action, ticket, seen)
        )
        for action in ACTIONS
    }
    if bound is not None:
        action, form = bound
        forms[action] = form
    stale = None
    if stale_since is not None:
        stale = {"events": [e for e in timeline if e.pk > stale_since]}
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "attachments": list(ticket.attachments.select_related("uploaded_by")),
        "customer_phone": shown_phone(request.user, ticket.customer.phone),
        "targets": _status_targets(ticket),
        "forms": forms,
        "stale": stale,
        "now": timezone.now(),
        "version": ticket.version,
        "seen": seen,
        **(extra or {}),
    }
    return render(request, "tickets/ticket_detail.html", context, status=status)


@login_required
@require_safe
def ticket_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    return _render_detail(request, ticket)


def _apply(action: str, *, user, ticket: Ticket, form) -> str:
    """Call the service for ``action``; returns the success message."""
    data = form.cleaned_data
    if action == "edit":
        services.ticket_update(
            actor=user, ticket=ticket, version=data["version"], changes=form.changes()
        )
        return _("The ticket is saved.")
    if action == "status":
        target = data["status"]
        services.ticket_update(
            actor=user, ticket=ticket, version=data["version"], changes={"status": target}
        )
        return _("The status is now “%(status)s”.") % {"status": Status(target).label}
    if action == "transfer":
        team_before = ticket.team_id
        services.ticket_update(
            actor=user, ticket=ticket, version=data["version"], changes=form.changes()
        )
        if ticket.team_id != team_before:
            return _("The ticket is transferred to %(team)s.") % {"team": ticket.team.name}
        if ticket.assignee is None:
            return _("The ticket is now unassigned.")
        return _("The ticket is assigned to %(name)s.") % {"name": ticket.assignee.name}
    if action == "reply":
        reply = services.ticket_reply(actor=user, ticket=ticket, body=data["body"])
        from kefu.tickets.outbound import describe

        # the delivery job was queued on commit; a worker that ran it already left its state
        reply.refresh_from_db(fields=["delivery_status", "delivery_error"])
        return describe(reply)
    if action == "note":
        services.ticket_note(actor=user, ticket=ticket, body=data["body"])
        return _("Your internal note is added.")
    services.attachment_add(actor=user, ticket=ticket, upload=data["file"])
    return _("The file is attached.")


def _refreshed(data: QueryDict, action: str, ticket: Ticket) -> QueryDict:
    data = data.copy()
    data[f"{action}-version"] = str(ticket.version)
    data.pop(f"{action}-seen", None)
    return data


@login_required
@require_POST
def ticket_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    form = _make_form(
        action, ticket=ticket, user=request.user, data=request.POST, files=request.FILES
    )
    if not form.is_valid():
        return _render_detail(request, ticket, bound=(action, form), status=400)
    if action == "reply":
        # the service-language check runs before a reply goes out: findings ask to confirm
        from kefu.tickets.views_replies import language_gate

        check = language_gate(request, form.cleaned_data["body"])
        if check:
            extra = {"reply_check": check}
            return _render_detail(request, ticket, bound=(action, form), extra=extra)
    try:
        message = _apply(action, user=request.user, ticket=ticket, form=form)
    except StaleWrite:
        current = ticket_get_for(user=request.user, pk=pk)
        kept = _make_form(
            action,
            ticket=current,
            user=request.user,
            data=_refreshed(request.POST, action, current),
        )
        return _render_detail(
            request,
            current,
            bound=(action, kept),
            stale_since=form.cleaned_data.get("seen") or 0,
            status=409,
        )
    except Invalid as exc:
        form.add_domain_error(exc)
        return _render_detail(request, ticket, bound=(action, form), status=400)
    messages.success(request, message)
    return _done(request, _detail_url(ticket))


@login_required
@require_safe
def assignee_options(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The assignee <option>s for the team chosen in the transfer form."""
    ticket = ticket_get_for(user=request.user, pk=pk)
    raw = request.GET.get("transfer-team", "")
    team = id_or_none(raw) or ticket.team_id
    choices = assignee_choices(user=request.user, team=team)
    return render(request, "tickets/_assignee_options.html", {"choices": choices})


@login_required
@require_safe
def attachment_download(request: HtmxHttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    ticket = ticket_get_for(user=request.user, pk=pk)
    attachment = ticket.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise NotFound()
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# -- intake ----------------------------------------------------------------------------------


def _picked_customer(user, raw):
    """The customer chosen on the intake screen, or None when the id is absent or out of scope."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    try:
        return customer_get_for(user=user, pk=pk)
    except NotFound:
        return None


def _customer_history(user, customer) -> dict:
    recent = ticket_list_for(user=user, filters=TicketFilters(customer=customer.pk))
    open_ = ticket_list_for(
        user=user, filters=TicketFilters(customer=customer.pk, status=list(OPEN_STATUSES))
    )
    return {
        "picked": customer,
        "picked_phone": shown_phone(user, customer.phone),
        "open_tickets": paginate(open_, ordering="due_at", cursor=None, limit=HISTORY_OPEN).items,
        "recent_tickets": paginate(
            recent, ordering="-created_at", cursor=None, limit=HISTORY_RECENT
        ).items,
        "now": timezone.now(),
    }


def _search_results(user, q: str) -> dict:
    q = (q or "").strip()
    digits = q.isascii() and q.isdigit()
    if not q or (digits and len(q) < 4):
        return {"customer_q": q, "results": None, "too_short": bool(q)}
    customers = customer_search_for(user=user, q=q, limit=SEARCH_RESULTS)
    counts = dict(
        ticket_qs_for(user)
        .filter(customer_id__in=[c.pk for c in customers], status__in=OPEN_STATUSES)
        .order_by()
        .values_list("customer_id")
        .annotate(n=Count("id"))
    )
    results = [
        {"customer": c, "phone": shown_phone(user, c.phone), "open": counts.get(c.pk, 0)}
        for c in customers
    ]
    return {"customer_q": q, "results": results, "too_short": False}


def _create_from_intake(user, form: IntakeForm) -> Ticket:
    data = form.cleaned_data
    if data.get("customer"):
        customer = customer_get_for(user=user, pk=data["customer"])
        return services.ticket_create(actor=user, customer=customer, **form.ticket_fields())
    return services.ticket_create_for_caller(
        actor=user,
        customer_phone=data["customer_phone"],
        customer_name=data["customer_name"],
        **form.ticket_fields(),
    )


def _intake(request: HtmxHttpRequest, *, new_caller: bool) -> HttpResponse:
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, user=user, allow_new_caller=new_caller)
        if form.is_valid():
            try:
                ticket = _create_from_intake(user, form)
            except NotFound:
                form.add_error(None, _("The customer is not in your business line. Pick again."))
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(
                    request,
                    _("Ticket %(number)s is recorded for %(name)s.")
                    % {"number": ticket.number, "name": ticket.customer.name},
                )
                return _done(request, _detail_url(ticket))
        status = 400
    else:
        form = IntakeForm(
            initial={"customer": source.get("customer") or None},
            user=user,
            allow_new_caller=new_caller,
        )
    picked = _picked_customer(user, source.get("customer"))
    context = {
        "form": form,
        "new_caller": new_caller,
        **_search_results(user, source.get("customer_q", "")),
        **(_customer_history(user, picked) if picked else {"picked": None}),
    }
    return render(request, "tickets/intake.html", context, status=status)


@login_required
@once
def ticket_intake(request: HtmxHttpRequest) -> HttpResponse:
    """The phone-call screen: find or create the caller and record the contact (golden path 1)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    return _intake(request, new_caller=True)


@login_required
@once
def ticket_new(request: HtmxHttpRequest) -> HttpResponse:
    """A new ticket for an existing customer chosen by search."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    return _intake(request, new_caller=False)


@login_required
@require_safe
def intake_customer_search(request: HtmxHttpRequest) -> HttpResponse:
    context = _search_results(request.user, request.GET.get("customer_q", ""))
    context["new_caller"] = not request.GET.get("existing_only")
    return render(request, "tickets/_customer_results.html", context)


@login_required
@require_safe
def intake_customer_panel(request: HtmxHttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_get_for(user=request.user, pk=customer_pk)
    context = _customer_history(request.user, customer)
    return render(request, "tickets/_customer_panel.html", context)
