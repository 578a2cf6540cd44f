"""Contact-volume forecasts per 15/30-minute interval (spec §1.11; issue 6 §2). Pure: no Django.

Model (multiplicative): volume(t) = trend(t) × profile[weekday, time of day], where the trend is
linear in weeks, ``trend(t) = a + b·t``, and the profile has mean 1 over the week, so ``trend`` is
the level of an average interval. It is fitted on the last N whole weeks by alternating two exact
steps until they agree: the profile is the mean of volume ÷ trend per (weekday, interval); the
trend is the least-squares line through volume ÷ profile. On a clean series of that form the fit
recovers the series exactly.

Accuracy is WAPE (Σ|actual − forecast| ÷ Σ actual) on a hold-out period: the model is refitted
without the last week and scored on it. Event uplift (双11): the same event in an earlier year,
its volume per event day divided by what the baseline model fitted on the weeks before it
predicted for that day.

Series are plain lists on a grid: ``values[d * per_day + k]`` is interval ``k`` of day ``d``
counted from ``start`` (a date, local time).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

MINUTES_PER_DAY = 1440
INTERVALS = (15, 30, 60)
FIT_ITERATIONS = 20


class ForecastError(ValueError):
    """Not enough history, a bad grid, or bad settings; ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def per_day(interval_minutes: int) -> int:
    if interval_minutes not in INTERVALS:
        raise ForecastError("the interval must be 15, 30 or 60 minutes", "interval_minutes")
    return MINUTES_PER_DAY // interval_minutes


@dataclass(frozen=True)
class SeasonalModel:
    """A fitted model: trend ``a + b·weeks`` from ``origin`` and a 7 × per_day profile (Monday first)."""

    origin: dt.date
    interval_minutes: int
    a: float
    b: float
    profile: tuple[tuple[float, ...], ...]
    weeks: int

    def level(self, day: dt.date) -> float:
        t = ((day - self.origin).days + 0.5) / 7
        return max(0.0, self.a + self.b * t)

    @property
    def trend_per_week(self) -> float:
        """Relative growth per week at the end of the fitted history (0.02 = +2 % a week)."""
        end = self.a + self.b * self.weeks
        return self.b / end if end > 0 else 0.0

    def predict(self, start: dt.date, days: int) -> list[float]:
        """Volume per interval for ``days`` days from ``start``."""
        out: list[float] = []
        for d in range(days):
            day = start + dt.timedelta(days=d)
            lvl = self.level(day)
            out.extend(lvl * p for p in self.profile[day.weekday()])
        return out


def _line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (a, b) of y = a + b·x; a flat line through the mean for a single x."""
    n = len(points)
    if n == 0:
        return 0.0, 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return my, 0.0
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    return my - b * mx, b


def fit(
    values: Sequence[float], *, start: dt.date, interval_minutes: int, weeks: int = 8
) -> SeasonalModel:
    """Fit the model on the last ``weeks`` whole weeks of ``values`` (a grid from ``start``)."""
    n = per_day(interval_minutes)
    if weeks < 1:
        raise ForecastError("fit at least one week", "weeks")
    if len(values) % n:
        raise ForecastError("the history must hold whole days", "values")
    if any(v < 0 or not math.isfinite(v) for v in values):
        raise ForecastError("volumes must be finite and not negative", "values")
    total_days = len(values) // n
    use_days = min(weeks, total_days // 7) * 7
    if use_days < 7:
        raise ForecastError("at least one whole week of history is needed", "values")
    skip = total_days - use_days
    origin = start + dt.timedelta(days=skip)
    cells = [
        (d, k, values[(skip + d) * n + k], (origin + dt.timedelta(days=d)).weekday())
        for d in range(use_days)
        for k in range(n)
    ]
    profile = [[1.0] * n for _ in range(7)]
    a = b = 0.0
    for _ in range(FIT_ITERATIONS):
        # trend through volume ÷ profile, one point per day (the day's mean level)
        day_points: dict[int, list[float]] = {}
        for d, k, y, wd in cells:
            p = profile[wd][k]
            if p > 0:
                day_points.setdefault(d, []).append(y / p)
        points = [((d + 0.5) / 7, sum(ys) / len(ys)) for d, ys in day_points.items()]
        a, b = _line(points)
        # profile: mean of volume ÷ trend per (weekday, interval)
        sums = [[0.0] * n for _ in range(7)]
        counts = [[0] * n for _ in range(7)]
        for d, k, y, wd in cells:
            level = a + b * (d + 0.5) / 7
            if level > 0:
                sums[wd][k] += y / level
                counts[wd][k] += 1
        new = [
            [s / c if c else 0.0 for s, c in zip(sr, cr, strict=True)]
            for sr, cr in zip(sums, counts, strict=True)
        ]
        mean = sum(map(sum, new)) / (7 * n)
        if mean <= 0:
            return SeasonalModel(
                origin, interval_minutes, 0.0, 0.0, tuple(tuple(r) for r in new), use_days // 7
            )
        new = [[p / mean for p in row] for row in new]
        a, b = a * mean, b * mean
        change = max(
            abs(p - q)
            for r1, r2 in zip(new, profile, strict=True)
            for p, q in zip(r1, r2, strict=True)
        )
        profile = new
        if change < 1e-12:
            break
    return SeasonalModel(
        origin, interval_minutes, a, b, tuple(tuple(r) for r in profile), use_days // 7
    )


def wape(actual: Sequence[float], forecast: Sequence[float]) -> float | None:
    """Weighted absolute percentage error Σ|a − f| ÷ Σ a (None when nothing was offered)."""
    if len(actual) != len(forecast):
        raise ForecastError("actual and forecast differ in length")
    total = sum(actual)
    if total <= 0:
        return None
    return sum(abs(x - f) for x, f in zip(actual, forecast, strict=True)) / total


def holdout_wape(
    values: Sequence[float], *, start: dt.date, interval_minutes: int, weeks: int = 8
) -> float | None:
    """WAPE of a model fitted without the last week, scored on that week (None without 2 weeks)."""
    n = per_day(interval_minutes)
    days = len(values) // n
    if days < 14:
        return None
    train = values[: (days - 7) * n]
    model = fit(train, start=start, interval_minutes=interval_minutes, weeks=weeks)
    predicted = model.predict(start + dt.timedelta(days=days - 7), 7)
    return wape(values[(days - 7) * n :], predicted)


def uplift_factors(
    values: Sequence[float],
    *,
    start: dt.date,
    interval_minutes: int,
    event_days: Sequence[dt.date],
    weeks: int = 8,
) -> list[float | None]:
    """Per event day: actual volume ÷ the baseline forecast fitted on the weeks before the event.

    ``values`` must cover the weeks before the first event day and the event days themselves.
    A day the baseline expects nothing on has no factor (None).
    """
    n = per_day(interval_minutes)
    if not event_days:
        return []
    first = min(event_days)
    before = (first - start).days
    if before < 7:
        raise ForecastError("a week of history before the event is needed", "values")
    model = fit(values[: before * n], start=start, interval_minutes=interval_minutes, weeks=weeks)
    out: list[float | None] = []
    for day in event_days:
        d = (day - start).days
        if not 0 <= d < len(values) // n:
            raise ForecastError("the history does not cover the event day", "values")
        actual = sum(values[d * n : (d + 1) * n])
        expected = sum(model.predict(day, 1))
        out.append(actual / expected if expected > 0 else None)
    return out


def mean_factors(years: Sequence[Sequence[float | None]]) -> list[float]:
    """Average per-day factors over several years (missing ones skipped; 1.0 when none)."""
    width = max((len(y) for y in years), default=0)
    out = []
    for i in range(width):
        vals = [y[i] for y in years if i < len(y) and y[i] is not None]
        out.append(sum(vals) / len(vals) if vals else 1.0)  # type: ignore[arg-type]  # None filtered
    return out


def apply_uplift(
    volumes: Sequence[float],
    *,
    start: dt.date,
    interval_minutes: int,
    factors: Mapping[dt.date, float],
) -> list[float]:
    """Volumes with each event day multiplied by its factor."""
    n = per_day(interval_minutes)
    out = list(volumes)
    for day, factor in factors.items():
        d = (day - start).days
        if 0 <= d < len(out) // n:
            out[d * n : (d + 1) * n] = [v * factor for v in out[d * n : (d + 1) * n]]
    return out


def required_agents(
    volumes: Sequence[float], solve: Callable[[float], int], *, precision: int = 2
) -> list[int]:
    """Agents per interval from ``solve(arrivals)`` (an Erlang C/A search), cached on arrivals
    rounded to ``precision`` decimals so a week of intervals costs a few dozen searches."""
    cache: dict[float, int] = {}
    out = []
    for v in volumes:
        key = round(v, precision)
        if key not in cache:
            cache[key] = solve(key) if key > 0 else 0
        out.append(cache[key])
    return out


def hourly(values: Sequence[float], interval_minutes: int) -> list[float]:
    """Sum a grid into hours (for the intraday plan vs actual)."""
    step = 60 // interval_minutes if interval_minutes < 60 else 1
    return [sum(values[i : i + step]) for i in range(0, len(values), step)]
