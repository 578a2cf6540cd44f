"""FU-10: each weekly feedback letter is e-mailed to the unit it is written to, once.

The unit's address is the e-mail address in its contact (``tickets.ResponsibleUnit.contact``,
e.g. 「仓储部 王经理 wh@example.cn」). A letter is queued when its transaction commits
(``schedule``); the hourly sweep (``send_due``) sends what the queue missed (a worker down, a
failed send, an address added later). One ``FeedbackMail`` row per letter — so per unit and
week — is claimed by a unique insert before anything is sent, so two workers racing send it
once; the mail goes through Django's mail backend (``EMAIL_URL``)."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.mail import header_safe
from kefu.reports.models_periodic import FeedbackLetter, FeedbackMail, LetterMailStatus

log = logging.getLogger(__name__)

#: how long a send may take before another run takes the letter over
SENDING_LEASE = dt.timedelta(minutes=30)
#: how far back the sweep looks for letters still to send
SWEEP_WEEKS = 8
_CANDIDATE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.ASCII)


def unit_address(contact: str) -> str:
    """The first valid e-mail address in a unit's contact text, or ''."""
    for found in _CANDIDATE.findall(contact or ""):
        try:
            validate_email(found)
        except ValidationError:
            continue
        return found
    return ""


def schedule(letter_id: int) -> None:
    """Queue the letter's e-mail once the current transaction commits (a rolled-back letter
    sends nothing); when the queue cannot be reached the hourly sweep sends it."""

    def enqueue() -> None:
        from kefu.reports.tasks import feedback_letter_mail

        try:
            feedback_letter_mail(letter_id)
        except Exception:  # the queue (Redis, the Huey file) is down: the sweep sends it later
            log.exception("feedback letter %s: could not queue its e-mail", letter_id)

    transaction.on_commit(enqueue)


def _claim(letter: FeedbackLetter, address: str, now: dt.datetime) -> FeedbackMail | None:
    """The letter's mail row for this worker, or None when it was sent, has no address still,
    or another worker is sending it."""
    status = LetterMailStatus.SENDING if address else LetterMailStatus.NO_ADDRESS
    try:
        with transaction.atomic():
            return FeedbackMail.objects.create(letter=letter, address=address, status=status)
    except IntegrityError:
        pass
    retry = Q(status=LetterMailStatus.FAILED) | Q(
        status=LetterMailStatus.SENDING, updated_at__lt=now - SENDING_LEASE
    )
    if address:
        retry |= Q(status=LetterMailStatus.NO_ADDRESS)
    row = FeedbackMail.objects.filter(retry, letter=letter).first()
    if row is None:
        return None
    taken = FeedbackMail.objects.filter(retry, pk=row.pk, updated_at=row.updated_at).update(
        status=status, address=address, error="", updated_at=now
    )
    if not taken:
        return None
    row.refresh_from_db()
    return row


def _body(letter: FeedbackLetter) -> tuple[str, str]:
    from kefu.followups.models import Outcome

    figures = letter.snapshot.get("unit") or {}
    week = letter.snapshot.get("week") or letter.week.isoformat()
    subject = _("Weekly callback feedback %(week)s · %(unit)s") % {
        "week": week,
        "unit": letter.unit.name,
    }
    labels = dict(Outcome.choices)
    outcomes = "；".join(
        f"{labels.get(o['key'], o['key'])} {o['count']}"
        for o in figures.get("outcomes", [])
        if o.get("count")
    )
    lines = [
        f"{letter.unit.name}：",
        "",
        letter.text,
        "",
        _("Callbacks done in the week: %(n)s") % {"n": figures.get("callbacks", 0)},
    ]
    if outcomes:
        lines.append(outcomes)
    lines.append(
        _("Complaints handed to you in the week: %(n)s")
        % {"n": figures.get("complaints_handed", 0)}
    )
    remarks = figures.get("remarks") or []
    if remarks:
        lines += ["", _("What customers said:")]
        lines += [f"- {r['ticket']}（{r['outcome']}）{r['notes']}" for r in remarks]
    writer = letter.written_by
    sign = (writer.display_name or writer.username) if writer else ""
    lines += ["", f"{sign} · {letter.business_line.name}".strip(" ·")]
    return subject, "\n".join(lines)


def send(letter_id: int, *, now: dt.datetime | None = None) -> str | None:
    """E-mail one letter unless it was sent or is being sent: the mail's status, or None."""
    now = now or timezone.now()
    letter = (
        FeedbackLetter.objects.select_related("unit", "business_line", "written_by")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        return None
    address = unit_address(letter.unit.contact)
    row = _claim(letter, address, now)
    if row is None or not address:
        return None if row is None else LetterMailStatus.NO_ADDRESS
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _body(letter)
        EmailMessage(
            subject=header_safe(subject),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        ).send()
    except Exception as exc:
        log.warning("feedback letter %s to %s failed: %s", letter.pk, address, exc)
        FeedbackMail.objects.filter(pk=row.pk).update(
            status=LetterMailStatus.FAILED, error=str(exc)[:500], updated_at=timezone.now()
        )
        return LetterMailStatus.FAILED
    with transaction.atomic():
        FeedbackMail.objects.filter(pk=row.pk).update(
            status=LetterMailStatus.SENT, sent_at=timezone.now(), updated_at=timezone.now()
        )
        audit.record(
            actor=None,
            action="reports.feedback_mailed",
            obj=letter,
            business_line_id=letter.business_line_id,
            changes={"unit": letter.unit_id, "week": letter.snapshot.get("week"), "to": address},
        )
    return LetterMailStatus.SENT


def send_due(*, now: dt.datetime | None = None) -> dict:
    """Send every letter of the last weeks whose e-mail is not out yet: {"sent", "skipped"}."""
    now = now or timezone.now()
    since = timezone.localtime(now).date() - dt.timedelta(weeks=SWEEP_WEEKS)
    pending = (
        FeedbackLetter.objects.filter(week__gte=since)
        .exclude(mail__status=LetterMailStatus.SENT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = skipped = 0
    for pk in pending.iterator():
        if send(pk, now=now) == LetterMailStatus.SENT:
            sent += 1
        else:
            skipped += 1
    return {"sent": sent, "skipped": skipped}
