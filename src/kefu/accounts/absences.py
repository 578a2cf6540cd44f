"""Who is away on a day: a read about users that routing (tickets) and callbacks (followups)
share. The absences are recorded by followups (``UserAbsence``, the user's ``absences``); this
reads them through the user's relation so that lower apps need not import followups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kefu.accounts.models import User


def absent_user_ids(user_ids: Iterable[int], day: dt.date) -> set[int]:
    """Which of ``user_ids`` are absent on ``day`` (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    # one filter(): the two bounds apply to the same absence
    return set(
        User.objects.filter(
            pk__in=ids, absences__starts_on__lte=day, absences__ends_on__gte=day
        ).values_list("pk", flat=True)
    )
