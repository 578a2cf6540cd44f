"""Pages of the lesson desk: the students with their hour balance and the leaves waiting for a
leader, and a student's page (ledger, lessons with cancel / leave / attend / no-show, booking,
requests). A refused write re-renders the page with its message (4xx)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.booking import rules, selectors, services
from kefu.booking.models import LeaveReason, LessonKind, LessonStatus, Party
from kefu.core.errors import DomainError, Invalid
from kefu.core.idempotency import once

STUDENT_ROWS = 50


def _error(exc: DomainError) -> dict:
    return {"message": str(exc.message), "fields": [str(v) for v in exc.fields.values()]}


@login_required
def index(request):
    user = request.user
    students = selectors.with_balance(
        selectors.students_for(user).select_related("customer", "agent")
    ).order_by("-id")
    # a page number that is not one shows the first (or last) page, never an error
    page = Paginator(students, STUDENT_ROWS).get_page(request.GET.get("page"))
    pending = selectors.pending_exceptions(user).select_related("student__customer")[:50]
    return render(
        request,
        "booking/index.html",
        {
            "students": page.object_list,
            "page": page,
            "pending": pending,
            "figures": selectors.desk_figures(user),
            "teacher_cancels": selectors.teacher_cancellations(user),
            "may_decide": services.may_decide(user),
        },
    )


def _student_page(request, pk: int, *, error=None, status=200):
    user = request.user
    student = (
        selectors.with_balance(selectors.students_for(user).select_related("customer", "agent"))
        .filter(pk=pk)
        .first()
    )
    if student is None:
        raise Http404
    now = timezone.now()
    lessons = list(student.lessons.order_by("-start_at")[:50])
    for lesson in lessons:
        lesson.check = rules.check_cancel(lesson.start_at, now)
        lesson.open = lesson.status == LessonStatus.BOOKED
        lesson.started = lesson.start_at <= now
    booked = services.booked_hours(student.pk)
    free = student.balance - booked
    cancelled = _cancelled(request, lessons)
    context = {
        "student": student,
        "lessons": lessons,
        "entries": student.entries.select_related("actor")[:50],
        "requests": student.requests.all()[:10],
        "booked": booked,
        "free": free,
        "low_balance": rules.low_balance(free),
        "cancelled": cancelled,
        "suggest_kind": (
            LessonKind.ADHOC  # the school cancelled: the make-up lesson (补课)
            if cancelled and cancelled.cancelled_by in (Party.TEACHER, Party.COMPANY)
            else LessonKind.REGULAR
        ),
        "kinds": LessonKind.choices,
        "reasons": LeaveReason.choices,
        "may_decide": services.may_decide(user),
        "error": error,
        **_suggestions(request, lessons),
        **_flows(student, user),
    }
    return render(request, "booking/student.html", context, status=status)


def _flows(student, user) -> dict:
    """BK-7 / BK-8: the student's flows, their steps and the next step each waits for."""
    from kefu.booking import flows
    from kefu.booking.models import FlowKind
    from kefu.booking.words import STEP_LABELS
    from kefu.core import scope

    items = list(student.flows.prefetch_related("steps__actor").select_related("trial"))
    for flow in items:
        flow.state_label = STEP_LABELS.get(flow.state, flow.state)
        flow.log = [(STEP_LABELS.get(s.step, s.step), s) for s in flow.steps.all()]
        step = flows.next_step(flow.kind, flow.state)
        flow.next = step
        if step is not None:
            flow.next_label = STEP_LABELS.get(step.code, step.code)
            flow.may_take = scope.at_least(user, step.role)
    return {"flows": items, "flow_kinds": FlowKind.choices}


def _cancelled(request, lessons):
    """The lesson just cancelled or left (``?cancelled=`` after the redirect), so the page offers
    the next booking with the same teacher (BK-3: every cancellation offers the next booking)."""
    text = request.GET.get("cancelled", "")
    wanted = int(text) if text.isdigit() else None
    return next(
        (
            lesson
            for lesson in lessons
            if lesson.pk == wanted and lesson.status != LessonStatus.BOOKED
        ),
        None,
    )


def _suggestions(request, lessons) -> dict:
    """BK-6: times to offer with the teacher asked for (else the last lesson's teacher)."""
    teacher = request.GET.get("teacher") or (lessons[0].teacher if lessons else "")
    hours = request.GET.get("hours") or "1"
    daytime = request.GET.get("daytime") == "1"
    return {
        "suggest": {"teacher": teacher, "hours": hours, "daytime": daytime},
        "suggestions": selectors.lesson_suggestions(
            request.user, teacher=teacher, hours=hours, daytime=daytime
        ),
    }


@login_required
def student(request, pk: int):
    return _student_page(request, pk)


def _version(request) -> int:
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else 0


def _run(request, student_id: int, action):
    try:
        action()
    except DomainError as exc:
        return _student_page(request, student_id, error=_error(exc), status=exc.status)
    return redirect("booking:student", pk=student_id)


@login_required
@require_POST
@once
def book(request, pk: int):
    return _run(
        request,
        pk,
        lambda: services.lesson_book(
            actor=request.user,
            student_id=pk,
            start_at=request.POST.get("start_at", ""),
            hours=request.POST.get("hours", ""),
            teacher=request.POST.get("teacher", ""),
            kind=request.POST.get("kind", ""),
        ),
    )


@login_required
@require_POST
def hours(request, pk: int):
    return _run(
        request,
        pk,
        lambda: services.hours_purchase(
            actor=request.user,
            student_id=pk,
            hours=request.POST.get("hours", ""),
            note=request.POST.get("note", ""),
        ),
    )


@login_required
@require_POST
@once
def request_add(request, pk: int):
    return _run(
        request,
        pk,
        lambda: services.request_record(
            actor=request.user,
            student_id=pk,
            wanted=request.POST.get("wanted", ""),
            met=request.POST.get("met") == "yes",
            alternative=request.POST.get("alternative", ""),
        ),
    )


@login_required
@require_POST
def lesson_action(request, pk: int, action: str):
    try:
        lesson = services.lesson_for(request.user, pk)
    except DomainError:
        raise Http404 from None
    user, version = request.user, _version(request)
    calls = {
        "cancel": lambda: services.lesson_cancel(
            actor=user, lesson_id=pk, version=version, by=request.POST.get("by", "student")
        ),
        "leave": lambda: services.lesson_leave(
            actor=user,
            lesson_id=pk,
            version=version,
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
            note=request.POST.get("note", ""),
        ),
        "decide": lambda: services.lesson_exception_decide(
            actor=user,
            lesson_id=pk,
            version=version,
            approve=request.POST.get("approve") == "yes",
            evidence=request.FILES.get("evidence"),
            note=request.POST.get("note", ""),
        ),
        "attend": lambda: services.lesson_attend(actor=user, lesson_id=pk, version=version),
        "no_show": lambda: services.lesson_no_show(actor=user, lesson_id=pk, version=version),
    }
    response = _run(request, lesson.student_id, calls[action])
    if action in ("cancel", "leave") and response.status_code == 302:
        # offer the next booking with the same teacher and length at once
        query = urlencode(
            {
                "cancelled": lesson.pk,
                "teacher": lesson.teacher,
                "hours": f"{lesson.hours:f}".rstrip("0").rstrip("."),
            }
        )
        response["Location"] = f"{response['Location']}?{query}#suggestions"
    return response


def _repair_centre(request, *, error=None, status=200):
    from kefu.booking import repairs
    from kefu.booking.models import Step
    from kefu.core import scope
    from kefu.customers.models import Customer

    user = request.user
    orders = list(
        repairs.orders_for(user).select_related("customer", "repairer").order_by("-id")[:50]
    )
    labels = dict(Step.choices)
    for order in orders:  # an order in warranty has no quote to approve
        order.moves = [
            (s, labels[s])
            for s in rules.NEXT_STEPS[order.step]
            if not (order.in_warranty and s == Step.QUOTED)
        ]
    customers = Customer.objects.filter(scope.business_line_q(user), merged_into=None).order_by(
        "-id"
    )[:200]
    quota, quota_error = _quota(request, repairs)
    if quota_error and error is None:
        error, status = quota_error, 400
    context = {
        "orders": orders,
        "rates": repairs.repeat_rates(repairs.orders_for(user))[:24],
        "quota": quota,
        "quota_form": {k: request.GET.get(k, "") for k in QUOTA_FIELDS},
        "customers": customers,
        "today": timezone.localdate(),
        "error": error,
    }
    return render(request, "booking/repairs.html", context, status=status)


QUOTA_FIELDS = ("month", "sales_1", "sales_2", "fault_rate", "per_unit")


def _quota(request, repairs):
    """RPR-1 on the page: the month's quota and commission once the figures are given."""
    given = {k: request.GET.get(k, "").strip() for k in QUOTA_FIELDS}
    if not any(given[k] for k in QUOTA_FIELDS[1:]):
        return None, None
    try:
        month = dt.date.fromisoformat(f"{given['month']}-01") if given["month"] else None
    except ValueError:
        month = None
    try:
        if month is None:
            raise Invalid(_("Choose the month of the quota."))
        table = repairs.quota_table(
            repairs.orders_for(request.user),
            month=month,
            sales=[given["sales_1"], given["sales_2"]],
            fault_rate=given["fault_rate"],
            per_unit=given["per_unit"] or "0",
        )
    except DomainError as exc:
        return None, _error(exc)
    return table, None


@login_required
def repair_centre(request):
    return _repair_centre(request)


@login_required
@require_POST
@once
def repair_intake(request):
    from kefu.booking import repairs

    customer = request.POST.get("customer", "")
    try:
        repairs.order_intake(
            actor=request.user,
            customer_id=int(customer) if customer.isdigit() else 0,
            device=request.POST.get("device", ""),
            serial=request.POST.get("serial", ""),
            fault=request.POST.get("fault", ""),
            accessories=request.POST.get("accessories", ""),
            purchased_on=request.POST.get("purchased_on", ""),
            warranty_months=request.POST.get("warranty_months", "12"),
            quote_yuan=request.POST.get("quote_yuan") or None,
        )
    except DomainError as exc:
        return _repair_centre(request, error=_error(exc), status=exc.status)
    return redirect("booking:repairs")


@login_required
@require_POST
def repair_move(request, pk: int):
    from kefu.booking import repairs

    try:
        if request.POST.get("step") == "escalate":
            repairs.order_escalate(actor=request.user, order_id=pk, version=_version(request))
        else:
            repairs.order_move(
                actor=request.user,
                order_id=pk,
                version=_version(request),
                step=request.POST.get("step", ""),
            )
    except DomainError as exc:
        return _repair_centre(request, error=_error(exc), status=exc.status)
    return redirect("booking:repairs")
