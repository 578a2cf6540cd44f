"""Searching by phone digits, for users who see phones masked (138****1234).

The mask shows a phone's first 3 and last 4 digits. A search by digits that go beyond what the
mask shows tells the searcher hidden digits (a match, or no match, for 1380013…), so digit by
digit it would rebuild the number: for those users such a search is a reveal. It is refused
where a reveal is refused, and otherwise audited (``customer.reveal``) and rate-limited like a
reveal, sharing its budget. Four digits stay free: they are matched against the last 4 only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Invalid

FREE_DIGITS = 4  # the mask shows the last 4 digits
REVEAL_ACTION = "customer.reveal"


def reveal_limit() -> tuple[int, dt.timedelta]:
    """(reveals, per window) a user may make, from settings KEFU_REVEAL_LIMIT and
    KEFU_REVEAL_WINDOW_MINUTES (30 in 10 minutes by default)."""
    limit = int(getattr(settings, "KEFU_REVEAL_LIMIT", 30))
    window = int(getattr(settings, "KEFU_REVEAL_WINDOW_MINUTES", 10))
    return limit, dt.timedelta(minutes=window)


class RevealRefused(Invalid):
    """A search beyond the mask by a user who may not reveal contact data (403)."""

    status = 403
    code = "permission_denied"


class RevealThrottled(Invalid):
    """Too many reveals (or searches beyond the mask) in the window (429)."""

    status = 429
    code = "throttled"


def check_reveal_budget(user) -> None:
    """RevealThrottled when ``user`` has used up the reveals of the current window."""
    from kefu.core.models import AuditEvent

    limit, window = reveal_limit()
    since = timezone.now() - window
    used = AuditEvent.objects.filter(
        actor_id=user.pk, action=REVEAL_ACTION, created_at__gte=since
    ).count()
    if used >= limit:
        minutes = int(window.total_seconds() // 60)
        raise RevealThrottled(
            _(
                "You have revealed contact data %(n)d times in %(minutes)d minutes, the most "
                "allowed. Wait a few minutes, or search by the last 4 digits."
            )
            % {"n": limit, "minutes": minutes}
        )


@transaction.atomic
def guard_digits(*, user, digits: str, field: str = "q", ip: str | None = None) -> bool:
    """May ``user`` search by ``digits``? True: yes, but only against the last 4 digits (what
    the mask shows); False: yes, anywhere in the phone. A search beyond the mask by a user with
    masked access is RevealRefused; by one who may reveal, it is audited as a reveal (and
    RevealThrottled past the budget)."""
    from kefu.customers.selectors import MASKED, contact_access

    access = contact_access(user)
    if access not in ("reveal", MASKED):
        return False
    if len(digits) <= FREE_DIGITS:
        return True
    if access == MASKED:
        msg = _(
            "Your role sees phone numbers masked: search by the last 4 digits or by the name, "
            "not by more digits than the mask shows."
        )
        raise RevealRefused(msg, fields={field: msg})
    try:
        check_reveal_budget(user)
    except RevealThrottled as exc:
        exc.fields = {field: str(exc.message)}
        raise
    audit.record(
        actor=user,
        action=REVEAL_ACTION,
        changes={"fields": ["phone"], "search": digits},
        business_line_id=getattr(user, "business_line_id", None),
        ip=ip,
    )
    return False
