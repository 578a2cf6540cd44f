"""The ticket status machine, in one place (pure, no Django import).

新建 new → 处理中 in_progress → 待客户 pending → 已解决 resolved → 已关闭 closed; 重新打开 (reopen)
takes a resolved or closed ticket back to in_progress.
"""

from __future__ import annotations

NEW, IN_PROGRESS, PENDING, RESOLVED, CLOSED = "new", "in_progress", "pending", "resolved", "closed"

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({IN_PROGRESS, PENDING, RESOLVED}),
    IN_PROGRESS: frozenset({PENDING, RESOLVED}),
    PENDING: frozenset({IN_PROGRESS, RESOLVED}),
    RESOLVED: frozenset({CLOSED, IN_PROGRESS}),
    CLOSED: frozenset({IN_PROGRESS}),
}
REOPEN_FROM = frozenset({RESOLVED, CLOSED})


def allowed_targets(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def can_transition(current: str, target: str) -> bool:
    return target in allowed_targets(current)


def is_reopen(current: str, target: str) -> bool:
    return current in REOPEN_FROM and target == IN_PROGRESS
