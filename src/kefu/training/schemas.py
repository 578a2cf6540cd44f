"""django-ninja schemas of /api/v1/training."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from kefu.core.inputs import Day, Id

TrainingRequestAction = Literal["approve", "reject", "assign", "archive"]


class TrainingTypingIn(Schema):
    passage: str = Field(..., min_length=1, max_length=5000)
    typed: str = Field("", max_length=5000)
    seconds: float = Field(..., gt=0, le=3600)
    min_cpm: float = Field(60, gt=0, le=1000)


class TrainingTypingOut(Schema):
    chars_per_minute: float
    correct: int
    typed: int
    accuracy: float
    passed: bool


class TrainingTypingSubmitIn(Schema):
    typed: str = Field("", max_length=5000)


class TrainingTypingSittingOut(Schema):
    """A server-timed typing test: the passage, and once submitted the server's seconds and the
    score (none before)."""

    id: int
    title: str
    passage: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    seconds: float | None
    chars_per_minute: float | None
    correct: int | None
    typed: int | None
    accuracy: float | None
    passed: bool | None


class TrainingQuickItemOut(Schema):
    shortcut: str
    title: str
    expected: str | None = None
    typed: str | None = None
    matched: bool | None = None


class TrainingQuickSittingOut(Schema):
    """The phrases drawn (shortcut and title; their text only after the submission)."""

    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    items: list[TrainingQuickItemOut]
    matched: int | None
    asked: int
    passed: bool | None


class TrainingQuickSubmitIn(Schema):
    typed: list[str] = Field(..., max_length=20)


class TrainingQuickReplyPair(Schema):
    expected: str = Field(..., min_length=1, max_length=1000)
    typed: str = Field("", max_length=1000)


class TrainingQuickReplyIn(Schema):
    pairs: list[TrainingQuickReplyPair] = Field(..., min_length=1, max_length=100)


class TrainingQuickReplyOut(Schema):
    matched: int
    asked: int
    passed: bool


class TrainingCertificationStatusOut(Schema):
    code: str
    passed_at: str
    valid_until: str | None


class TrainingHoursOut(Schema):
    year: int
    total: float
    by_category: dict[str, float]


class TrainingStatusOut(Schema):
    user: str
    certifications: list[TrainingCertificationStatusOut]
    missing: list[str]
    hours: TrainingHoursOut


class TrainingRequestIn(Schema):
    topic: str = Field(..., min_length=1, max_length=200)
    audience: str = Field("", max_length=200)
    reason: str = Field("", max_length=5000)
    wished_on: Day | None = None


class TrainingRequestActIn(Schema):
    version: int = Field(..., ge=1)
    reason: str = Field("", max_length=300)
    trainer: int | None = Field(None, ge=1, le=2**31 - 1)
    attendance: int | None = Field(None, ge=0, le=100000)
    materials: str = Field("", max_length=300)
    evaluation: str = Field("", max_length=300)


class TrainingRequestOut(Schema):
    id: int
    topic: str
    audience: str
    state: Literal["requested", "approved", "rejected", "assigned", "archived"]
    state_label: str
    requester: int
    owner: int | None
    due_on: dt.date | None
    trainer: int | None
    decision_reason: str
    attendance: int | None
    version: int


class TrainingRequestPageOut(Schema):
    items: list[TrainingRequestOut]
    next: str | None


class TrainingClassOut(Schema):
    id: int
    title: str
    category: str
    starts_at: dt.datetime
    hours: float
    capacity: int
    seats_taken: int
    waiting: int


class TrainingClassPageOut(Schema):
    items: list[TrainingClassOut]
    next: str | None


class TrainingEnrolmentOut(Schema):
    training_class: int
    status: Literal["enrolled", "waitlisted", "attended", "cancelled"]


class TrainingQuestionOut(Schema):
    id: int
    kind: Literal["single", "multiple", "truefalse", "fill", "short"]
    text: str
    options: list[str]
    points: int


class TrainingAttemptOut(Schema):
    id: int
    exam: int
    seed: int
    started_at: dt.datetime
    deadline: dt.datetime
    submitted_at: dt.datetime | None
    score: float | None
    passed: bool | None
    questions: list[TrainingQuestionOut]
    closed_book: bool = False
    position: int = 0
    departures: int = 0


class TrainingSubmitIn(Schema):
    answers: dict[str, str | list[str]] = Field(default_factory=dict)


class TrainingAnswerIn(Schema):
    position: int = Field(ge=0, le=10_000)
    answer: str | list[str] | None = None


class TrainingDepartureIn(Schema):
    kind: Literal["hidden", "blur"]


# -- the course library and course development (TRN-2, TRN-3) --------------------------------

TrainingProjectAction = Literal[
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
]


class TrainingCourseIn(Schema):
    title: str = Field(..., max_length=200)
    module: Id
    series: Id | None = None
    minutes: int = Field(60, ge=1, le=480)
    method: str = Field("theory", max_length=12)
    objectives: str = Field(..., max_length=5000)
    materials: str = Field("", max_length=5000)


class TrainingCourseOut(Schema):
    id: int
    title: str
    module: str
    series: str | None
    minutes: int
    length_kind: str | None
    method: str
    objectives: str
    materials: str
    owner: int | None
    revision: int
    status: str
    version: int


class TrainingCoursePageOut(Schema):
    items: list[TrainingCourseOut]
    next: str | None


class TrainingNeedIn(Schema):
    topic: str = Field(..., max_length=100)


class TrainingProjectActIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    external_course: str = Field("", max_length=200)
    course_title: str = Field("", max_length=200)
    minutes: int = Field(60, ge=1, le=480)
    experts: list[Id] = Field(default_factory=list, max_length=50)
    developers: list[Id] = Field(default_factory=list, max_length=50)
    workshop_on: Day | None = None
    objectives: str = Field("", max_length=5000)
    materials: str = Field("", max_length=5000)
    trial_notes: str = Field("", max_length=5000)
    note: str = Field("", max_length=300)
    module: Id | None = None
    series: Id | None = None
    starts_at: dt.datetime | None = None


class TrainingProjectOut(Schema):
    id: int
    year: int
    title: str
    state: str
    state_label: str
    top_needs: list[dict]
    needs: list[dict]
    course_title: str
    minutes: int
    experts: list[int]
    developers: list[int]
    returned: int
    accepted_by: int | None
    course: int | None
    version: int


# -- evaluation (TRN-5, SAT-6) ------------------------------------------------------------------


class TrainingEvaluationIn(Schema):
    course_rating: int = Field(..., ge=1, le=5)
    trainer_rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=300)


class TrainingEvaluationOut(Schema):
    training_class: int
    course_rating: int
    trainer_rating: int


class TrainingSatisfactionOut(Schema):
    micro: float | None
    micro_ratings: int
    overall: float | None
    overall_ratings: int
    gap: float | None
    by_course: list[dict]
    by_trainer: list[dict]


# -- plans (TRN-8) ----------------------------------------------------------------------------

TrainingPlanAction = Literal["submit", "approve", "return"]


class TrainingPlanIn(Schema):
    kind: Literal["annual", "monthly"]
    year: int = Field(..., ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    title: str = Field(..., max_length=200)
    goals: str = Field(..., max_length=5000)


class TrainingPlanActIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    note: str = Field("", max_length=300)


class TrainingPlanMonthOut(Schema):
    month: int
    classes: int
    planned: int
    hours: float
    attended: int
    ratings: int
    satisfaction: float | None


class TrainingPlanOut(Schema):
    id: int
    kind: str
    year: int
    month: int | None
    title: str
    goals: str
    state: str
    state_label: str
    author: int
    approver: int | None
    decision_note: str
    version: int
    summary: list[TrainingPlanMonthOut] | None = None


class TrainingPlanPageOut(Schema):
    items: list[TrainingPlanOut]
    next: str | None


# -- competitions (PK-4, TRN-9) ---------------------------------------------------------------

TrainingCompetitionKind = Literal["contest", "roleplay", "instant"]


class TrainingCompetitionIn(Schema):
    title: str = Field(..., max_length=200)
    kind: TrainingCompetitionKind
    exam: Id | None = None


class TrainingCompetitionOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    exam: int | None
    created_by: int
    created_at: dt.datetime
    version: int


class TrainingCompetitionPageOut(Schema):
    items: list[TrainingCompetitionOut]
    next: str | None


class TrainingBoardRowOut(Schema):
    rank: int
    user: int | None
    username: str | None
    name: str | None
    score: float
    seconds: int | None = None
    forms: int | None = None


class TrainingCriterionOut(Schema):
    code: str
    label: str
    max: int


class TrainingRoundOut(Schema):
    number: int
    question: str
    closed: bool
    winner: int | None
    won_at: dt.datetime | None


class TrainingCompetitionDetailOut(TrainingCompetitionOut):
    criteria: list[TrainingCriterionOut]
    rounds: list[TrainingRoundOut]
    leaderboard: list[TrainingBoardRowOut]


class TrainingLeaderboardOut(Schema):
    competition: int
    kind: str
    state: str
    rows: list[TrainingBoardRowOut]


class TrainingVersionIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)


class TrainingRoleplayScoreIn(Schema):
    contestant: Id
    marks: dict[str, float]


class TrainingRoleplayScoreOut(Schema):
    contestant: int
    examiner: int
    marks: dict[str, float]
    total: float


class TrainingRoundIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    question: str = Field(..., max_length=500)
    answer: str = Field(..., max_length=200)


class TrainingBuzzIn(Schema):
    round: int = Field(..., ge=1, le=100000)
    given: str = Field(..., max_length=200)


class TrainingBuzzOut(Schema):
    round: int
    correct: bool
    at: dt.datetime
