"""/api/v1/accounts: who am I, my API tokens, and (admins) users, teams, business lines."""

from __future__ import annotations

from ninja import Router, Status

from kefu.accounts import selectors, services
from kefu.accounts.auth import request_scope
from kefu.accounts.schemas import (
    BusinessLinePageOut,
    MeOut,
    TeamPageOut,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
    TokenPageOut,
    UserPageOut,
)
from kefu.core.pagination import paginate

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, operation_id="me_get")
def me(request):
    return selectors.me_get(user=request.user)


@router.get("/tokens", response=TokenPageOut)
def token_list(request, cursor: str | None = None, limit: int | None = None):
    return paginate(
        selectors.token_list_for(user=request.user), ordering="-id", cursor=cursor, limit=limit
    )


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request, payload: TokenCreateIn):
    within = request_scope(request)
    token, raw = services.token_create(
        user=request.user,
        name=payload.name,
        actor=request.user,
        scope=payload.scope or within or "admin",
        within=within,
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request, token_id: int):
    services.token_revoke(user=request.user, token_id=token_id, actor=request.user)
    return Status(204, None)


@router.get("/users", response=UserPageOut)
def user_list(
    request,
    role: str | None = None,
    team: int | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """People with their names, team and department: those of the caller's business line
    (everyone for an administrator), whatever the caller's role."""
    return selectors.user_directory(
        actor=request.user, role=role, team=team, active=active, cursor=cursor, limit=limit
    )


@router.get("/teams", response=TeamPageOut)
def team_list(
    request, business_line: int | None = None, cursor: str | None = None, limit: int | None = None
):
    """Teams with their names and department: those of the caller's business line (every team
    for an administrator), whatever the caller's role."""
    teams = selectors.team_directory(actor=request.user, business_line=business_line)
    return paginate(teams, ordering="id", cursor=cursor, limit=limit)


@router.get("/business-lines", response=BusinessLinePageOut)
def business_line_list(request, cursor: str | None = None, limit: int | None = None):
    lines = selectors.business_line_list_for(user=request.user)
    return paginate(lines, ordering="id", cursor=cursor, limit=limit)
