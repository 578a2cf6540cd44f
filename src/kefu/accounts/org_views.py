"""Organisation administration pages (admins only): business lines, departments, teams, users,
and the read-only audit log. Every change goes through ``accounts.services``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.accounts import selectors, services
from kefu.accounts.forms import (
    AuditFilterForm,
    BusinessLineCreateForm,
    BusinessLineEditForm,
    PasswordResetForm,
    TeamEditForm,
    UnitCreateForm,
    UnitEditForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from kefu.core.errors import DomainError, Invalid, NotFound, PermissionDenied
from kefu.core.idempotency import once


def admin_required(view):
    """Signed in (else the sign-in page) and an administrator (else the 403 page); domain
    errors a view does not handle become the 404 / 403 / 400 pages."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            selectors.require_admin(request.user)
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message))
        except NotFound:
            raise Http404()

    return wrapper


def _flash_error(request, exc: DomainError) -> None:
    details = "; ".join(str(v) for v in exc.fields.values())
    text = f"{exc.message} {details}" if details and details != str(exc.message) else exc.message
    messages.error(request, text)


def _form_error(request, form) -> None:
    errors = [str(e) for errs in form.errors.values() for e in errs]
    messages.error(request, " ".join(errors))


# --- business lines, departments, teams ----------------------------------------------------------


@admin_required
def org_home(request):
    return redirect("accounts:org_lines")


@admin_required
def line_list(request):
    form = BusinessLineCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.business_line_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                _("Business line “%(name)s” is created from its template.") % {"name": line.name},
            )
            return redirect("accounts:org_line", pk=line.pk)
    lines = selectors.business_line_overview(actor=request.user)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/org/line_list.html", {"lines": lines, "form": form}, status=status
    )


@admin_required
def line_detail(request, pk: int):
    line = selectors.business_line_get(actor=request.user, pk=pk)
    initial = {
        "name": line.name,
        "is_active": line.is_active,
        "ticket_types": line.ticket_types,
        "refunds_enabled": line.policy("refunds_enabled") is not False,
        "resolution_time": line.policy("resolution_time") or "business",
    }
    form = BusinessLineEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_line_update(line=line, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The business line is saved."))
            return redirect("accounts:org_line", pk=line.pk)
    context = {"line": line, "form": form, "unit_form": UnitCreateForm()}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/org/line_detail.html", context, status=status)


@admin_required
@require_POST
@once
def department_create(request, pk: int):
    line = selectors.business_line_get(actor=request.user, pk=pk)
    form = UnitCreateForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            dept = services.department_create(
                business_line=line, name=form.cleaned_data["name"], actor=request.user
            )
        except Invalid as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("Department “%(name)s” is created.") % {"name": dept.name})
    return redirect("accounts:org_line", pk=line.pk)


@admin_required
@require_POST
def department_edit(request, pk: int):
    dept = selectors.department_get(actor=request.user, pk=pk)
    form = UnitEditForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            services.department_update(department=dept, actor=request.user, **form.cleaned_data)
        except Invalid as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("Department “%(name)s” is saved.") % {"name": dept.name})
    return redirect("accounts:org_line", pk=dept.business_line_id)


@admin_required
@require_POST
@once
def team_create(request, pk: int):
    dept = selectors.department_get(actor=request.user, pk=pk)
    form = UnitCreateForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            team = services.team_create(
                department=dept, name=form.cleaned_data["name"], actor=request.user
            )
        except Invalid as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("Team “%(name)s” is created.") % {"name": team.name})
    return redirect("accounts:org_line", pk=dept.business_line_id)


@admin_required
@require_POST
def team_edit(request, pk: int):
    team = selectors.team_get(actor=request.user, pk=pk)
    form = TeamEditForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            services.team_update(team=team, actor=request.user, **form.cleaned_data)
        except Invalid as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("Team “%(name)s” is saved.") % {"name": team.name})
    return redirect("accounts:org_line", pk=team.business_line_id)


# --- users ---------------------------------------------------------------------------------------


@admin_required
def user_list(request):
    filters = UserFilterForm(request.GET or None)
    role = team = None
    if filters.is_valid():
        role = filters.cleaned_data["role"] or None
        team = filters.cleaned_data["team"].pk if filters.cleaned_data["team"] else None
    query = request.GET.copy()
    query.pop("cursor", None)
    try:
        page = selectors.user_list(
            actor=request.user, role=role, team=team, cursor=request.GET.get("cursor")
        )
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("accounts:org_users")
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    template = "accounts/org/_user_rows.html" if request.htmx else "accounts/org/user_list.html"
    return render(request, template, context)


@admin_required
@once
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("User “%(name)s” is created.") % {"name": user.username})
            return redirect("accounts:org_user", pk=user.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/org/user_create.html", {"form": form}, status=status)


@admin_required
def user_edit(request, pk: int):
    user = selectors.user_get(actor=request.user, pk=pk)
    initial = {
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "team": user.team_id,
        "department": user.department_id,
        "business_line": user.business_line_id,
        "contact_access": user.contact_access,
        "is_active": user.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=user, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
            user.refresh_from_db()
        else:
            messages.success(request, _("User “%(name)s” is saved.") % {"name": user.username})
            return redirect("accounts:org_user", pk=user.pk)
    context = {
        "subject": user,
        "form": form,
        "password_form": PasswordResetForm(),
        "locked_minutes": services.lock_minutes_left(user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/org/user_edit.html", context, status=status)


@admin_required
@require_POST
def user_password_reset(request, pk: int):
    user = selectors.user_get(actor=request.user, pk=pk)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            services.user_password_reset(
                user=user, new_password=form.cleaned_data["new_password"], actor=request.user
            )
        except Invalid as exc:
            _flash_error(request, exc)
        else:
            messages.success(
                request,
                _("The password of “%(name)s” is reset.") % {"name": user.username},
            )
    return redirect("accounts:org_user", pk=user.pk)


# --- audit log -----------------------------------------------------------------------------------


@admin_required
@require_safe
def audit_list(request):
    filters = AuditFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    query = request.GET.copy()
    query.pop("cursor", None)
    try:
        page = selectors.audit_event_list(
            actor=request.user,
            action=data.get("action", ""),
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            cursor=request.GET.get("cursor"),
            limit=50,
        )
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("accounts:org_audit")
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    return render(request, "accounts/org/audit_list.html", context)
