"""Edits of the course library's knowledge modules and series (the micro-course programmes,
TRN-1, TRN-2): rename, move, reorder, archive and restore; a lead or above, in a transaction,
audited; a stale ``version`` → 409. Archiving keeps the courses where they are but offers the
module or series for nothing new, and is refused while it still holds something live."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Invalid, StaleWrite
from kefu.training.course_services import _invalid, _not_archived, _of_line
from kefu.training.models import Course, CourseModule, CourseSeries, CourseStatus
from kefu.training.services import _text, require_lead

MAX_POSITION = 999


def _save(model, obj, version: int, values: dict):
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise StaleWrite()
    before = {k: getattr(obj, k) for k in values}
    obj.refresh_from_db()
    return audit.diff(before, {k: getattr(obj, k) for k in values})


def _position(value) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_POSITION:
        raise _invalid("position", _("A whole number from 0 to %(n)d.") % {"n": MAX_POSITION})
    return value


@transaction.atomic
def module_update(
    *, actor, module: CourseModule, version: int, name: str, parent=None, position=0
) -> CourseModule:
    """Rename a module, put it under another (one level: a sub-module has no sub-modules) or
    change its place in the list."""
    require_lead(actor)
    line_id = module.business_line_id
    name = _text("name", name, max_length=100)
    parent = _of_line(CourseModule, parent, line_id, "parent", required=False)
    if parent is not None:
        _not_archived(parent, "parent", module.parent_id)
        if parent.pk == module.pk or parent.parent_id is not None or module.children.exists():
            raise _invalid("parent", _("A module sits under a top-level module, one level deep."))
    clash = CourseModule.objects.filter(business_line_id=line_id, name=name)
    if clash.exclude(pk=module.pk).exists():
        raise _invalid("name", _("The library has a module of that name already."))
    values = {"name": name, "parent": parent, "position": _position(position)}
    changes = _save(CourseModule, module, version, values)
    audit.record(actor=actor, action="training.module_update", obj=module, changes=changes)
    return module


@transaction.atomic
def series_update(*, actor, series: CourseSeries, version: int, name: str, module) -> CourseSeries:
    """Rename a series or move it to another module; its courses move with it, so the series
    and its courses stay in one module."""
    require_lead(actor)
    line_id = series.business_line_id
    name = _text("name", name, max_length=100)
    module = _not_archived(
        _of_line(CourseModule, module, line_id, "module"), "module", series.module_id
    )
    clash = CourseSeries.objects.filter(business_line_id=line_id, name=name)
    if clash.exclude(pk=series.pk).exists():
        raise _invalid("name", _("The library has a series of that name already."))
    changes = _save(CourseSeries, series, version, {"name": name, "module": module})
    moved = Course.objects.filter(series=series).exclude(module=module)
    changes["courses_moved"] = moved.update(module=module, updated_at=timezone.now())
    audit.record(actor=actor, action="training.series_update", obj=series, changes=changes)
    return series


def _refuse_archive(what: str) -> Invalid:
    return Invalid(what, fields={"archived": _("Still in use.")})


@transaction.atomic
def module_archive(*, actor, module: CourseModule, version: int, archived: bool) -> CourseModule:
    """Archive (or restore) a module; refused while a live sub-module, a live series or a
    published course is in it. A sub-module of an archived module is restored with it only
    by hand."""
    require_lead(actor)
    if archived:
        if (
            module.children.filter(archived=False).exists()
            or module.series.filter(archived=False).exists()
        ):
            raise _refuse_archive(_("Archive its sub-modules and series first."))
        if module.courses.filter(status=CourseStatus.PUBLISHED).exists():
            raise _refuse_archive(_("Retire or move its published courses first."))
    elif CourseModule.objects.filter(pk=module.parent_id, archived=True).exists():
        raise _refuse_archive(_("Restore the module it is part of first."))
    changes = _save(CourseModule, module, version, {"archived": bool(archived)})
    action = "training.module_archive" if archived else "training.module_restore"
    audit.record(actor=actor, action=action, obj=module, changes=changes)
    return module


@transaction.atomic
def series_archive(*, actor, series: CourseSeries, version: int, archived: bool) -> CourseSeries:
    """Archive (or restore) a series; refused while a published course is in it."""
    require_lead(actor)
    if archived and series.courses.filter(status=CourseStatus.PUBLISHED).exists():
        raise _refuse_archive(_("Retire or move its published courses first."))
    if not archived and CourseModule.objects.filter(pk=series.module_id, archived=True).exists():
        raise _refuse_archive(_("Restore its module first."))
    changes = _save(CourseSeries, series, version, {"archived": bool(archived)})
    action = "training.series_archive" if archived else "training.series_restore"
    audit.record(actor=actor, action=action, obj=series, changes=changes)
    return series
