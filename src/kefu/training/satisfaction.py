"""Training satisfaction (TRN-5, SAT-6), pure: a survey after each class rates the course and the
trainer from 1 to 5; satisfaction is the mean rating as a share of the top rating (5 = 100 %),
so 4.845 on average is 96.9 %. Micro-courses (up to 3 hours) are compared with all internal
training."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TOP_RATING = 5
RATINGS = range(1, TOP_RATING + 1)


def valid_rating(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in RATINGS


def percent(mean_rating) -> float | None:
    """Satisfaction in % (one decimal) from a mean rating; None when nobody rated."""
    if mean_rating is None:
        return None
    share = Decimal(str(mean_rating)) * 100 / TOP_RATING
    return float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def gap(micro: float | None, overall: float | None) -> float | None:
    """How many points micro-courses are above (or below) all internal training."""
    if micro is None or overall is None:
        return None
    return float((Decimal(str(micro)) - Decimal(str(overall))).quantize(Decimal("0.1")))
