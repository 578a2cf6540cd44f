from __future__ import annotations

from ninja import Schema


class BaseIn(Schema):
    unit: int
    period: str
    base: int
    kind: str | None = None
    version: int | None = None


class BaseOut(Schema):
    id: int
    unit: int
    period: str
    base: int
    kind: str
    version: int


class SignIn(Schema):
    period: str
    business_line: int | None = None
    summary: str


class SignedOut(Schema):
    id: int
    business_line: int
    period: str
    summary: str
    signed_at: str
    signed_by: int | None
