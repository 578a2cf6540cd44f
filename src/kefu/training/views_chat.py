"""Pages of the response-time test on a simulated chat (PK-3): the tests of the line, a sitting
(the server sends each customer message and times the answer) and a lead's form to set one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError
from kefu.core.idempotency import once
from kefu.training import chat_selectors, chat_services
from kefu.training.models import ChatAttempt, ChatScript


def _scripts(user):
    return ChatScript.objects.filter(business_line_id=user.business_line_id)


@login_required
def chat_tests(request, status=200, errors=None):
    context = {
        "scripts": list(_scripts(request.user)[:50]),
        "attempts": list(
            ChatAttempt.objects.filter(user=request.user).select_related("script")[:20]
        ),
        "may_set": scope.at_least(request.user, scope.LEAD),
        "team_results": list(
            chat_selectors.results_for(request.user, finished=True)
            .exclude(user=request.user)
            .order_by("-started_at")[:50]
        )
        if scope.at_least(request.user, scope.LEAD)
        else [],
        "form": request.POST if request.method == "POST" else {},
        "errors": errors or {},
    }
    return render(request, "training/chat_tests.html", context, status=status)


@login_required
@require_POST
@once
def chat_script_create(request):
    post = request.POST
    threshold = post.get("threshold_seconds", "").strip()
    try:
        chat_services.script_create(
            actor=request.user,
            title=post.get("title", ""),
            messages=post.get("messages", "").splitlines(),
            threshold_seconds=int(threshold) if threshold.isdigit() else (threshold or None),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return chat_tests(request, status=exc.status, errors=exc.fields)
    messages.success(request, _("The response-time test is set."))
    return redirect("training:chat_tests")


@login_required
@require_POST
def chat_start(request, pk: int):
    script = get_object_or_404(_scripts(request.user), pk=pk)
    attempt = chat_services.chat_start(actor=request.user, script=script)
    return redirect("training:chat_attempt", pk=attempt.pk)


@login_required
def chat_attempt(request, pk: int):
    attempt = get_object_or_404(
        ChatAttempt.objects.select_related("script"), pk=pk, user=request.user
    )
    return render(
        request,
        "training/chat_attempt.html",
        {"attempt": attempt, "position": len(attempt.turns) - 1},
    )


@login_required
@require_POST
def chat_answer(request, pk: int):
    attempt = get_object_or_404(ChatAttempt, pk=pk, user=request.user)
    position = request.POST.get("position", "")
    try:
        chat_services.chat_answer(
            actor=request.user,
            attempt=attempt,
            position=int(position) if position.isdigit() else -1,
            answer=request.POST.get("answer", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training:chat_attempt", pk=pk)
