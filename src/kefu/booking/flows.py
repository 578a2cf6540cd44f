"""Two small state machines of the lesson desk (pure: no Django import).

* BK-7 substitute teacher: a student who has long been unbookable (two unmet requests in a row)
  is reported by the agent; the campus academic lead (组长 or above) chooses a substitute
  teacher of the same subject; the agent books a trial lesson with them, then follows up.
* BK-8 1-on-1 → group: the agent asks the student, reports to the leader, the leader agrees,
  the agent books a trial in a group class, checks with the group's teacher, calls the student
  back and informs the teacher.

Each step names the least role that may take it and what it needs (a teacher, a time, a note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBSTITUTE, GROUP = "substitute", "group"
AGENT, LEAD = "agent", "lead"
DONE = "done"


@dataclass(frozen=True)
class Step:
    code: str
    role: str  # the least role that may take the step
    needs: tuple[str, ...] = ()  # "teacher", "start_at", "note"


FLOWS: dict[str, tuple[Step, ...]] = {
    SUBSTITUTE: (
        Step("reported", AGENT, ("note",)),
        Step("substitute_chosen", LEAD, ("teacher",)),
        Step("trial_booked", AGENT, ("start_at",)),
        Step("followed_up", AGENT, ("note",)),
    ),
    GROUP: (
        Step("asked", AGENT, ("note",)),
        Step("reported", AGENT, ()),
        Step("leader_agreed", LEAD, ("teacher",)),
        Step("trial_booked", AGENT, ("start_at",)),
        Step("teacher_checked", AGENT, ("note",)),
        Step("called_back", AGENT, ("note",)),
        Step("teacher_informed", AGENT, ()),
    ),
}
UNMET_IN_A_ROW = 2  # "long-term unbookable": this many unmet requests, the latest ones


class FlowError(ValueError):
    """A step out of order or missing what it needs."""


def first_step(kind: str) -> Step:
    if kind not in FLOWS:
        raise FlowError(f"kind must be one of {', '.join(FLOWS)}, not {kind!r}")
    return FLOWS[kind][0]


def next_step(kind: str, current: str) -> Step | None:
    """The step after ``current`` (None once the flow is done)."""
    steps = FLOWS[kind]
    codes = [s.code for s in steps]
    if current == DONE:
        return None
    if current not in codes:
        raise FlowError(f"unknown step {current!r}")
    i = codes.index(current) + 1
    return steps[i] if i < len(steps) else None


def state_after(kind: str, step: str) -> str:
    """The flow's state once ``step`` is taken: the step, or done after the last one."""
    return DONE if FLOWS[kind][-1].code == step else step


_SUBJECT = re.compile(r"[（(]\s*([^（）()]+?)\s*[)）]\s*$")


def subject_of(teacher: str) -> str:
    """The subject named in a teacher's label, 王静（英语） → 英语; '' when none."""
    match = _SUBJECT.search(teacher or "")
    return match.group(1) if match else ""


def check_substitute(current: str, substitute: str) -> None:
    """BK-7: another teacher of the same subject."""
    if not substitute.strip():
        raise FlowError("choose the substitute teacher")
    if substitute.strip() == current.strip():
        raise FlowError("the substitute is the student's own teacher")
    want, got = subject_of(current), subject_of(substitute)
    if want and got != want:
        raise FlowError(f"the substitute must teach {want}, not {got or 'another subject'}")


def long_unbookable(latest_met: list[bool]) -> bool:
    """The newest requests first: the last UNMET_IN_A_ROW were all unmet."""
    recent = latest_met[:UNMET_IN_A_ROW]
    return len(recent) == UNMET_IN_A_ROW and not any(recent)
