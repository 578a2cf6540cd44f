"""The course development flow (TRN-3), pure: annual needs survey → the top 2 needs → external
course bought → project team (expert group + course-development group) → internalisation
workshop → development → trial lecture and revision → acceptance by the expert panel (an
approval, ACL-4; a returned course goes back to development) → HR files it in the library →
roll-out in early classes. Who may make each step is here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

SURVEY = "survey"
NEEDS_CHOSEN = "needs_chosen"
BOUGHT = "bought"
TEAM_FORMED = "team_formed"
WORKSHOP_HELD = "workshop_held"
DEVELOPED = "developed"
TRIALLED = "trialled"
ACCEPTED = "accepted"
FILED = "filed"
ROLLED_OUT = "rolled_out"
STATES = (
    SURVEY,
    NEEDS_CHOSEN,
    BOUGHT,
    TEAM_FORMED,
    WORKSHOP_HELD,
    DEVELOPED,
    TRIALLED,
    ACCEPTED,
    FILED,
    ROLLED_OUT,
)

PICK, BUY, FORM_TEAM, WORKSHOP, DEVELOP, TRIAL, ACCEPT, RETURN, FILE, ROLL_OUT = (
    "pick",
    "buy",
    "form_team",
    "workshop",
    "develop",
    "trial",
    "accept",
    "return",
    "file",
    "roll_out",
)
# who may act: "supervisor" / "manager" / "lead" (that rank or above), "developer" (a member of
# the course-development group), "team" (a developer or a supervisor), "expert" (a member of the
# expert panel who is not also a developer of the course)
ACTIONS: dict[str, tuple[str, str, str]] = {
    PICK: (SURVEY, NEEDS_CHOSEN, "supervisor"),
    BUY: (NEEDS_CHOSEN, BOUGHT, "supervisor"),
    FORM_TEAM: (BOUGHT, TEAM_FORMED, "supervisor"),
    WORKSHOP: (TEAM_FORMED, WORKSHOP_HELD, "team"),
    DEVELOP: (WORKSHOP_HELD, DEVELOPED, "developer"),
    TRIAL: (DEVELOPED, TRIALLED, "developer"),
    ACCEPT: (TRIALLED, ACCEPTED, "expert"),
    RETURN: (TRIALLED, DEVELOPED, "expert"),
    FILE: (ACCEPTED, FILED, "manager"),
    ROLL_OUT: (FILED, ROLLED_OUT, "lead"),
}
RANKS = {"lead": 2, "supervisor": 3, "manager": 4}  # core.scope.RANK
TOP_NEEDS = 2


class StepRefused(Exception):
    """The step is not possible now or not by this person; ``reason`` is a code:
    ``unknown_action``, ``wrong_state``, ``not_allowed``, ``not_expert`` (only the expert panel
    accepts or returns a course, and a developer never accepts their own course)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Actor:
    rank: int
    is_developer: bool = False
    is_expert: bool = False


def check(action: str, *, state: str, actor: Actor) -> str:
    """The state after ``action`` by ``actor``, or ``StepRefused``."""
    if action not in ACTIONS:
        raise StepRefused("unknown_action")
    before, after, who = ACTIONS[action]
    if state != before:
        raise StepRefused("wrong_state")
    if who == "expert":
        if not actor.is_expert or actor.is_developer:
            raise StepRefused("not_expert")
    elif who == "developer":
        if not actor.is_developer:
            raise StepRefused("not_allowed")
    elif who == "team":
        if not actor.is_developer and actor.rank < RANKS["supervisor"]:
            raise StepRefused("not_allowed")
    elif actor.rank < RANKS[who]:
        raise StepRefused("not_allowed")
    return after


def top_needs(needs: list[str], n: int = TOP_NEEDS) -> list[tuple[str, int]]:
    """The ``n`` most named needs of the survey with their votes; a tie goes to the need named
    first. Needs are compared after trimming spaces."""
    named = [need.strip() for need in needs if need and need.strip()]
    counts = Counter(named)
    first = {}
    for i, need in enumerate(named):
        first.setdefault(need, i)
    return sorted(counts.items(), key=lambda kv: (-kv[1], first[kv[0]]))[:n]
