"""Training pages: the overview with one's 上岗 status, requests through their flow, classes,
timed exams, the typing test, the team's 上岗 board and each person's record. Views parse, call
a selector or service, and render."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import DomainError, NotFound
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.training import selectors, services
from kefu.training.forms import ClassForm, ExamForm, RequestForm, TypingForm
from kefu.training.models import Question
from kefu.training.passages import passage_for

PAGE_ROWS = 25


def _is_lead(user) -> bool:
    return scope.at_least(user, scope.LEAD)


@login_required
def index(request):
    user = request.user
    gates = list(selectors.gates_of_line(user.business_line_id)) if user.business_line_id else []
    held = {g.certification_id for g in selectors.valid_grants(user)}
    context = {
        "status": selectors.status(user),
        "grants": list(selectors.valid_grants(user)),
        "gates": [(g, g.certification_id in held) for g in gates],
        "exams": list(selectors.exams_for(user)[:10]),
        "is_lead": _is_lead(user),
        "waiting": selectors.requests_for(user).filter(state="requested").count()
        if _is_lead(user)
        else 0,
    }
    return render(request, "training/index.html", context)


# -- requests ---------------------------------------------------------------------------------


def _requests_page(request, form=None, status=200):
    page = paginate(
        selectors.requests_for(request.user),
        ordering="-id",
        cursor=request.GET.get("cursor"),
        limit=PAGE_ROWS,
    )
    context = {"page": page, "form": form or RequestForm(), "is_lead": _is_lead(request.user)}
    return render(request, "training/requests.html", context, status=status)


@login_required
def requests(request):
    return _requests_page(request)


@login_required
@require_POST
@once
def request_file(request):
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _requests_page(request, form, status=400)
    try:
        req = services.request_file(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _requests_page(request, form, status=exc.status)
    messages.success(request, _("The training request is filed."))
    return redirect("training:request", pk=req.pk)


@login_required
def request_detail(request, pk: int):
    req = selectors.request_get(request.user, pk)
    trainers = (
        User.objects.filter(business_line_id=req.business_line_id, is_active=True).order_by(
            "username"
        )[:200]
        if _is_lead(request.user)
        else []
    )
    context = {
        "req": req,
        "trainers": trainers,
        "may_review": _is_lead(request.user)
        and req.state == "requested"
        and req.requester_id != request.user.pk,
        "may_assign": _is_lead(request.user) and req.state == "approved",
        "may_archive": req.state == "assigned"
        and (_is_lead(request.user) or req.trainer_id == request.user.pk),
    }
    return render(request, "training/request.html", context)


@login_required
@require_POST
def request_act(request, pk: int, action: str):
    req = selectors.request_get(request.user, pk)
    post = request.POST
    attendance = post.get("attendance", "")
    trainer = post.get("trainer", "")
    try:
        services.request_act(
            actor=request.user,
            request=req,
            action=action,
            version=int(post.get("version") or 0),
            reason=post.get("reason", ""),
            trainer=int(trainer) if trainer.isdigit() else None,
            attendance=int(attendance) if attendance.isdigit() else None,
            materials=post.get("materials", ""),
            evaluation=post.get("evaluation", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The training request moved on."))
    return redirect("training:request", pk=pk)


# -- classes ----------------------------------------------------------------------------------


@login_required
def classes(request, form=None, status=200):
    page = paginate(
        selectors.classes_for(request.user),
        ordering="-starts_at",
        cursor=request.GET.get("cursor"),
        limit=PAGE_ROWS,
    )
    mine = dict(
        request.user.training_enrolments.filter(
            training_class_id__in=[c.pk for c in page.items]
        ).values_list("training_class_id", "status")
    )
    rows = [(c, mine.get(c.pk)) for c in page.items]
    context = {
        "page": page,
        "rows": rows,
        "now": timezone.now(),
        "is_lead": _is_lead(request.user),
        "form": form or ClassForm(),
    }
    return render(request, "training/classes.html", context, status=status)


@login_required
@require_POST
@once
def class_create(request):
    form = ClassForm(request.POST)
    if not form.is_valid():
        return classes(request, form=form, status=400)
    try:
        services.class_create(actor=request.user, trainer=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return classes(request, form=form, status=exc.status)
    messages.success(request, _("The class is published."))
    return redirect("training:classes")


@login_required
def class_detail(request, pk: int):
    cls = selectors.class_get(request.user, pk)
    may_mark = _is_lead(request.user) or cls.trainer_id == request.user.pk
    if request.method == "POST" and may_mark:
        ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
        try:
            n = services.attend(actor=request.user, training_class=cls, user_ids=ids)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attendance recorded: %(n)s.") % {"n": n})
        return redirect("training:class", pk=pk)
    enrolments = cls.enrolments.select_related("user").order_by("status", "created_at")
    attended = any(e.user_id == request.user.pk and e.status == "attended" for e in enrolments)
    rated = cls.evaluations.filter(user=request.user).exists()
    context = {
        "cls": cls,
        "enrolments": enrolments,
        "may_mark": may_mark,
        "may_rate": attended and not rated,
        "rated": rated,
        "ratings": range(1, 6),
    }
    return render(request, "training/class.html", context)


@login_required
@require_POST
def class_enrol(request, pk: int):
    cls = selectors.class_get(request.user, pk)
    try:
        if request.POST.get("cancel"):
            services.enrol_cancel(actor=request.user, training_class=cls)
            messages.success(request, _("Your enrolment is cancelled."))
        else:
            e = services.enrol(actor=request.user, training_class=cls)
            messages.success(
                request,
                _("You are enrolled.")
                if e.status == "enrolled"
                else _("The class is full: you are on the waiting list."),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training:classes")


# -- exams ------------------------------------------------------------------------------------


@login_required
def exams(request, form=None, status=200):
    rows = []
    attempts = {}
    for a in request.user.exam_attempts.order_by("id"):
        attempts.setdefault(a.exam_id, []).append(a)
    for exam in selectors.exams_for(request.user)[:100]:
        mine = attempts.get(exam.pk, [])
        rows.append((exam, mine, any(a.passed for a in mine)))
    context = {"rows": rows, "is_lead": _is_lead(request.user), "form": form or ExamForm()}
    return render(request, "training/exams.html", context, status=status)


@login_required
@require_POST
@once
def exam_create(request):
    form = ExamForm(request.POST)
    if not form.is_valid():
        return exams(request, form=form, status=400)
    try:
        services.exam_create(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        for field, message in (exc.fields or {}).items():
            if field in form.fields:
                form.add_error(field, message)
        return exams(request, form=form, status=exc.status)
    messages.success(request, _("The exam is set."))
    return redirect("training:exams")


@login_required
@require_POST
def exam_start(request, pk: int):
    exam = selectors.exam_get(request.user, pk)
    try:
        attempt = services.exam_start(actor=request.user, exam=exam)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:exams")
    return redirect("training:attempt", pk=attempt.pk)


@login_required
def attempt(request, pk: int):
    from kefu.training import views_closed_book

    a = selectors.attempt_for_examiner(request.user, pk)
    if a.user_id != request.user.pk:
        return views_closed_book.examiner_page(request, a)
    if a.exam.closed_book:
        return views_closed_book.attempt_page(request, a)
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=a.questions)}
    questions = [by_id[q] for q in a.questions if q in by_id]
    if request.method == "POST":
        answers = {}
        for q in questions:
            key = f"q{q.pk}"
            values = request.POST.getlist(key)
            if values:
                answers[str(q.pk)] = values if q.kind == "multiple" else values[0]
        try:
            a = services.exam_submit(actor=request.user, attempt=a, answers=answers)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("training:attempt", pk=pk)
    now = timezone.now()
    context = {
        "attempt": a,
        "questions": questions,
        "seconds_left": max(0, int((a.deadline - now).total_seconds())),
        "open": a.submitted_at is None and a.deadline > now,
    }
    return render(request, "training/attempt.html", context)


# -- the typing test --------------------------------------------------------------------------

SESSION_KEY = "training_typing_started"


@login_required
def typing(request):
    """The server times the test: the clock starts when the page is served and stops when the
    text arrives; the browser's own count is only a guide."""
    title, passage = passage_for(request.user)
    result = None
    if request.method == "POST":
        form = TypingForm(request.POST)
        started = request.session.pop(SESSION_KEY, None)
        if started is None or not form.is_valid():
            messages.error(request, _("Start the test again: the page had no running clock."))
            return redirect("training:typing")
        seconds = max(1.0, round(time.time() - float(started), 1))
        try:
            result = services.typing_record(
                actor=request.user,
                passage=passage,
                typed=form.cleaned_data["typed"],
                seconds=min(seconds, 3600),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("training:typing")
        return render(
            request,
            "training/typing.html",
            {"result": result, "seconds": seconds, "title": title, "passage": passage},
        )
    request.session[SESSION_KEY] = time.time()
    return render(
        request,
        "training/typing.html",
        {"form": TypingForm(), "title": title, "passage": passage},
    )


# -- the quick-reply exam (快捷必须熟练完整背出) ------------------------------------------------------

QUICK_KEY = "training_quick_reply_ids"
QUICK_ITEMS = 3


@login_required
def quick_reply(request):
    """The candidate sees a shortcut and its title and types the phrase from memory; the server
    keeps which phrases were asked (the session), so a submission cannot change them."""
    from kefu.knowledge.models import QuickReply

    pool = QuickReply.objects.filter(
        business_line_id=request.user.business_line_id, is_active=True
    ).exclude(body__contains="{")
    if request.method == "POST":
        ids = request.session.pop(QUICK_KEY, None)
        if not ids:
            messages.error(request, _("Start the test again: the page had no running clock."))
            return redirect("training:quick_reply")
        asked = {q.pk: q for q in pool.filter(pk__in=ids)}
        items = [asked[pk] for pk in ids if pk in asked]
        pairs = [(q.body, request.POST.get(f"r{q.pk}", "")) for q in items]
        try:
            services.quick_reply_record(actor=request.user, pairs=pairs)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("training:quick_reply")
        from kefu.training.quick_reply import matches

        rows = [
            (q, typed, matches(q.body, typed))
            for q, (_body, typed) in zip(items, pairs, strict=True)
        ]
        return render(
            request,
            "training/quick_reply.html",
            {"rows": rows, "passed": all(ok for _q, _t, ok in rows)},
        )
    ids = list(pool.order_by("?").values_list("pk", flat=True)[:QUICK_ITEMS])
    request.session[QUICK_KEY] = ids
    items = sorted(pool.filter(pk__in=ids), key=lambda q: ids.index(q.pk))
    return render(request, "training/quick_reply.html", {"items": items})


# -- people: the 上岗 board and each person's record --------------------------------------------


@login_required
def people(request):
    if not _is_lead(request.user):
        return redirect("training:person", pk=request.user.pk)
    persons = list(selectors.people_for(request.user).select_related("team")[:300])
    gates = list(selectors.gates_of_line(request.user.business_line_id))
    board = selectors.duty_board(persons, gates)
    return render(request, "training/people.html", {"board": board, "gates": gates})


@login_required
def person(request, pk: int):
    target = selectors.people_for(request.user).filter(pk=pk).first()
    if target is None and pk == request.user.pk:
        target = request.user
    if target is None:
        raise NotFound()
    return render(request, "training/person.html", {"r": selectors.record(target)})


@login_required
def person_export(request, pk: int):
    target = selectors.people_for(request.user).filter(pk=pk).first()
    if target is None and pk == request.user.pk:
        target = request.user
    if target is None:
        raise NotFound()
    from kefu.training.exports import record_xlsx

    data = record_xlsx(selectors.record(target))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="training-{target.username}.xlsx"'
    return response
