"""Staffing search on top of Erlang C / Erlang A (spec §1.11, issue 6 §1). Pure: no Django import.

The fewest agents on the queue (``raw_agents``) that meet a service-level target (X % answered
within T seconds), and optionally a maximum ASA, a maximum occupancy and (Erlang A) a maximum
abandonment rate; then the gross-up for shrinkage, exact in rational arithmetic
(21 ÷ (1 − 0.3) = 30, not 31).

Inputs may be ints, floats, Fractions or Decimals (or decimal strings); floats are read as the
decimal they print as (0.3 is 3/10), so that caps and gross-ups that bind exactly stay exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property

from kefu.workforce import erlang
from kefu.workforce.erlang import QueueMetrics

Exact = int | float | str | Fraction | Decimal

# The largest offered load (Erlangs) and agent count the calculator computes. The biggest contact
# centre queue is a few thousand agents; 20,000 Erlangs solves in well under a second, while
# 10^10 Erlangs once held a server thread for four minutes.
MAX_TRAFFIC_ERLANGS = 20_000
MAX_AGENTS = 50_000
# Erlang A: load × patience ÷ AHT at most this (its sums grow with it; callers that patient
# hardly ever hang up, so Erlang C answers). 20,000 Erlangs with patience 100 × AHT: ≈ 0.6 s.
MAX_ERLANG_A_SCALE = 2_000_000
# Inputs are read exactly; none is meaningful beyond 10^±15 (and 1e100000000 would take minutes).
MAX_EXPONENT = 15


class StaffingError(ValueError):
    """Bad input or an unreachable target; ``field`` names the offending input (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(StaffingError):
    """An input is missing, not a number, not finite or out of range."""


class TooLarge(InvalidInput):
    """The load or the agent count is beyond what the calculator computes (``MAX_TRAFFIC_ERLANGS``,
    ``MAX_AGENTS``): refused at once instead of holding a worker for minutes."""

    def __init__(self, message: str, field: str | None, limit: int, value: float):
        super().__init__(message, field)
        self.limit = limit
        self.value = value


class Unreachable(StaffingError):
    """No number of agents can meet the target (e.g. 100 % answered with any traffic)."""


def exact(value: Exact, field: str) -> Fraction:
    """The exact rational value of an input; floats are read as their shortest decimal."""
    if isinstance(value, bool):
        raise InvalidInput(f"{field} must be a number", field)
    try:
        if isinstance(value, Fraction | int):
            value = Fraction(value)
            if value and not 10**-MAX_EXPONENT <= abs(value) < 10 ** (MAX_EXPONENT + 1):
                raise InvalidInput(f"{field} is out of range", field)
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidInput(f"{field} must be a finite number", field)
            value = repr(value)
        dec = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(f"{field} must be a number, not {value!r}", field)
    if not dec.is_finite():
        raise InvalidInput(f"{field} must be a finite number", field)
    if dec.is_zero():
        return Fraction(0)
    if not -MAX_EXPONENT <= dec.adjusted() <= MAX_EXPONENT:
        # 1e100000000 would take minutes to turn into an exact fraction
        raise InvalidInput(f"{field} is out of range (got {value!r})", field)
    return Fraction(dec)


def traffic_erlangs(
    arrivals: Fraction, interval_seconds: Fraction, aht_seconds: Fraction
) -> Fraction:
    """Offered load A = arrivals × AHT ÷ interval (Erlangs), exact."""
    return arrivals * aht_seconds / interval_seconds


def gross_up(raw_agents: int, shrinkage: Fraction) -> int:
    """Agents to roster so that ``raw_agents`` are on the queue: ⌈raw ÷ (1 − shrinkage)⌉, exact."""
    if raw_agents <= 0:
        return 0
    return math.ceil(Fraction(raw_agents) / (1 - shrinkage))


@dataclass(frozen=True)
class StaffingRequest:
    """One interval's queue and targets, validated and exact (build it with ``staffing_request``)."""

    arrivals: Fraction
    interval_seconds: Fraction
    aht_seconds: Fraction
    answer_seconds: Fraction
    service_level: Fraction | None = None
    shrinkage: Fraction = Fraction(0)
    max_occupancy: Fraction | None = None
    max_asa_seconds: Fraction | None = None
    patience_seconds: Fraction | None = None
    max_abandon: Fraction | None = None

    @cached_property
    def traffic(self) -> Fraction:
        return traffic_erlangs(self.arrivals, self.interval_seconds, self.aht_seconds)

    @cached_property
    def float_targets(self) -> tuple[float | None, float | None, float | None, float | None]:
        """(service level, max ASA, max abandon, max occupancy) as floats, for the search loop."""
        return tuple(  # type: ignore[return-value]  # four optional fractions in, four out
            None if t is None else float(t)
            for t in (
                self.service_level,
                self.max_asa_seconds,
                self.max_abandon,
                self.max_occupancy,
            )
        )


def _check(
    value: Fraction,
    field: str,
    *,
    low: Fraction,
    high: Fraction | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Fraction:
    too_low = value <= low if low_open else value < low
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        lo = f"greater than {low}" if low_open else f"at least {low}"
        if high is None:
            rule = lo
        else:
            hi = f"less than {high}" if high_open else f"at most {high}"
            rule = f"{lo} and {hi}"
        raise InvalidInput(f"{field} must be {rule} (got {float(value):g})", field)
    return value


def staffing_request(
    *,
    arrivals: Exact,
    interval_seconds: Exact,
    aht_seconds: Exact,
    answer_seconds: Exact,
    service_level: Exact | None = None,
    shrinkage: Exact | None = None,
    max_occupancy: Exact | None = None,
    max_asa_seconds: Exact | None = None,
    patience_seconds: Exact | None = None,
    max_abandon: Exact | None = None,
) -> StaffingRequest:
    """Validate every input and return the exact request; raises InvalidInput naming the field.

    Ranges: arrivals ≥ 0 (fractional allowed); interval, AHT, patience > 0; answer time ≥ 0;
    service level in [0, 1] (0: no waiting-time target, only a stable queue and the occupancy
    cap; 1 is accepted here and refused as unreachable when there is traffic); shrinkage in
    [0, 1); max occupancy, max abandon in (0, 1]; max ASA > 0. Every number lies within
    10^±15; the offered load A = arrivals × AHT ÷ interval is at most ``MAX_TRAFFIC_ERLANGS``,
    A × patience ÷ AHT at most ``MAX_ERLANG_A_SCALE`` and an evaluated staffing at most
    ``MAX_AGENTS`` agents (``TooLarge`` beyond, raised before any computation).
    """
    zero, one = Fraction(0), Fraction(1)
    req = {
        "arrivals": _check(exact(arrivals, "arrivals"), "arrivals", low=zero),
        "interval_seconds": _check(
            exact(interval_seconds, "interval_seconds"), "interval_seconds", low=zero, low_open=True
        ),
        "aht_seconds": _check(exact(aht_seconds, "aht"), "aht", low=zero, low_open=True),
        "answer_seconds": _check(exact(answer_seconds, "target_answer"), "target_answer", low=zero),
    }
    if service_level is not None:
        req["service_level"] = _check(
            exact(service_level, "service_level"),
            "service_level",
            low=zero,
            high=one,
        )
    if shrinkage is not None:
        req["shrinkage"] = _check(
            exact(shrinkage, "shrinkage"), "shrinkage", low=zero, high=one, high_open=True
        )
    if max_occupancy is not None:
        req["max_occupancy"] = _check(
            exact(max_occupancy, "max_occupancy"),
            "max_occupancy",
            low=zero,
            high=one,
            low_open=True,
        )
    if max_asa_seconds is not None:
        req["max_asa_seconds"] = _check(
            exact(max_asa_seconds, "max_asa"), "max_asa", low=zero, low_open=True
        )
    if patience_seconds is not None:
        req["patience_seconds"] = _check(
            exact(patience_seconds, "patience"), "patience", low=zero, low_open=True
        )
    if max_abandon is not None:
        req["max_abandon"] = _check(
            exact(max_abandon, "max_abandon"), "max_abandon", low=zero, high=one, low_open=True
        )
    traffic = traffic_erlangs(req["arrivals"], req["interval_seconds"], req["aht_seconds"])
    if traffic > MAX_TRAFFIC_ERLANGS:
        raise TooLarge(
            f"the offered load is {float(traffic):g} Erlangs; the calculator handles at most "
            f"{MAX_TRAFFIC_ERLANGS} (split the queue or check the units)",
            "arrivals",
            MAX_TRAFFIC_ERLANGS,
            float(traffic),
        )
    patience = req.get("patience_seconds")
    if patience is not None and traffic * patience / req["aht_seconds"] > MAX_ERLANG_A_SCALE:
        raise TooLarge(
            f"load × patience ÷ AHT must be at most {MAX_ERLANG_A_SCALE} for Erlang A "
            f"(got {float(traffic * patience / req['aht_seconds']):g}); use Erlang C",
            "patience",
            MAX_ERLANG_A_SCALE,
            float(traffic * patience / req["aht_seconds"]),
        )
    return StaffingRequest(**req)


def _check_agents(agents: int) -> None:
    if agents < 0:
        raise InvalidInput("agents must be at least 0", "agents")
    if agents > MAX_AGENTS:
        raise TooLarge(f"agents must be at most {MAX_AGENTS}", "agents", MAX_AGENTS, agents)


@dataclass(frozen=True)
class StaffingResult:
    """``raw_agents`` on the queue, ``agents`` after shrinkage; metrics are those at raw_agents."""

    model: str
    raw_agents: int
    agents: int
    traffic_erlangs: float
    metrics: QueueMetrics
    meets_target: bool | None

    def as_dict(self) -> dict:
        m = self.metrics
        data = {
            "model": self.model,
            "raw_agents": self.raw_agents,
            "agents": self.agents,
            "traffic_erlangs": self.traffic_erlangs,
            "service_level": m.service_level,
            "asa_seconds": m.asa_seconds,
            "occupancy": m.occupancy,
            "probability_wait": m.probability_wait,
            "meets_target": self.meets_target,
        }
        if self.model == "erlang-a":
            data["abandon_rate"] = m.abandon_rate
        return data


def _meets(req: StaffingRequest, m: QueueMetrics) -> bool:
    """Whether the metrics meet every target in the request (occupancy compared exactly)."""
    level, max_asa, max_abandon, max_occupancy = req.float_targets
    if level is not None and m.service_level < level:
        return False
    if max_asa is not None and (m.asa_seconds is None or m.asa_seconds > max_asa):
        return False
    if max_abandon is not None and (m.abandon_rate or 0.0) > max_abandon:
        return False
    if req.max_occupancy is not None:
        if req.patience_seconds is None:
            # Erlang C: occupancy is A / N, compared in exact arithmetic
            return req.traffic <= req.max_occupancy * m.agents
        if m.occupancy is None or m.occupancy > max_occupancy:
            return False
    return True


def _search_limit(traffic: Fraction) -> int:
    """An agent count no realistic target needs (≈ A + 50·√A + 1,000)."""
    a = float(traffic)
    return math.ceil(a + 50 * math.sqrt(a) + 1000)


def _unreachable_message(req: StaffingRequest) -> Unreachable:
    if req.service_level is not None and req.service_level >= 1:
        return Unreachable(
            "a 100% service level cannot be met while calls arrive: every queue has some chance "
            "of a wait (use a target below 1)",
            "service_level",
        )
    return Unreachable(
        "the targets cannot be met with any number of agents; relax the service level, "
        "ASA or abandonment target",
        None,
    )


def _result(model: str, req: StaffingRequest, metrics: QueueMetrics, meets: bool | None):
    return StaffingResult(
        model=model,
        raw_agents=metrics.agents,
        agents=gross_up(metrics.agents, req.shrinkage),
        traffic_erlangs=float(req.traffic),
        metrics=metrics,
        meets_target=meets,
    )


def _has_targets(req: StaffingRequest) -> bool:
    return any(
        t is not None
        for t in (req.service_level, req.max_asa_seconds, req.max_occupancy, req.max_abandon)
    )


def evaluate_erlang_c(req: StaffingRequest, agents: int) -> StaffingResult:
    """Erlang C metrics of a given staffing (``agents`` on the queue)."""
    _check_agents(agents)
    m = erlang.erlang_c_metrics(
        req.traffic, agents, float(req.aht_seconds), float(req.answer_seconds)
    )
    return _result("erlang-c", req, m, _meets(req, m) if _has_targets(req) else None)


def solve_erlang_c(req: StaffingRequest) -> StaffingResult:
    """The fewest agents meeting the request's targets under Erlang C (zero traffic → 0).

    Linear search upward from the first stable count (⌊A⌋ + 1, or A ÷ max occupancy when that is
    higher), carrying Erlang B along by its recurrence: O(A + steps) with no warm-up beyond A.
    """
    traffic = req.traffic
    if traffic == 0:
        return evaluate_erlang_c(req, 0)
    if req.service_level is not None and req.service_level >= 1:
        raise _unreachable_message(req)
    start = math.floor(traffic) + 1
    if req.max_occupancy is not None:
        start = max(start, math.ceil(traffic / req.max_occupancy))
    aht, answer = float(req.aht_seconds), float(req.answer_seconds)
    b = erlang.erlang_b(traffic, start)
    a = float(traffic)
    limit = max(_search_limit(traffic), start + 1)
    n = start
    while n <= limit:
        m = erlang.erlang_c_metrics(traffic, n, aht, answer, b=b)
        if _meets(req, m):
            return _result("erlang-c", req, m, True)
        n += 1
        ab = a * b
        b = ab / (n + ab)
    raise _unreachable_message(req)


def _erlang_a_at(req: StaffingRequest, table: list[float], n: int) -> QueueMetrics:
    a = float(req.traffic)
    while len(table) <= n:
        ab = a * table[-1]
        table.append(ab / (len(table) + ab))
    return erlang.erlang_a_metrics(
        req.traffic,
        n,
        float(req.aht_seconds),
        float(req.patience_seconds),  # type: ignore[arg-type]  # checked by the callers
        float(req.answer_seconds),
        b=table[n],
    )


def evaluate_erlang_a(req: StaffingRequest, agents: int) -> StaffingResult:
    """Erlang A metrics of a given staffing (``agents`` on the queue)."""
    if req.patience_seconds is None:
        raise InvalidInput("patience is required for Erlang A", "patience")
    _check_agents(agents)
    m = erlang.erlang_a_metrics(
        req.traffic,
        agents,
        float(req.aht_seconds),
        float(req.patience_seconds),
        float(req.answer_seconds),
    )
    return _result("erlang-a", req, m, _meets(req, m) if _has_targets(req) else None)


def _first_true(check: Callable[[int], bool], low: int, limit: int) -> int | None:
    """Smallest n in [low, limit] with check(n), for a monotone check: gallop, then bisect."""
    if check(low):
        return low
    step = 1
    bad = low
    while True:
        probe = min(bad + step, limit)
        if check(probe):
            good = probe
            break
        if probe >= limit:
            return None
        bad = probe
        step *= 2
    while good - bad > 1:
        mid = (bad + good) // 2
        if check(mid):
            good = mid
        else:
            bad = mid
    return good


def solve_erlang_a(req: StaffingRequest) -> StaffingResult:
    """The fewest agents meeting the request's targets under Erlang A (zero traffic → 0).

    Every metric is monotone in the number of agents, so the search gallops up from a lower bound
    and bisects: answered calls cannot exceed agents ÷ A, so N ≥ service level × A.
    """
    if req.patience_seconds is None:
        raise InvalidInput("patience is required for Erlang A", "patience")
    traffic = req.traffic
    if traffic == 0:
        return evaluate_erlang_a(req, 0)
    if req.service_level is not None and req.service_level >= 1:
        raise _unreachable_message(req)
    low = 1
    if req.service_level is not None:
        low = max(low, math.floor(req.service_level * traffic))
    table: list[float] = [1.0]
    cache: dict[int, QueueMetrics] = {}

    def check(n: int) -> bool:
        if n not in cache:
            cache[n] = _erlang_a_at(req, table, n)
        return _meets(req, cache[n])

    n = _first_true(check, low, max(_search_limit(traffic), low + 1))
    if n is None:
        raise _unreachable_message(req)
    return _result("erlang-a", req, cache[n], True)
