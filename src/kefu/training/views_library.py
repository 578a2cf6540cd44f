"""Pages of the course library (TRN-2) and of course development (TRN-3). Views parse, call a
selector or service, and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import DomainError
from kefu.core.idempotency import once
from kefu.core.inputs import MAX_ID, id_or_none
from kefu.core.pagination import paginate
from kefu.training import course_selectors as selectors
from kefu.training import course_services as services
from kefu.training import courses, development
from kefu.training.models import CourseMethod, CourseStatus

PAGE_ROWS = 50
COURSE_FIELDS = ("title", "objectives", "materials", "method")


def _int(value) -> int | None:
    """A whole number from a form, or None (beyond the database's bigint too: no 500)."""
    ok = isinstance(value, str) and value.isascii() and value.isdigit() and int(value) <= MAX_ID
    return int(value) if ok else None


def _course_data(post) -> dict:
    data = {k: post.get(k, "") for k in COURSE_FIELDS}
    data.update(
        minutes=_int(post.get("minutes")),
        module=_int(post.get("module")),
        series=_int(post.get("series")),
    )
    return data


@login_required
def library(request, status=200):
    user = request.user
    module = id_or_none(request.GET.get("module"))
    page = paginate(
        selectors.courses_for(user, module=module),
        ordering="id",
        cursor=request.GET.get("cursor"),
        limit=PAGE_ROWS,
    )
    context = {
        "page": page,
        "modules": list(selectors.modules_for(user)[:100]),
        "live_modules": list(selectors.modules_for(user, live=True)[:100]),
        "live_series": list(selectors.series_for(user, live=True)[:200]),
        "overview": selectors.series_overview(user),
        "module": module,
        "is_lead": scope.at_least(user, scope.LEAD),
        "lengths": courses.ALLOWED_MINUTES,
        "methods": CourseMethod.choices,
        "kinds": _kind_labels(),
    }
    return render(request, "training/library.html", context, status=status)


def _kind_labels() -> dict:
    return {
        courses.MICRO: _("Micro-course"),
        courses.QUASI_MICRO: _("Quasi-micro-course (准微课)"),
        courses.HALF_DAY: _("Half-day course"),
        courses.ONE_DAY: _("One-day course"),
        "early_classes": _("Over early classes"),
    }


@login_required
@require_POST
@once
def course_create(request):
    try:
        course = services.course_create(actor=request.user, **_course_data(request.POST))
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return library(request, status=exc.status)
    messages.success(request, _("The course is in the library as a draft."))
    return redirect("training:course", pk=course.pk)


def _error_text(exc: DomainError) -> str:
    fields = "; ".join(f"{k}: {v}" for k, v in (getattr(exc, "fields", None) or {}).items())
    return f"{exc.message} {fields}".strip()


@login_required
def course_detail(request, pk: int):
    user = request.user
    course = selectors.course_get(user, pk)
    if request.method == "POST" and scope.at_least(user, scope.LEAD):
        version = _int(request.POST.get("version")) or 0
        try:
            if request.POST.get("status"):
                services.course_set_status(
                    actor=user, course=course, status=request.POST["status"], version=version
                )
            else:
                services.course_update(
                    actor=user, course=course, version=version, **_course_data(request.POST)
                )
        except DomainError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The course is saved."))
        return redirect("training:course", pk=pk)
    context = {
        "course": course,
        "kind": _kind_labels().get(courses.length_kind(course.minutes) or "", ""),
        "is_lead": scope.at_least(user, scope.LEAD),
        "modules": list(selectors.modules_for(user, live=True, keep=course.module_id)[:100]),
        "series": list(selectors.series_for(user, live=True, keep=course.series_id)[:200]),
        "lengths": courses.ALLOWED_MINUTES,
        "methods": CourseMethod.choices,
        "statuses": CourseStatus.choices,
        "classes": list(course.classes.order_by("-starts_at")[:10]),
    }
    return render(request, "training/course.html", context)


# -- development projects (TRN-3) -------------------------------------------------------------


@login_required
def projects(request, status=200):
    page = paginate(
        selectors.projects_for(request.user),
        ordering="-id",
        cursor=request.GET.get("cursor"),
        limit=PAGE_ROWS,
    )
    context = {
        "page": page,
        "may_open": scope.at_least(request.user, scope.SUPERVISOR),
        "year": timezone.localdate().year,
    }
    return render(request, "training/projects.html", context, status=status)


@login_required
@require_POST
@once
def project_create(request):
    try:
        project = services.project_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            year=_int(request.POST.get("year")),
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return projects(request, status=exc.status)
    messages.success(request, _("The needs survey is open."))
    return redirect("training:project", pk=project.pk)


@login_required
def project_detail(request, pk: int):
    user = request.user
    project = selectors.project_get(user, pk)
    experts = list(project.experts.all())
    developers = list(project.developers.all())
    actor = development.Actor(
        rank=scope.rank(user),
        is_developer=any(p.pk == user.pk for p in developers),
        is_expert=any(p.pk == user.pk for p in experts),
    )
    steps = []
    for action, (before, _after, _who) in development.ACTIONS.items():
        if before != project.state:
            continue
        try:
            development.check(action, state=project.state, actor=actor)
        except development.StepRefused:
            continue
        steps.append(action)
    context = {
        "project": project,
        "experts": experts,
        "developers": developers,
        "tally": selectors.need_tally(project),
        "steps": steps,
        "people": User.objects.filter(
            business_line_id=project.business_line_id, is_active=True
        ).order_by("username")[:200]
        if "form_team" in steps
        else [],
        "modules": list(selectors.modules_for(user, live=True)[:100]) if "file" in steps else [],
        "series": list(selectors.series_for(user, live=True)[:200]) if "file" in steps else [],
        "lengths": courses.ALLOWED_MINUTES,
        "states": development.STATES,
    }
    return render(request, "training/project.html", context)


@login_required
@require_POST
def need_add(request, pk: int):
    project = selectors.project_get(request.user, pk)
    try:
        services.need_add(actor=request.user, project=project, topic=request.POST.get("topic", ""))
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Your need is counted."))
    return redirect("training:project", pk=pk)


def _step_data(post) -> dict:
    starts = parse_datetime(post.get("starts_at", "") or "")
    if starts is not None and timezone.is_naive(starts):
        starts = timezone.make_aware(starts)
    day = parse_date(post.get("workshop_on", "") or "")
    return {
        "external_course": post.get("external_course", ""),
        "course_title": post.get("course_title", ""),
        "minutes": _int(post.get("minutes")) or courses.MICRO_DEFAULT_MINUTES,
        "experts": [int(v) for v in post.getlist("experts") if v.isdigit()],
        "developers": [int(v) for v in post.getlist("developers") if v.isdigit()],
        "workshop_on": day if isinstance(day, dt.date) else None,
        "objectives": post.get("objectives", ""),
        "materials": post.get("materials", ""),
        "trial_notes": post.get("trial_notes", ""),
        "note": post.get("note", ""),
        "module": _int(post.get("module")),
        "series": _int(post.get("series")),
        "starts_at": starts,
    }


@login_required
@require_POST
def project_act(request, pk: int, action: str):
    project = selectors.project_get(request.user, pk)
    try:
        services.project_act(
            actor=request.user,
            project=project,
            action=action,
            version=_int(request.POST.get("version")) or 0,
            **_step_data(request.POST),
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    except ValueError:
        messages.error(request, _("Some fields are not valid."))
    else:
        messages.success(request, _("The project moved on."))
    return redirect("training:project", pk=pk)
