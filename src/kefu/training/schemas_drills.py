"""django-ninja schemas of /api/v1/training's live drills on a practice queue (PK-3)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

Outcome = Literal["refund", "reship", "explain", "escalate"]


class DrillIn(Schema):
    """``cases``: one practice ticket a line, the handling, a colon and the customer's message
    (``退款：…``, ``补发：…``, ``解释：…``, ``升级：…``)."""

    title: str = Field(..., max_length=200)
    cases: list[str] = Field(..., min_length=1, max_length=20)


class DrillCaseOut(Schema):
    message: str
    outcome: str


class DrillOut(Schema):
    id: int
    title: str
    tickets: int
    trainer: str
    runs: int
    scored: int
    created_at: dt.datetime
    cases: list[DrillCaseOut] | None = None


class DrillPageOut(Schema):
    items: list[DrillOut]
    next: str | None


class DrillWorkbenchIn(Schema):
    """The trainee (a user id in the trainer's scope) and the practice team (a team id of the
    line marked practice) of a drill run in the real ticket workbench."""

    trainee: int
    team: int


class DrillRunOut(Schema):
    id: int
    drill: int
    user: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    tickets: int
    #: in the workbench (practice tickets of ``team``): those resolved; else those closed
    closed: int
    workbench: bool = False
    #: the practice tickets' numbers (a workbench run), for the trainee's ticket list
    ticket_numbers: list[str] = []
    correct: int | None
    median_seconds: float | None
    score: float | None
    passed: bool | None
    scored_by: str | None
    version: int


class DrillRunPageOut(Schema):
    items: list[DrillRunOut]
    next: str | None


class DrillScoreIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    score: float = Field(..., ge=0, le=100)


class DrillTicketOut(Schema):
    case: int
    message: str
    reply: str | None = None
    outcome: str | None = None
    seconds: float | None = None
    right: bool | None = None
    expected: str | None = None


class DrillWorkOut(DrillRunOut):
    """The trainee's own run: the open tickets (the message only) and the closed ones with the
    reply, the handling chosen, the server-timed seconds and the handling expected."""

    open: list[DrillTicketOut]
    done: list[DrillTicketOut]


class DrillCloseIn(Schema):
    case: int = Field(..., ge=0, le=100)
    reply: str = Field(..., max_length=1000)
    outcome: Outcome
