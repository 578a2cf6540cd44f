"""The typing test (KPI-5, CE-1) and the quick-reply exam (PK-4) taken through the API as the
pages take them: the server hands out the passage and starts the clock (the typed text's
arrival stops it), or draws the phrases and keeps their text. Only such a sitting is recorded on
the person's file (the ``typing`` and ``quick_reply`` certification components); a score of a
passage, seconds or phrases the client names is a calculation, never a record (it could
certify anyone)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.training import quick_reply, services, typing_test
from kefu.training.models import QuickReplySitting, TypingSitting
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


# -- the quick-reply exam as the page takes it (PK-4) -----------------------------------------

QUICK_ITEMS = 3  # as many phrases as the page asks


def _quick_pool(user):
    from kefu.knowledge.models import QuickReply

    # phrases with a placeholder ({name}) are filled in at use, never typed from memory
    return QuickReply.objects.filter(
        business_line_id=user.business_line_id, is_active=True
    ).exclude(body__contains="{")


@transaction.atomic
def quick_start(*, actor, now=None) -> QuickReplySitting:
    """Draw the phrases (as many as the page, at random) and keep them with their text."""
    drawn = list(_quick_pool(actor).order_by("?")[:QUICK_ITEMS])
    if not drawn:
        raise Invalid(_("The line has no quick replies to ask yet."))
    sitting = QuickReplySitting.objects.create(
        user=actor,
        started_at=now or timezone.now(),
        asked=[
            {"id": q.pk, "shortcut": q.shortcut, "title": q.title, "body": q.body} for q in drawn
        ],
    )
    audit.record(
        actor=actor, action="training.quick_reply_start", obj=sitting, changes={"asked": len(drawn)}
    )
    return sitting


@transaction.atomic
def quick_submit(*, actor, sitting: QuickReplySitting, typed: list, now=None) -> QuickReplySitting:
    """The phrases typed from memory, in the order asked: each must match the text as drawn
    completely; recorded once (the ``quick_reply`` component); a second → 409."""
    sitting = QuickReplySitting.objects.select_for_update().get(pk=sitting.pk, user=actor)
    if sitting.finished_at is not None:
        raise Conflict(_("This quick-reply exam is finished."), code="quick_reply_finished")
    if not isinstance(typed, list) or len(typed) != len(sitting.asked):
        raise Invalid(
            _("Some fields are not valid."),
            fields={"typed": _("One text for each phrase asked, in order.")},
        )
    typed = [services._text("typed", t, required=False, max_length=1000) for t in typed]
    pairs = [(a["body"], t) for a, t in zip(sitting.asked, typed, strict=True)]
    matched, asked = services.quick_reply_record(actor=actor, pairs=pairs)
    sitting.finished_at = now or timezone.now()
    sitting.typed, sitting.matched, sitting.passed = typed, matched, matched == asked
    sitting.save(update_fields=["finished_at", "typed", "matched", "passed", "updated_at"])
    return sitting


def quick_get(user, pk) -> QuickReplySitting:
    """One's own quick-reply sitting; anyone else's → 404."""
    sitting = QuickReplySitting.objects.filter(pk=pk, user=user).first() if pk else None
    if sitting is None:
        raise NotFound()
    return sitting


def quick_dict(s: QuickReplySitting) -> dict:
    """Before the submission only the shortcut and title of each phrase; after, the text as
    drawn, what was typed and whether it matched."""
    done = s.finished_at is not None
    items = []
    for i, a in enumerate(s.asked):
        item = {"shortcut": a["shortcut"], "title": a["title"]}
        if done:
            typed = s.typed[i] if i < len(s.typed) else ""
            item.update(
                expected=a["body"], typed=typed, matched=quick_reply.matches(a["body"], typed)
            )
        items.append(item)
    return {
        "id": s.pk,
        "started_at": s.started_at,
        "finished_at": s.finished_at,
        "items": items,
        "matched": s.matched,
        "asked": len(s.asked),
        "passed": s.passed,
    }
