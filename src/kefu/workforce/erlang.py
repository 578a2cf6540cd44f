"""Erlang B, Erlang C and Erlang A queue formulas (spec §1.11, issue 6 §1). Pure: no Django import.

Units: ``traffic`` is the offered load in Erlangs (arrivals × AHT ÷ interval); times are seconds;
rates are per second. Every function is numerically stable from 0 to well beyond 5,000 Erlangs:
Erlang B uses the recurrence B(n) = A·B(n−1) / (n + A·B(n−1)) (no factorials, no overflow), and
Erlang A works in log space with windowed series around the peak of the queue distribution.

Infinite values (the ASA of an unstable queue) are returned as ``None``, never ``inf`` or ``nan``.

Erlang A is the M/M/N+M queue (Palm 1943; Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn
2007). With x = Nμ/θ and y = λ/θ, state N+j (j customers queued) has weight π_N·t_j where
t_j = y^j / ((x+1)(x+2)…(x+j)). An arrival's offered wait V (the wait of an infinitely patient
caller) has density f(v) = π_N·Nμ·exp(y(1 − e^{−θv}) − Nμv) for v > 0; the caller is answered when
V is below his Exp(θ) patience, so P(answered within T after a wait) is
π_N·x·e^y·y^{−(x+1)}·[γ(x+1, y) − γ(x+1, y·e^{−θT})] with γ the lower incomplete gamma function.
A caller who finds j ahead is answered with probability x/(x+j+1) and, when answered, waited on
average (1/θ)·Σ_{i=1}^{j+1} 1/(x+i) (the exponential tilt of a sum of Exp(Nμ+iθ) stages).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

Number = float | int | Fraction

# Relative size below which a term of a positive series no longer changes a double.
_TINY_TERM = 1e-20
_FPMIN = 1e-300
_MAX_ITERATIONS = 10_000_000


# --- Erlang B and C ---------------------------------------------------------------------------


def erlang_b(traffic: Number, agents: int) -> float:
    """Blocking probability of an M/M/N/N loss system (Erlang B) by the stable recurrence."""
    a = float(traffic)
    b = 1.0
    for n in range(1, agents + 1):
        ab = a * b
        b = ab / (n + ab)
    return b


def erlang_b_table(traffic: Number, agents: int) -> list[float]:
    """Erlang B for 0…agents agents (one pass of the recurrence)."""
    a = float(traffic)
    table = [1.0]
    b = 1.0
    for n in range(1, agents + 1):
        ab = a * b
        b = ab / (n + ab)
        table.append(b)
    return table


def _gap(traffic: Number, agents: int) -> float:
    """N − A, exact before rounding when the traffic is a Fraction (traffic just below N)."""
    return float(agents - traffic)


def erlang_c_from_b(traffic: Number, agents: int, b: float) -> float:
    """Probability of waiting (Erlang C) from Erlang B: C = N·B / (N − A + A·B); 1 when N ≤ A."""
    if agents <= 0 or agents <= traffic:
        return 1.0 if traffic > 0 else 0.0
    a = float(traffic)
    return agents * b / (_gap(traffic, agents) + a * b)


def erlang_c(traffic: Number, agents: int) -> float:
    """Probability that a call waits (Erlang C); 1 for an unstable queue (N ≤ A)."""
    if traffic <= 0:
        return 0.0
    return erlang_c_from_b(traffic, agents, erlang_b(traffic, agents))


@dataclass(frozen=True)
class QueueMetrics:
    """Metrics of a queue at a given number of agents (probabilities are fractions of offered calls).

    ``asa_seconds`` is None when infinite (unstable Erlang C queue) or undefined (nobody answered).
    ``abandon_rate`` is None for Erlang C (no abandonment in that model).
    """

    agents: int
    traffic_erlangs: float
    service_level: float
    asa_seconds: float | None
    occupancy: float | None
    probability_wait: float
    abandon_rate: float | None = None


def erlang_c_metrics(
    traffic: Number, agents: int, aht_seconds: float, answer_seconds: float, b: float | None = None
) -> QueueMetrics:
    """Service level, ASA, occupancy and P(wait) of an M/M/N queue (Erlang C).

    SL = 1 − C·exp(−(N − A)·T / AHT); ASA = C·AHT / (N − A); occupancy = A / N capped at 1.
    An unstable queue (N ≤ A) has SL 0, P(wait) 1 and an infinite ASA (None).
    """
    a = float(traffic)
    if traffic <= 0:
        return QueueMetrics(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    if agents <= traffic:
        return QueueMetrics(agents, a, 0.0, None, 1.0, 1.0)
    if b is None:
        b = erlang_b(traffic, agents)
    c = erlang_c_from_b(traffic, agents, b)
    gap = _gap(traffic, agents)
    service_level = 1.0 - c * math.exp(-gap * answer_seconds / aht_seconds)
    asa = c * aht_seconds / gap
    return QueueMetrics(agents, a, max(0.0, service_level), asa, min(1.0, a / agents), c)


# --- special functions --------------------------------------------------------------------------


def _gamma_series(a: float, z: float) -> float:
    """Σ_{n≥0} z^n / (a(a+1)…(a+n)); P(a, z) = e^{a ln z − z − lnΓ(a)} times this."""
    term = 1.0 / a
    total = term
    ap = a
    for _ in range(_MAX_ITERATIONS):
        ap += 1.0
        term *= z / ap
        total += term
        if term < total * 1e-17:
            return total
    raise ArithmeticError("incomplete gamma series did not converge")


def _gamma_continued_fraction(a: float, z: float) -> float:
    """Continued fraction h with Q(a, z) = e^{a ln z − z − lnΓ(a)}·h (modified Lentz, z > a + 1)."""
    b = z + 1.0 - a
    c = 1.0 / _FPMIN
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _FPMIN:
            d = _FPMIN
        c = b + an / c
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            return h
    raise ArithmeticError("incomplete gamma continued fraction did not converge")


def regularized_gamma(a: float, z: float) -> tuple[float, float]:
    """(P(a, z), Q(a, z)), the regularized lower and upper incomplete gamma functions (a > 0)."""
    if z <= 0:
        return 0.0, 1.0
    log_prefix = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1.0:
        p = math.exp(log_prefix + math.log(_gamma_series(a, z)))
        return p, 1.0 - p
    q = math.exp(log_prefix + math.log(_gamma_continued_fraction(a, z)))
    return 1.0 - q, q


def digamma(x: float) -> float:
    """ψ(x) for x > 0 (recurrence up to x ≥ 10, then the asymptotic series)."""
    result = 0.0
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    series = inv2 * (
        1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132))))
    )
    return result + math.log(x) - 0.5 * inv - series


def _harmonic_shift(x: float, m: int) -> float:
    """Σ_{i=1}^{m} 1/(x + i)."""
    if m <= 64:
        return math.fsum(1.0 / (x + i) for i in range(1, m + 1))
    return digamma(x + m + 1.0) - digamma(x + 1.0)


def _logaddexp(p: float, q: float) -> float:
    if p == -math.inf:
        return q
    if q == -math.inf:
        return p
    hi, lo = (p, q) if p >= q else (q, p)
    return hi + math.log1p(math.exp(lo - hi))


def _log(v: float) -> float:
    return math.log(v) if v > 0 else -math.inf


# --- Erlang A -----------------------------------------------------------------------------------


def _queue_sums(x: float, y: float) -> tuple[float, float, float, float]:
    """Windowed sums over the queue length j ≥ 0, scaled by the largest term t*.

    Returns (log t*, Σ s_j, Σ j·s_j, Σ s_j·x/(x+j+1)·H_j) with s_j = t_j / t* and
    H_j = Σ_{i=1}^{j+1} 1/(x+i). Terms below 1e-20 of the peak are dropped on both sides.
    """
    peak = max(0, math.floor(y - x))
    log_peak = peak * math.log(y) - (math.lgamma(x + peak + 1.0) - math.lgamma(x + 1.0))
    # walk down from the peak to find where the terms vanish
    below: list[float] = []
    s = 1.0
    j = peak
    while j > 0:
        s *= (x + j) / y
        j -= 1
        if s < _TINY_TERM:
            break
        below.append(s)
    lowest = peak - len(below)
    terms = below[::-1]
    terms.append(1.0)
    s = 1.0
    j = peak
    for _ in range(_MAX_ITERATIONS):
        s *= y / (x + j + 1.0)
        j += 1
        if s < _TINY_TERM:
            break
        terms.append(s)
    harmonic = _harmonic_shift(x, lowest + 1)
    sum0 = sum1 = sum_w = 0.0
    for offset, s in enumerate(terms):
        j = lowest + offset
        if offset:
            harmonic += 1.0 / (x + j + 1.0)
        sum0 += s
        sum1 += j * s
        sum_w += s * x / (x + j + 1.0) * harmonic
    return log_peak, sum0, sum1, sum_w


def _log_full_lower(x: float, y: float) -> float:
    """log of x·e^y·y^{−(x+1)}·γ(x+1, y)."""
    a = x + 1.0
    if y < a + 1.0:
        return math.log(x) + math.log(_gamma_series(a, y))
    log_k = math.log(x) + y - a * math.log(y) + math.lgamma(a)
    _, q = regularized_gamma(a, y)
    return log_k + math.log1p(-q)


def _log_served_after_wait_scaled(x: float, y: float, u: float) -> float:
    """log of π_N-free term x·e^y·y^{−(x+1)}·[γ(x+1, y) − γ(x+1, y·u)], with 0 < u ≤ 1."""
    a = x + 1.0
    z = y * u
    if u >= 1.0:
        return -math.inf
    if u <= 0.0:
        # e^{−θT} underflowed (T ≫ patience): the whole lower part, γ(x+1, 0) being 0
        return _log_full_lower(x, y)
    log_u = math.log(u)
    if z < a + 1.0:
        # both via the lower series, or the upper part through the full lower value
        log_low = math.log(x) + a * log_u + y * (1.0 - u) + math.log(_gamma_series(a, z))
        if y < a + 1.0:
            log_full = math.log(x) + math.log(_gamma_series(a, y))
        else:
            # x·e^y·y^{−(x+1)}·Γ(x+1) = e^K; the full lower part is e^K·P(a, y)
            log_k = math.log(x) + y - a * math.log(y) + math.lgamma(a)
            _, q = regularized_gamma(a, y)
            log_full = log_k + math.log1p(-q)
        if log_low >= log_full:
            return -math.inf
        return log_full + math.log1p(-math.exp(log_low - log_full))
    # both in the upper region: e^K·[Q(a, yu) − Q(a, y)]
    log_hi = math.log(x) + a * log_u + y * (1.0 - u) + math.log(_gamma_continued_fraction(a, z))
    log_lo = math.log(x) + math.log(_gamma_continued_fraction(a, y))
    if log_lo >= log_hi:
        return -math.inf
    return log_hi + math.log1p(-math.exp(log_lo - log_hi))


def erlang_a_metrics(
    traffic: Number,
    agents: int,
    aht_seconds: float,
    patience_seconds: float,
    answer_seconds: float,
    b: float | None = None,
) -> QueueMetrics:
    """Metrics of the M/M/N+M queue (Erlang A, exponential patience with mean ``patience_seconds``).

    service level = answered within T ÷ offered (an abandoned call is a miss); ASA = mean wait of
    answered calls; abandon rate = abandoned ÷ offered; occupancy = carried load ÷ agents.
    ``b`` may pass Erlang B at ``agents`` when the caller already has it.
    """
    a_erl = float(traffic)
    if traffic <= 0:
        return QueueMetrics(agents, 0.0, 1.0, 0.0, 0.0 if agents else None, 0.0, 0.0)
    if agents <= 0:
        return QueueMetrics(0, a_erl, 0.0, None, None, 1.0, 1.0)
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    lam = a_erl * mu
    x = agents * mu / theta
    y = lam / theta
    if b is None:
        b = erlang_b(a_erl, agents)
    log_peak, sum0, sum1, sum_w = _queue_sums(x, y)
    log_queue = log_peak + math.log(sum0)  # log Σ_j t_j (j ≥ 0, t_0 = 1)
    # Σ_{k<N} π_k / π_N = 1/B − 1
    log_lower = math.log1p(-b) - math.log(b) if b > 0 else math.inf
    log_pi_n = -_logaddexp(log_lower, log_queue)
    probability_wait = min(1.0, math.exp(log_queue + log_pi_n))
    abandon = min(1.0, math.exp(log_peak + _log(sum1) - math.log(y) + log_pi_n))
    answered = 1.0 - abandon
    wait_answered = math.exp(log_peak + _log(sum_w) + log_pi_n) / theta
    asa = wait_answered / answered if answered > 0 else None
    u = math.exp(-theta * answer_seconds)
    served_late_free = _log_served_after_wait_scaled(x, y, u)
    served_within = math.exp(served_late_free + log_pi_n) if served_late_free > -math.inf else 0.0
    service_level = min(1.0, max(0.0, (1.0 - probability_wait) + served_within))
    occupancy = min(1.0, a_erl * answered / agents)
    return QueueMetrics(
        agents, a_erl, service_level, asa, occupancy, probability_wait, max(0.0, abandon)
    )
