"""Pages where a lead, trainer-supervisor or manager keeps the course library's structure: the
knowledge modules and the series (micro-course programmes) — add, edit, archive, restore.
Views parse, call a service, and render; agents read the library itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, PermissionDenied
from kefu.core.idempotency import once
from kefu.training import course_selectors as selectors
from kefu.training import course_services, library_services
from kefu.training.views_library import _error_text, _int


def _lead(user) -> None:
    if not scope.at_least(user, scope.LEAD):
        raise PermissionDenied(_("Only a team lead, supervisor or manager may do this."))


def _counted(qs):
    return qs.annotate(
        n_courses=Count("courses", distinct=True),
        n_published=Count("courses", filter=Q(courses__status="published"), distinct=True),
    )


@login_required
def structure(request, status=200, errors=None):
    user = request.user
    _lead(user)
    context = {
        "modules": list(
            _counted(selectors.modules_for(user)).order_by("archived", "position", "id")
        ),
        "series": list(_counted(selectors.series_for(user)).order_by("archived", "name", "id")),
        "top_modules": list(selectors.modules_for(user, live=True).filter(parent__isnull=True)),
        "live_modules": list(selectors.modules_for(user, live=True)),
        "form": request.POST if request.method == "POST" else {},
        "errors": errors or {},
    }
    return render(request, "training/library_structure.html", context, status=status)


@login_required
@require_POST
@once
def module_create(request):
    post = request.POST
    try:
        course_services.module_create(
            actor=request.user,
            name=post.get("name", ""),
            parent=_int(post.get("parent")),
            position=_int(post.get("position")) or 0,
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return structure(request, status=exc.status, errors=exc.fields)
    messages.success(request, _("The module is added."))
    return redirect("training:library_structure")


@login_required
@require_POST
@once
def series_create(request):
    post = request.POST
    try:
        course_services.series_create(
            actor=request.user, name=post.get("name", ""), module=_int(post.get("module"))
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return structure(request, status=exc.status, errors=exc.fields)
    messages.success(request, _("The series is added."))
    return redirect("training:library_structure")


@login_required
def module_edit(request, pk: int):
    user = request.user
    _lead(user)
    module = selectors.module_get(user, pk)
    errors, status = {}, 200
    if request.method == "POST":
        post = request.POST
        try:
            library_services.module_update(
                actor=user,
                module=module,
                version=_int(post.get("version")) or 0,
                name=post.get("name", ""),
                parent=_int(post.get("parent")),
                position=_int(post.get("position")),
            )
        except DomainError as exc:
            messages.error(request, _error_text(exc))
            errors, status = exc.fields, exc.status
        else:
            messages.success(request, _("The module is saved."))
            return redirect("training:library_module", pk=pk)
    context = {
        "module": module,
        "parents": list(
            selectors.modules_for(user, live=True, keep=module.parent_id)
            .filter(parent__isnull=True)
            .exclude(pk=module.pk)
        ),
        "children": list(module.children.order_by("position", "id")),
        "series": list(module.series.order_by("name", "id")),
        "courses": list(module.courses.order_by("status", "title")[:100]),
        "form": request.POST if request.method == "POST" else {},
        "errors": errors,
    }
    return render(request, "training/library_module.html", context, status=status)


@login_required
def series_edit(request, pk: int):
    user = request.user
    _lead(user)
    series = selectors.series_get(user, pk)
    errors, status = {}, 200
    if request.method == "POST":
        post = request.POST
        try:
            library_services.series_update(
                actor=user,
                series=series,
                version=_int(post.get("version")) or 0,
                name=post.get("name", ""),
                module=_int(post.get("module")),
            )
        except DomainError as exc:
            messages.error(request, _error_text(exc))
            errors, status = exc.fields, exc.status
        else:
            messages.success(request, _("The series is saved."))
            return redirect("training:library_series", pk=pk)
    context = {
        "series": series,
        "modules": list(selectors.modules_for(user, live=True, keep=series.module_id)),
        "courses": list(series.courses.order_by("series_position", "id")),
        "form": request.POST if request.method == "POST" else {},
        "errors": errors,
    }
    return render(request, "training/library_series.html", context, status=status)


@login_required
@require_POST
def module_archive(request, pk: int):
    module = selectors.module_get(request.user, pk)
    archived = request.POST.get("archived") == "1"
    try:
        library_services.module_archive(
            actor=request.user,
            module=module,
            version=_int(request.POST.get("version")) or 0,
            archived=archived,
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("The module is archived.") if archived else _("The module is restored.")
        )
    return redirect("training:library_module", pk=pk)


@login_required
@require_POST
def series_archive(request, pk: int):
    series = selectors.series_get(request.user, pk)
    archived = request.POST.get("archived") == "1"
    try:
        library_services.series_archive(
            actor=request.user,
            series=series,
            version=_int(request.POST.get("version")) or 0,
            archived=archived,
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("The series is archived.") if archived else _("The series is restored.")
        )
    return redirect("training:library_series", pk=pk)
