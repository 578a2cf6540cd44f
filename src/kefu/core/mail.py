"""Mail helpers shared by every app that sends e-mail."""

from __future__ import annotations

import unicodedata

SUBJECT_MAX = 150


def header_safe(text, limit: int = SUBJECT_MAX) -> str:
    """``text`` fit for a mail header (a subject): line breaks of every kind and other control
    characters become spaces, runs of spaces one, at most ``limit`` characters. Django refuses a
    header with a newline (BadHeaderError), and a ticket title or a customer name may hold one."""
    out = [" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(text or "")]
    clean = " ".join("".join(out).split())
    return clean[:limit].rstrip()


# -- mail to customers ---------------------------------------------------------------------
#: what ``send_customer_mail`` answers: written and sent (or being sent) after the commit, held
#: for the business line's quiet hours, or refused (the daily quota, an address not valid)
QUEUED, HELD, REFUSED = "queued", "held", "refused"
_customer_mailer = None


def set_customer_mailer(mailer) -> None:
    """Route every ``send_customer_mail`` through ``mailer`` (the channels app's mail outbox)."""
    global _customer_mailer
    _customer_mailer = mailer


def send_customer_mail(
    address: str,
    subject: str,
    body: str,
    *,
    business_line_id: int,
    kind: str,
    ticket_id: int | None = None,
    customer_id: int | None = None,
) -> str:
    """Mail a customer on behalf of a business line, as every app below ``kefu.channels`` does
    (survey invitations): the line's quiet hours and the per-recipient daily quota apply as for
    SMS, the mail leaves after the caller's commit and is retried. Returns ``QUEUED``, ``HELD``
    or ``REFUSED`` (the reason is on the outbox row and in the audit log)."""
    if _customer_mailer is not None:
        return _customer_mailer(
            address,
            subject,
            body,
            business_line_id=business_line_id,
            kind=kind,
            ticket_id=ticket_id,
            customer_id=customer_id,
        )
    from django.core.mail import send_mail  # no outbox installed: plain Django mail

    send_mail(header_safe(subject), body, None, [address])
    return QUEUED
