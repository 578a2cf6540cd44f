"""Data scope by role (spec ACL-1: higher levels see lower levels' data).

agent → own records and the team's; lead → the team; supervisor → the department;
manager → the business line; admin → everything. Every selector filters through here.
"""

from __future__ import annotations

from django.db.models import Q

ADMIN, MANAGER, SUPERVISOR, LEAD, AGENT = "admin", "manager", "supervisor", "lead", "agent"
RANK = {AGENT: 1, LEAD: 2, SUPERVISOR: 3, MANAGER: 4, ADMIN: 5}
NOTHING = Q(pk__in=[])


def rank(user) -> int:
    if getattr(user, "is_superuser", False):
        return RANK[ADMIN]
    return RANK.get(getattr(user, "role", ""), 0)


def is_admin(user) -> bool:
    return rank(user) >= RANK[ADMIN]


def at_least(user, role: str) -> bool:
    return rank(user) >= RANK[role]


def records_q(
    user,
    *,
    business_line: str = "business_line_id",
    department: str = "department_id",
    team: str = "team_id",
    owners: tuple[str, ...] = (),
) -> Q:
    """The Q that limits a queryset of team-owned records to what ``user`` may see."""
    wide = _wide_q(user, business_line, department)
    if wide is not None:
        return wide
    q = NOTHING
    for term in _own_terms(user, team, owners):
        q |= term
    return q


def own_terms(user, *, team: str = "team_id", owners: tuple[str, ...] = ()) -> list[Q]:
    """The terms whose OR is the scope of an agent or a lead (the team, then each owner field);
    [] for the wider scopes, which are one condition. A list pages faster term by term, each
    served in order by its own index (``core.pagination.paginate`` ``branches``)."""
    if _wide_q(user) is not None:
        return []
    return _own_terms(user, team, owners)


def _wide_q(
    user, business_line: str = "business_line_id", department: str = "department_id"
) -> Q | None:
    """The scope of an inactive user (nothing), an admin, a manager or a supervisor; None for
    the team-level roles."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOTHING
    r = rank(user)
    if r >= RANK[ADMIN]:
        return Q()
    if r >= RANK[MANAGER] and user.business_line_id:
        return Q(**{business_line: user.business_line_id})
    if r >= RANK[SUPERVISOR] and user.department_id:
        return Q(**{department: user.department_id})
    return None


def _own_terms(user, team: str, owners: tuple[str, ...]) -> list[Q]:
    terms = [Q(**{team: user.team_id})] if user.team_id else []
    return terms + [Q(**{field: user.pk}) for field in owners]


def business_line_q(user, field: str = "business_line_id") -> Q:
    """Records that belong to a business line as a whole (customers, categories, articles)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOTHING
    if is_admin(user):
        return Q()
    if not user.business_line_id:
        return NOTHING
    return Q(**{field: user.business_line_id})
