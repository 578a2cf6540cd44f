"""Notifications: in the app (a ``Notification`` row, written in the caller's transaction), by
e-mail (Django mail, configured by ``EMAIL_URL``) and by SMS (``kefu.core.sms``, pluggable).
E-mail and SMS go out after the transaction commits, so a rolled-back change notifies nobody."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.core.mail import header_safe
from kefu.core.sms import send_sms
from kefu.tickets.models_sla import Clock, Level, Notification, NotifyProfile

log = logging.getLogger("kefu.notify")


def sla_text(*, number: str, title: str, clock: str, level: int) -> str:
    """The one-line notice of an SLA level, in the active language."""
    return _("%(level)s: %(clock)s of ticket %(number)s “%(title)s”") % {
        "level": Level(level).label,
        "clock": Clock(clock).label,
        "number": number,
        "title": title,
    }


def notification_text(note: Notification) -> str:
    """What a notification says, in the reader's language (SLA notices are rendered on read)."""
    if note.kind == Notification.Kind.SLA and note.ticket_id and note.level is not None:
        return sla_text(
            number=note.ticket.number, title=note.ticket.title, clock=note.clock, level=note.level
        )
    return note.text


def _deliver(email_to: list[tuple[str, str]], sms_to: list[str], subject: str, body: str) -> None:
    for address, _name in email_to:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # one bad address or a mail server down never stops the others
            log.exception("e-mail notification to %s failed", address)
    for phone in sms_to:
        try:
            send_sms(phone, body)
        except Exception:
            log.exception("SMS notification failed")


def notify(
    users: Iterable,
    *,
    kind: str,
    ticket=None,
    clock: str = "",
    level: int | None = None,
    text: str = "",
) -> list[Notification]:
    """Notify ``users`` in the app now, and by e-mail and SMS once the transaction commits."""
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return []
    notes = Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, ticket=ticket, clock=clock, level=level, text=text)
            for u in users
        ]
    )
    profiles = {p.user_id: p for p in NotifyProfile.objects.filter(user__in=users)}
    with translation.override(settings.LANGUAGE_CODE):
        if kind == Notification.Kind.SLA and ticket is not None and level is not None:
            body = sla_text(number=ticket.number, title=ticket.title, clock=clock, level=level)
        else:
            body = text
        # a title or a name may hold a line break, which Django refuses in a header
        subject = header_safe(_("[Kefu] %(text)s") % {"text": header_safe(body, 120)})
    email_to, sms_to = [], []
    for user in users:
        profile = profiles.get(user.pk)
        if user.email and (profile is None or profile.email_enabled):
            email_to.append((user.email, user.name))
        if profile is not None and profile.sms_enabled and profile.phone:
            sms_to.append(profile.phone)
    if email_to or sms_to:
        transaction.on_commit(lambda: _deliver(email_to, sms_to, subject, body))
    return notes


@transaction.atomic
def notify_settings_set(
    *, user, phone: str = "", email_enabled: bool = True, sms_enabled: bool = True
) -> NotifyProfile:
    """A user's own notification settings: the mobile number for SMS and which channels to use."""
    from kefu.core.errors import Invalid

    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if phone and not 5 <= len(phone) <= 20:
        raise Invalid(_("Enter a valid mobile number."), fields={"phone": _("Not a number.")})
    profile, _created = NotifyProfile.objects.update_or_create(
        user=user,
        defaults={
            "phone": phone,
            "email_enabled": bool(email_enabled),
            "sms_enabled": bool(sms_enabled),
        },
    )
    return profile


@transaction.atomic
def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (the given ids, or all unread); returns how many."""
    from django.utils import timezone

    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
    return qs.update(read_at=timezone.now())
