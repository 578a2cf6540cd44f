"""Pages of the customer archive: list, detail (assets, notes, timeline, reveal), create, edit,
merge, import and export. Views parse, call a selector or service, and render."""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from kefu.core import scope
from kefu.core.errors import Conflict, DomainError, Invalid, PermissionDenied, StaleWrite
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.customers import assets, imports, selectors, services
from kefu.customers.forms import (
    ASSET_FORMS,
    CustomerFilterForm,
    CustomerForm,
    ImportForm,
    MergeForm,
    NoteForm,
    ServiceRecordForm,
)
from kefu.customers.models import Vehicle

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _agents(user):
    from kefu.accounts.models import User

    if user.business_line_id is None:
        return []
    return list(
        User.objects.filter(
            business_line_id=user.business_line_id, is_active=True, role__in=["agent", "lead"]
        ).only("id", "username", "display_name", "first_name", "last_name")[:200]
    )


def _line(user):
    if user.business_line_id is None:
        raise PermissionDenied(_("Your account belongs to no business line."))
    return user.business_line


def _create_line(request):
    """The line a new customer or an import goes to: the user's own; an administrator (no line
    of their own) chooses one on the form. Returns (line or None on GET, the choices)."""
    from kefu.accounts import lines

    choices = lines.line_choices(request.user)
    if not choices:
        return _line(request.user), choices, None
    if request.method != "POST":
        return None, choices, None
    try:
        return lines.line_for(request.user, request.POST.get("business_line")), choices, None
    except Invalid as exc:
        return None, choices, exc


@login_required
def customer_list(request: HtmxHttpRequest):
    form = CustomerFilterForm(request.GET or None, agents=_agents(request.user))
    rows, next_url, error = [], None, None
    try:
        filters = selectors.CustomerFilters.parse(request.GET)
        qs = selectors.customer_list_for(user=request.user, filters=filters)
        page = paginate(
            qs, ordering="-created_at", cursor=request.GET.get("cursor"), limit=PAGE_SIZE
        )
        rows = selectors.attach_segments(page.items)
        if page.next:
            next_url = "?" + urlencode({**filters.raw, "cursor": page.next})
        export_query = urlencode(filters.raw)
    except (Invalid, ValueError, TypeError) as exc:
        # a search beyond the phone mask says why it is refused (customers.phone_search)
        refused = isinstance(exc, Invalid) and exc.status != 400
        error = str(exc.message) if refused else _("Some filters are not valid.")
        export_query = ""
    context = {
        "form": form,
        "rows": rows,
        "next_url": next_url,
        "error": error,
        "filtered": any(v for k, v in request.GET.items() if k != "cursor"),
        "export_query": export_query,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "customers/_customer_rows.html", context)
    return render(request, "customers/customer_list.html", context)


@login_required
def customer_export(request):
    filters = selectors.CustomerFilters.parse(request.GET)
    qs = selectors.customer_list_for(user=request.user, filters=filters)
    out = tempfile.TemporaryFile()  # noqa: SIM115  FileResponse closes it
    imports.customers_export(user=request.user, qs=qs, out=out, filters=filters.raw)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"customers-{stamp}.xlsx")


def _detail_context(request, pk, **extra) -> dict:
    customer = selectors.customer_detail_for(user=request.user, pk=pk)
    context = {
        "customer": customer,
        "access": selectors.contact_access(request.user),
        "timeline": selectors.customer_timeline(customer=customer, user=request.user),
        "note_form": NoteForm(),
        "asset_forms": {kind: form(prefix=kind) for kind, form in ASSET_FORMS.items()},
        "service_form": ServiceRecordForm(prefix="service"),
        "can_merge": scope.at_least(request.user, scope.SUPERVISOR),
        "industry": customer.business_line.industry,
    }
    context.update(extra)
    return context


@login_required
def customer_detail(request, pk: int):
    return render(request, "customers/customer_detail.html", _detail_context(request, pk))


@login_required
@require_POST
def customer_reveal(request: HtmxHttpRequest, pk: int):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    revealed = services.contact_reveal(
        actor=request.user, customer=customer, ip=request.META.get("REMOTE_ADDR")
    )
    if request.htmx:
        return render(
            request, "customers/_contact.html", {"customer": customer, "revealed": revealed}
        )
    return render(
        request, "customers/customer_detail.html", _detail_context(request, pk, revealed=revealed)
    )


@login_required
@require_POST
@once
def note_create(request, pk: int):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=request.user, customer=customer, body=form.cleaned_data["body"])
            messages.success(request, _("Note saved."))
            return redirect("customers:detail", pk=pk)
        except DomainError as exc:
            form.add_domain_error(exc)
    context = _detail_context(request, pk, note_form=form)
    return render(request, "customers/customer_detail.html", context, status=400)


ASSET_SERVICES = {
    "vehicle": assets.vehicle_add,
    "unit": assets.property_unit_add,
    "buyer_account": assets.buyer_account_add,
    "order": assets.order_add,
    "membership": assets.membership_add,
}


@login_required
@require_POST
@once
def asset_create(request, pk: int, kind: str):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    if kind not in ASSET_FORMS:
        raise Invalid()
    form = ASSET_FORMS[kind](request.POST, prefix=kind)
    if form.is_valid():
        try:
            ASSET_SERVICES[kind](actor=request.user, customer=customer, data=form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=pk)
        except DomainError as exc:
            form.add_domain_error(exc)
    forms_ = {k: f(prefix=k) for k, f in ASSET_FORMS.items()}
    forms_[kind] = form
    context = _detail_context(request, pk, asset_forms=forms_, open_form=kind)
    return render(request, "customers/customer_detail.html", context, status=400)


@login_required
@require_POST
@once
def service_record_create(request, pk: int, vehicle_pk: int):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    vehicle = Vehicle.objects.filter(pk=vehicle_pk, customer=customer).first()
    if vehicle is None:
        raise Invalid(_("Not one of this customer's vehicles."))
    vehicle.customer = customer
    form = ServiceRecordForm(request.POST, prefix="service")
    if form.is_valid():
        try:
            assets.service_record_add(actor=request.user, vehicle=vehicle, data=form.cleaned_data)
            messages.success(request, _("Service recorded."))
            return redirect("customers:detail", pk=pk)
        except DomainError as exc:
            form.add_domain_error(exc)
    context = _detail_context(request, pk, service_form=form, open_vehicle=vehicle.pk)
    return render(request, "customers/customer_detail.html", context, status=400)


@login_required
@once
def customer_create(request):
    line, line_choices, line_error = _create_line(request)
    agents = _agents(request.user)
    form = CustomerForm(request.POST or None, agents=agents)
    existing = None
    if request.method == "POST" and form.is_valid() and line_error is not None:
        form.add_domain_error(line_error)
    elif request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            customer = services.customer_create(
                actor=request.user,
                business_line=line,
                name=data.pop("name"),
                phone=data.pop("phone"),
                **data,
            )
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
        except Conflict as exc:
            existing = getattr(exc, "existing", None)
            form.add_domain_error(exc)
        except DomainError as exc:
            form.add_domain_error(exc)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "existing": existing,
            "creating": True,
            "line": line,
            "line_choices": line_choices,
        },
        status=409 if existing else status,
    )


@login_required
def customer_edit(request, pk: int):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    masked = None
    if selectors.contact_access(request.user) != selectors.FULL:
        masked = {
            "phone": selectors.shown_phone(request.user, customer.phone),
            "phone2": selectors.shown_phone(request.user, customer.phone2)
            if customer.phone2
            else "",
            "address": selectors.shown_address(request.user, customer.address),
        }
    initial = {
        name: getattr(customer, name)
        for name in CustomerForm.base_fields
        if hasattr(customer, name) and name != "dedicated_agent"
    }
    initial["tags"] = "、".join(customer.tags)
    initial["dedicated_agent"] = str(customer.dedicated_agent_id or "")
    if masked is not None:
        for name in CustomerForm.CONTACT:
            initial[name] = ""
    form = CustomerForm(
        request.POST or None, initial=initial, agents=_agents(request.user), masked_contact=masked
    )
    stale = existing = False
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                actor=request.user,
                customer=customer,
                version=form.cleaned_data.get("version") or 0,
                changes=form.changes(),
            )
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=pk)
        except StaleWrite as exc:
            stale = True
            form.add_domain_error(exc)
        except Conflict as exc:
            existing = getattr(exc, "existing", None)
            form.add_domain_error(exc)
        except DomainError as exc:
            form.add_domain_error(exc)
    context = {"form": form, "customer": customer, "stale": stale, "existing": existing}
    status = 200 if request.method == "GET" else (409 if stale or existing else 400)
    return render(request, "customers/customer_form.html", context, status=status)


@login_required
def customer_merge(request, pk: int):
    keep = selectors.customer_get_for(user=request.user, pk=pk)
    if not scope.at_least(request.user, scope.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors and above may merge customers."))
    form = MergeForm(request.POST or None)
    q = request.GET.get("q", "").strip()[:100]
    candidates = selectors.merge_candidates_for(user=request.user, customer=keep, q=q) if q else []
    if request.method == "POST" and form.is_valid():
        try:
            merge = selectors.customer_get_for(user=request.user, pk=form.cleaned_data["merge"])
            services.customer_merge(actor=request.user, keep=keep, merge=merge)
            messages.success(
                request,
                _("%(merged)s was merged into %(kept)s.")
                % {"merged": merge.name, "kept": keep.name},
            )
            return redirect("customers:detail", pk=pk)
        except DomainError as exc:
            form.add_domain_error(exc)
    context = {"form": form, "customer": keep, "candidates": candidates, "q": q}
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/customer_merge.html", context, status=status)


@login_required
def customer_import(request):
    line, line_choices, line_error = _create_line(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid() and line_error is not None:
        form.add_domain_error(line_error)
    elif request.method == "POST" and form.is_valid():
        try:
            result = imports.customers_import(
                actor=request.user,
                business_line=line,
                source=form.cleaned_data["file"],
                allow_partial=form.cleaned_data["allow_partial"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
    status = 400 if request.method == "POST" and (result is None or result.error_count) else 200
    if result is not None and result.loaded:
        status = 200
    context = {"form": form, "result": result, "line": line, "line_choices": line_choices}
    return render(request, "customers/customer_import.html", context, status=status)
