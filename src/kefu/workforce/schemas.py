"""Ninja schemas of the workforce API (input and output never shared)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kefu.core.api_contract import code
from kefu.workforce.models import ForecastSource, Phase, QueueModel, RunStatus, TrainingStatus

SourceCode = code(ForecastSource)
RunStatusCode = code(RunStatus)
PhaseCode = code(Phase)
TrainingStatusCode = code(TrainingStatus)
QueueModelCode = code(QueueModel)


class ForecastCreateIn(Schema):
    group: int | None = None
    channel: str = ""
    source: SourceCode = "tickets"
    start_date: dt.date
    days: int = 14
    weeks: int = 8
    interval_minutes: int = 30
    event_days: list[dt.date] = []
    uplift_years: int = 2


class ForecastOut(Schema):
    id: int
    group: int | None
    channel: str
    source: SourceCode
    interval_minutes: int
    start_date: dt.date
    days: int
    weeks_fitted: int
    trend_per_week: float
    wape: float | None
    uplift: dict
    aht_seconds: float
    created_at: dt.datetime


class ForecastDetailOut(ForecastOut):
    volumes: list[float]
    required: list[int]


class ForecastPageOut(Schema):
    items: list[ForecastOut]
    next: str | None


class RequirementOut(Schema):
    start_date: dt.date
    days: int
    interval_minutes: int
    groups: dict[str, list[list[int]]]


class RosterRunCreateIn(Schema):
    name: str = ""
    start_date: dt.date
    days: int = 7
    interval_minutes: int = 30
    requirement: dict[str, list[list[int]]] | None = None
    rules: dict | None = None
    time_limit_seconds: int = 30


class RosterRunOut(Schema):
    id: int
    name: str
    start_date: dt.date
    days: int
    interval_minutes: int
    status: RunStatusCode
    summary: dict
    message: str
    version: int


class RosterRunPageOut(Schema):
    items: list[RosterRunOut]
    next: str | None


class AssignmentOut(Schema):
    user: int
    date: dt.date
    shift: str | None
    shift_label: str | None
    group: str | None
    pinned: bool


class GapOut(Schema):
    date: dt.date
    interval: int
    group: str
    required: int
    scheduled: int
    reason: str
    reason_label: str
    agents: dict[str, int]


class RosterOut(RosterRunOut):
    assignments: list[AssignmentOut]
    gaps: list[GapOut]


class AssignmentPinIn(Schema):
    shift: str | None = None
    group: str | None = None
    version: int | None = None


class ScheduleOut(Schema):
    user: int
    name: str
    items: list[AssignmentOut]


class PeakPlanCreateIn(Schema):
    year: int
    name: str = ""


class ChecklistItemOut(Schema):
    id: int
    phase: PhaseCode
    spec_ref: str
    title: str
    owner: int | None
    due_date: dt.date
    done: bool


class BorrowedOut(Schema):
    id: int
    name: str
    from_department: str
    group: str
    training_status: TrainingStatusCode


class PeakPlanOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    coverage: list[dict]
    group_sizes: dict


class PeakPlanDetailOut(PeakPlanOut):
    checklist: list[ChecklistItemOut]
    borrowed: list[BorrowedOut]


class PeakPlanPageOut(Schema):
    items: list[PeakPlanOut]
    next: str | None


class IntradayRowOut(Schema):
    hour: int
    planned_agents: int
    forecast_volume: float
    tickets: int
    active_agents: int


class ErlangIn(Schema):
    arrivals: float | str
    interval_seconds: float | str
    aht: float | str
    target_answer: float | str
    service_level: float | str | None = None
    shrinkage: float | str | None = None
    max_occupancy: float | str | None = None
    max_asa: float | str | None = None
    agents: int | None = None


class ErlangAIn(ErlangIn):
    patience: float | str
    max_abandon: float | str | None = None


class ErlangCOut(Schema):
    """The answer of ``kefu staffing erlang-c --json`` (the same keys)."""

    model: QueueModelCode
    raw_agents: int = Field(..., description="Agents on the queue.")
    agents: int = Field(..., description="Agents to roster, after shrinkage.")
    traffic_erlangs: float
    service_level: float = Field(..., description="Fraction answered within the target.")
    asa_seconds: float | None = Field(..., description="null when infinite or undefined.")
    occupancy: float | None
    probability_wait: float
    meets_target: bool | None


class ErlangAOut(ErlangCOut):
    """Erlang A adds the abandonment rate (patience)."""

    abandon_rate: float | None


class IntervalsImportedOut(Schema):
    imported: int = Field(..., description="Interval rows stored.")
