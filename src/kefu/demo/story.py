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
from kefu.demo.bulk import historic_timestamps
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
from kefu.surveys.models import (
    Questionnaire,
    QuestionnaireStatus,
    Source,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from kefu.tickets.models import Status, Ticket
from kefu.tickets.models_sla import Clock, Level, Notification, SlaClock, SlaEvent

DAYS = 180
PER_WEEK = 36  # tickets per business line and week that get a callback (the sample)
RECENT_DAYS = 10  # resolved this recently and still resolved: the live callback service's job
REACHED = 0.88  # first callbacks that reach the customer (回访率 80–95 %)
SURVEYED = 0.55  # closed tickets of the sample that get a survey link, of which …
ANSWERED = 0.62  # … this share answers
SLA_DAYS = 70  # SLA events for tickets created this recently (this month and last, with margin)
BATCH = 2000
OPEN = (Status.NEW, Status.IN_PROGRESS, Status.PENDING)

SCALE5 = ((5, 64), (4, 29), (3, 5), (2, 1), (1, 1))  # CSI ≈ 91
SCALE10 = ((10, 36), (9, 24), (8, 18), (7, 9), (6, 6), (5, 4), (4, 2), (3, 1))  # NPS ≈ 46
COMMENTS = (
    "客服态度很好，处理及时。",
    "问题解决了，谢谢！",
    "希望以后响应再快一点。",
    "师傅很专业，满意。",
    "回访很贴心。",
    "等待时间有点长，其他都好。",
)
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


def _pick(rng: random.Random, table) -> int:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


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
        _sla_story(now=now, rng=rng, story=story)
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
    story.responses += _surveys(line, closed_for_survey, rng=rng, now=now)


def _malignant_every_month(grades: list, changes: list, *, tz) -> None:
    """Every month of a line has its 恶性投诉 (a supervisor's monthly report lists them): where
    chance gave a month none, its first repeat complaint was flagged by a supervisor."""
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


def _surveys(line, closed, *, rng, now) -> int:
    """After-close survey links for closed tickets; about ANSWERED of them answered."""
    questionnaire = (
        Questionnaire.objects.filter(
            business_line=line, status=QuestionnaireStatus.ACTIVE, after_close=True
        )
        .order_by("id")
        .first()
    )
    if questionnaire is None or not closed:
        return 0
    questions = list(questionnaire.questions.order_by("order", "id"))
    invitations, answered = [], []
    for row, agent, closed_at in closed:
        sent = closed_at + dt.timedelta(minutes=rng.randint(2, 30))
        if sent >= now:
            continue
        answer_at = sent + dt.timedelta(hours=rng.uniform(0.5, 48))
        done = answer_at < now and rng.random() < ANSWERED
        invitations.append(
            SurveyInvitation(
                business_line_id=line.pk,
                questionnaire_id=questionnaire.pk,
                source=Source.AFTER_CLOSE,
                customer_id=row["customer_id"],
                ticket_id=row["id"],
                agent_id=agent,
                team_id=row["team_id"],
                department_id=row["department_id"],
                expires_at=sent + dt.timedelta(days=questionnaire.link_days),
                sent_at=sent,
                sent_channels="sms",
                answered_at=answer_at if done else None,
                created_at=sent,
                updated_at=answer_at if done else sent,
            )
        )
        answered.append(done)
    SurveyInvitation.objects.bulk_create(invitations, batch_size=BATCH)
    # bulk_create sets the primary keys on PostgreSQL and SQLite alike (RETURNING)
    responses = [
        SurveyResponse(invitation=inv, submitted_at=inv.answered_at, channel=Source.AFTER_CLOSE)
        for inv, done in zip(invitations, answered, strict=True)
        if done
    ]
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
    answers = []
    for response in responses:
        inv = response.invitation
        happy = rng.random() < 0.94
        for q in questions:
            score = max_score = None
            text, chosen = "", []
            if q.kind == "scale5":
                score, max_score = _pick(rng, SCALE5 if happy else SCALE5[2:]), 5
            elif q.kind == "scale10":
                score, max_score = _pick(rng, SCALE10 if happy else SCALE10[3:]), 10
            elif q.kind in ("single", "multiple") and q.choices:
                chosen = [rng.choice(q.choices)]
            elif q.kind == "text":
                if rng.random() > 0.35:
                    continue
                text = rng.choice(COMMENTS)
            else:
                continue
            answers.append(
                SurveyAnswer(
                    response_id=response.pk,
                    question_id=q.pk,
                    kind=q.kind,
                    dimension=q.dimension,
                    score=score,
                    max_score=max_score,
                    choices=chosen,
                    text=text,
                    business_line_id=line.pk,
                    questionnaire_id=questionnaire.pk,
                    department_id=inv.department_id,
                    team_id=inv.team_id,
                    agent_id=inv.agent_id,
                    answered_at=response.submitted_at,
                )
            )
    SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH)
    return len(responses)


# -- service levels ------------------------------------------------------------------------


def _sla_story(*, now: dt.datetime, rng, story: Story) -> None:
    """Breaches for the tickets of the last SLA_DAYS days resolved after their due time (or
    still open past it), warnings for those that used more than 80 % of their time, a
    notification for each to the assignee (read unless recent), and the running resolution
    clock of every open ticket of that period."""
    since = now - dt.timedelta(days=SLA_DAYS)
    leads = dict(User.objects.filter(role="lead", team__isnull=False).values_list("team_id", "pk"))
    recent = now - dt.timedelta(days=3)
    events, notes = [], []
    qs = Ticket.objects.filter(created_at__gte=since, due_at__isnull=False).values_list(
        "id", "created_at", "due_at", "resolved_at", "status", "assignee_id", "team_id"
    )
    for pk, created, due, resolved, status, assignee, team in qs.iterator(chunk_size=BATCH):
        if resolved is None and status not in OPEN:
            continue
        warn_at = created + (due - created) * 0.8
        end = resolved or now
        if warn_at >= end:
            continue
        levels = [(Level.WARNING, warn_at)]
        if end > due:
            levels.append((Level.BREACH, due))
        for level, at in levels:
            to = leads.get(team) if level == Level.BREACH else None
            events.append(
                SlaEvent(
                    ticket_id=pk,
                    clock=Clock.RESOLUTION,
                    level=level,
                    escalated_to_id=to,
                    due_at=due,
                    created_at=at,
                )
            )
            notes.extend(
                Notification(
                    user_id=user,
                    kind=Notification.Kind.SLA,
                    ticket_id=pk,
                    clock=Clock.RESOLUTION,
                    level=level,
                    created_at=at,
                    read_at=None if at > recent else at + dt.timedelta(minutes=20),
                )
                for user in sorted({assignee, to} - {None})
            )
        if len(events) >= BATCH:
            _flush(events, notes, story)
    _flush(events, notes, story)
    _open_clocks(since=since, now=now)


def _flush(events: list, notes: list, story: Story) -> None:
    SlaEvent.objects.bulk_create(events, batch_size=BATCH)
    Notification.objects.bulk_create(notes, batch_size=BATCH)
    story.sla_events += len(events)
    story.notifications += len(notes)
    events.clear()
    notes.clear()


def _open_clocks(*, since: dt.datetime, now: dt.datetime) -> None:
    """The resolution clock of each open ticket: the next level the periodic SLA job fires is
    the warning at 80 % of the target, or none once the ticket is past due (its breach is
    recorded above)."""
    clocks = []
    open_tickets = Ticket.objects.filter(
        created_at__gte=since, status__in=OPEN, due_at__isnull=False
    ).values_list("id", "created_at", "due_at", "status")
    for pk, created, due, status in open_tickets.iterator(chunk_size=BATCH):
        target = max(int((due - created).total_seconds()), 60)
        warn_at = created + dt.timedelta(seconds=target * 0.8)
        if due <= now:
            last, nxt, nxt_at = Level.BREACH, None, None
        elif warn_at <= now:
            last, nxt, nxt_at = Level.WARNING, Level.BREACH, due
        else:
            last, nxt, nxt_at = None, Level.WARNING, warn_at
        paused = status == Status.PENDING
        clocks.append(
            SlaClock(
                ticket_id=pk,
                kind=Clock.RESOLUTION,
                policy_name="",
                target_seconds=target,
                business_time=False,
                started_at=created,
                paused_since=now if paused else None,
                due_at=due,
                last_level=last,
                next_level=None if paused else nxt,
                next_at=None if paused else nxt_at,
            )
        )
    SlaClock.objects.bulk_create(clocks, batch_size=BATCH)


def counts_by_kind() -> dict[str, int]:
    """Rows of each kind the story wrote (for the build summary and tests)."""
    out: dict[str, int] = defaultdict(int)
    for model in (CallbackTask, CallRecord, LetterRecord, Escalation, GradeChange, SlaEvent):
        out[model._meta.model_name] = model.objects.count()
    return dict(out)
