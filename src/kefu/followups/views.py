"""Pages: the agent's callback workbench, supervisors' 回访率, repeat/malignant lists, deputies
and absences, the registers with their exports, and the ticket page's grade actions.

Each view parses, calls a selector or service, and renders; on htmx only the fragment.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, PermissionDenied
from kefu.customers.selectors import shown_phone
from kefu.followups import selectors, services
from kefu.followups.exports import XLSX
from kefu.followups.models import Grade, Outcome
from kefu.tickets.selectors import ticket_get_for

REGISTER_ROWS = 100


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _reveal_url(customer_id: int) -> str | None:
    try:
        return reverse("customers:reveal", args=[customer_id])
    except NoReverseMatch:
        return None


def _workbench_context(request, *, error: str = "", done: str = "") -> dict:
    today = timezone.localdate()
    tasks = selectors.workbench_for(user=request.user, today=today)
    for task in tasks:
        task.phone_shown = shown_phone(request.user, task.customer.phone)
        task.reveal_url = _reveal_url(task.customer_id)
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
    return render(request, "followups/workbench.html", context)


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


def _require(user, role: str) -> None:
    if not scope.at_least(user, role):
        raise PermissionDenied()


@login_required
def rates(request):
    _require(request.user, scope.LEAD)
    figures = selectors.callback_rates(user=request.user, period=request.GET.get("period"))
    return render(request, "followups/rates.html", {"figures": figures})


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
        },
    )


def _day(request, name: str):
    raw = (request.POST.get(name) or "").strip()
    day = None
    try:
        day = parse_date(raw) if raw else None
    except ValueError:
        day = None
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


@login_required
def registers(request):
    start = selectors.parse_day("from", request.GET.get("from"))
    end = selectors.parse_day("to", request.GET.get("to"))
    calls = list(
        selectors.call_list_for(user=request.user, start=start, end=end).order_by(
            "-started_at", "-id"
        )[:REGISTER_ROWS]
    )
    for call in calls:
        call.phone_shown = shown_phone(request.user, call.customer.phone)
    letters = list(
        selectors.letter_list_for(user=request.user, start=start, end=end).order_by(
            "-sent_on", "-id"
        )[:REGISTER_ROWS]
    )
    return render(
        request,
        "followups/registers.html",
        {
            "calls": calls,
            "letters": letters,
            "start": start,
            "end": end,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def register_export(request, register: str):
    name, data = services.registers_export(
        actor=request.user,
        register=register,
        start=selectors.parse_day("from", request.GET.get("from")),
        end=selectors.parse_day("to", request.GET.get("to")),
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def policies(request):
    _require(request.user, scope.SUPERVISOR)
    status = 200
    items = selectors.policies_for(request.user)
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
            return redirect("followups:policies")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
    return render(request, "followups/policies.html", {"policies": items}, status=status)


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
