"""Slow, high-precision reference computations the fast float code is checked against.

Erlang C: exact rational Erlang B/C (fractions.Fraction), with the one transcendental factor of the
service level, exp(−(N−A)T/AHT), in 50-digit Decimal. For thousands of Erlangs the same recurrence
runs in 60-digit Decimal (exact rationals grow too large).

Erlang A: the birth–death chain of M/M/N+M summed directly in 50-digit Decimal, truncated where
the tail is below 1e-40, and the tagged caller's path through the queue solved by first-step
analysis (answered probability, mean wait of answered callers) and by uniformization (answered
within T). None of this shares code or formulas with kefu.workforce.erlang.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction


def erlang_b_exact(traffic: Fraction, agents: int) -> Fraction:
    b = Fraction(1)
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c_exact(traffic: Fraction, agents: int, aht: Fraction, answer: Fraction) -> dict:
    """Exact P(wait), ASA, occupancy; service level to 50 digits. Requires agents > traffic."""
    b = erlang_b_exact(traffic, agents)
    c = agents * b / (agents - traffic * (1 - b))
    asa = c * aht / (agents - traffic)
    with localcontext() as ctx:
        ctx.prec = 50
        gap = Decimal((agents - traffic).numerator) / Decimal((agents - traffic).denominator)
        t = Decimal(answer.numerator) / Decimal(answer.denominator)
        h = Decimal(aht.numerator) / Decimal(aht.denominator)
        cd = Decimal(c.numerator) / Decimal(c.denominator)
        sl = 1 - cd * (-(gap * t) / h).exp()
    return {
        "probability_wait": c,
        "asa_seconds": asa,
        "occupancy": traffic / agents,
        "service_level": sl,
    }


def erlang_c_decimal(traffic: Decimal, agents: int, aht: Decimal, answer: Decimal) -> dict:
    """The same in 60-digit Decimal (for thousands of Erlangs)."""
    with localcontext() as ctx:
        ctx.prec = 60
        b = Decimal(1)
        for n in range(1, agents + 1):
            b = traffic * b / (n + traffic * b)
        c = agents * b / (agents - traffic * (1 - b))
        gap = agents - traffic
        return {
            "probability_wait": c,
            "asa_seconds": c * aht / gap,
            "service_level": 1 - c * (-(gap * answer) / aht).exp(),
        }


def erlang_a_chain(
    traffic: Decimal, agents: int, aht: Decimal, patience: Decimal, answer: Decimal | None
) -> dict:
    """M/M/N+M by direct summation of the birth–death chain and the tagged caller's chain."""
    with localcontext() as ctx:
        ctx.prec = 50
        mu = 1 / aht
        theta = 1 / patience
        lam = traffic * mu
        weights = [Decimal(1)]
        k = 0
        total = Decimal(1)
        while True:
            k += 1
            death = k * mu if k <= agents else agents * mu + (k - agents) * theta
            weights.append(weights[-1] * lam / death)
            total += weights[-1]
            if k > agents + 10 and weights[-1] < total * Decimal("1e-40"):
                break
        pi = [w / total for w in weights]
        queued = pi[agents:]  # queued[j] = P(state N + j)
        p_wait = sum(queued)
        mean_queue = sum(j * p for j, p in enumerate(queued))
        p_abandon = theta * mean_queue / lam
        # first-step analysis: a caller with m ahead moves up at Nμ + mθ, abandons at θ
        answered_from, wait_answered_from = [], []
        p_prev, g_prev = Decimal(1), Decimal(0)  # "taken into service" from position −1
        for m in range(len(queued)):
            advance = agents * mu + m * theta
            rate = advance + theta
            p_m = advance / rate * p_prev
            g_m = p_m / rate + advance / rate * g_prev
            answered_from.append(p_m)
            wait_answered_from.append(g_m)
            p_prev, g_prev = p_m, g_m
        answered_after_wait = sum(q * p for q, p in zip(queued, answered_from, strict=True))
        wait_answered = sum(q * g for q, g in zip(queued, wait_answered_from, strict=True))
        answered = (1 - p_wait) + answered_after_wait
        result = {
            "probability_wait": p_wait,
            "abandon_rate": p_abandon,
            "answered": answered,
            "asa_seconds": wait_answered / answered,
            "occupancy": traffic * answered / agents,
        }
        if answer is not None:
            result["service_level"] = (1 - p_wait) + _answered_within(
                queued, agents * mu, theta, answer
            )
        return result


def _answered_within(queued: list[Decimal], service: Decimal, theta: Decimal, t: Decimal):
    """Σ_j P(N+j)·P(answered by t | j ahead), by uniformization of the tagged caller's chain."""
    size = len(queued)
    rates = [service + (m + 1) * theta for m in range(size)]  # total out-rate with m ahead
    big = rates[-1]
    vector = list(queued)
    poisson = (-big * t).exp()
    cumulative_served = Decimal(0)
    result = poisson * cumulative_served
    steps = 0
    mean = big * t
    weight_left = 1 - poisson
    while weight_left > Decimal("1e-45") or steps < mean:
        steps += 1
        # one DTMC step
        cumulative_served += vector[0] * service / big
        new = [vector[m] * (1 - rates[m] / big) for m in range(size)]
        for m in range(1, size):
            new[m - 1] += vector[m] * (service + m * theta) / big
        vector = new
        poisson = poisson * mean / steps
        result += poisson * cumulative_served
        weight_left -= poisson
    return result
