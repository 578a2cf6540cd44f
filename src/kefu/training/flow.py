"""The training flow (系统选课平台, TRN-4), pure: 培训需求提出 → 培训需求审核 → 培训讲师分配 →
培训实施情况归档. Each step is a state with an owner and a due date; who may move it is here."""

from __future__ import annotations

import datetime as dt

REQUESTED, APPROVED, REJECTED, ASSIGNED, ARCHIVED = (
    "requested",
    "approved",
    "rejected",
    "assigned",
    "archived",
)
APPROVE, REJECT, ASSIGN, ARCHIVE = "approve", "reject", "assign", "archive"

# action → (from state, to state)
ACTIONS: dict[str, tuple[str, str]] = {
    APPROVE: (REQUESTED, APPROVED),
    REJECT: (REQUESTED, REJECTED),
    ASSIGN: (APPROVED, ASSIGNED),
    ARCHIVE: (ASSIGNED, ARCHIVED),
}
# days each state's owner has to act (per-business-line defaults)
DUE_DAYS = {REQUESTED: 3, APPROVED: 5, ASSIGNED: 30}
LEAD_RANK = 2  # core.scope.RANK["lead"]


class FlowRefused(Exception):
    """The action is not possible now or not by this person; ``reason`` is a code."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def check(
    action: str,
    *,
    state: str,
    actor_id: int,
    actor_rank: int,
    requester_id: int,
    trainer_id: int | None = None,
) -> str:
    """The state after ``action``; raises ``FlowRefused`` with ``wrong_state``, ``own_request``
    (nobody reviews their own request), ``not_allowed`` (the role may not)."""
    if action not in ACTIONS:
        raise FlowRefused("unknown_action")
    before, after = ACTIONS[action]
    if state != before:
        raise FlowRefused("wrong_state")
    if action in (APPROVE, REJECT):
        if actor_rank < LEAD_RANK:
            raise FlowRefused("not_allowed")
        if actor_id == requester_id:
            raise FlowRefused("own_request")
    elif action == ASSIGN:
        if actor_rank < LEAD_RANK:
            raise FlowRefused("not_allowed")
    elif action == ARCHIVE and actor_id != trainer_id and actor_rank < LEAD_RANK:
        raise FlowRefused("not_allowed")
    return after


def due_on(state: str, today: dt.date, wished_on: dt.date | None = None) -> dt.date | None:
    """When the owner of ``state`` should have acted: review and assignment in a few days,
    delivery by the wished day (or 30 days); none for a closed request."""
    if state == ASSIGNED and wished_on is not None:
        return max(wished_on, today)
    days = DUE_DAYS.get(state)
    return today + dt.timedelta(days=days) if days is not None else None
