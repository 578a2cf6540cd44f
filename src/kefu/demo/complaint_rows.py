"""The demo's complaints keep the product's rules (CMP-1, CMP-2):

* a resolved complaint has reached 方案协商 (a solution agreed with the customer), a closed one
  跟进落实 (followed through); an open one is at 受理安抚 or 澄清判定;
* a closed complaint was closed on a callback in which the customer said they were satisfied
  (the story samples a share of tickets for its callbacks; the closed complaints it left out
  get their satisfied callback here, half an hour before the close).

Runs once at the end of a build, after ``demo.story``; rows are inserted in batches, so a
million-ticket build stays linear. Idempotent: cases and callbacks that exist are kept.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kefu.demo.bulk import historic_timestamps, reset_sequences
from kefu.followups.models import CallbackTask, Kind, Outcome, TaskStatus
from kefu.tickets.models import Status, Ticket
from kefu.tickets.models_sla import ComplaintCase, Stage, Validity

BATCH = 2_000
OPTIONS = (
    ("补发或换新", "退款", "赔付优惠券"),
    ("上门维修", "更换配件", "费用减免"),
    ("当面致歉并整改", "退还费用", "安排专人跟进"),
)


def _case(row: dict, stage: str, rng: random.Random, now: dt.datetime) -> ComplaintCase:
    at = row["resolved_at"] or now
    case = ComplaintCase(ticket_id=row["id"], stage=stage, created_at=at, updated_at=at)
    if stage != Stage.ACCEPTED:
        case.validity = Validity.VALID
    if stage in (Stage.SOLUTION, Stage.FOLLOW_THROUGH):
        options = list(rng.choice(OPTIONS))
        case.options, case.agreed_option = options, rng.choice(options)
    if stage == Stage.FOLLOW_THROUGH:
        case.notes = "已按约定落实，客户确认满意。"
    return case


def _stage(row: dict, rng: random.Random) -> str:
    if row["status"] == Status.CLOSED:
        return Stage.FOLLOW_THROUGH
    if row["status"] == Status.RESOLVED:
        return Stage.SOLUTION
    return Stage.CLARIFIED if rng.random() < 0.5 else Stage.ACCEPTED


def build_complaint_rows(*, now: dt.datetime | None = None, seed: int = 0) -> dict[str, int]:
    """Add the complaint cases and the satisfied callbacks the rules above need."""
    now = now or timezone.now()
    rng = random.Random(seed + 15)
    fields = (
        "id",
        "status",
        "resolved_at",
        "closed_at",
        "reopen_count",
        "business_line_id",
        "department_id",
        "team_id",
        "customer_id",
        "assignee_id",
        "first_owner_id",
    )
    complaints = Ticket.objects.filter(type="complaint").order_by("id")
    reset_sequences(CallbackTask, ComplaintCase)  # the story inserted preassigned ids
    with historic_timestamps(CallbackTask, ComplaintCase):
        return _build(complaints, fields, rng, now)


def _build(complaints, fields, rng, now) -> dict[str, int]:
    cases = callbacks = 0
    last = 0
    while True:
        rows = list(complaints.filter(id__gt=last).values(*fields)[:BATCH])
        if not rows:
            break
        last = rows[-1]["id"]
        ids = [r["id"] for r in rows]
        with transaction.atomic():
            known = dict(
                ComplaintCase.objects.filter(ticket_id__in=ids).values_list("ticket_id", "stage")
            )
            fresh = [_case(r, _stage(r, rng), rng, now) for r in rows if r["id"] not in known]
            ComplaintCase.objects.bulk_create(fresh, batch_size=BATCH)
            cases += len(fresh)
            # a resolved or closed complaint whose case lags behind its status catches up
            for r in rows:
                stage = known.get(r["id"])
                wanted = _stage(r, rng) if r["status"] in (Status.RESOLVED, Status.CLOSED) else ""
                if stage and wanted and _order(stage) < _order(wanted):
                    ComplaintCase.objects.filter(ticket_id=r["id"]).update(
                        stage=wanted,
                        validity=Validity.VALID,
                        options=list(OPTIONS[0]),
                        agreed_option=OPTIONS[0][0],
                    )
            callbacks += _satisfied_callbacks(
                [r for r in rows if r["status"] == Status.CLOSED and r["closed_at"]]
            )
    return {"cases": cases, "callbacks": callbacks}


def _order(stage: str) -> int:
    return [Stage.ACCEPTED, Stage.CLARIFIED, Stage.SOLUTION, Stage.FOLLOW_THROUGH].index(stage)


def _satisfied_callbacks(closed: list[dict]) -> int:
    """A satisfied first callback for each closed complaint of the batch that has none in its
    current round (after the attempts it may already have)."""
    if not closed:
        return 0
    ids = [r["id"] for r in closed]
    satisfied = set(
        CallbackTask.objects.filter(ticket_id__in=ids, outcome=Outcome.SATISFIED).values_list(
            "ticket_id", "round"
        )
    )
    attempts = {
        (t, rnd): (n, pk)
        for t, rnd, n, pk in CallbackTask.objects.filter(
            ticket_id__in=ids, kind=Kind.RESOLUTION_FIRST, sequence=1
        )
        .values("ticket_id", "round")
        .annotate(n=Max("attempt"), pk=Max("id"))
        .values_list("ticket_id", "round", "n", "pk")
    }
    new = []
    for r in closed:
        rnd = r["reopen_count"]
        if (r["id"], rnd) in satisfied:
            continue
        n, previous = attempts.get((r["id"], rnd), (0, None))
        resolved = r["resolved_at"] or r["closed_at"]
        at = max(r["closed_at"] - dt.timedelta(minutes=30), resolved)
        day = timezone.localdate(at)
        owner = r["assignee_id"] or r["first_owner_id"]
        new.append(
            CallbackTask(
                business_line_id=r["business_line_id"],
                department_id=r["department_id"],
                team_id=r["team_id"],
                customer_id=r["customer_id"],
                ticket_id=r["id"],
                kind=Kind.RESOLUTION_FIRST,
                sequence=1,
                round=rnd,
                attempt=n + 1,
                previous_id=previous,
                window_start=timezone.localdate(resolved),
                window_end=day,
                due_on=day,
                owner_id=owner,
                status=TaskStatus.DONE,
                outcome=Outcome.SATISFIED,
                notes="客户表示满意。",
                done_at=at,
                done_by_id=owner,
                reached_at=at,
                issue_resolved_at=at,
                created_at=resolved,
                updated_at=at,
            )
        )
    CallbackTask.objects.bulk_create(new, batch_size=BATCH)
    return len(new)
