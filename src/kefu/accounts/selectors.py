"""Reads for accounts and organisation pages and the API; organisation data is admin-only."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kefu.accounts.models import ApiToken, BusinessLine, Department, Role, Team, User
from kefu.core import scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.core.pagination import Page, paginate


def require_admin(user) -> None:
    """Organisation administration is for administrators only."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and scope.is_admin(user)):
        raise PermissionDenied()


def me_get(*, user) -> User:
    """The signed-in user with their organisation units, in one query."""
    return User.objects.select_related("business_line", "department", "team").get(pk=user.pk)


def token_list_for(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at=None).order_by("-id")


def business_line_list_for(*, user) -> QuerySet[BusinessLine]:
    """Business lines the user belongs to (all of them for an admin)."""
    return BusinessLine.objects.filter(scope.business_line_q(user, field="id")).order_by("id")


def business_line_overview(*, actor) -> QuerySet[BusinessLine]:
    """Every business line with its counts of teams and users (admin)."""
    require_admin(actor)
    return BusinessLine.objects.annotate(
        team_count=Count("teams", distinct=True),
        user_count=Count("users", filter=Q(users__is_active=True), distinct=True),
    ).order_by("id")


def business_line_get(*, actor, pk: int) -> BusinessLine:
    """One business line with its departments and teams prefetched (admin)."""
    require_admin(actor)
    line = (
        BusinessLine.objects.prefetch_related(
            Prefetch(
                "departments",
                queryset=Department.objects.order_by("id").prefetch_related(
                    Prefetch(
                        "teams",
                        queryset=Team.objects.annotate(
                            member_count=Count("members", filter=Q(members__is_active=True))
                        ).order_by("id"),
                    )
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if line is None:
        raise NotFound()
    return line


def department_get(*, actor, pk: int) -> Department:
    require_admin(actor)
    dept = Department.objects.select_related("business_line").filter(pk=pk).first()
    if dept is None:
        raise NotFound()
    return dept


def team_get(*, actor, pk: int) -> Team:
    require_admin(actor)
    team = Team.objects.select_related("department", "business_line").filter(pk=pk).first()
    if team is None:
        raise NotFound()
    return team


def team_list(*, actor, business_line: int | None = None) -> QuerySet[Team]:
    """Every team with its department and business line (admin)."""
    require_admin(actor)
    qs = Team.objects.select_related("department", "business_line").order_by("id")
    if business_line:
        qs = qs.filter(business_line_id=business_line)
    return qs


def team_directory(*, actor, business_line: int | None = None) -> QuerySet[Team]:
    """The teams whose names anyone reads (the API's ``/accounts/teams``): those of the actor's
    business line, every team for an administrator; with department and line in one query."""
    qs = Team.objects.filter(scope.business_line_q(actor)).select_related(
        "department", "business_line"
    )
    if business_line:
        qs = qs.filter(business_line_id=business_line)
    return qs


def user_directory(
    *,
    actor,
    role: str | None = None,
    team: int | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """The people whose names anyone reads (the API's ``/accounts/users``: assignees, first
    owners, authors): those of the actor's business line, everyone for an administrator; by
    username, one cursor page at a time."""
    qs = User.objects.filter(scope.business_line_q(actor)).select_related(
        "business_line", "department", "team"
    )
    if role and role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
    if role:
        qs = qs.filter(role=role)
    if team:
        qs = qs.filter(team_id=team)
    if active is not None:
        qs = qs.filter(is_active=active)
    return paginate(qs, ordering="username", cursor=cursor, limit=limit)


def user_get(*, actor, pk: int) -> User:
    require_admin(actor)
    user = User.objects.select_related("business_line", "department", "team").filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user


def user_list(
    *,
    actor,
    role: str | None = None,
    team: int | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """Users by username, filtered by role and team, one cursor page at a time (admin)."""
    require_admin(actor)
    qs = User.objects.select_related("business_line", "department", "team")
    if role and role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
    if role:
        qs = qs.filter(role=role)
    if team:
        qs = qs.filter(team_id=team)
    if active is not None:
        qs = qs.filter(is_active=active)
    return paginate(qs, ordering="username", cursor=cursor, limit=limit)


def audit_event_list(
    *,
    actor,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """The audit log, newest first (admin); ``action`` matches the beginning of the action."""
    require_admin(actor)
    qs = AuditEvent.objects.select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action.strip())
    if object_type:
        qs = qs.filter(object_type=object_type.strip().lower())
    if object_id:
        qs = qs.filter(object_id=object_id.strip())
    return paginate(qs, ordering="-created_at", cursor=cursor, limit=limit)
