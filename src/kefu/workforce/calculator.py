"""The staffing calculator shared by page and API: Erlang C and A side by side with the
sources' formulas (STF-1, STF-2 as written, decision §9.4). Pure: no Django import."""

from __future__ import annotations

from kefu.workforce import source_formulas, staffing


def erlang(model: str, *, agents: int | None = None, **inputs) -> dict:
    """``kefu staffing erlang-c|erlang-a`` as a dict (the CLI's JSON keys); raises
    staffing.InvalidInput / staffing.Unreachable."""
    req = staffing.staffing_request(**inputs)
    if model == "erlang-a":
        result = (
            staffing.solve_erlang_a(req)
            if agents is None
            else staffing.evaluate_erlang_a(req, agents)
        )
    else:
        result = (
            staffing.solve_erlang_c(req)
            if agents is None
            else staffing.evaluate_erlang_c(req, agents)
        )
    return result.as_dict()


def sources(
    *,
    daily_enquiries=None,
    enquiries_per_agent_day=None,
    monthly_refunds=None,
    refunds_per_agent_day=None,
    working_days=None,
    processing_cycle_days=None,
) -> list[dict]:
    """Each source formula whose inputs are all given."""
    out = []
    if daily_enquiries is not None and enquiries_per_agent_day:
        out.append(
            source_formulas.reception_agents(
                daily_enquiries=daily_enquiries, enquiries_per_agent_day=enquiries_per_agent_day
            ).as_dict()
        )
    if monthly_refunds is not None and refunds_per_agent_day:
        if working_days:
            out.append(
                source_formulas.refund_specialists(
                    monthly_refunds=monthly_refunds,
                    refunds_per_agent_day=refunds_per_agent_day,
                    working_days=working_days,
                ).as_dict()
            )
        if processing_cycle_days:
            out.append(
                source_formulas.refund_specialists_as_written(
                    monthly_refunds=monthly_refunds,
                    refunds_per_agent_day=refunds_per_agent_day,
                    processing_cycle_days=processing_cycle_days,
                ).as_dict()
            )
    return out
