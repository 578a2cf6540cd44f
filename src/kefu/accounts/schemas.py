"""Ninja schemas of the accounts API: one In/Out shape per purpose, never shared."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from kefu.accounts.models import Industry, Role
from kefu.core.api_contract import code

RoleCode = code(Role)
IndustryCode = code(Industry)


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: RoleCode
    business_line: int | None = Field(None, alias="business_line_id")
    department: int | None = Field(None, alias="department_id")
    team: int | None = Field(None, alias="team_id")


ScopeCode = Literal["read", "write", "admin"]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: ScopeCode = Field(
        ...,
        description="`read`: GET only; `write`: also changes; `admin`: also the administration "
        "(webhooks, SLA policies, routing, language rules). The role still decides the rest.",
    )
    created_at: datetime
    last_used_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field("", max_length=100)
    scope: ScopeCode | None = Field(
        None,
        description="The new token's scope; by default that of the token making it (a full "
        "token from a browser session). It cannot be wider than the caller's token.",
    )


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The raw token; it is returned only this once.")


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: RoleCode
    is_active: bool
    business_line: int | None = Field(None, alias="business_line_id")
    department: int | None = Field(None, alias="department_id")
    department_name: str | None = None
    team: int | None = Field(None, alias="team_id")
    team_name: str | None = None

    @staticmethod
    def resolve_team_name(user) -> str | None:
        return user.team.name if user.team_id else None

    @staticmethod
    def resolve_department_name(user) -> str | None:
        return user.department.name if user.department_id else None


class UserPageOut(Schema):
    items: list[UserOut]
    next: str | None


class TeamOut(Schema):
    id: int
    name: str
    is_active: bool
    business_line: int = Field(..., alias="business_line_id")
    department: int = Field(..., alias="department_id")
    department_name: str = Field(..., alias="department.name")
    business_line_name: str = Field(..., alias="business_line.name")


class BusinessLineOut(Schema):
    id: int
    name: str
    code: str
    industry: IndustryCode
    is_active: bool
    ticket_types: list[str]


class TokenPageOut(Schema):
    items: list[TokenOut]
    next: str | None


class TeamPageOut(Schema):
    items: list[TeamOut]
    next: str | None


class BusinessLinePageOut(Schema):
    items: list[BusinessLineOut]
    next: str | None
