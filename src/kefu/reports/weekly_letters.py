"""The archive of the weekly feedback letters (FU-10): every letter written to a unit, with its
frozen figures and whether its e-mail went out — for supervisors and managers of the line (a
letter carries the whole unit's week, more than a team lead's scope), and for the command line."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.errors import PermissionDenied
from kefu.reports import periods
from kefu.reports.models_periodic import FeedbackLetter


def can_read(user) -> bool:
    return scope.at_least(user, scope.SUPERVISOR)


def letters_for(user, *, week: str | None = None, line_id=None) -> QuerySet[FeedbackLetter]:
    """The letters ``user`` may read, of one ISO week (``2026-W45``) when given."""
    if not can_read(user):
        raise PermissionDenied(_("Only a supervisor or a manager may do this."))
    qs = FeedbackLetter.objects.filter(scope.business_line_q(user))
    if week:
        qs = qs.filter(week=periods.parse_week(week).start)
    if line_id:
        qs = qs.filter(business_line_id=line_id)
    return qs.select_related("unit", "business_line", "written_by", "mail")


def _mail_of(letter: FeedbackLetter) -> dict | None:
    try:
        mail = letter.mail
    except FeedbackLetter.mail.RelatedObjectDoesNotExist:
        return None
    return {
        "status": mail.status,
        "address": mail.address,
        "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
        "error": mail.error,
    }


def as_json(letter: FeedbackLetter) -> dict:
    figures = letter.snapshot.get("unit") or {}
    writer = letter.written_by
    return {
        "id": letter.pk,
        "week": letter.snapshot.get("week") or periods.week_of(letter.week).label,
        "business_line": letter.business_line_id,
        "unit_id": letter.unit_id,
        "unit": letter.unit.name,
        "written_by": (writer.display_name or writer.username) if writer else None,
        "written_at": timezone.localtime(letter.created_at).isoformat(),
        "text": letter.text,
        "callbacks": figures.get("callbacks", 0),
        "unhappy": figures.get("unhappy", 0),
        "complaints_handed": figures.get("complaints_handed", 0),
        "mail": _mail_of(letter),
    }
