"""The sources' own staffing formulas, as written and per decisions §9.4. Pure: no Django import.

Spec §1.11 STF-1 and STF-2 (source 000) size a shop's IM desk from daily volumes, with no queue
model. They are kept beside Erlang C/A so a manager can compare; spec §9.4 says Erlang/workload
staffing supersedes both when interval data exists. Results are exact fractions, and the head
count is rounded up (a fraction of a person is a whole person on the roster).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class SourceFormulaResult:
    """One formula's value: ``exact`` as a fraction, ``agents`` rounded up, ``formula`` as text."""

    name: str
    formula: str
    exact: Fraction
    agents: int

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "formula": self.formula,
            "value": float(self.exact),
            "agents": self.agents,
        }


def _positive(value: Fraction, field: str) -> Fraction:
    if value <= 0:
        raise ValueError(f"{field} must be greater than 0")
    return value


def _non_negative(value: Fraction, field: str) -> Fraction:
    if value < 0:
        raise ValueError(f"{field} must be at least 0")
    return value


def reception_agents(*, daily_enquiries: Fraction, enquiries_per_agent_day: Fraction):
    """STF-1 接待客服数 = 日均旺旺咨询量 ÷ 单个客服日均旺旺接单量 (agents = daily IM enquiries ÷
    IM sessions one agent handles per day)."""
    value = _non_negative(Fraction(daily_enquiries), "daily_enquiries") / _positive(
        Fraction(enquiries_per_agent_day), "enquiries_per_agent_day"
    )
    return SourceFormulaResult(
        name="reception_agents",
        formula="daily enquiries ÷ enquiries per agent per day",
        exact=value,
        agents=math.ceil(value),
    )


def refund_specialists_as_written(
    *, monthly_refunds: Fraction, refunds_per_agent_day: Fraction, processing_cycle_days: Fraction
):
    """STF-2 as written: 退款专员数 = 月均退款量 ÷ 单个客服日均退款处理量 ÷ 退款处理周期.

    Kept verbatim although its units do not agree (spec §8 item 4): it divides by the cycle.
    """
    value = (
        _non_negative(Fraction(monthly_refunds), "monthly_refunds")
        / _positive(Fraction(refunds_per_agent_day), "refunds_per_agent_day")
        / _positive(Fraction(processing_cycle_days), "processing_cycle_days")
    )
    return SourceFormulaResult(
        name="refund_specialists_as_written",
        formula="monthly refunds ÷ refunds per agent per day ÷ processing cycle",
        exact=value,
        agents=math.ceil(value),
    )


def refund_specialists(
    *, monthly_refunds: Fraction, refunds_per_agent_day: Fraction, working_days: Fraction
):
    """Decision §9.4: specialists = monthly refunds ÷ (working days in the month × refunds one
    specialist closes per day)."""
    value = _non_negative(Fraction(monthly_refunds), "monthly_refunds") / (
        _positive(Fraction(working_days), "working_days")
        * _positive(Fraction(refunds_per_agent_day), "refunds_per_agent_day")
    )
    return SourceFormulaResult(
        name="refund_specialists",
        formula="monthly refunds ÷ (working days × refunds per agent per day)",
        exact=value,
        agents=math.ceil(value),
    )
