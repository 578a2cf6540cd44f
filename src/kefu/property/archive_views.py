"""The household pages of the property office: the e-archive's catalogue (ARC-9), a household's
page (owner, fees, tenant, visits and its documents: file, download, withdraw) and the
rental-housing register (PM-X5). Views parse, call a selector or service and render; a refused
write re-renders the page with its message and the values entered (4xx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.core.errors import DomainError, NotFound
from kefu.core.idempotency import once
from kefu.customers.selectors import FULL, contact_access, shown_phone
from kefu.property import archive, rentals, services
from kefu.property.models import Bill, DocumentKind, Method
from kefu.property.views import _error


@login_required
@require_safe
def catalogue(request):
    context = archive.catalogue(
        request.user,
        q=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        building=request.GET.get("building", ""),
        cursor=request.GET.get("cursor") or None,
    )
    return render(request, "property/archive.html", context)


def _household(request, pk, *, error=None, status=200, entered=None):
    user = request.user
    try:
        found = archive.household(user, pk)
    except NotFound:
        raise Http404 from None
    context = {
        **found,
        "kinds": DocumentKind.choices,
        "methods": Method.choices,
        "may_file": archive.may_file(user, found["unit"]),
        "may_withdraw": archive.may_withdraw(user),
        "entered": entered or {},
        "error": error,
    }
    return render(request, "property/household.html", context, status=status)


@login_required
@require_safe
def household(request, pk: int):
    return _household(request, pk)


@login_required
@require_POST
@once
def payment_add(request, pk: int):
    """FEE-3 / FEE-6: a payment taken at the desk against one of the household's bills; a cash
    payment lands in the day's cash ledger."""
    bill = request.POST.get("bill", "")
    try:
        if not Bill.objects.filter(pk=bill if bill.isdigit() else 0, unit_id=pk).exists():
            raise NotFound(_("Bill not found."))
        services.payment_record(
            actor=request.user,
            bill_id=int(bill),
            amount=request.POST.get("amount", ""),
            method=request.POST.get("method", ""),
        )
    except DomainError as exc:
        return _household(request, pk, error=_error(exc), status=exc.status)
    return redirect("property:household", pk=pk)


@login_required
@require_POST
@once
def document_file(request, pk: int):
    entered = {k: request.POST.get(k, "") for k in ("kind", "title")}
    try:
        archive.document_file(
            actor=request.user,
            unit_id=pk,
            kind=entered["kind"],
            title=entered["title"],
            upload=request.FILES.get("file"),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return _household(request, pk, error=_error(exc), status=exc.status, entered=entered)
    return redirect("property:household", pk=pk)


@login_required
@require_safe
def document_download(request, pk: int):
    document = archive.documents_for(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=document.name, content_type=document.content_type
    )


@login_required
@require_POST
def document_withdraw(request, pk: int):
    document = archive.documents_for(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        archive.document_withdraw(actor=request.user, document_id=pk)
    except DomainError as exc:
        return _household(request, document.unit_id, error=_error(exc), status=exc.status)
    return redirect("property:household", pk=document.unit_id)


# -- the rental-housing register (PM-X5) ---------------------------------------------------------

TENANT_FIELDS = ("tenant_name", "phone", "lease_start", "lease_end")


def _rentals(request, *, error=None, status=200, entered=None):
    user = request.user
    reg = rentals.register(user)
    full = contact_access(user) == FULL
    for row in reg["rows"]:
        t = row["tenancy"]
        row["phone"] = shown_phone(user, t.phone) if t and t.phone else ""
        row["phone_value"] = t.phone if t and full else ""  # masked roles edit a blank box
    context = {
        "register": reg,
        "units": rentals.units_for(user)
        .select_related("customer")
        .order_by("building", "unit", "room")[:1000],
        "may_edit": bool(user.business_line_id),
        "today": timezone.localdate(),
        "entered": entered or {},
        "error": error,
    }
    return render(request, "property/rentals.html", context, status=status)


@login_required
@require_safe
def rental_register(request):
    return _rentals(request)


@login_required
@require_POST
@once
def tenancy_record(request):
    entered = {k: request.POST.get(k, "") for k in ("unit", *TENANT_FIELDS)}
    try:
        rentals.tenancy_record(
            actor=request.user,
            unit_id=entered["unit"],
            **{k: entered[k] for k in TENANT_FIELDS},
        )
    except DomainError as exc:
        return _rentals(request, error=_error(exc), status=exc.status, entered=entered)
    return redirect("property:rentals")


@login_required
@require_POST
def tenancy_change(request, pk: int, action: str):
    post = request.POST
    try:
        if action == "end":
            rentals.tenancy_end(
                actor=request.user,
                tenancy_id=pk,
                version=post.get("version", ""),
                moved_out_on=post.get("moved_out_on", ""),
                occupancy=post.get("occupancy", ""),
            )
        else:
            rentals.tenancy_update(
                actor=request.user,
                tenancy_id=pk,
                version=post.get("version", ""),
                **{k: post.get(k, "") for k in TENANT_FIELDS},
            )
    except DomainError as exc:
        return _rentals(request, error=_error(exc), status=exc.status)
    return redirect("property:rentals")
