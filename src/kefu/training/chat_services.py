"""Writes of the response-time test (PK-3): a lead sets the scripted chat; the server sends
each customer message and times the answer itself; the result feeds the certification like the
typing test (component ``response``). An answer to a message that is no longer the current
one (a second tab, a replay) → 409 and nothing changes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.training import response_time
from kefu.training.models import ChatAttempt, ChatScript, ScoreKind
from kefu.training.services import _line_id, _score, _text, require_lead


@transaction.atomic
def script_create(*, actor, title: str, messages, threshold_seconds=None) -> ChatScript:
    """A lead sets a response-time test: 1 to 20 customer messages and the median threshold."""
    require_lead(actor)
    if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
        raise Invalid(_("Some fields are not valid."), fields={"messages": _("Must be text.")})
    messages = [m.strip() for m in messages if m.strip()]
    if not 1 <= len(messages) <= response_time.MAX_MESSAGES or any(len(m) > 500 for m in messages):
        raise Invalid(
            _("Some fields are not valid."),
            fields={"messages": _("1 to 20 messages of at most 500 characters.")},
        )
    threshold = response_time.DEFAULT_THRESHOLD if threshold_seconds is None else threshold_seconds
    if not isinstance(threshold, int) or not 1 <= threshold <= 600:
        raise Invalid(_("Some fields are not valid."), fields={"threshold_seconds": _("1 to 600.")})
    script = ChatScript.objects.create(
        business_line_id=_line_id(actor),
        title=_text("title", title),
        messages=messages,
        threshold_seconds=threshold,
    )
    audit.record(
        actor=actor,
        action="training.chat_script_create",
        obj=script,
        changes={"messages": len(messages), "threshold_seconds": threshold},
    )
    return script


@transaction.atomic
def chat_start(*, actor, script: ChatScript, now=None) -> ChatAttempt:
    """Start a sitting: the server sends the first customer message now."""
    if script.business_line_id != actor.business_line_id:
        raise PermissionDenied()
    now = now or timezone.now()
    attempt = ChatAttempt.objects.create(
        script=script,
        user=actor,
        started_at=now,
        turns=[{"text": script.messages[0], "sent_at": now.isoformat()}],
    )
    audit.record(actor=actor, action="training.chat_start", obj=attempt, changes={})
    return attempt


@transaction.atomic
def chat_answer(*, actor, attempt: ChatAttempt, position, answer: str, now=None) -> ChatAttempt:
    """The answer to message ``position`` (0-based), timed by the server; then the next message,
    or, after the last, the median, the pass and the certification score."""
    if attempt.user_id != actor.pk:
        raise PermissionDenied()
    attempt = ChatAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.finished_at is not None:
        raise Conflict(_("This test is finished."), code="chat_finished")
    if position != len(attempt.turns) - 1:
        raise StaleWrite()
    answer = _text("answer", answer, max_length=1000)
    now = now or timezone.now()
    turn = attempt.turns[-1]
    seconds = (now - dt.datetime.fromisoformat(turn["sent_at"])).total_seconds()
    turn.update(answer=answer, answered_at=now.isoformat(), seconds=round(seconds, 1))
    messages = attempt.script.messages
    if len(attempt.turns) < len(messages):
        attempt.turns.append({"text": messages[len(attempt.turns)], "sent_at": now.isoformat()})
        attempt.save(update_fields=["turns", "updated_at"])
        return attempt
    times = [t["seconds"] for t in attempt.turns]
    threshold = attempt.script.threshold_seconds
    attempt.finished_at = now
    attempt.median_seconds = response_time.median(times)
    attempt.passed = response_time.passed(times, threshold)
    attempt.save(update_fields=["turns", "finished_at", "median_seconds", "passed", "updated_at"])
    detail = {"seconds": times, "median": float(attempt.median_seconds), "threshold": threshold}
    row = _score(
        actor, actor, ScoreKind.RESPONSE, 100 if attempt.passed else 0, attempt.passed, detail
    )
    audit.record(
        actor=actor,
        action="training.response_time",
        obj=row,
        business_line_id=actor.business_line_id,
        changes={"median": detail["median"], "passed": attempt.passed},
    )
    return attempt
