"""Reads of the response-time test (PK-3): the line's tests with how many sittings passed, and
the sittings a person may see (an agent their own; a lead their team; a supervisor the
department), for the trainer's results, the API and ``kefu training chat-results``."""

from __future__ import annotations

from django.db.models import Count, Q

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.training.models import ChatAttempt, ChatScript
from kefu.training.selectors import people_for


def scripts_for(user):
    """The line's tests, newest first, with ``sittings`` (finished) and ``passes``."""
    return ChatScript.objects.filter(business_line_id=user.business_line_id).annotate(
        sittings=Count("chatattempt", filter=Q(chatattempt__finished_at__isnull=False)),
        passes=Count("chatattempt", filter=Q(chatattempt__passed=True)),
    )


def script_get(user, pk) -> ChatScript:
    script = scripts_for(user).filter(pk=pk).first()
    if script is None:
        raise NotFound()
    return script


def results_for(user, *, script_id=None, username=None, finished=None):
    """Sittings ``user`` may read: their own, and those of the people in their scope."""
    q = Q(user=user)
    if scope.at_least(user, scope.LEAD):
        q |= Q(user__in=people_for(user).values("pk"))
    qs = ChatAttempt.objects.filter(q, script__business_line_id=user.business_line_id)
    if script_id is not None:
        qs = qs.filter(script_id=script_id)
    if username:
        qs = qs.filter(user__username=username)
    if finished is not None:
        qs = qs.filter(finished_at__isnull=not finished)
    return qs.select_related("script", "user")


def result_get(user, pk) -> ChatAttempt:
    attempt = results_for(user).filter(pk=pk).first()
    if attempt is None:
        raise NotFound()
    return attempt


def result_dict(a, *, turns: bool = False) -> dict:
    """A sitting as data (the API and ``kefu training chat-results``)."""
    out = {
        "id": a.pk,
        "script": a.script_id,
        "script_title": a.script.title,
        "user": a.user.username,
        "started_at": a.started_at,
        "finished_at": a.finished_at,
        "median_seconds": float(a.median_seconds) if a.median_seconds is not None else None,
        "threshold_seconds": a.script.threshold_seconds,
        "passed": a.passed,
    }
    if turns:
        out["turns"] = [
            {k: t.get(k) for k in ("text", "sent_at", "answer", "seconds")} for t in a.turns
        ]
    return out


def sitting_get(user, pk) -> ChatAttempt:
    """One's own sitting (the one being taken): nobody else's, not even a lead's → 404."""
    attempt = (
        ChatAttempt.objects.filter(pk=pk, user=user, script__business_line_id=user.business_line_id)
        .select_related("script", "user")
        .first()
        if pk
        else None
    )
    if attempt is None:
        raise NotFound()
    return attempt


def sitting_dict(a) -> dict:
    """A sitting as the one taking it sees it: the current customer message and when the server
    sent it (none once finished), and the answered turns with their server-timed seconds. The
    messages still to come are never shown."""
    current = a.turns[-1] if a.finished_at is None and a.turns else None
    answered = [t for t in a.turns if "answer" in t]
    return {
        **result_dict(a),
        "messages": len(a.script.messages),
        "position": len(a.turns) - 1 if current else None,
        "message": current["text"] if current else None,
        "sent_at": current["sent_at"] if current else None,
        "turns": [
            {k: t.get(k) for k in ("text", "sent_at", "answer", "seconds")} for t in answered
        ],
    }
