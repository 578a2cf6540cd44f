"""The typing test taken through the API (KPI-5, CE-1) as the page takes it: the server hands out
the passage and starts the clock; the typed text's arrival stops it. Only such a sitting is
recorded on the person's file (the ``typing`` certification component); a text scored with
seconds the client names is a calculation, never a record (it could certify anyone)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.training import quick_reply, services, typing_test
from kefu.training.models import TypingSitting
from kefu.training.passages import passage_for

MAX_SECONDS = 3600


def typing_check(*, passage: str, typed: str, seconds, min_cpm=typing_test.DEFAULT_MIN_CPM):
    """Score a text against a passage in the given seconds, recording nothing."""
    passage = services._text("passage", passage, max_length=services.MAX_TEXT)
    typed = services._text("typed", typed, required=False, max_length=services.MAX_TEXT)
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        seconds = 0
    if not 0 < seconds <= MAX_SECONDS:
        raise Invalid(_("Some fields are not valid."), fields={"seconds": _("1 to 3600.")})
    return typing_test.score(passage, typed, seconds, min_cpm=min_cpm)


def quick_reply_check(pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """Count the complete matches of phrases typed from memory, recording nothing."""
    matched, asked = quick_reply.score(pairs)
    if not asked:
        raise Invalid(_("No phrases were asked."))
    return matched, asked


@transaction.atomic
def sitting_start(*, actor, now=None) -> TypingSitting:
    """Hand out the passage of the person's line and start the server's clock."""
    title, passage = passage_for(actor)
    sitting = TypingSitting.objects.create(
        user=actor, title=title, passage=passage, started_at=now or timezone.now()
    )
    audit.record(actor=actor, action="training.typing_start", obj=sitting, changes={})
    return sitting


@transaction.atomic
def sitting_submit(*, actor, sitting: TypingSitting, typed: str, now=None) -> TypingSitting:
    """Stop the clock at the text's arrival and score it like the page (at least 1 s, at most
    an hour); the result is the certification's ``typing`` component. Once only: a second
    text → 409 ``typing_finished``."""
    sitting = TypingSitting.objects.select_for_update().get(pk=sitting.pk, user=actor)
    if sitting.finished_at is not None:
        raise Conflict(_("This typing test is finished."), code="typing_finished")
    now = now or timezone.now()
    seconds = min(max(1.0, round((now - sitting.started_at).total_seconds(), 1)), MAX_SECONDS)
    result = services.typing_record(
        actor=actor, passage=sitting.passage, typed=typed, seconds=seconds
    )
    sitting.finished_at = now
    sitting.result = {**result.as_dict(), "seconds": seconds}
    sitting.save(update_fields=["finished_at", "result", "updated_at"])
    return sitting


def sitting_get(user, pk) -> TypingSitting:
    """One's own typing sitting; anyone else's → 404."""
    sitting = TypingSitting.objects.filter(pk=pk, user=user).first() if pk else None
    if sitting is None:
        raise NotFound()
    return sitting


def sitting_dict(s: TypingSitting) -> dict:
    result = s.result or {}
    return {
        "id": s.pk,
        "title": s.title,
        "passage": s.passage,
        "started_at": s.started_at,
        "finished_at": s.finished_at,
        "seconds": result.get("seconds"),
        "chars_per_minute": result.get("chars_per_minute"),
        "correct": result.get("correct"),
        "typed": result.get("typed"),
        "accuracy": result.get("accuracy"),
        "passed": result.get("passed"),
    }
