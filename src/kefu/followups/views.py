"""Pages: the agent's callback workbench, supervisors' 回访率, repeat/malignant lists, deputies
and absences, the registers with their exports, and the ticket page's grade actions.

Each view parses, calls a selector or service, and renders; on htmx only the fragment.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from kefu.accounts.selectors import business_line_list_for
from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, PermissionDenied
from kefu.core.idempotency import once
from kefu.core.inputs import lenient_date
from kefu.customers.selectors import (
    FULL,
    REVEAL,
    CustomerFilters,
    contact_access,
    customer_list_for,
    customer_search_for,
    shown_phone,
)
from kefu.customers.services import contact_reveal
from kefu.followups import selectors, services
from kefu.followups.exports import XLSX
from kefu.followups.forms import (
    CallRegisterForm,
    EventCreateForm,
    LetterRegisterForm,
    call_initial,
    letter_initial,
)
from kefu.followups.models import (
    CallResult,
    Direction,
    Event,
    Grade,
    Kind,
    LetterChannel,
    LetterDirection,
    LetterKind,
    Outcome,
)
from kefu.followups.services.events import MAX_INVITED
from kefu.tickets.selectors import ticket_get_for

REGISTER_ROWS = 50  # rows per page of each register
PICK_LIMIT = 8  # customers offered when a register form's search matches several
EVENT_ROWS = 100


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _workbench_context(request, *, error: str = "", done: str = "") -> dict:
    today = timezone.localdate()
    tasks = selectors.workbench_for(user=request.user, today=today)
    access = contact_access(request.user)
    for task in tasks:
        task.phone_shown = shown_phone(request.user, task.customer.phone)
        # the full number is a tel: link at once, or after an audited reveal (POST)
        task.phone_full = task.customer.phone if access == FULL else ""
        task.can_reveal = access == REVEAL
        task.overdue = task.window_end < today
    return {
        "tasks": tasks,
        "counts": selectors.workbench_counts(user=request.user, today=today),
        "outcomes": Outcome.choices,
        "today": today,
        "error": error,
        "done": done,
    }


@login_required
def workbench(request: HtmxHttpRequest):
    context = _workbench_context(request)
    if request.htmx:
        return render(request, "followups/_workbench_rows.html", context)
    context["notices"] = selectors.open_notices_for(request.user)
    context["issues"] = selectors.open_issues_for(request.user)
    return render(request, "followups/workbench.html", context)


@login_required
@require_POST
def notice_done(request, pk: int):
    """The customer was told the solution (CMP-4): the same-day task is done."""
    notice = selectors.notice_get_for(user=request.user, pk=pk)
    try:
        services.notice_done(actor=request.user, notice=notice, notes=request.POST.get("notes", ""))
        messages.success(
            request,
            _("Done: %(customer)s was told the solution.") % {"customer": notice.customer.name},
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("followups:workbench")


@login_required
@require_POST
def issue_solution(request, pk: int):
    """Record the solution of an issue raised in a callback; the owner tells the customer today."""
    task = selectors.callback_get_for(user=request.user, pk=pk)
    try:
        services.callback_issue_resolve(
            actor=request.user, task=task, notes=request.POST.get("solution", "")
        )
        messages.success(request, _("Solution recorded: tell the customer today."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("followups:workbench")


@login_required
@require_POST
def callback_outcome(request: HtmxHttpRequest, pk: int):
    task = selectors.callback_get_for(user=request.user, pk=pk)
    error = done = ""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.callback_log_outcome(
            actor=request.user,
            task=task,
            version=version,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
            duration_seconds=request.POST.get("duration_seconds") or 0,
        )
        done = _("Logged: %(customer)s — %(outcome)s.") % {
            "customer": task.customer.name,
            "outcome": Outcome(request.POST["outcome"]).label,
        }
    except DomainError as exc:
        error = str(exc.message)
    if request.htmx:
        return render(
            request,
            "followups/_workbench_rows.html",
            _workbench_context(request, error=error, done=done),
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("followups:workbench")


@login_required
@require_POST
def callback_reveal(request: HtmxHttpRequest, pk: int):
    """Show the full number of a callback's customer to dial it: scope-checked (404 outside),
    audited and rate-limited as a reveal (customers.services.contact_reveal); htmx swaps the
    number in place as a tel: link."""
    task = selectors.callback_get_for(user=request.user, pk=pk)
    try:
        revealed = contact_reveal(
            actor=request.user, customer=task.customer, ip=request.META.get("REMOTE_ADDR")
        )
    except DomainError as exc:
        if not request.htmx:
            raise  # the error page of its status (403 masked role, 429 too many reveals)
        task.phone_shown = shown_phone(request.user, task.customer.phone)
        task.can_reveal = contact_access(request.user) == REVEAL
        context = {"task": task, "reveal_error": str(exc.message)}
        return render(request, "followups/_phone.html", context, status=exc.status)
    if request.htmx:
        task.phone_full = revealed["phone"]
        return render(request, "followups/_phone.html", {"task": task})
    context = _workbench_context(request)
    for shown in context["tasks"]:
        if shown.pk == task.pk:
            shown.phone_full = revealed["phone"]
    return render(request, "followups/workbench.html", context)


def _require(user, role: str) -> None:
    if not scope.at_least(user, role):
        raise PermissionDenied()


@login_required
def rates(request):
    _require(request.user, scope.LEAD)
    figures = selectors.callback_rates(user=request.user, period=request.GET.get("period"))
    can_set = bool(request.user.business_line_id) and scope.at_least(request.user, scope.SUPERVISOR)
    return render(request, "followups/rates.html", {"figures": figures, "can_set": can_set})


@login_required
@require_POST
def rate_target(request):
    """FU-5: a supervisor or manager sets the line's 回访率 target (percent)."""
    _require(request.user, scope.SUPERVISOR)
    line = request.user.business_line
    if line is None:
        raise PermissionDenied()
    try:
        services.line_settings_update(
            actor=request.user,
            line=line,
            values={"callback_rate_target": request.POST.get("target", "")},
        )
    except Invalid as exc:
        detail = "; ".join(str(v) for v in exc.fields.values()) or str(exc.message)
        messages.error(request, _("The target was not saved: %(why)s") % {"why": detail})
    else:
        messages.success(request, _("The callback-rate target is saved."))
    period = (request.POST.get("period") or "").strip()
    url = reverse("followups:rates")
    return redirect(f"{url}?period={quote(period)}" if period else url)


@login_required
def complaints(request):
    _require(request.user, scope.LEAD)
    grade = request.GET.get("grade") or Grade.REPEAT
    period, _first, _next = selectors.parse_period(request.GET.get("period"))
    rows = selectors.graded_complaints_for(user=request.user, period=period, grade=grade)
    return render(
        request,
        "followups/complaints.html",
        {
            "rows": rows,
            "grade": grade,
            "period": period,
            "grades": [
                (Grade.REPEAT, Grade.REPEAT.label),
                (Grade.MALIGNANT, Grade.MALIGNANT.label),
            ],
            "escalations": selectors.escalations_for(request.user)[:50],
            "escalation_counts": selectors.escalation_counts(user=request.user, period=period),
            "manual_escalations": selectors.manual_escalations_for(request.user)
            .select_related("ticket", "actor", "recipient")
            .order_by("-created_at", "-id")[:20],
        },
    )


def _day(request, name: str):
    raw = (request.POST.get(name) or "").strip()
    day = lenient_date(raw)
    if day is None:
        raise Invalid(_("Enter a date such as 2026-11-30."), fields={name: _("Required.")})
    return day


@login_required
def deputies(request):
    _require(request.user, scope.SUPERVISOR)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "deputy":
                services.deputy_set(
                    actor=request.user,
                    owner=request.POST.get("owner"),
                    deputy=request.POST.get("deputy"),
                )
                messages.success(request, _("Deputy saved."))
            elif action == "clear":
                services.deputy_clear(actor=request.user, owner=request.POST.get("owner"))
                messages.success(request, _("Deputy removed."))
            elif action == "absence":
                services.absence_create(
                    actor=request.user,
                    user=request.POST.get("user"),
                    starts_on=_day(request, "starts_on"),
                    ends_on=_day(request, "ends_on"),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Absence recorded."))
            else:
                raise Invalid(_("Unknown action."))
            return redirect("followups:deputies")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
    context = {
        "staff": selectors.staff_for(request.user),
        "deputies": selectors.deputies_for(request.user),
        "absences": selectors.absences_for(request.user),
    }
    return render(request, "followups/deputies.html", context, status=status)


def _registers_page(request, *, call_form=None, letter_form=None, status: int = 200):
    start = selectors.parse_day("from", request.GET.get("from"))
    end = selectors.parse_day("to", request.GET.get("to"))
    call_filters = selectors.register_filters(request.GET, selectors.CALL_FILTERS)
    letter_filters = selectors.register_filters(request.GET, selectors.LETTER_FILTERS)
    search = call_filters.get("q", "")
    if search:  # read once for both registers (a reveal by phone digits is audited once)
        found = selectors.register_search(user=request.user, q=search)
        call_filters["q"] = letter_filters["q"] = found
    calls = Paginator(
        selectors.call_list_for(
            user=request.user, start=start, end=end, filters=call_filters
        ).order_by("-started_at", "-id"),
        REGISTER_ROWS,
    ).get_page(request.GET.get("calls_page"))
    for call in calls:
        call.phone_shown = shown_phone(request.user, call.customer.phone)
    letters = Paginator(
        selectors.letter_list_for(
            user=request.user, start=start, end=end, filters=letter_filters
        ).order_by("-sent_on", "-id"),
        REGISTER_ROWS,
    ).get_page(request.GET.get("letters_page"))
    # ?customer=&ticket= prefill the forms (links from a customer or ticket page)
    prefill = {
        name: request.GET[name]
        for name in ("customer", "ticket")
        if request.GET.get(name, "").isdigit()
    }
    return render(
        request,
        "followups/registers.html",
        {
            "calls": calls,
            "letters": letters,
            "start": start,
            "end": end,
            "query": request.GET.urlencode(),
            "page_query": {
                name: _page_link(request, name, page)
                for name, page in (("calls_page", calls), ("letters_page", letters))
            },
            "filters": {**call_filters, **{f"letter_{k}": v for k, v in letter_filters.items()}},
            "directions": Direction.choices,
            "letter_directions": LetterDirection.choices,
            "results": CallResult.choices,
            "letter_kinds": LetterKind.choices,
            "letter_channels": LetterChannel.choices,
            "teams": selectors.register_teams(request.user),
            "team_filter": call_filters.get("team_id"),
            "search": search,
            "call_form": call_form
            or CallRegisterForm(prefix="call", initial={**call_initial(), **prefill}),
            "letter_form": letter_form
            or LetterRegisterForm(prefix="letter", initial={**letter_initial(), **prefill}),
            "open_form": "call" if call_form else "letter" if letter_form else "",
        },
        status=status,
    )


def _page_link(request, name: str, page) -> dict:
    """The previous and next page links of one register, keeping the other's page and the
    filters."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[name] = str(number)
        return "?" + query.urlencode()

    return {
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


@login_required
def registers(request):
    return _registers_page(request)


def _picked_customer(request, form) -> int | None:
    """The customer id of a register form: the id given, or the one customer the search finds.
    Otherwise None, with an error on the form and the matches to choose from."""
    data = form.cleaned_data
    if data.get("customer"):
        return data["customer"]
    q = data["customer_q"].strip()
    matches = customer_search_for(user=request.user, q=q, limit=PICK_LIMIT)
    if len(matches) == 1:
        return matches[0].pk
    if not matches:
        form.add_error("customer_q", _("No customer matches “%(q)s”.") % {"q": q})
    else:
        form.add_error(None, _("Several customers match; choose one of them."))
        for customer in matches:
            customer.phone_shown = shown_phone(request.user, customer.phone)
        form.matches = matches
    return None


@login_required
@require_POST
@once
def register_call(request):
    form = CallRegisterForm(request.POST, prefix="call")
    customer = _picked_customer(request, form) if form.is_valid() else None
    if customer:
        data = form.cleaned_data
        try:
            record = services.call_record_create(
                actor=request.user,
                customer=customer,
                ticket=data["ticket"],
                direction=data["direction"],
                result=data["result"],
                started_at=data["started_at"],
                duration_seconds=data["duration_seconds"],
                recording_ref=data["recording_ref"],
                notes=data["notes"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, _("The call with %(name)s is registered.") % {"name": record.customer.name}
            )
            return redirect("followups:registers")
    return _registers_page(request, call_form=form, status=400)


@login_required
@require_POST
@once
def register_letter(request):
    form = LetterRegisterForm(request.POST, prefix="letter")
    customer = _picked_customer(request, form) if form.is_valid() else None
    if customer:
        data = form.cleaned_data
        try:
            record = services.letter_record_create(
                actor=request.user,
                customer=customer,
                ticket=data["ticket"],
                kind=data["kind"],
                channel=data["channel"],
                sent_on=data["sent_on"],
                tracking_number=data["tracking_number"],
                subject=data["subject"],
                notes=data["notes"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                _("The letter to %(name)s is registered.") % {"name": record.customer.name},
            )
            return redirect("followups:registers")
    return _registers_page(request, letter_form=form, status=400)


@login_required
def register_export(request, register: str):
    name, data = services.registers_export(
        actor=request.user,
        register=register,
        start=selectors.parse_day("from", request.GET.get("from")),
        end=selectors.parse_day("to", request.GET.get("to")),
        filters=selectors.register_filters(
            request.GET,
            selectors.CALL_FILTERS if register == "calls" else selectors.LETTER_FILTERS,
        ),
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def policies(request):
    _require(request.user, scope.SUPERVISOR)
    status = 200
    # an administrator has no line of their own: they choose the line whose policies they edit
    from kefu.accounts import lines
    from kefu.followups.services.policies import policies_by_kind

    raw = request.POST.get("business_line") or request.GET.get("line")
    line = lines.line_shown(request.user, raw)
    items = list(policies_by_kind(line).values()) if line else []
    if request.method == "POST":
        by_id = {str(p.pk): p for p in items}
        policy = by_id.get(request.POST.get("policy", ""))
        try:
            if policy is None:
                raise Invalid(_("Unknown policy."))
            changes = {
                name: request.POST.get(name, "")
                for name in ("start_days", "end_days", "max_attempts", "retry_days", "script")
            }
            if policy.second_days is not None or request.POST.get("second_days"):
                changes["second_days"] = request.POST.get("second_days", "")
            changes["enabled"] = request.POST.get("enabled") == "on"
            changes["working_days"] = request.POST.get("working_days") == "on"
            services.policy_update(actor=request.user, policy=policy, changes=changes)
            messages.success(request, _("Policy saved."))
            if lines.may_choose(request.user):
                return redirect(f"{reverse('followups:policies')}?line={line.pk}")
            return redirect("followups:policies")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
    context = {"policies": items, "line": line, "line_choices": lines.line_choices(request.user)}
    return render(request, "followups/policies.html", context, status=status)


def _back_to_ticket(ticket_pk: int):
    try:
        return redirect(reverse("tickets:detail", args=[ticket_pk]))
    except NoReverseMatch:
        return redirect("followups:workbench")


@login_required
@require_POST
def ticket_severe(request, pk: int):
    ticket = ticket_get_for(user=request.user, pk=pk)
    try:
        services.complaint_mark_severe(
            actor=request.user, ticket=ticket, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The complaint is now graded malignant."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back_to_ticket(ticket.pk)


@login_required
def intake(request):
    """New customers (ARC-1/6): archive due within 2 days, the allocation and its reason, the
    first-contact callback; ``?overdue=1`` lists the archives past their due day."""
    status = 200
    if request.method == "POST":
        from kefu.followups.services.intake import intake_run

        _require(request.user, scope.SUPERVISOR)
        lines = None if request.user.business_line_id is None else [request.user.business_line_id]
        count = intake_run(line_ids=lines)
        messages.success(request, _("%(n)d new customers allocated.") % {"n": count})
        return redirect("followups:intake")
    overdue = request.GET.get("overdue") == "1"
    context = {
        "page": selectors.intakes_for(
            user=request.user, overdue=overdue, cursor=request.GET.get("cursor") or None
        ),
        "counts": selectors.intake_counts(user=request.user),
        "overdue": overdue,
        "can_allocate": scope.at_least(request.user, scope.SUPERVISOR),
    }
    return render(request, "followups/intake.html", context, status=status)


@login_required
@require_POST
def ticket_escalate(request, pk: int):
    """Escalate the ticket by hand, or report a difficult customer (ESC-4/6)."""
    from kefu.followups.services.manual import ticket_escalate as escalate

    ticket = ticket_get_for(user=request.user, pk=pk)
    try:
        escalate(
            actor=request.user,
            ticket=ticket,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
            difficult=request.POST.get("kind") == "difficult",
        )
        messages.success(request, _("Escalated. They have been notified."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back_to_ticket(ticket.pk)


@login_required
@require_POST
def ticket_flag(request, pk: int):
    ticket = ticket_get_for(user=request.user, pk=pk)
    try:
        services.complaint_flag(
            actor=request.user,
            ticket=ticket,
            flag=request.POST.get("flag", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Flag recorded."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back_to_ticket(ticket.pk)


# -- events ----------------------------------------------------------------------------------


def _events_for(user):
    """Events of the user's business line (every line for an admin), newest date first, with
    how many customers each invites and how many notice and letter tasks it made."""
    return (
        Event.objects.filter(scope.business_line_q(user))
        .select_related("business_line")
        .annotate(
            invited_count=Count("invited", distinct=True),
            notice_count=Count("tasks", filter=Q(tasks__kind=Kind.EVENT_NOTICE), distinct=True),
            letter_count=Count("tasks", filter=Q(tasks__kind=Kind.EVENT_LETTER), distinct=True),
        )
        .order_by("-happens_on", "-id")[:EVENT_ROWS]
    )


def _invited_ids(user, line, data) -> list[int]:
    """The customers an event form invites: those matching its tier / tag / segment (within the
    event's business line) and the listed ids (the service refuses ids of another line)."""
    ids = set(data["ids"])
    if data["tier"] or data["tag"] or data["segment"]:
        filters = CustomerFilters(tier=data["tier"], tag=data["tag"], segment=data["segment"])
        matching = customer_list_for(user=user, filters=filters).filter(business_line=line)
        ids.update(matching.values_list("pk", flat=True)[: MAX_INVITED + 1])
    return sorted(ids)


def _event_create_once(user, line, data, customers) -> tuple[Event, bool]:
    """The posted event and whether it is new (the service returns an existing one of the
    same line, date and title, so a form sent twice creates nothing twice)."""
    before = Event.objects.filter(business_line=line).count()
    event = services.event_create(
        actor=user,
        business_line=line,
        title=data["title"],
        happens_on=data["happens_on"],
        customers=customers,
        location=data["location"],
        description=data["description"],
    )
    return event, Event.objects.filter(business_line=line).count() > before


def _event_submit(request, form, lines) -> Event | None:
    """Create the posted event; None with the errors on the form."""
    if not form.is_valid():
        return None
    line = {x.pk: x for x in lines}.get(form.cleaned_data["business_line"])
    if line is None:
        form.add_error("business_line", _("Choose your business line."))
        return None
    customers = _invited_ids(request.user, line, form.cleaned_data)
    if not customers:
        form.add_error(None, _("No customer matches; nobody would be invited."))
        return None
    try:
        event, created = _event_create_once(request.user, line, form.cleaned_data, customers)
    except DomainError as exc:
        form.add_domain_error(exc)
        return None
    if created:
        messages.success(
            request,
            _("Event “%(title)s” is created; its notice calls are scheduled.")
            % {"title": event.title},
        )
    else:
        messages.info(
            request,
            _("Event “%(title)s” on %(date)s already exists; nothing was created twice.")
            % {"title": event.title, "date": event.happens_on},
        )
    return event


@login_required
@once
def events(request):
    _require(request.user, scope.LEAD)
    lines = list(business_line_list_for(user=request.user).filter(is_active=True))
    form = EventCreateForm(request.POST or None, lines=lines)
    if request.method == "POST" and _event_submit(request, form, lines) is not None:
        return redirect("followups:events")
    context = {"events": _events_for(request.user), "form": form, "lines": lines}
    status = 400 if request.method == "POST" else 200
    return render(request, "followups/events.html", context, status=status)
