"""The periodic reports' demo rows (issue 22 §3): for each of the last 25 finished weeks, the
written feedback to every unit concerned (FU-10) with the week's figures frozen, and each team's
weekly meeting — agenda, minutes, next week's plan, one or two corrective actions with owners —
whose actions the next meeting checks (most done, some not); the last week's stay open.

Idempotent: letters and meetings that exist are kept."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from kefu.demo.bulk import historic_timestamps

WEEKS = 25
ACTIONS = (
    "回访话术复训，重点是不满意客户的安抚",
    "超时工单每日下班前清零",
    "转交单位超期未反馈的，组长当天电话催办",
    "重复投诉逐单复盘，周五前提交原因分析",
    "节假日排班补足售后人手",
)
MINUTES = "通报本周受理、解决、未结和超时情况；回访完成率与客户意见逐条过一遍；{focus}。"
FOCUS = ("超时工单原因分析", "不满意回访逐单复盘", "转交单位反馈时效", "重复投诉预防")
PLAN = "下周：未结工单周三前处理过半，回访按期完成，不满意客户 24 小时内二次回访。"
LETTER = "{unit}：本周回访 {n} 次，其中不满意 {bad} 次。请针对客户反映的问题核实整改，下周例会前书面回复。"


def build_periodic_rows(lines, *, now: dt.datetime | None = None, seed: int = 0) -> dict[str, int]:
    from kefu.accounts.models import Team, User
    from kefu.reports import periods, weekly
    from kefu.reports.models import (
        ActionStatus,
        CorrectiveAction,
        FeedbackLetter,
        FeedbackMail,
        WeeklyMeeting,
    )
    from kefu.reports.statement import SystemViewer

    now = now or timezone.now()
    rng = random.Random(seed + 223)
    this_week = periods.week_of(timezone.localdate(now))
    weeks = [
        periods.week_of(this_week.start - dt.timedelta(days=7 * n)) for n in range(WEEKS, 0, -1)
    ]
    counts = {"letters": 0, "meetings": 0, "actions": 0}
    viewer = SystemViewer()
    for line in lines:
        writer = (
            User.objects.filter(business_line=line, role__in=("supervisor", "manager"))
            .order_by("id")
            .first()
        )
        have_letters = set(
            FeedbackLetter.objects.filter(business_line=line).values_list("unit_id", "week")
        )
        teams = list(Team.objects.filter(business_line=line, is_active=True).order_by("id"))
        staff = {
            t.pk: list(User.objects.filter(team=t, is_active=True).order_by("id")) for t in teams
        }
        have_meetings = set(
            WeeklyMeeting.objects.filter(business_line=line).values_list("team_id", "week")
        )
        with (
            transaction.atomic(),
            historic_timestamps(FeedbackLetter, FeedbackMail, WeeklyMeeting, CorrectiveAction),
        ):
            for week in weeks:
                held = timezone.make_aware(
                    dt.datetime.combine(week.last_day - dt.timedelta(days=1), dt.time(15))
                )
                data = weekly.feedback(viewer, week=week, line_id=line.pk)
                letters = [
                    FeedbackLetter(
                        business_line=line,
                        unit_id=row["unit_id"],
                        week=week.start,
                        text=LETTER.format(
                            unit=row["unit"], n=row["callbacks"], bad=row["unhappy"]
                        ),
                        snapshot={"week": week.label, "unit": row},
                        written_by=writer,
                        created_at=held,
                        updated_at=held,
                    )
                    for row in data["units"]
                    if row["unit_id"]
                    and row["callbacks"]
                    and (row["unit_id"], week.start) not in have_letters
                ]
                FeedbackLetter.objects.bulk_create(letters)
                counts["letters"] += len(letters)
                _mailed(letters, held + dt.timedelta(hours=2))
                summary = weekly.summary(viewer, week=week, line_id=line.pk)
                by_team = {t["team_id"]: t for t in summary["teams"]}
                for team in teams:
                    people = staff[team.pk]
                    if not people or (team.pk, week.start) in have_meetings:
                        continue
                    lead = next((p for p in people if p.role == "lead"), people[0])
                    team_row = by_team.get(team.pk)
                    meeting = WeeklyMeeting.objects.create(
                        business_line=line,
                        team=team,
                        week=week.start,
                        held_at=held,
                        agenda={**summary, "teams": [team_row] if team_row else []},
                        minutes=MINUTES.format(focus=rng.choice(FOCUS)),
                        plan=PLAN,
                        recorded_by=lead,
                        created_at=held,
                        updated_at=held,
                    )
                    counts["meetings"] += 1
                    waiting = CorrectiveAction.objects.filter(
                        meeting__team=team, status=ActionStatus.OPEN, meeting__week__lt=week.start
                    )
                    for action in waiting:
                        done = rng.random() < 0.8
                        action.status = ActionStatus.DONE if done else ActionStatus.NOT_DONE
                        action.check_note = "已落实" if done else "未按期完成，顺延一周"
                        action.checked_in = meeting
                        action.version += 1
                        action.updated_at = held
                        action.save(
                            update_fields=[
                                "status",
                                "check_note",
                                "checked_in",
                                "version",
                                "updated_at",
                            ]
                        )
                    new = [
                        CorrectiveAction(
                            meeting=meeting,
                            text=rng.choice(ACTIONS),
                            owner=rng.choice(people),
                            due_on=week.end + dt.timedelta(days=4),
                            created_at=held,
                            updated_at=held,
                        )
                        for _ in range(rng.randint(1, 2))
                    ]
                    CorrectiveAction.objects.bulk_create(new)
                    counts["actions"] += len(new)
    return counts


def _mailed(letters, at: dt.datetime) -> None:
    """Each letter went out by e-mail to its unit's address (FU-10) a couple of hours after the
    meeting; a unit without an address shows as such."""
    from kefu.reports.letter_mail import unit_address
    from kefu.reports.models import FeedbackMail, LetterMailStatus
    from kefu.tickets.models_sla import ResponsibleUnit

    contacts = dict(
        ResponsibleUnit.objects.filter(pk__in={x.unit_id for x in letters}).values_list(
            "pk", "contact"
        )
    )
    rows = []
    for letter in letters:
        address = unit_address(contacts.get(letter.unit_id, ""))
        status = LetterMailStatus.SENT if address else LetterMailStatus.NO_ADDRESS
        rows.append(
            FeedbackMail(
                letter=letter,
                address=address,
                status=status,
                sent_at=at if address else None,
                created_at=at,
                updated_at=at,
            )
        )
    FeedbackMail.objects.bulk_create(rows)
