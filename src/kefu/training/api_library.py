"""/api/v1/training/library: the course library's knowledge modules and series (TRN-1, TRN-2) —
list (cursor-paginated), add, rename/move/reorder (stale ``version`` → 409 ``stale``), archive
and restore with the page's refusals (a module or series still holding something live → 400).
Everyone of the line reads them; a lead or above edits. Handlers parse, call a service or
selector, and return."""

from __future__ import annotations

from django.db.models import Count, Q
from ninja import Router, Status

from kefu.core.inputs import Id
from kefu.core.pagination import paginate
from kefu.training import course_selectors, course_services, library_services
from kefu.training.schemas_library import (
    LibraryActIn,
    LibraryAction,
    ModuleIn,
    ModuleOut,
    ModulePageOut,
    ModulePatchIn,
    SeriesIn,
    SeriesOut,
    SeriesPageOut,
    SeriesPatchIn,
)

router = Router(tags=["training"])


def _counted(qs):
    return qs.annotate(
        n_courses=Count("courses", distinct=True),
        n_published=Count("courses", filter=Q(courses__status="published"), distinct=True),
    )


def _module(m) -> dict:
    return {
        "id": m.pk,
        "name": m.name,
        "parent": m.parent_id,
        "parent_name": m.parent.name if m.parent_id else None,
        "position": m.position,
        "archived": m.archived,
        "courses": m.n_courses,
        "published": m.n_published,
        "version": m.version,
    }


def _series(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "module": s.module_id,
        "module_name": s.module.name,
        "archived": s.archived,
        "courses": s.n_courses,
        "published": s.n_published,
        "version": s.version,
    }


def _module_out(user, pk) -> dict:
    return _module(_counted(course_selectors.modules_for(user)).get(pk=pk))


def _series_out(user, pk) -> dict:
    return _series(_counted(course_selectors.series_for(user)).get(pk=pk))


@router.get("/library/modules", response=ModulePageOut, operation_id="training_module_list")
def module_list(
    request,
    archived: bool | None = None,
    parent: Id | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The line's knowledge modules in their order (``position``), with their courses and
    published courses; ``archived`` true or false, ``parent`` a module's sub-modules."""
    qs = _counted(course_selectors.modules_for(request.user))
    if archived is not None:
        qs = qs.filter(archived=archived)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    page = paginate(qs, ordering="position", cursor=cursor, limit=limit)
    return {"items": [_module(m) for m in page.items], "next": page.next}


@router.post("/library/modules", response={201: ModuleOut}, operation_id="training_module_create")
def module_create(request, payload: ModuleIn):
    """Add a module, or a sub-module under ``parent`` (a live module of the line); a lead or
    above; a name the library has already → 400."""
    module = course_services.module_create(
        actor=request.user, name=payload.name, parent=payload.parent, position=payload.position
    )
    return Status(201, _module_out(request.user, module.pk))


@router.patch(
    "/library/modules/{module_id}", response=ModuleOut, operation_id="training_module_update"
)
def module_update(request, module_id: Id, payload: ModulePatchIn):
    """Rename, move or reorder a module; one level deep (a sub-module has none of its own)."""
    module = course_selectors.module_get(request.user, module_id)
    given = payload.dict(exclude_unset=True)
    library_services.module_update(
        actor=request.user,
        module=module,
        version=payload.version,
        name=given.get("name", module.name),
        parent=given.get("parent", module.parent_id),
        position=given.get("position", module.position),
    )
    return _module_out(request.user, module.pk)


@router.post(
    "/library/modules/{module_id}/{action}",
    response=ModuleOut,
    operation_id="training_module_archive",
)
def module_archive(request, module_id: Id, action: LibraryAction, payload: LibraryActIn):
    """Archive (refused while a live sub-module, series or published course is in it) or
    restore (refused while the module it is part of is archived)."""
    module = course_selectors.module_get(request.user, module_id)
    library_services.module_archive(
        actor=request.user, module=module, version=payload.version, archived=action == "archive"
    )
    return _module_out(request.user, module.pk)


@router.get("/library/series", response=SeriesPageOut, operation_id="training_series_list")
def series_list(
    request,
    archived: bool | None = None,
    module: Id | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The line's series (micro-course programmes) with their courses; ``archived``,
    ``module``."""
    qs = _counted(course_selectors.series_for(request.user))
    if archived is not None:
        qs = qs.filter(archived=archived)
    if module is not None:
        qs = qs.filter(module_id=module)
    page = paginate(qs, ordering="id", cursor=cursor, limit=limit)
    return {"items": [_series(s) for s in page.items], "next": page.next}


@router.post("/library/series", response={201: SeriesOut}, operation_id="training_series_create")
def series_create(request, payload: SeriesIn):
    """Add a series to a live module of the line; a lead or above."""
    series = course_services.series_create(
        actor=request.user, name=payload.name, module=payload.module
    )
    return Status(201, _series_out(request.user, series.pk))


@router.patch(
    "/library/series/{series_id}", response=SeriesOut, operation_id="training_series_update"
)
def series_update(request, series_id: Id, payload: SeriesPatchIn):
    """Rename a series or move it to another live module; its courses move with it."""
    series = course_selectors.series_get(request.user, series_id)
    given = payload.dict(exclude_unset=True)
    library_services.series_update(
        actor=request.user,
        series=series,
        version=payload.version,
        name=given.get("name") or series.name,
        module=given.get("module") or series.module_id,
    )
    return _series_out(request.user, series.pk)


@router.post(
    "/library/series/{series_id}/{action}",
    response=SeriesOut,
    operation_id="training_series_archive",
)
def series_archive(request, series_id: Id, action: LibraryAction, payload: LibraryActIn):
    """Archive (refused while a published course is in it) or restore (refused while its module
    is archived)."""
    series = course_selectors.series_get(request.user, series_id)
    library_services.series_archive(
        actor=request.user, series=series, version=payload.version, archived=action == "archive"
    )
    return _series_out(request.user, series.pk)
