"""The writes of the BK-7 substitute-teacher and BK-8 1-on-1 → group flows: open one, take the
next step. The order of the steps and the least role for each are ``booking.flows``; a trial
lesson is booked through ``lesson_book`` (so it needs the student's free hours like any other)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kefu.booking import flows
from kefu.booking.models import BookingRequest, FlowStepLog, LessonKind, StudentFlow
from kefu.booking.services import _text, lesson_book, student_for
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite


def flows_for(user):
    from kefu.booking.selectors import students_for

    return StudentFlow.objects.filter(student__in=students_for(user))


def current_teacher(student) -> str:
    lesson = student.lessons.exclude(kind=LessonKind.TRIAL).order_by("-start_at").first()
    return lesson.teacher if lesson else ""


@transaction.atomic
def flow_open(*, actor, student_id: int, kind: str, note: str = "") -> StudentFlow:
    student = student_for(actor, student_id)
    try:
        step = flows.first_step(kind)
    except flows.FlowError:
        raise Invalid(
            _("Some fields are not valid."), fields={"kind": _("Choose one of the list.")}
        ) from None
    note = _text("note", note, required="note" in step.needs)
    if StudentFlow.objects.filter(student=student, kind=kind).exclude(state=flows.DONE).exists():
        raise Conflict(_("This student already has this flow open."))
    if kind == flows.SUBSTITUTE:
        latest = list(
            BookingRequest.objects.filter(student=student)
            .order_by("-id")
            .values_list("met", flat=True)[: flows.UNMET_IN_A_ROW]
        )
        if not flows.long_unbookable(latest):
            raise Invalid(
                _(
                    "A substitute teacher is for a student who could not be booked twice in a "
                    "row: record the unmet requests first."
                )
            )
    flow = StudentFlow.objects.create(
        business_line_id=student.business_line_id,
        team_id=student.team_id,
        student=student,
        kind=kind,
        state=step.code,
        opened_by=actor,
    )
    FlowStepLog.objects.create(flow=flow, step=step.code, note=note, actor=actor)
    audit.record(
        actor=actor, action="booking.flow", obj=flow, changes={"kind": kind, "step": step.code}
    )
    return flow


@transaction.atomic
def flow_advance(
    *,
    actor,
    flow_id: int,
    version: int,
    note: str = "",
    teacher: str = "",
    start_at=None,
    hours="1",
) -> StudentFlow:
    """Take the flow's next step, if the actor's role may."""
    flow = flows_for(actor).filter(pk=flow_id).select_related("student").first()
    if flow is None:
        raise NotFound(_("Flow not found."))
    if flow.version != version:
        raise StaleWrite(_("Someone changed this flow meanwhile; reload and try again."))
    step = flows.next_step(flow.kind, flow.state)
    if step is None:
        raise Invalid(_("This flow is finished."))
    if not scope.at_least(actor, step.role):
        raise PermissionDenied(_("Only a team lead or above may take this step."))
    note = _text("note", note, required="note" in step.needs)
    changes: dict = {}
    if "teacher" in step.needs:
        teacher = _text("teacher", teacher, 60, required=True)
        if flow.kind == flows.SUBSTITUTE:
            try:
                flows.check_substitute(current_teacher(flow.student), teacher)
            except flows.FlowError:
                raise Invalid(
                    _("Choose another teacher of the same subject (%(subject)s).")
                    % {"subject": flows.subject_of(current_teacher(flow.student)) or "—"},
                    fields={"teacher": _("Not a substitute of the same subject.")},
                ) from None
        changes["teacher"] = teacher
    if "start_at" in step.needs:
        trial = lesson_book(
            actor=actor,
            student_id=flow.student_id,
            start_at=start_at,
            hours=hours,
            teacher=flow.teacher,
            kind=LessonKind.TRIAL,
        )
        changes["trial"] = trial
    updated = StudentFlow.objects.filter(pk=flow.pk, version=version).update(
        state=flows.state_after(flow.kind, step.code),
        version=F("version") + 1,
        **{k: v for k, v in changes.items() if k == "teacher"},
        **({"trial_id": changes["trial"].pk} if "trial" in changes else {}),
    )
    if not updated:
        raise StaleWrite(_("Someone changed this flow meanwhile; reload and try again."))
    FlowStepLog.objects.create(flow=flow, step=step.code, note=note, actor=actor)
    flow.refresh_from_db()
    audit.record(
        actor=actor,
        action="booking.flow",
        obj=flow,
        changes={"kind": flow.kind, "step": step.code},
        business_line_id=flow.business_line_id,
    )
    return flow
