"""The demo's lived history beyond tickets: what the department did with them over 180 days.

Callbacks done and missed (with their calls in the call register), complaint grades, upgrades
to 重复/恶性 and escalations to the supervisor, letters, survey answers (CSI, NPS), SLA warnings,
breaches and notifications, running SLA clocks of the open tickets.

Everything follows the rules the live services follow: a callback is made 3–7 days after the
resolution (a complaint's within its closing window, always satisfied when the complaint is
closed); an SLA breach is recorded only for a ticket resolved after its due time, or still open
past it; a warning only once 80 % of the target had passed. The work is bounded: callbacks and
surveys come from a sample of at most ``PER_WEEK`` tickets per business line and week, so a
--size large build writes about as many of these rows as a small one; SLA events are read in
one pass over the last two months' late tickets and inserted in batches.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from kefu.accounts.models import User
from kefu.demo.bulk import historic_timestamps, reset_sequences
from kefu.demo.enquiry_call_rows import recording_ref
from kefu.demo.sla_rows import build_sla_rows
from kefu.demo.survey_rows import build_survey_rows
from kefu.followups.models import (
    CallbackTask,
    CallRecord,
    CallResult,
    ComplaintGrade,
    Direction,
    Escalation,
    Grade,
    GradeChange,
    Kind,
    LetterChannel,
    LetterKind,
    LetterRecord,
    Outcome,
    TaskStatus,
)
from kefu.surveys.models import SurveyInvitation
from kefu.tickets.models import Status, Ticket
from kefu.tickets.models_sla import Notification, SlaEvent

DAYS = 180
PER_WEEK = 36  # tickets per business line and week that get a callback (the sample)
RECENT_DAYS = 10  # resolved this recently and still resolved: the live callback service's job
REACHED = 0.88  # first callbacks that reach the customer (回访率 80–95 %)
SURVEYED = 0.55  # closed tickets of the sample that get a survey link (survey_rows.ANSWERED answer)
BATCH = 2000

LETTER_SUBJECTS = {
    LetterKind.NOTICE: ("服务变更通知", "节假日服务时间通知", "保养到期提醒"),
    LetterKind.INVITATION: ("客户答谢会邀请函", "免费检测周邀请函", "业主座谈会邀请函"),
    LetterKind.REPLY: ("投诉处理结果回复函", "关于您反映问题的回复", "致歉及处理说明"),
    LetterKind.DUNNING: ("物业费催缴通知书", "欠费提醒函"),
}


@dataclass
class Story:
    callbacks: int = 0
    calls: int = 0
    letters: int = 0
    grades: int = 0
    escalations: int = 0
    responses: int = 0
    sla_events: int = 0
    notifications: int = 0


def _at(day: dt.date, rng: random.Random, tz) -> dt.datetime:
    """A moment in office hours (9:00–17:30 local) of ``day``."""
    minute = rng.randint(9 * 60, 17 * 60 + 30)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=tz)


class _Ids:
    """Preassigned ids for rows that point at each other (a callback's call and escalation)."""

    def __init__(self, model):
        from django.db.models import Max

        self.next = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self) -> int:
        pk, self.next = self.next, self.next + 1
        return pk


def build_story(lines, *, now: dt.datetime, seed: int) -> Story:
    """Write the history of every business line in ``lines``; returns what was written."""
    rng = random.Random(seed + 15)
    story = Story()
    supervisors = {
        u.department_id: u.pk for u in User.objects.filter(role="supervisor", is_active=True)
    }
    models = (CallbackTask, CallRecord, LetterRecord, Escalation, ComplaintGrade, GradeChange)
    models += (SurveyInvitation, SlaEvent, Notification)
    with historic_timestamps(*models):
        for line in lines:
            _line_story(line, rng=rng, now=now, supervisors=supervisors, story=story)
        story.sla_events, story.notifications = build_sla_rows(now=now)
    # PostgreSQL: the sequences must pass the preassigned ids before any service inserts a row
    reset_sequences(CallbackTask, CallRecord)
    _work_open_callbacks(now=now, rng=rng)
    return story


def _work_open_callbacks(*, now: dt.datetime, rng) -> None:
    """The callbacks the live service made for the last days' resolutions: the agents have
    already worked most of those whose window opened; the rest wait on the workbench."""
    tz = timezone.get_default_timezone()
    today = timezone.localdate(now)
    due = list(
        CallbackTask.objects.filter(
            status=TaskStatus.OPEN, attempt=1, window_start__lte=today
        ).order_by("id")[:2000]
    )
    done = []
    for task in due:
        if rng.random() > 0.8:
            continue
        at = _at(task.window_start, rng, tz)
        if at >= now:
            at = now - dt.timedelta(minutes=rng.randint(10, 300))
        reached = rng.random() < REACHED
        task.status = TaskStatus.DONE
        task.outcome = (
            (Outcome.SATISFIED if rng.random() < 0.93 else Outcome.DISSATISFIED)
            if reached
            else Outcome.UNREACHABLE
        )
        task.done_at = task.updated_at = at
        task.done_by_id = task.owner_id
        task.reached_at = at if reached else None
        task.issue_resolved_at = at if task.outcome == Outcome.SATISFIED else None
        done.append(task)
    fields = ["status", "outcome", "done_at", "done_by", "reached_at", "issue_resolved_at"]
    with historic_timestamps(CallbackTask):
        CallbackTask.objects.bulk_update(done, [*fields, "updated_at"], batch_size=500)


def _sample(line, *, now: dt.datetime, tz) -> list[dict]:
    """Up to PER_WEEK resolved or closed tickets per week of the last DAYS days (complaints
    first: every complaint is called back), read as plain values."""
    fields = (
        "id",
        "type",
        "status",
        "team_id",
        "department_id",
        "customer_id",
        "assignee_id",
        "first_owner_id",
        "resolved_at",
        "closed_at",
        "channel",
    )
    rows: list[dict] = []
    recent = now - dt.timedelta(days=RECENT_DAYS)
    start = now - dt.timedelta(days=DAYS)
    while start < now:
        end = min(start + dt.timedelta(days=7), now)
        week = Ticket.objects.filter(
            business_line_id=line.pk,
            created_at__gte=start,
            created_at__lt=end,
            resolved_at__isnull=False,
        ).filter(Q(status=Status.CLOSED) | Q(status=Status.RESOLVED, resolved_at__lt=recent))
        complaints = list(week.filter(type="complaint").values(*fields)[: PER_WEEK // 3])
        others = list(week.exclude(type="complaint").values(*fields)[: PER_WEEK - len(complaints)])
        rows.extend(complaints + others)
        start = end
    taken = set(
        CallbackTask.objects.filter(ticket_id__in=[r["id"] for r in rows]).values_list(
            "ticket_id", flat=True
        )
    )
    return [r for r in rows if r["id"] not in taken]


def _line_story(line, *, rng, now, supervisors, story: Story) -> None:
    tz = timezone.get_default_timezone()
    today = timezone.localdate(now)
    rows = _sample(line, now=now, tz=tz)
    task_ids, call_ids = _Ids(CallbackTask), _Ids(CallRecord)
    tasks, calls, escalations, grades, changes, letters = [], [], [], [], [], []
    closed_for_survey = []
    for row in rows:
        owner = row["assignee_id"] or row["first_owner_id"]
        resolved = timezone.localtime(row["resolved_at"], tz)
        closed = row["closed_at"] and timezone.localtime(row["closed_at"], tz)
        complaint = row["type"] == "complaint"
        start_day = resolved.date() + dt.timedelta(days=1 if complaint else 3)
        end_day = resolved.date() + dt.timedelta(days=3 if complaint else 7)
        if start_day > today:
            continue
        must_satisfy = complaint and row["status"] == Status.CLOSED
        common = {
            "business_line_id": line.pk,
            "department_id": row["department_id"],
            "team_id": row["team_id"],
            "customer_id": row["customer_id"],
            "ticket_id": row["id"],
            "kind": Kind.RESOLUTION_FIRST,
            "window_start": start_day,
            "window_end": end_day,
            "due_on": end_day,
            "owner_id": owner,
        }
        # the attempts: reached on the first or second try, or missed (three tries)
        reached = must_satisfy or rng.random() < REACHED
        tries = 1 if must_satisfy or (reached and rng.random() < 0.85) else (2 if reached else 3)
        first_try = _at(start_day, rng, tz)
        if must_satisfy:  # the complaint was closed on this callback: before the close
            latest = closed - dt.timedelta(minutes=30)
            first_try = max(min(first_try, latest), resolved + dt.timedelta(minutes=20))
        if first_try >= now:
            continue
        first = None
        outcome_final = ""
        previous = None
        for attempt in range(1, tries + 1):
            at = first_try
            if attempt > 1:
                at = _at(start_day + dt.timedelta(days=attempt - 1), rng, tz)
            if at >= now:
                break
            last = attempt == tries
            if last and reached:
                outcome = (
                    Outcome.SATISFIED
                    if must_satisfy or rng.random() < 0.93
                    else Outcome.DISSATISFIED
                )
            else:
                outcome = rng.choices(
                    (Outcome.UNREACHABLE, Outcome.REFUSED, Outcome.WRONG_NUMBER), (80, 12, 8)
                )[0]
            pk = task_ids.take()
            task = CallbackTask(
                id=pk,
                attempt=attempt,
                previous_id=previous,
                status=TaskStatus.DONE,
                outcome=outcome,
                done_at=at,
                done_by_id=owner,
                issue_resolved_at=at if outcome == Outcome.SATISFIED else None,
                created_at=resolved,
                updated_at=at,
                **common,
            )
            tasks.append(task)
            first = first or task
            answered = outcome in (Outcome.SATISFIED, Outcome.DISSATISFIED)
            calls.append(
                CallRecord(
                    id=call_ids.take(),
                    business_line_id=line.pk,
                    department_id=row["department_id"],
                    team_id=row["team_id"],
                    direction=Direction.OUTBOUND,
                    started_at=at,
                    duration_seconds=rng.randint(60, 420) if answered else rng.randint(0, 40),
                    result=_call_result(outcome, rng),
                    customer_id=row["customer_id"],
                    ticket_id=row["id"],
                    callback_id=pk,
                    agent_id=owner,
                    recording_ref=recording_ref(at, pk) if answered else "",
                    created_at=at,
                )
            )
            previous, outcome_final = pk, outcome
        if first is None:
            continue
        if outcome_final in (Outcome.SATISFIED, Outcome.DISSATISFIED):
            # 回访率 counts the first attempt when any attempt reached the customer
            first.reached_at = tasks[-1].done_at
        failed = outcome_final != Outcome.SATISFIED
        if complaint:
            grade, flags = Grade.ORDINARY, []
            if failed or rng.random() < 0.06:  # a failed callback, or the customer called again
                grade = Grade.REPEAT
            if rng.random() < 0.025:
                grade, flags = Grade.MALIGNANT, [rng.choice(["media", "legal"])]
            graded = ComplaintGrade(
                ticket_id=row["id"],
                business_line_id=line.pk,
                grade=grade,
                repeat_count=0 if grade == Grade.ORDINARY else 1,
                failures_counted=tries - (0 if failed else 1),
                flags=flags,
                created_at=resolved,
                updated_at=tasks[-1].done_at,
            )
            graded.unit = (row["department_id"], row["team_id"])  # for a later GradeChange
            grades.append(graded)
            if grade != Grade.ORDINARY:
                rule = (
                    GradeChange.Rule.FLAG
                    if flags
                    else GradeChange.Rule.FAILED_CALLBACKS
                    if failed
                    else GradeChange.Rule.REOPENED
                )
                changes.append(
                    GradeChange(
                        ticket_id=row["id"],
                        business_line_id=line.pk,
                        department_id=row["department_id"],
                        team_id=row["team_id"],
                        before=Grade.ORDINARY,
                        after=grade,
                        rule=rule,
                        reason=_grade_reason(rule),
                        actor_id=None if rule == GradeChange.Rule.FAILED_CALLBACKS else owner,
                        created_at=tasks[-1].done_at,
                    )
                )
        if failed:  # missed three times or dissatisfied: the supervisor takes it over
            escalations.append(
                Escalation(
                    callback_id=tasks[-1].pk,
                    business_line_id=line.pk,
                    department_id=row["department_id"],
                    team_id=row["team_id"],
                    ticket_id=row["id"],
                    supervisor_id=supervisors.get(row["department_id"]),
                    reason=(
                        "回访客户不满意，需主管介入"
                        if outcome_final == Outcome.DISSATISFIED
                        else "多次回访未联系上客户"
                    ),
                    created_at=tasks[-1].done_at,
                    updated_at=tasks[-1].done_at,
                )
            )
        if complaint and rng.random() < 0.3 and tasks[-1].done_at < now - dt.timedelta(days=1):
            sent = tasks[-1].done_at.date() + dt.timedelta(days=1)
            letters.append(_letter(line, row, LetterKind.REPLY, sent, owner, tasks[-1].pk, rng))
        if row["status"] == Status.CLOSED and rng.random() < SURVEYED:
            closed_for_survey.append((row, owner, closed))
    letters += _notices(line, rows, rng=rng, today=today)
    _malignant_every_month(grades, changes, tz=tz)
    CallbackTask.objects.bulk_create(tasks, batch_size=BATCH)
    CallRecord.objects.bulk_create(calls, batch_size=BATCH)
    Escalation.objects.bulk_create(escalations, batch_size=BATCH)
    ComplaintGrade.objects.bulk_create(grades, batch_size=BATCH)
    GradeChange.objects.bulk_create(changes, batch_size=BATCH)
    LetterRecord.objects.bulk_create(letters, batch_size=BATCH)
    story.callbacks += len(tasks)
    story.calls += len(calls)
    story.escalations += len(escalations)
    story.grades += len(grades)
    story.letters += len(letters)
    story.responses += build_survey_rows(line, closed_for_survey, rng=rng, now=now)


def _malignant_every_month(grades: list, changes: list, *, tz) -> None:
    """Every month of a line has its 恶性投诉 and 重复投诉 (a supervisor's monthly report lists
    them): where chance gave a month no malignant one, its first repeat complaint was flagged by
    a supervisor; where it gave no repeat one, an ordinary complaint's customer called again."""
    by_month: dict[tuple[int, int], list] = defaultdict(list)
    for grade in grades:
        local = timezone.localtime(grade.updated_at, tz)
        by_month[(local.year, local.month)].append(grade)
    changed = {c.ticket_id: c for c in changes}
    for month in by_month.values():
        if any(g.grade == Grade.MALIGNANT for g in month):
            continue
        repeats = [g for g in month if g.grade == Grade.REPEAT]
        # keep the month's repeat complaints when it has only one
        grade = (
            repeats[0]
            if len(repeats) > 1
            else next((g for g in month if g.grade == Grade.ORDINARY), None)
        )
        if grade is None:
            continue
        change = changed.get(grade.ticket_id)
        if change is None:
            change = GradeChange(
                ticket_id=grade.ticket_id,
                business_line_id=grade.business_line_id,
                department_id=grade.unit[0],
                team_id=grade.unit[1],
                before=Grade.ORDINARY,
                created_at=grade.updated_at,
            )
            changes.append(change)
        grade.grade, grade.flags, grade.repeat_count = Grade.MALIGNANT, ["media"], 1
        change.after, change.rule = Grade.MALIGNANT, GradeChange.Rule.SUPERVISOR
        change.reason = "客户多次投诉并扬言向媒体曝光，主管标记为恶性投诉"
    for (
        month
    ) in by_month.values():  # and its 重复投诉: where chance gave none, a customer called again
        if any(g.grade == Grade.REPEAT for g in month):
            continue
        grade = next((g for g in month if g.grade == Grade.ORDINARY), None)
        if grade is None:
            continue
        grade.grade, grade.repeat_count = Grade.REPEAT, 1
        changes.append(
            GradeChange(
                ticket_id=grade.ticket_id,
                business_line_id=grade.business_line_id,
                department_id=grade.unit[0],
                team_id=grade.unit[1],
                before=Grade.ORDINARY,
                after=Grade.REPEAT,
                rule=GradeChange.Rule.REOPENED,
                reason=_grade_reason(GradeChange.Rule.REOPENED),
                created_at=grade.updated_at,
            )
        )


def _call_result(outcome: str, rng) -> str:
    if outcome in (Outcome.SATISFIED, Outcome.DISSATISFIED):
        return CallResult.ANSWERED
    if outcome == Outcome.UNREACHABLE:
        return rng.choice((CallResult.UNREACHABLE, CallResult.BUSY))
    return CallResult.REFUSED if outcome == Outcome.REFUSED else CallResult.WRONG_NUMBER


def _grade_reason(rule: str) -> str:
    return {
        GradeChange.Rule.FLAG: "客户表示将向媒体反映",
        GradeChange.Rule.FAILED_CALLBACKS: "回访未解决，投诉升级为重复投诉",
        GradeChange.Rule.REOPENED: "客户再次来电投诉同一问题",
    }[rule]


def _letter(line, row, kind, sent: dt.date, agent, callback, rng) -> LetterRecord:
    post = rng.random() < 0.4
    return LetterRecord(
        business_line_id=line.pk,
        department_id=row["department_id"],
        team_id=row["team_id"],
        kind=kind,
        channel=LetterChannel.POST if post else LetterChannel.EMAIL,
        tracking_number=f"SF{rng.randint(10**11, 10**12 - 1)}" if post else "",
        sent_on=sent,
        subject=rng.choice(LETTER_SUBJECTS[kind]),
        customer_id=row["customer_id"],
        ticket_id=row["id"],
        callback_id=callback,
        agent_id=agent,
        created_at=dt.datetime.combine(sent, dt.time(10), tzinfo=timezone.get_default_timezone()),
    )


def _notices(line, rows, *, rng, today: dt.date) -> list[LetterRecord]:
    """Notices and invitations (and the property office's dunning letters): a few a week."""
    kinds = [LetterKind.NOTICE, LetterKind.INVITATION]
    if line.industry == "property":
        kinds.append(LetterKind.DUNNING)
    letters = []
    for row in rows[::4]:
        sent = timezone.localtime(row["resolved_at"]).date() + dt.timedelta(days=2)
        if sent >= today:
            continue
        agent = row["assignee_id"] or row["first_owner_id"]
        letter = _letter(line, row, rng.choice(kinds), sent, agent, None, rng)
        letter.ticket_id = None
        letters.append(letter)
    return letters


def counts_by_kind() -> dict[str, int]:
    """Rows of each kind the story wrote (for the build summary and tests)."""
    out: dict[str, int] = defaultdict(int)
    for model in (CallbackTask, CallRecord, LetterRecord, Escalation, GradeChange, SlaEvent):
        out[model._meta.model_name] = model.objects.count()
    return dict(out)
