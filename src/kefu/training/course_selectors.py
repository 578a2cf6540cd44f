"""Reads of the course library and the development projects, scoped to the user's line."""

from __future__ import annotations

from django.db.models import Count, Q

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.training import courses, development
from kefu.training.models import Course, CourseModule, CourseProject, CourseSeries, ProjectNeed


def _live(qs, live: bool, keep):
    """``live``: the unarchived ones (what a form offers), and ``keep`` (the one chosen already)."""
    return qs.filter(Q(archived=False) | Q(pk=keep)) if live else qs


def modules_for(user, *, live: bool = False, keep=None):
    qs = CourseModule.objects.filter(scope.business_line_q(user)).select_related("parent")
    return _live(qs, live, keep)


def series_for(user, *, live: bool = False, keep=None):
    qs = CourseSeries.objects.filter(scope.business_line_q(user)).select_related("module")
    return _live(qs, live, keep)


def module_get(user, pk) -> CourseModule:
    obj = modules_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def series_get(user, pk) -> CourseSeries:
    obj = series_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def courses_for(user, *, module=None, status=None):
    qs = Course.objects.filter(scope.business_line_q(user)).select_related(
        "module", "series", "owner"
    )
    if module:
        qs = qs.filter(module_id=module)
    if status:
        qs = qs.filter(status=status)
    return qs


def course_get(user, pk) -> Course:
    obj = courses_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def series_overview(user) -> list[dict]:
    """Each series with its courses in order, total minutes and how it can run (TRN-1)."""
    rows = {}
    for c in (
        courses_for(user)
        .filter(series__isnull=False)
        .exclude(status="retired")
        .order_by("series_id", "series_position", "id")[:500]
    ):
        row = rows.setdefault(c.series_id, {"series": c.series, "courses": []})
        row["courses"].append(c)
    for row in rows.values():
        minutes = [c.minutes for c in row["courses"]]
        row["minutes"] = sum(minutes)
        row["formats"] = courses.series_formats(minutes)
    return list(rows.values())


def projects_for(user):
    return CourseProject.objects.filter(scope.business_line_q(user)).select_related(
        "course", "accepted_by", "filed_by"
    )


def project_get(user, pk) -> CourseProject:
    obj = projects_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def need_tally(project: CourseProject) -> list[tuple[str, int]]:
    """The survey's needs with their votes, most named first (ties: named first)."""
    named = list(
        ProjectNeed.objects.filter(project=project).order_by("id").values_list("topic", flat=True)
    )
    return development.top_needs(named, n=len(named))


def need_count(project: CourseProject) -> int:
    return ProjectNeed.objects.filter(project=project).aggregate(n=Count("id"))["n"]
