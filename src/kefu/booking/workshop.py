"""The 4S workshop's booking rules (pure: no Django import).

* Slots by capacity (BK-10, SR-5): the day is cut into slots (60 minutes) between opening and
  closing. A slot takes a new vehicle while (1) an advisor can receive it: each advisor receives
  ``ADVISOR_INTAKES_PER_SLOT`` vehicles a slot, and (2) a bay with a mechanic is free for the whole
  estimated job: vehicles in the workshop at once ≤ min(bays, mechanics). The bay is the lowest
  numbered one free for the job's whole duration.
* Steering to quiet hours (SR-5): the suggestions are the open slots with the lowest load first
  (load = the busiest share of bays over the slot); a slot at most half loaded is "quiet", one
  at 80 % or more is a "peak".
* Quoted completion (CMP-10): the customer is quoted the estimate × 1.5 (a 1-hour job is quoted
  1.5 h), rounded up to the quarter hour, counted in workshop hours: what does not fit before
  closing carries over to the next day's opening.
* Comeback rate (RPR-3) = comebacks ÷ vehicles delivered; the target is below 2 %.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUOTE_FACTOR = Decimal("1.5")
QUOTE_STEP_MINUTES = 15
ADVISOR_INTAKES_PER_SLOT = 2  # a reception (接车: walk-round, job card) takes about 30 minutes
QUIET_LOAD = 0.5
PEAK_LOAD = 0.8
COMEBACK_TARGET = Decimal("0.02")
MAX_ESTIMATE_HOURS = Decimal("40")


class WorkshopError(ValueError):
    """Input the workshop rules cannot answer."""


@dataclass(frozen=True)
class Capacity:
    bays: int
    mechanics: int
    advisors: int
    opens: dt.time
    closes: dt.time
    slot_minutes: int = 60

    def __post_init__(self) -> None:
        if min(self.bays, self.mechanics, self.advisors) < 1:
            raise WorkshopError("a workshop has at least one bay, mechanic and advisor")
        if self.slot_minutes < 15 or self.opens >= self.closes:
            raise WorkshopError("the workshop opens before it closes, slots of 15 minutes or more")

    @property
    def in_workshop(self) -> int:
        """Vehicles worked on at the same time: a bay and a mechanic each."""
        return min(self.bays, self.mechanics)

    @property
    def intakes_per_slot(self) -> int:
        return self.advisors * ADVISOR_INTAKES_PER_SLOT


@dataclass(frozen=True)
class Job:
    """A booked vehicle: in its bay from ``start`` to ``end`` (the estimate, not the quote)."""

    start: dt.datetime
    end: dt.datetime
    bay: int


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    arrivals: int
    in_workshop: int
    free: int
    load: float

    @property
    def quiet(self) -> bool:
        return self.load <= QUIET_LOAD

    @property
    def peak(self) -> bool:
        return self.load >= PEAK_LOAD


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WorkshopError("a time needs its time zone")
    return moment


def estimate(hours) -> Decimal:
    """A job's estimate in hours: more than 0, at most 40, to the quarter hour at most."""
    try:
        value = Decimal(str(hours))
    except ArithmeticError:
        raise WorkshopError(f"not a number of hours: {hours!r}") from None
    if not value.is_finite() or value <= 0 or value > MAX_ESTIMATE_HOURS:
        raise WorkshopError("an estimate is more than 0 and at most 40 hours")
    return value


def job_end(start: dt.datetime, hours) -> dt.datetime:
    return _aware(start) + dt.timedelta(hours=float(estimate(hours)))


def quoted_minutes(hours, factor: Decimal = QUOTE_FACTOR) -> int:
    """The promised duration (CMP-10): estimate × 1.5 in minutes, up to the quarter hour."""
    minutes = estimate(hours) * factor * 60
    return math.ceil(minutes / QUOTE_STEP_MINUTES) * QUOTE_STEP_MINUTES


def quoted_ready(
    start: dt.datetime, hours, opens: dt.time, closes: dt.time, factor: Decimal = QUOTE_FACTOR
) -> dt.datetime:
    """When the customer is told the vehicle will be ready: the quoted duration counted in
    workshop hours from ``start`` (the rest carries over to the next day's opening)."""
    local = _aware(start)
    left = dt.timedelta(minutes=quoted_minutes(hours, factor))
    day = local.date()
    cursor = max(local, dt.datetime.combine(day, opens, tzinfo=local.tzinfo))
    while True:
        closing = dt.datetime.combine(day, closes, tzinfo=local.tzinfo)
        room = closing - cursor
        if room >= left:
            return cursor + left
        if room > dt.timedelta(0):
            left -= room
        day += dt.timedelta(days=1)
        cursor = dt.datetime.combine(day, opens, tzinfo=local.tzinfo)


def slot_starts(day: dt.date, capacity: Capacity, tz: dt.tzinfo) -> list[dt.datetime]:
    step = dt.timedelta(minutes=capacity.slot_minutes)
    moment = dt.datetime.combine(day, capacity.opens, tzinfo=tz)
    closing = dt.datetime.combine(day, capacity.closes, tzinfo=tz)
    starts = []
    while moment + step <= closing:
        starts.append(moment)
        moment += step
    return starts


def _overlaps(job: Job, start: dt.datetime, end: dt.datetime) -> bool:
    return job.start < end and start < job.end


def _busiest(jobs: Sequence[Job], start: dt.datetime, end: dt.datetime) -> int:
    """The most vehicles in the workshop at one moment of [start, end)."""
    inside = [j for j in jobs if _overlaps(j, start, end)]
    moments = {start} | {j.start for j in inside if start <= j.start < end}
    return max((sum(1 for j in inside if j.start <= m < j.end) for m in moments), default=0)


def board(day: dt.date, capacity: Capacity, jobs: Iterable[Job], tz: dt.tzinfo) -> list[Slot]:
    """The day's slots with their arrivals, load and how many more vehicles each may take (a
    vehicle of one slot's length; a longer job is checked by ``fit``)."""
    jobs = list(jobs)
    step = dt.timedelta(minutes=capacity.slot_minutes)
    slots = []
    for start in slot_starts(day, capacity, tz):
        end = start + step
        arrivals = sum(1 for j in jobs if start <= j.start < end)
        busy = _busiest(jobs, start, end)
        free = max(0, min(capacity.in_workshop - busy, capacity.intakes_per_slot - arrivals))
        load = round(busy / capacity.in_workshop, 4)
        slots.append(Slot(start, arrivals, busy, free, load))
    return slots


def fit(capacity: Capacity, jobs: Iterable[Job], start: dt.datetime, hours) -> int | None:
    """The bay for a new job at ``start`` (a slot start), or None when the slot cannot take it:
    no advisor free to receive it, or no bay with a mechanic for its whole estimate."""
    start = _aware(start)
    tz = start.tzinfo
    if start not in slot_starts(start.date(), capacity, tz):
        raise WorkshopError("a booking starts at a slot of the workshop's opening hours")
    end = job_end(start, hours)
    jobs = list(jobs)
    step = dt.timedelta(minutes=capacity.slot_minutes)
    if sum(1 for j in jobs if start <= j.start < start + step) >= capacity.intakes_per_slot:
        return None
    if _busiest(jobs, start, end) >= capacity.in_workshop:
        return None
    taken = {j.bay for j in jobs if _overlaps(j, start, end)}
    return next((bay for bay in range(1, capacity.bays + 1) if bay not in taken), None)


def suggestions(slots: Sequence[Slot], *, after: dt.datetime | None = None, n: int = 3):
    """The open slots to offer first: the quietest, then the earliest (SR-5)."""
    open_slots = [s for s in slots if s.free > 0 and (after is None or s.start > after)]
    return sorted(open_slots, key=lambda s: (s.load, s.start))[:n]


def comeback_rate(comebacks: int, delivered: int) -> Decimal | None:
    """RPR-3: comebacks ÷ vehicles delivered (None without a delivery)."""
    if delivered <= 0:
        return None
    return (Decimal(comebacks) / Decimal(delivered)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def comeback_ok(rate: Decimal | None) -> bool:
    return rate is None or rate < COMEBACK_TARGET


# the stage of the customer's updates (SR-4) for each status an appointment can reach
STAGES = {
    "booked": "before",
    "arrived": "before",
    "in_repair": "during",
    "ready": "after",
    "delivered": "after",
}
NEXT_STATUS = {
    "booked": ("arrived", "cancelled", "no_show"),
    "arrived": ("in_repair",),
    "in_repair": ("ready",),
    "ready": ("delivered",),
    "delivered": (),
    "cancelled": (),
    "no_show": (),
}


def may_move(status: str, to: str) -> bool:
    return to in NEXT_STATUS.get(status, ())
