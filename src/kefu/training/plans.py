"""Training plans (TRN-8, ACL-4), pure: an annual or monthly plan is drafted by a lead or
supervisor, submitted, and approved by the management-office director (a manager or above),
never by its author; a returned plan goes back to draft."""

from __future__ import annotations

DRAFT, SUBMITTED, APPROVED = "draft", "submitted", "approved"
SUBMIT, APPROVE, RETURN = "submit", "approve", "return"
ACTIONS: dict[str, tuple[str, str]] = {
    SUBMIT: (DRAFT, SUBMITTED),
    APPROVE: (SUBMITTED, APPROVED),
    RETURN: (SUBMITTED, DRAFT),
}
LEAD_RANK, MANAGER_RANK = 2, 4  # core.scope.RANK


class PlanRefused(Exception):
    """``wrong_state``, ``not_allowed``, ``own_plan`` (nobody approves their own plan) or
    ``unknown_action``."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def check(action: str, *, state: str, actor_id: int, actor_rank: int, author_id: int) -> str:
    """The plan's state after ``action``, or ``PlanRefused``."""
    if action not in ACTIONS:
        raise PlanRefused("unknown_action")
    before, after = ACTIONS[action]
    if state != before:
        raise PlanRefused("wrong_state")
    if action == SUBMIT:
        if actor_id != author_id and actor_rank < MANAGER_RANK:
            raise PlanRefused("not_allowed")
    else:
        if actor_rank < MANAGER_RANK:
            raise PlanRefused("not_allowed")
        if actor_id == author_id:
            raise PlanRefused("own_plan")
    return after
