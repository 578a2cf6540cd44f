"""Pages of the property office: the collection desk (rate per fee and building, arrears,
deadlines, letter batches), a printable letter batch, and the repairs board. Views parse, call a
selector or service, and render; a refused write re-renders the page with its message (4xx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.business_calendar import calendar_for
from kefu.core.errors import DomainError
from kefu.core.idempotency import once
from kefu.property import rules, selectors, services
from kefu.property.models import (
    ArrearsReason,
    Basis,
    FeeKind,
    LetterKind,
    RepairScope,
    RepairSize,
)

ARREARS_ROWS = 20
REPAIR_ROWS = 50


def _year(request) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


def _error(exc: DomainError) -> dict:
    return {"message": str(exc.message), "fields": [str(v) for v in exc.fields.values()]}


def _desk(request, *, error=None, status=200):
    user = request.user
    year = _year(request)
    today = timezone.localdate()
    bills = selectors.bills_for(user)
    report = selectors.collection_rate(bills=bills, year=year)
    arrears = selectors.with_units(selectors.arrears(bills=bills, as_of=today)[:ARREARS_ROWS])
    dunning = selectors.dunning_households(bills=bills, as_of=today)
    last_due = (
        bills.filter(due_on__lte=today).order_by("-due_on").values_list("due_on", flat=True).first()
    )
    deadlines = None
    if last_due and user.business_line_id:
        stats, visits = rules.collection_deadlines(
            last_due, calendar_for(user.business_line).is_workday
        )
        deadlines = {"due": last_due, "stats": stats, "visits": visits}
    context = {
        "year": year,
        "years": sorted(set(bills.values_list("year", flat=True).distinct()) | {today.year}),
        "report": report,
        "target": rules.TARGET_RATE,
        "arrears": arrears,
        "reasons": selectors.arrears_reasons(bills=bills, as_of=today),
        "reason_choices": ArrearsReason.choices,
        "dunning_count": len(dunning),
        "deadlines": deadlines,
        "batches": selectors.with_results(
            selectors.batches_for(user).select_related("created_by")[:20]
        ),
        "may_print": scope.at_least(user, scope.SUPERVISOR) and bool(user.business_line_id),
        "letter_kinds": LetterKind.choices,
        "fees": [
            (fee, rules.fee_review_due(fee.reviewed_on, today))
            for fee in selectors.fee_types_for(user)
        ],
        "fee_kinds": FeeKind.choices,
        "bases": Basis.choices,
        "today": today,
        "error": error,
    }
    return render(request, "property/desk.html", context, status=status)


@login_required
def desk(request):
    return _desk(request)


@login_required
@require_POST
@once
def batch_print(request):
    try:
        batch = services.letter_batch_print(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            as_of=request.POST.get("as_of") or None,
        )
    except DomainError as exc:
        return _desk(request, error=_error(exc), status=exc.status)
    return redirect("property:batch", pk=batch.pk)


@login_required
def batch(request, pk: int):
    found = selectors.batches_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    letters = found.letters.select_related("unit", "customer", "record").order_by("id")
    return render(request, "property/batch.html", {"batch": found, "letters": letters})


def _repairs(request, *, error=None, status=200):
    user = request.user
    jobs = selectors.repairs_for(user)
    # a page number that is not one shows the first (or last) page, never an error
    page = Paginator(jobs.select_related("unit"), REPAIR_ROWS).get_page(request.GET.get("page"))
    context = {
        "figures": selectors.repair_figures(jobs),
        "jobs": page.object_list,
        "page": page,
        "units": selectors.units_for(user).order_by("building", "room")[:500],
        "scopes": RepairScope.choices,
        "sizes": RepairSize.choices,
        "now": timezone.now(),
        "error": error,
    }
    return render(request, "property/repairs.html", context, status=status)


@login_required
def repairs(request):
    return _repairs(request)


@login_required
@require_POST
@once
def repair_report(request):
    unit = request.POST.get("unit", "")
    try:
        services.repair_report(
            actor=request.user,
            scope_=request.POST.get("scope", ""),
            size=request.POST.get("size", ""),
            description=request.POST.get("description", ""),
            unit_id=int(unit) if unit.isdigit() else None,
        )
    except DomainError as exc:
        return _repairs(request, error=_error(exc), status=exc.status)
    return redirect("property:repairs")


def _version(request) -> int:
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else 0


@login_required
@require_POST
def repair_action(request, pk: int, action: str):
    try:
        if action == "done":
            services.repair_done(actor=request.user, job_id=pk, version=_version(request))
        else:
            services.repair_callback(
                actor=request.user,
                job_id=pk,
                version=_version(request),
                satisfied=request.POST.get("satisfied") == "yes",
            )
    except DomainError as exc:
        return _repairs(request, error=_error(exc), status=exc.status)
    return redirect("property:repairs")


def _cash(request, *, error=None, status=200):
    from kefu.property.cash import cash_ledger

    context = {
        "ledger": cash_ledger(request.user),
        "today": timezone.localdate(),
        "error": error,
    }
    return render(request, "property/cash.html", context, status=status)


@login_required
def cash(request):
    return _cash(request)


@login_required
@require_POST
@once
def cash_close(request):
    from kefu.property.cash import cash_day_close

    try:
        cash_day_close(
            actor=request.user,
            day=request.POST.get("day", ""),
            counted=request.POST.get("counted", ""),
            handed_over=request.POST.get("handed_over", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return _cash(request, error=_error(exc), status=exc.status)
    return redirect("property:cash")


@login_required
@require_POST
@once
def fee_save(request):
    """FEE-5: a supervisor sets a fee standard and the date of its yearly review."""
    try:
        services.fee_type_save(
            actor=request.user,
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            basis=request.POST.get("basis", ""),
            unit_price=request.POST.get("unit_price", ""),
            reviewed_on=request.POST.get("reviewed_on") or None,
        )
    except DomainError as exc:
        return _desk(request, error=_error(exc), status=exc.status)
    return redirect("property:desk")


@login_required
@require_POST
def arrears_reason(request, pk: int):
    """ARC-12: a household's reason for not paying, set from the arrears table."""
    try:
        services.arrears_reason_set(
            actor=request.user, unit_id=pk, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return _desk(request, error=_error(exc), status=exc.status)
    return redirect("property:desk")
