"""Forecasts (issue 6 §2; spec §1.11): seasonality and trend, WAPE on a hold-out week, event
uplift from last year's 双11, sizing per skill group, history aggregated in SQL."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from kefu.core.errors import Invalid, PermissionDenied
from kefu.workforce import forecast as fc

MONDAY = dt.date(2025, 1, 6)


def _profile(n: int = 48) -> list[list[float]]:
    """A weekday × time-of-day shape: quiet nights, a midday hump, busier Mondays."""
    return [
        [(0.1 + math.sin(math.pi * k / n) ** 2) * (1.3 - 0.05 * wd) for k in range(n)]
        for wd in range(7)
    ]


def _series(days: int, *, level=100.0, growth=0.03, start=MONDAY, n=48) -> list[float]:
    shape = _profile(n)
    out: list[float] = []
    for d in range(days):
        day = start + dt.timedelta(days=d)
        lvl = level * (1 + growth * (d + 0.5) / 7)
        out.extend(lvl * p for p in shape[day.weekday()])
    return out


def test_forecast_recovers_a_known_weekday_seasonality_and_trend():
    # given eight weeks of volume = level × (1 + 3 % a week) × weekday-interval profile
    history = _series(8 * 7)
    # when the model is fitted and asked for the next two weeks
    model = fc.fit(history, start=MONDAY, interval_minutes=30, weeks=8)
    predicted = model.predict(MONDAY + dt.timedelta(days=56), 14)
    # then it extends the same series: WAPE against the true future is ~0
    truth = _series(10 * 7)[56 * 48 :]
    assert fc.wape(truth, predicted) < 1e-9
    # and the trend is +3 per 100 a week, i.e. 3 ÷ 124 of the last week's level
    assert model.trend_per_week == pytest.approx(3 / 124)
    # and Monday 12:00 is busier than the next Sunday 12:00 by the profile × the trend
    trend = (1 + 0.03 * 56.5 / 7) / (1 + 0.03 * 62.5 / 7)
    assert predicted[24] / predicted[6 * 48 + 24] == pytest.approx(1.3 / 1.0 * trend)


def test_holdout_wape_is_small_on_a_clean_series_and_computed_on_the_last_week():
    # given a clean series, and the same with the last week's every interval doubled
    clean = _series(4 * 7)
    doubled = clean[: 21 * 48] + [2 * v for v in clean[21 * 48 :]]
    # then the clean hold-out is ~0 and the doubled one is |2x − x| ÷ 2x = 0.5
    assert fc.holdout_wape(clean, start=MONDAY, interval_minutes=30) < 1e-9
    assert fc.holdout_wape(doubled, start=MONDAY, interval_minutes=30) == pytest.approx(0.5)


def test_wape_on_a_hand_example():
    # |10−8| + |20−25| + |0−1| = 8 over 30 offered
    assert fc.wape([10, 20, 0], [8, 25, 1]) == pytest.approx(8 / 30)
    assert fc.wape([0, 0], [1, 1]) is None


def test_uplift_factor_is_event_volume_over_the_baseline_forecast():
    # given four flat weeks then an event day with three times the usual volume
    start = dt.date(2024, 10, 14)
    history = _series(28, growth=0.0, start=start)
    event = start + dt.timedelta(days=28)
    day = _series(29, growth=0.0, start=start)[28 * 48 :]
    history += [3 * v for v in day]
    # when
    factors = fc.uplift_factors(history, start=start, interval_minutes=30, event_days=[event])
    # then
    assert factors == [pytest.approx(3.0)]
    assert fc.mean_factors([[3.0, None], [2.0, 1.5]]) == [2.5, 1.5]


def test_required_agents_come_from_erlang_per_interval():
    from kefu.workforce import staffing

    def solve(arrivals):
        req = staffing.staffing_request(
            arrivals=arrivals,
            interval_seconds=1800,
            aht_seconds=180,
            answer_seconds=20,
            service_level="0.8",
            shrinkage="0.3",
        )
        return staffing.solve_erlang_c(req).agents

    # the published example: 100 calls per half hour, 180 s → 20 rostered
    assert fc.required_agents([100, 0, 100], solve) == [20, 0, 20]


def test_a_grid_of_partial_days_is_refused():
    with pytest.raises(fc.ForecastError):
        fc.fit([1.0] * 50, start=MONDAY, interval_minutes=30)


# -- with the database -----------------------------------------------------------------------


@pytest.mark.django_db
def test_history_counts_tickets_per_interval_in_local_time(manager, agent2, groups, ticket_at):
    from kefu.workforce.services.forecasts import history

    # given three enquiries in 09:00–09:30 and one at 09:45 Shanghai time, and a complaint
    for minute in (0, 10, 29):
        ticket_at(agent2, dt.datetime(2025, 3, 3, 9, minute))
    ticket_at(agent2, dt.datetime(2025, 3, 3, 9, 45))
    ticket_at(agent2, dt.datetime(2025, 3, 3, 9, 5), type="complaint")
    # when the 售前 history (enquiries) is aggregated per 30 minutes
    grid = history(
        business_line=manager.business_line,
        group=groups["presale"],
        channel="",
        source="tickets",
        start=dt.date(2025, 3, 3),
        days=1,
        interval_minutes=30,
    )
    # then
    assert grid[18] == 3
    assert grid[19] == 1
    assert sum(grid) == 4


@pytest.mark.django_db
def test_forecast_from_ticket_history_sizes_the_group(manager, agent2, groups, ticket_at):
    from kefu.workforce.services import forecast_create

    # given two weeks with 4 enquiries every weekday 10:00–10:30
    for d in range(14):
        day = dt.date(2025, 3, 3) + dt.timedelta(days=d)
        for m in range(4):
            ticket_at(agent2, dt.datetime.combine(day, dt.time(10, m)))
    # when
    f = forecast_create(
        actor=manager, group=groups["presale"], start_date=dt.date(2025, 3, 17), days=7, weeks=2
    )
    # then each day's 10:00 interval is forecast at 4 and sized with Erlang C, others empty
    assert f.volumes[20] == pytest.approx(4)
    assert f.required[20] > 0
    assert f.required[21] == 0
    assert f.wape == pytest.approx(0, abs=1e-9)


@pytest.mark.django_db
def test_forecast_lifts_double11_by_last_years_factor(manager, agent2, groups, ticket_at):
    from kefu.workforce.services import double11_days, forecast_create

    # given 2 enquiries a day at 10:00 in the weeks before 双11 2024 and 6 on Nov 10 2024
    for d in range(14):
        day = dt.date(2024, 10, 27) + dt.timedelta(days=d)
        for m in range(2):
            ticket_at(agent2, dt.datetime.combine(day, dt.time(10, m)))
    for m in range(6):
        ticket_at(agent2, dt.datetime(2024, 11, 10, 10, m))
    # and this year's usual 2 a day
    for d in range(14):
        day = dt.date(2025, 10, 27) + dt.timedelta(days=d)
        for m in range(2):
            ticket_at(agent2, dt.datetime.combine(day, dt.time(10, m)))
    # when the forecast from Nov 10 2025 knows the event days
    f = forecast_create(
        actor=manager,
        group=groups["presale"],
        start_date=dt.date(2025, 11, 10),
        days=2,
        weeks=2,
        event_days=double11_days(2025),
        uplift_years=1,
    )
    # then Nov 10 is lifted threefold
    assert f.uplift["factors"]["2025-11-10"] == pytest.approx(3.0)
    assert f.volumes[20] == pytest.approx(6)


@pytest.mark.django_db
def test_agents_cannot_make_forecasts(agent, groups):
    from kefu.workforce.services import forecast_create

    with pytest.raises(PermissionDenied):
        forecast_create(actor=agent, start_date=dt.date(2025, 3, 3))


@pytest.mark.django_db
def test_forecast_without_history_is_refused_clearly(manager, groups):
    from kefu.workforce.services import forecast_create

    with pytest.raises(Invalid) as exc:
        forecast_create(actor=manager, group=groups["presale"], start_date=dt.date(2025, 3, 3))
    assert "no history" in str(exc.value.message)
