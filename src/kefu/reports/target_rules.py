"""Targets (TGT-1…5, SAT-1), the pure part: the metrics a target can be set on, each with its
unit, direction (at least / below) and how its monthly actuals add up over a year; the defaults
of each industry template (a target blank in the sources is listed with no value until set);
met or missed; the projection to the period's end. No Django import beyond lazy labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

AT_LEAST, BELOW = "at_least", "below"
SUM, MEAN, LAST = "sum", "mean", "last"  # a year's actual from its months' actuals
MONTH, YEAR = "month", "year"


@dataclass(frozen=True)
class Metric:
    code: str
    label: object  # a lazy translation
    unit: str  # "%", "yuan", "vehicles", "customers", "yuan_per_vehicle"
    direction: str = AT_LEAST
    adds_up: str = MEAN


METRICS = {
    m.code: m
    for m in (
        Metric("collection_rate", _("Collection rate (收费率)"), "%"),
        Metric("comeback_rate", _("Comeback rate (返修率)"), "%", BELOW),
        Metric("repair_good_rate", _("Repairs in good order (维修完好率)"), "%"),
        Metric("parts_accuracy", _("Parts shipped correctly (配件出货正确率)"), "%"),
        Metric("warranty_claims", _("Warranty claims accepted (保修索赔)"), "%"),
        Metric("revenue", _("Revenue"), "yuan", adds_up=SUM),
        Metric("revenue_insurance", _("Revenue from insurance claims"), "yuan", adds_up=SUM),
        Metric("revenue_workshop", _("Revenue from workshop and warranty"), "yuan", adds_up=SUM),
        Metric("base_customers", _("Base customers (基盘客户)"), "customers", adds_up=LAST),
        Metric("vehicles_per_day", _("Vehicles a day"), "vehicles"),
        Metric("vehicles_per_month", _("Vehicles a month"), "vehicles", adds_up=SUM),
        Metric("repair_ticket_avg", _("Repair revenue per vehicle"), "yuan_per_vehicle"),
        Metric("insurance_ticket_avg", _("Insurance revenue per vehicle"), "yuan_per_vehicle"),
        Metric("renewals", _("Insurance renewals (续保)"), "vehicles", adds_up=SUM),
        Metric("lead_completeness", _("Lead-record completeness"), "%"),
        Metric("conversion", _("Conversion (enquiries → orders)"), "%"),
        Metric("personal_sales", _("Personal monthly sales"), "yuan", adds_up=SUM),
    )
}

# (metric, period kind, default value or None when the sources leave it blank), per industry
TEMPLATES: dict[str, tuple[tuple[str, str, Decimal | None], ...]] = {
    "auto": (
        ("revenue", YEAR, Decimal("6000000")),
        ("revenue_insurance", YEAR, Decimal("2200000")),
        ("revenue_workshop", YEAR, Decimal("3800000")),
        ("base_customers", YEAR, Decimal("1500")),
        ("vehicles_per_day", MONTH, Decimal("20")),
        ("vehicles_per_month", MONTH, Decimal("650")),
        ("repair_ticket_avg", MONTH, Decimal("800")),
        ("insurance_ticket_avg", MONTH, Decimal("1800")),
        ("comeback_rate", MONTH, Decimal("2")),
        ("warranty_claims", MONTH, Decimal("95")),
        ("parts_accuracy", MONTH, Decimal("98")),
        ("renewals", MONTH, None),
    ),
    "property": (
        ("collection_rate", MONTH, Decimal("95")),
        ("repair_good_rate", MONTH, Decimal("98")),
    ),
    "repair": (
        ("comeback_rate", MONTH, Decimal("2")),
        ("parts_accuracy", MONTH, Decimal("98")),
    ),
    "call_center": (
        ("lead_completeness", MONTH, Decimal("85")),
        ("conversion", MONTH, None),
        ("personal_sales", MONTH, None),
    ),
    "ecommerce": (("personal_sales", MONTH, None),),
    "education": (),
}


def template(industry: str) -> tuple[tuple[str, str, Decimal | None], ...]:
    return TEMPLATES.get(industry, ())


def met(actual: Decimal | None, target: Decimal | None, direction: str) -> bool | None:
    """Met or missed; None while either side is unknown (a blank target stays empty)."""
    if actual is None or target is None:
        return None
    return actual >= target if direction == AT_LEAST else actual < target


def met_so_far(
    actual: Decimal | None, target: Decimal | None, m: Metric, running: bool
) -> bool | None:
    """Met or missed for a period that may still run: a running total (revenue, vehicles) is
    met once it reaches the target and is not missed before the period ends."""
    result = met(actual, target, m.direction)
    if running and m.adds_up == SUM and m.direction == AT_LEAST and result is False:
        return None
    return result


def year_actual(months: list[Decimal], adds_up: str) -> Decimal | None:
    """A year's actual from its months' actuals in month order (missing months left out)."""
    if not months:
        return None
    if adds_up == SUM:
        return sum(months, Decimal(0))
    if adds_up == LAST:
        return months[-1]
    return (sum(months, Decimal(0)) / len(months)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def projection(
    actual: Decimal | None, adds_up: str, start: dt.date, end: dt.date, today: dt.date
) -> Decimal | None:
    """The actual projected to the period's end [start, end): a running sum grows pro rata with
    the days gone (the month of ``today`` counted as gone); a rate or a level stays where it is.
    A finished period's projection is its actual."""
    if actual is None or today >= end or adds_up != SUM:
        return actual
    gone = max((min(today, end) - start).days + 1, 1)
    whole = (end - start).days
    return (actual * whole / gone).quantize(Decimal("1"), ROUND_HALF_UP)
