"""The auto-replies page (/messaging/auto-replies/, supervisors and above): each channel's
acknowledgement, out-of-hours and peak texts of the line, kept in the knowledge base, typed or
taken from a quick reply. Parse, call ``auto_texts``, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.accounts import lines
from kefu.channels.messaging import auto_texts, peak
from kefu.channels.messaging.models import PeakState
from kefu.core import scope
from kefu.core.errors import DomainError, PermissionDenied
from kefu.knowledge.models import QuickReply


def _require(user) -> None:
    if not scope.at_least(user, "supervisor"):
        raise PermissionDenied()


def _page(request: HttpRequest, line, status: int = 200) -> HttpResponse:
    enter, leave = peak.thresholds(line) if line else (peak.ENTER, peak.LEAVE)
    context = {
        "tab": "auto_replies",
        "line": line,
        "peak": PeakState.objects.filter(business_line=line).first() if line else None,
        "peak_enter": f"{enter:g}",
        "peak_leave": f"{leave:g}",
        "peak_version": peak.settings_version(line) if line else 1,
        # a refused form shows what was typed
        "peak_typed": {k: request.POST.get(k, "") for k in ("enter", "leave")}
        if request.method == "POST" and "enter" in request.POST
        else None,
        "line_choices": lines.line_choices(request.user),
        "rows": auto_texts.table_for(line) if line else [],
        "phrases": QuickReply.objects.filter(business_line=line, is_active=True)
        .only("pk", "title", "shortcut")
        .order_by("category", "shortcut")[:200]
        if line
        else [],
    }
    return render(request, "messaging/auto_replies.html", context, status=status)


@login_required
@require_safe
def auto_text_list(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    return _page(request, lines.line_shown(request.user, request.GET.get("line")))


@login_required
@require_POST
def auto_text_save(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    line = None
    try:
        line = lines.line_for(request.user, request.POST.get("business_line"))
        auto_texts.text_save(
            actor=request.user,
            line=line,
            channel=request.POST.get("channel", ""),
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            quick_reply=request.POST.get("quick_reply", ""),
            is_active=request.POST.get("is_active") == "on",
            seen=request.POST.get("seen"),
        )
    except DomainError as exc:
        if exc.status in (403, 404) or line is None:
            raise
        details = "; ".join(f"{v}" for v in exc.fields.values() if str(v) != str(exc.message))
        messages.error(request, f"{exc.message} {details}".strip())
        # the page as it is now, with the refusal (400, or 409 for a stale text)
        return _page(request, line, status=exc.status)
    messages.success(request, _("The auto-reply is saved."))
    if request.POST.get("business_line"):
        return redirect(f"{reverse('messaging:auto_replies')}?line={line.pk}")
    return redirect("messaging:auto_replies")


@login_required
@require_POST
def peak_thresholds_save(request: HttpRequest) -> HttpResponse:
    """The peak-mode card's form: the line's two thresholds (``peak.thresholds_save``)."""
    _require(request.user)
    line = None
    try:
        line = lines.line_for(request.user, request.POST.get("business_line"))
        peak.thresholds_save(
            actor=request.user,
            line=line,
            enter=request.POST.get("enter", ""),
            leave=request.POST.get("leave", ""),
            version=request.POST.get("version", ""),
        )
    except DomainError as exc:
        if exc.status in (403, 404) or line is None:
            raise
        details = "; ".join(f"{v}" for v in exc.fields.values() if str(v) != str(exc.message))
        messages.error(request, f"{exc.message} {details}".strip())
        return _page(request, line, status=exc.status)  # 400, or 409 for a stale form
    messages.success(
        request, _("The peak thresholds are saved; the next minute's check uses them.")
    )
    if request.POST.get("business_line"):
        return redirect(f"{reverse('messaging:auto_replies')}?line={line.pk}")
    return redirect("messaging:auto_replies")
