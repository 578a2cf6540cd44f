"""Pages of the shift's logs: one list per log (write, search, export), an entry with its
addenda, and the supervisor's daily review queue. Views parse, call a selector or service, and
render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, PermissionDenied
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.shiftlogs import selectors, services
from kefu.shiftlogs.exports import XLSX
from kefu.shiftlogs.forms import AddendumForm, EditForm, EntryForm, SignForm
from kefu.shiftlogs.models import Category, EntryStatus, LogKind

PAGE_ROWS = 25
QUEUE_ROWS = 50
KIND_URLS = {
    LogKind.HANDOVER: "shiftlogs:handover",
    LogKind.MANAGEMENT: "shiftlogs:management",
    LogKind.PATROL: "shiftlogs:patrol",
}


@login_required
def index(request):
    return redirect("shiftlogs:handover")


def _list_page(request, kind: str, *, form=None, status: int = 200):
    filters = selectors.EntryFilters.parse(request.GET, kind=kind)
    page = paginate(
        selectors.entry_list_for(user=request.user, filters=filters),
        ordering="-id",
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_ROWS,
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    may_write = services.may_write(request.user, kind)
    if form is None and may_write:
        form = EntryForm(user=request.user, kind=kind)
    context = {
        "kind": kind,
        "kind_label": LogKind(kind).label,
        "entries": page.items,
        "next": page.next,
        "filters": filters,
        "query": query.urlencode(),
        "form": form if may_write else None,
        "open_form": status != 200,
        "statuses": EntryStatus.choices,
        "categories": Category.choices,
        "may_sign": services.may_sign(request.user),
        "counts": selectors.review_counts_for(user=request.user)
        if services.may_sign(request.user)
        else None,
    }
    return render(request, "shiftlogs/list.html", context, status=status)


@login_required
def log_list(request, kind: str):
    return _list_page(request, kind)


@login_required
@require_POST
@once
def log_create(request, kind: str):
    form = EntryForm(request.POST, user=request.user, kind=kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.entry_write(
                actor=request.user,
                kind=kind,
                team=data.get("team"),
                shift_date=data["shift_date"],
                shift=data["shift"],
                title=data["title"],
                body=data["body"],
                open_items=data["open_items"],
                area=data.get("area", ""),
                handed_to=data.get("handed_to"),
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_domain_error(exc)
        else:
            messages.success(
                request, _("The entry is written; it awaits the supervisor's sign-off.")
            )
            return redirect("shiftlogs:entry", pk=entry.pk)
    return _list_page(request, kind, form=form, status=400)


def _detail_page(request, entry, *, edit_form=None, sign_form=None, addendum_form=None, status=200):
    user = request.user
    pending = not entry.is_signed
    may_edit = pending and (entry.author_id == user.pk or services.may_sign(user))
    may_sign = pending and services.may_sign(user) and entry.author_id != user.pk
    if may_edit and edit_form is None:
        edit_form = EditForm(
            user=user,
            kind=entry.kind,
            initial={
                "shift_date": entry.shift_date,
                "shift": entry.shift,
                "handed_to": entry.handed_to_id,
                "area": entry.area,
                "title": entry.title,
                "body": entry.body,
                "open_items": entry.open_items,
                "version": entry.version,
            },
        )
    if may_sign and sign_form is None:
        sign_form = SignForm(initial={"version": entry.version})
    context = {
        "entry": entry,
        "addenda": selectors.addenda_of(entry),
        "list_url": KIND_URLS[entry.kind],
        "edit_form": edit_form if may_edit else None,
        "sign_form": sign_form if may_sign else None,
        "addendum_form": addendum_form or AddendumForm(),
        "may_add": entry.author_id == user.pk or scope.at_least(user, scope.LEAD),
        "overdue": pending and entry.shift_date < timezone.localdate(),
    }
    return render(request, "shiftlogs/detail.html", context, status=status)


@login_required
def entry_detail(request, pk: int):
    return _detail_page(request, selectors.entry_get_for(user=request.user, pk=pk))


@login_required
@require_POST
def entry_edit(request, pk: int):
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    form = EditForm(request.POST, user=request.user, kind=entry.kind)
    if form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("shift_date", "shift", "title", "body", "open_items")}
        if "area" in data:
            fields["area"] = data["area"]
        if "handed_to" in data:
            fields["handed_to"] = data["handed_to"].pk if data["handed_to"] else None
        try:
            services.entry_update(
                actor=request.user, entry=entry, version=data["version"], **fields
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The entry is corrected."))
            return redirect("shiftlogs:entry", pk=entry.pk)
    return _detail_page(request, entry, edit_form=form, status=400)


@login_required
@require_POST
def entry_sign(request, pk: int):
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.entry_sign(
                actor=request.user,
                entry=entry,
                category=form.cleaned_data["category"],
                review_note=form.cleaned_data["review_note"],
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The entry is signed off."))
            if request.POST.get("next") == "review":
                return redirect("shiftlogs:review")
            return redirect("shiftlogs:entry", pk=entry.pk)
    if request.POST.get("next") == "review":
        return _review_page(request, failed=(entry.pk, form), status=400)
    return _detail_page(request, entry, sign_form=form, status=400)


@login_required
@require_POST
@once
def entry_addendum(request, pk: int):
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(actor=request.user, entry=entry, body=form.cleaned_data["body"])
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The addendum is added."))
            return redirect("shiftlogs:entry", pk=entry.pk)
    return _detail_page(request, entry, addendum_form=form, status=400)


def _review_page(request, *, failed=None, status: int = 200):
    if not services.may_sign(request.user):
        raise PermissionDenied(_("Supervisors sign the shift's logs off."))
    page = paginate(
        selectors.review_queue_for(user=request.user),
        ordering="id",
        cursor=request.GET.get("cursor") or None,
        limit=QUEUE_ROWS,
    )
    today = timezone.localdate()
    for entry in page.items:
        entry.overdue = entry.shift_date < today
        entry.own = entry.author_id == request.user.pk
        if failed and failed[0] == entry.pk:
            entry.sign_form = failed[1]
        else:
            entry.sign_form = SignForm(initial={"version": entry.version}, prefix=None)
    context = {
        "entries": page.items,
        "next": page.next,
        "counts": selectors.review_counts_for(user=request.user),
        "today": today,
    }
    return render(request, "shiftlogs/review.html", context, status=status)


@login_required
def review(request):
    return _review_page(request)


@login_required
def export(request, kind: str):
    filters = selectors.EntryFilters.parse(request.GET, kind=kind)
    name, data = services.entries_export(actor=request.user, filters=filters)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
