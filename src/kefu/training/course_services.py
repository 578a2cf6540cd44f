"""Writes of the course library (TRN-2) and the course development flow (TRN-3): validated, in
a transaction, audited. Bad input raises ``Invalid`` (400) and changes nothing; a stale version
raises ``StaleWrite`` (409); a step by someone who may not make it raises ``PermissionDenied``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.core.inputs import date_in_range, date_range_message
from kefu.training import courses, development
from kefu.training.models import (
    Course,
    CourseMethod,
    CourseModule,
    CourseProject,
    CourseSeries,
    CourseStatus,
    ProjectNeed,
    TrainingClass,
)
from kefu.training.services import MAX_TEXT, _line_id, _text, class_create, require_lead

NEEDS_PER_PERSON = 3
CONTENT_FIELDS = ("title", "minutes", "method", "objectives", "materials", "module", "series")


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(_("Some fields are not valid."), fields={field: message})


def _minutes(value) -> int:
    if not isinstance(value, int) or courses.length_kind(value) is None:
        raise Invalid(
            _(
                "A course lasts 15, 30 or 60 minutes (micro-course), 2 to 3 hours (准微课), "
                "half a day or a day."
            ),
            fields={"minutes": _("Not an allowed length.")},
        )
    return value


def _of_line(model, value, line_id: int, field: str, *, required: bool = True):
    pk = getattr(value, "pk", value)
    if pk in (None, "") and not required:
        return None
    found = model.objects.filter(pk=pk if isinstance(pk, int) else None, business_line_id=line_id)
    obj = found.first()
    if obj is None:
        raise _invalid(field, _("Unknown."))
    return obj


# -- the library ------------------------------------------------------------------------------


@transaction.atomic
def module_create(*, actor, name: str, parent=None, position: int = 0) -> CourseModule:
    """A knowledge module (or a sub-module under ``parent``); a lead or above."""
    require_lead(actor)
    line_id = _line_id(actor)
    name = _text("name", name, max_length=100)
    parent = _not_archived(
        _of_line(CourseModule, parent, line_id, "parent", required=False), "parent"
    )
    if CourseModule.objects.filter(business_line_id=line_id, name=name).exists():
        raise _invalid("name", _("The library has a module of that name already."))
    module = CourseModule.objects.create(
        business_line_id=line_id, name=name, parent=parent, position=position
    )
    audit.record(actor=actor, action="training.module_create", obj=module, changes={"name": name})
    return module


@transaction.atomic
def series_create(*, actor, name: str, module) -> CourseSeries:
    require_lead(actor)
    line_id = _line_id(actor)
    name = _text("name", name, max_length=100)
    module = _not_archived(_of_line(CourseModule, module, line_id, "module"), "module")
    if CourseSeries.objects.filter(business_line_id=line_id, name=name).exists():
        raise _invalid("name", _("The library has a series of that name already."))
    series = CourseSeries.objects.create(business_line_id=line_id, name=name, module=module)
    audit.record(actor=actor, action="training.series_create", obj=series, changes={"name": name})
    return series


def _not_archived(obj, field: str, kept_id=None):
    """An archived module or series takes no new course; one a course is in already stays."""
    if obj is not None and obj.archived and obj.pk != kept_id:
        raise _invalid(field, _("Archived: choose another or restore it first."))
    return obj


def _course_values(line_id: int, data: dict, current: Course | None = None) -> dict:
    values = {
        "title": _text("title", data.get("title")),
        "minutes": _minutes(data.get("minutes", courses.MICRO_DEFAULT_MINUTES)),
        "objectives": _text("objectives", data.get("objectives"), max_length=MAX_TEXT),
        "materials": _text("materials", data.get("materials"), required=False, max_length=MAX_TEXT),
        "module": _of_line(CourseModule, data.get("module"), line_id, "module"),
        "series": _of_line(CourseSeries, data.get("series"), line_id, "series", required=False),
        "method": data.get("method") or CourseMethod.THEORY,
    }
    if values["method"] not in CourseMethod.values:
        raise _invalid("method", _("Unknown."))
    if values["series"] is not None and values["series"].module_id != values["module"].pk:
        raise _invalid("series", _("The series belongs to another module."))
    _not_archived(values["module"], "module", current and current.module_id)
    _not_archived(values["series"], "series", current and current.series_id)
    return values


@transaction.atomic
def course_create(*, actor, owner=None, series_position: int = 0, **data) -> Course:
    """A draft course of the library (TRN-2): length (TRN-1), objectives, materials, owner."""
    require_lead(actor)
    line_id = _line_id(actor)
    values = _course_values(line_id, data)
    if Course.objects.filter(business_line_id=line_id, title=values["title"]).exists():
        raise _invalid("title", _("The library has a course of that title already."))
    owner = _of_user(owner, line_id) if owner is not None else actor
    course = Course.objects.create(
        business_line_id=line_id, owner=owner, series_position=series_position, **values
    )
    audit.record(
        actor=actor,
        action="training.course_create",
        obj=course,
        changes={"title": course.title, "minutes": course.minutes},
    )
    return course


def _of_user(user, line_id: int) -> User:
    pk = getattr(user, "pk", user)
    person = User.objects.filter(
        pk=pk if isinstance(pk, int) else None, is_active=True, business_line_id=line_id
    ).first()
    if person is None:
        raise _invalid("owner", _("Choose a person of the business line."))
    return person


@transaction.atomic
def course_update(*, actor, course: Course, version: int, **data) -> Course:
    """Change a course; when a published course's content changes its course version
    (``revision``) goes up by one. Stale ``version`` → 409."""
    require_lead(actor)
    values = _course_values(course.business_line_id, data, current=course)
    clash = Course.objects.filter(business_line_id=course.business_line_id, title=values["title"])
    if clash.exclude(pk=course.pk).exists():
        raise _invalid("title", _("The library has a course of that title already."))
    before = {k: getattr(course, k) for k in CONTENT_FIELDS}
    changed = {k: v for k, v in values.items() if before[k] != v}
    bump = 1 if changed and course.status == CourseStatus.PUBLISHED else 0
    updated = Course.objects.filter(pk=course.pk, version=version).update(
        version=F("version") + 1,
        revision=F("revision") + bump,
        updated_at=timezone.now(),
        **values,
    )
    if not updated:
        raise StaleWrite()
    course.refresh_from_db()
    audit.record(
        actor=actor,
        action="training.course_update",
        obj=course,
        changes={
            **audit.diff(before, {k: getattr(course, k) for k in changed}),
            "revision": course.revision,
        },
    )
    return course


@transaction.atomic
def course_set_status(*, actor, course: Course, status: str, version: int) -> Course:
    """Publish or retire a course (a lead or above)."""
    require_lead(actor)
    if status not in CourseStatus.values:
        raise _invalid("status", _("Unknown."))
    updated = Course.objects.filter(pk=course.pk, version=version).update(
        version=F("version") + 1, status=status, updated_at=timezone.now()
    )
    if not updated:
        raise StaleWrite()
    before = course.status
    course.refresh_from_db()
    audit.record(
        actor=actor,
        action="training.course_status",
        obj=course,
        changes={"status": [before, status]},
    )
    return course


# -- the development flow (TRN-3) -------------------------------------------------------------


@transaction.atomic
def project_create(*, actor, title: str, year: int | None = None) -> CourseProject:
    """Open the year's needs survey: a supervisor or above."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager may do this."))
    year = year or timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise _invalid("year", _("Out of range."))
    project = CourseProject.objects.create(
        business_line_id=_line_id(actor),
        title=_text("title", title),
        year=year,
        created_by=actor,
    )
    audit.record(actor=actor, action="training.project_create", obj=project, changes={"year": year})
    return project


@transaction.atomic
def need_add(*, actor, project: CourseProject, topic: str) -> ProjectNeed:
    """Anyone of the line names a training need while the survey is open (at most 3 each)."""
    if project.state != development.SURVEY:
        raise Invalid(_("The needs survey is closed."))
    topic = _text("topic", topic, max_length=100)
    mine = ProjectNeed.objects.filter(project=project, user=actor)
    if mine.filter(topic=topic).exists():
        raise _invalid("topic", _("You named this need already."))
    if mine.count() >= NEEDS_PER_PERSON:
        raise _invalid("topic", _("At most %(n)s needs per person.") % {"n": NEEDS_PER_PERSON})
    need = ProjectNeed.objects.create(project=project, user=actor, topic=topic)
    audit.record(
        actor=actor,
        action="training.need_add",
        obj=project,
        changes={"need": topic},
    )
    return need


STEP_REFUSALS = {
    "wrong_state": lambda: _("The project is not at that step any more."),
    "not_allowed": lambda: _("You may not make this step of the project."),
    "not_expert": lambda: _(
        "Only a member of the expert panel who did not develop the course may accept or return it."
    ),
    "unknown_action": lambda: _("Unknown step."),
}


def _members(project: CourseProject, actor) -> development.Actor:
    return development.Actor(
        rank=scope.rank(actor),
        is_developer=project.developers.filter(pk=actor.pk).exists(),
        is_expert=project.experts.filter(pk=actor.pk).exists(),
    )


@transaction.atomic
def project_act(*, actor, project: CourseProject, action: str, version: int, **data):
    """Move a project one step of TRN-3 (see ``development``). Each step's data:
    pick (none: the survey's top 2 needs), buy (external_course, course_title, minutes),
    form_team (experts, developers: user ids, disjoint), workshop (workshop_on), develop
    (objectives, materials), trial (trial_notes), accept (note), return (note, required),
    file (module, series: the course enters the library published, or as a new version of
    the course of that title), roll_out (starts_at: an early class of the course)."""
    try:
        after = development.check(action, state=project.state, actor=_members(project, actor))
    except development.StepRefused as exc:
        error = Invalid if exc.reason in ("wrong_state", "unknown_action") else PermissionDenied
        raise error(STEP_REFUSALS[exc.reason]()) from None
    values, teams = _step_values(actor, project, action, data)
    updated = CourseProject.objects.filter(pk=project.pk, version=version).update(
        version=F("version") + 1, state=after, updated_at=timezone.now(), **values
    )
    if not updated:
        raise StaleWrite()
    before = {"state": project.state} | {k: getattr(project, k, None) for k in values}
    project.refresh_from_db()
    for field, people in teams.items():
        getattr(project, field).set(people)
    extra = {}
    if action == development.FILE:
        extra["course"] = _file_course(actor, project, data).pk
    elif action == development.ROLL_OUT:
        extra["training_class"] = _roll_out(actor, project, data.get("starts_at")).pk
    audit.record(
        actor=actor,
        action=f"training.project_{action}",
        obj=project,
        changes={
            **audit.diff(before, {"state": after} | {k: getattr(project, k) for k in values}),
            **{k: sorted(p.pk for p in v) for k, v in teams.items()},
            **extra,
        },
    )
    return project


def _step_values(actor, project, action: str, data: dict) -> tuple[dict, dict]:
    line_id = project.business_line_id
    if action == development.PICK:
        named = list(
            ProjectNeed.objects.filter(project=project)
            .order_by("id")
            .values_list("topic", flat=True)
        )
        if not named:
            raise Invalid(_("Nobody has named a need yet."))
        top = development.top_needs(named)
        return {"top_needs": [{"topic": t, "votes": n} for t, n in top]}, {}
    if action == development.BUY:
        bought = _text("external_course", data.get("external_course"))
        return {
            "external_course": bought,
            "course_title": _text("course_title", data.get("course_title") or bought),
            "minutes": _minutes(data.get("minutes", courses.MICRO_DEFAULT_MINUTES)),
        }, {}
    if action == development.FORM_TEAM:
        experts = _people(data.get("experts"), line_id, "experts")
        developers = _people(data.get("developers"), line_id, "developers")
        if {p.pk for p in experts} & {p.pk for p in developers}:
            raise _invalid(
                "experts", _("Nobody sits on the expert panel of a course they develop.")
            )
        return {}, {"experts": experts, "developers": developers}
    if action == development.WORKSHOP:
        day = data.get("workshop_on")
        if not isinstance(day, dt.date):
            raise _invalid("workshop_on", _("Not a date."))
        return {"workshop_on": day}, {}
    if action == development.DEVELOP:
        return {
            "objectives": _text("objectives", data.get("objectives"), max_length=MAX_TEXT),
            "materials": _text("materials", data.get("materials"), max_length=MAX_TEXT),
        }, {}
    if action == development.TRIAL:
        notes = _text("trial_notes", data.get("trial_notes"), max_length=MAX_TEXT)
        return {"trial_notes": notes}, {}
    if action == development.ACCEPT:
        note = _text("note", data.get("note"), required=False, max_length=300)
        return {"panel_note": note, "accepted_by": actor}, {}
    if action == development.RETURN:
        note = _text("note", data.get("note"), max_length=300)
        return {"panel_note": note, "returned": F("returned") + 1}, {}
    if action == development.FILE:
        return {"filed_by": actor}, {}
    return {}, {}


def _people(ids, line_id: int, field: str) -> list[User]:
    if not isinstance(ids, (list, tuple)) or not ids or not all(isinstance(i, int) for i in ids):
        raise _invalid(field, _("Choose at least one person."))
    people = list(User.objects.filter(pk__in=ids, is_active=True, business_line_id=line_id))
    if len(people) != len(set(ids)):
        raise _invalid(field, _("Choose people of the business line."))
    return people


def _file_course(actor, project: CourseProject, data: dict) -> Course:
    """HR files the accepted course: published in the library, or a new version (``revision``)
    of the library's course of the same title."""
    line_id = project.business_line_id
    module = _not_archived(_of_line(CourseModule, data.get("module"), line_id, "module"), "module")
    series = _not_archived(
        _of_line(CourseSeries, data.get("series"), line_id, "series", required=False), "series"
    )
    owner = project.developers.order_by("pk").first()
    content = {
        "module": module,
        "series": series,
        "minutes": project.minutes,
        "objectives": project.objectives,
        "materials": project.materials,
        "owner": owner,
        "status": CourseStatus.PUBLISHED,
    }
    course = Course.objects.filter(business_line_id=line_id, title=project.course_title).first()
    if course is None:
        course = Course.objects.create(
            business_line_id=line_id, title=project.course_title, **content
        )
    else:
        for key, value in content.items():
            setattr(course, key, value)
        course.revision += 1
        course.version += 1
        course.save(update_fields=[*content, "revision", "version", "updated_at"])
    CourseProject.objects.filter(pk=project.pk).update(course=course)
    project.course = course
    return course


def _roll_out(actor, project: CourseProject, starts_at) -> TrainingClass:
    """The filed course's first early class (早课)."""
    if isinstance(starts_at, dt.datetime) and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at) if date_in_range(starts_at) else None
    if not isinstance(starts_at, dt.datetime) or not date_in_range(starts_at):
        raise _invalid("starts_at", date_range_message())
    if starts_at <= timezone.now():
        raise _invalid("starts_at", _("Choose a time in the future."))
    course = project.course
    return class_create(
        actor=actor,
        title=course.title,
        starts_at=starts_at,
        hours=course.minutes / 60,
        category=course.module.name[:50],
        trainer=course.owner,
        course=course,
    )
