"""Customer segments (SEG-1/2): 忠诚 loyal, 一般 general, 流失 lost. Pure, no Django import."""

from __future__ import annotations

import datetime as dt

LOYAL, GENERAL, LOST = "loyal", "general", "lost"
SEGMENTS = (LOYAL, GENERAL, LOST)


def segment_of(
    *,
    visits_12m: int,
    last_contact_at: dt.datetime | None,
    created_at: dt.datetime,
    now: dt.datetime,
    loyal_min_visits: int,
    lost_after_days: int,
) -> str:
    """Lost when the last contact (the creation of the archive if none) is older than
    ``lost_after_days``; otherwise loyal with at least ``loyal_min_visits`` visits in the last
    12 months; otherwise general. The loyalty indicator is the number of visits (SEG-2)."""
    last = last_contact_at or created_at
    if now - last > dt.timedelta(days=lost_after_days):
        return LOST
    if visits_12m >= loyal_min_visits:
        return LOYAL
    return GENERAL
