"""Pages: questionnaire builder (leads and above edit), invitations, results dashboard with
targets, the callback agent's answer form, and the public answer page of a signed link.

Each view parses, calls a selector or service, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from kefu.core import scope
from kefu.core.errors import Conflict, DomainError, Invalid, NotFound, PermissionDenied
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.customers.selectors import shown_phone
from kefu.surveys import charts, selectors, services
from kefu.surveys.models import Figure, QuestionKind, QuestionnaireStatus

INVITATION_ROWS = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _posted_answers(post, questions) -> dict:
    """The submitted answers by "q<id>": a list for multiple choice, else the one value."""
    raw = {}
    for q in questions:
        key = f"q{q.pk}"
        raw[key] = post.getlist(key) if q.kind == QuestionKind.MULTIPLE else post.get(key, "")
    return raw


def _question_rows(questions, raw: dict, errors: dict) -> list[dict]:
    rows = []
    for q in questions:
        key = f"q{q.pk}"
        value = raw.get(key, [] if q.kind == QuestionKind.MULTIPLE else "")
        scale = []
        if q.kind == QuestionKind.SCALE5:
            scale = [str(n) for n in range(1, 6)]
        elif q.kind == QuestionKind.SCALE10:
            scale = [str(n) for n in range(11)]
        rows.append(
            {
                "question": q,
                "name": key,
                "value": value,
                "scale": scale,
                "error": errors.get(key, ""),
            }
        )
    return rows


# -- public answer page (no sign-in) -------------------------------------------------------


def answer(request, token: str):
    """The customer's survey through the signed link: one answer, then thanks."""
    try:
        invitation = selectors.invitation_for_token(token)
    except NotFound as exc:
        return render(
            request, "surveys/public_unavailable.html", {"message": exc.message}, status=404
        )
    except selectors.Gone as exc:
        return render(
            request, "surveys/public_unavailable.html", {"message": exc.message}, status=410
        )
    if invitation.answered_at is not None:
        return render(request, "surveys/public_thanks.html", {"already": True}, status=409)
    questions = list(invitation.questionnaire.questions.order_by("order", "id"))
    raw: dict = {}
    errors: dict = {}
    error = ""
    if request.method == "POST":
        raw = _posted_answers(request.POST, questions)
        if request.POST.get("website"):
            # the spam trap was filled in: a bot; answer as if it failed, record nothing
            return render(
                request,
                "surveys/public_unavailable.html",
                {"message": _("The form could not be sent.")},
                status=400,
            )
        try:
            services.response_submit(invitation=invitation, answers=raw, channel=invitation.source)
        except Conflict:
            return render(request, "surveys/public_thanks.html", {"already": True}, status=409)
        except Invalid as exc:
            errors, error = exc.fields, str(exc.message)
        else:
            return render(request, "surveys/public_thanks.html", {"already": False})
    return render(
        request,
        "surveys/public_answer.html",
        {
            "invitation": invitation,
            "rows": _question_rows(questions, raw, errors),
            "error": error,
        },
        status=400 if error else 200,
    )


# -- questionnaires ------------------------------------------------------------------------


def _require_lead(user) -> None:
    if not scope.at_least(user, scope.LEAD):
        raise PermissionDenied(_("Only team leads and above can edit questionnaires."))


@login_required
def questionnaire_list(request):
    rows = selectors.questionnaire_qs_for(request.user).select_related("business_line")[:200]
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "questionnaires": rows,
            "can_edit": selectors.can_edit(request.user),
            "campaigns": selectors.campaigns_for(request.user)[:50],
        },
    )


def _settings_values(post) -> dict:
    try:
        link_days = int(post.get("link_days", ""))
    except ValueError:
        link_days = -1
    return {
        "name": post.get("name", ""),
        "intro": post.get("intro", ""),
        "status": post.get("status", ""),
        "after_close": post.get("after_close") == "on",
        "link_days": link_days,
    }


@login_required
@once
def questionnaire_new(request):
    _require_lead(request.user)
    values = {"name": "", "intro": "", "status": "draft", "after_close": False, "link_days": 14}
    errors: dict = {}
    from kefu.accounts import lines

    line_choices = lines.line_choices(request.user)
    if request.method == "POST":
        values = _settings_values(request.POST)
        try:
            # an administrator (no line of their own) chooses the line on the form
            q = services.questionnaire_create(
                actor=request.user,
                business_line=lines.line_for(request.user, request.POST.get("business_line"))
                if line_choices
                else selectors.business_line_for(user=request.user),
                **values,
            )
        except Invalid as exc:
            errors = exc.fields or {"name": exc.message}
        else:
            messages.success(request, _("Questionnaire created. Now add its questions."))
            return redirect("surveys:questionnaire", pk=q.pk)
    return render(
        request,
        "surveys/questionnaire_form.html",
        {
            "values": values,
            "errors": errors,
            "statuses": QuestionnaireStatus.choices,
            "line_choices": line_choices,
        },
    )


@login_required
def questionnaire_detail(request, pk: int):
    q = selectors.questionnaire_get_for(user=request.user, pk=pk)
    can_edit = selectors.can_edit(request.user)
    errors: dict = {}
    values = {
        "name": q.name,
        "intro": q.intro,
        "status": q.status,
        "after_close": q.after_close,
        "link_days": q.link_days,
    }
    if request.method == "POST":
        _require_lead(request.user)
        values = _settings_values(request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.questionnaire_update(
                actor=request.user, questionnaire=q, version=version, changes=values
            )
        except Invalid as exc:
            errors = exc.fields or {"name": exc.message}
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("surveys:questionnaire", pk=q.pk)
        else:
            messages.success(request, _("Questionnaire saved."))
            return redirect("surveys:questionnaire", pk=q.pk)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "q": q,
            "questions": q.questions.all(),
            "values": values,
            "errors": errors,
            "can_edit": can_edit,
            "statuses": QuestionnaireStatus.choices,
            "kinds": QuestionKind.choices,
        },
    )


@login_required
@require_POST
@once
def question_add(request, pk: int):
    q = selectors.questionnaire_get_for(user=request.user, pk=pk)
    data = {
        "kind": request.POST.get("kind", ""),
        "text": request.POST.get("text", ""),
        "dimension": request.POST.get("dimension", ""),
        "required": request.POST.get("required") == "on",
        "choices": request.POST.get("choices", ""),
    }
    try:
        services.question_add(actor=request.user, questionnaire=q, data=data)
    except Invalid as exc:
        detail = "; ".join(str(v) for v in exc.fields.values()) or str(exc.message)
        messages.error(request, _("The question was not added: %(why)s") % {"why": detail})
    else:
        messages.success(request, _("Question added."))
    return redirect("surveys:questionnaire", pk=q.pk)


@login_required
@require_POST
def question_change(request, pk: int, question_id: int, action: str):
    if action not in ("remove", "up", "down"):
        raise NotFound()
    q = selectors.questionnaire_get_for(user=request.user, pk=pk)
    try:
        if action == "remove":
            services.question_remove(actor=request.user, questionnaire=q, question_id=question_id)
        else:
            services.question_move(
                actor=request.user, questionnaire=q, question_id=question_id, up=action == "up"
            )
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("surveys:questionnaire", pk=q.pk)


# -- invitations and results -----------------------------------------------------------------


@login_required
def invitation_list(request: HtmxHttpRequest):
    status = request.GET.get("status", "")
    qs = selectors.invitation_list_for(user=request.user, status=status)
    page = paginate(qs, ordering="-id", cursor=request.GET.get("cursor"), limit=INVITATION_ROWS)
    for invitation in page.items:
        invitation.phone_shown = shown_phone(request.user, invitation.customer.phone)
    context = {"page": page, "status": status, "now": timezone.now()}
    if request.htmx:
        return render(request, "surveys/_invitation_rows.html", context)
    return render(request, "surveys/invitation_list.html", context)


@login_required
def results(request):
    period = selectors.parse_results_period(request.GET)
    group = request.GET.get("group") or "team"
    r = selectors.results_for(
        user=request.user,
        period=period,
        group=group,
        business_line=request.GET.get("business_line") or None,
        questionnaire=request.GET.get("questionnaire") or None,
    )
    target_label = _("CSI target %(t)s%%") % {"t": r.target} if r.target is not None else ""
    short = _figure_short()
    for row in r.rows:
        row.target_cells = [_check_cell(c, short) for c in row.checks]
    reads = [
        {"label": dict(Figure.choices)[c.figure], "text": _target_text(c, short)} for c in r.checks
    ]
    # csi_chart escapes every text it draws, so its markup is safe to embed
    # bandit: the chart module escapes every text it writes
    chart = mark_safe(  # nosec B308 B703
        charts.csi_chart(
            _("CSI by %(group)s, %(period)s")
            % {"group": dict(_group_labels())[group], "period": period.label},
            [(row.label, row.metrics.csi) for row in r.rows[:30]],
            target=r.target,
            target_label=target_label,
        )
    )
    line = None
    if request.user.business_line_id and scope.at_least(request.user, scope.MANAGER):
        line = request.user.business_line
    return render(
        request,
        "surveys/results.html",
        {
            "r": r,
            "chart": chart,
            "groups": _group_labels(),
            "period_text": request.GET.get("period") or period.label,
            "target_line": line,
            "reads": reads,
        },
    )


def _figure_short() -> dict[str, str]:
    return {"csi": _("CSI"), "satisfied": _("Satisfied rate"), "nps": _("NPS")}


def _target_text(check, short: dict[str, str]) -> str:
    """“满意率 ≥ 96.00%” / “Satisfied rate ≥ 96.00%”; NPS has no percent sign."""
    unit = "" if check.figure == "nps" else "%"
    return f"{short[check.figure]} ≥ {check.target.normalize():f}{unit}"


def _check_cell(check, short: dict[str, str]) -> dict:
    return {"text": _target_text(check, short), "met": check.met}


def _group_labels() -> list[tuple[str, str]]:
    return [
        ("agent", _("agent")),
        ("team", _("team")),
        ("department", _("department")),
        ("business_line", _("business line")),
    ]


@login_required
@require_POST
def target_save(request):
    if not request.user.business_line_id:
        raise NotFound()
    try:
        services.target_set(
            actor=request.user,
            business_line=request.user.business_line,
            csi=request.POST.get("csi"),
            satisfied=request.POST.get("satisfied"),
            nps=request.POST.get("nps"),
        )
    except Invalid as exc:
        detail = "; ".join(str(v) for v in exc.fields.values()) or str(exc.message)
        messages.error(request, _("The targets were not saved: %(why)s") % {"why": detail})
    else:
        messages.success(request, _("Targets saved."))
    return redirect("surveys:results")


# -- during a callback -----------------------------------------------------------------------


@login_required
def callback_answer(request, callback_id: int):
    """The callback agent reads the questions to the customer and records the answers."""
    task = selectors.callback_for_survey(user=request.user, pk=callback_id)
    done = selectors.callback_response(callback_id=task.pk)
    available = selectors.active_questionnaires(business_line_id=task.business_line_id)
    chosen = None
    wanted = request.POST.get("questionnaire") or request.GET.get("questionnaire")
    for q in available:
        if str(q.pk) == str(wanted) or (wanted is None and chosen is None):
            chosen = q
    raw: dict = {}
    errors: dict = {}
    error = ""
    if request.method == "POST" and done is None and chosen is not None:
        questions = list(chosen.questions.all())
        raw = _posted_answers(request.POST, questions)
        try:
            services.callback_survey_record(
                actor=request.user, callback_id=task.pk, questionnaire_id=chosen.pk, answers=raw
            )
        except Invalid as exc:
            errors, error = exc.fields, str(exc.message)
        except Conflict as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("The customer's answers are recorded."))
            return redirect("surveys:callback", callback_id=task.pk)
    return render(
        request,
        "surveys/callback_answer.html",
        {
            "task": task,
            "phone": shown_phone(request.user, task.customer.phone),
            "done": done,
            "available": available,
            "chosen": chosen,
            "rows": _question_rows(list(chosen.questions.all()), raw, errors) if chosen else [],
            "error": error,
        },
        status=400 if error else 200,
    )
