"""日结周报 and the weekly meeting (issue 22 §3; RPT-4, RPT-5, FU-10): the daily close per team,
the week's callback results and customer feedback per unit concerned — each figure recomputed
from the raw rows — archived as written letters; the meeting's agenda, corrective actions and
their check at the next meeting."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from testkit import agree_solution

from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.followups.models import CallbackTask, TaskStatus
from kefu.reports import daily, periodic_services, periods, weekly
from kefu.reports.models import ActionStatus, CorrectiveAction, FeedbackLetter
from kefu.tickets import complaints
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

TZ = dt.timezone(dt.timedelta(hours=8))
WEEK = "2026-W45"  # Monday 2 November – Sunday 8 November 2026


def _at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=TZ), tick=False)


def _resolve(ticket, actor):
    ticket = Ticket.objects.get(pk=ticket.pk)
    agree_solution(ticket, actor)
    return ticket_update(
        actor=actor, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )


def _log(ticket, actor, result, notes=""):
    from kefu.followups.services import callback_log_outcome

    task = CallbackTask.objects.filter(ticket=ticket, status=TaskStatus.OPEN).get()
    return callback_log_outcome(
        actor=actor, task=task, version=task.version, outcome=result, notes=notes
    )


@pytest.fixture
def week_data(org, manager, agent, make_ticket):
    """Complaints of 26 October handed to 仓库 (3) and 快递站 (2), one to no unit; resolved on
    the 27th; their first callbacks logged on Tuesday 3 November, one on Saturday 31 October."""
    units = {
        name: complaints.unit_create(
            actor=manager, business_line=org.shop, name=name, kind="station"
        )
        for name in ("仓库", "快递站")
    }
    tickets: dict[str, list] = {"仓库": [], "快递站": [], None: []}
    with _at(2026, 10, 26, 10):
        for name, n in (("仓库", 3), ("快递站", 2), (None, 2)):
            for _ in range(n):
                t = make_ticket(agent)
                if name:
                    complaints.handoff_create(
                        actor=agent,
                        ticket=t,
                        unit=units[name],
                        due_at=timezone.now() + dt.timedelta(days=2),
                    )
                tickets[name].append(t)
    with _at(2026, 10, 27, 10):
        for group in tickets.values():
            for t in group:
                _resolve(t, agent)
    with _at(2026, 10, 31, 10):
        _log(tickets[None][1], agent, "satisfied", "上周已回访")
    with _at(2026, 11, 3, 10):
        w, k = tickets["仓库"], tickets["快递站"]
        _log(w[0], agent, "satisfied", "")
        _log(w[1], agent, "dissatisfied", "配送太慢，包装破损")
        _log(w[2], agent, "satisfied", "态度很好")
        _log(k[0], agent, "satisfied", "")
        _log(k[1], agent, "unreachable", "")
        _log(tickets[None][0], agent, "satisfied", "")
        # a complaint handed to 快递站 in the week itself
        t = make_ticket(agent)
        complaints.handoff_create(
            actor=agent,
            ticket=t,
            unit=units["快递站"],
            due_at=timezone.now() + dt.timedelta(days=2),
        )
    return units


def _raw_done(unit, week):
    start, end = week.bounds
    return CallbackTask.objects.filter(
        status=TaskStatus.DONE, done_at__gte=start, done_at__lt=end, ticket__handoffs__unit=unit
    ).distinct()


def test_fu10_weekly_feedback_per_unit_recomputed_from_raw_rows(week_data, manager):
    # given
    week = periods.parse_week(WEEK)
    # when
    data = weekly.feedback(manager, week=week, line_id=manager.business_line_id)
    # then: one row per unit concerned, each figure equal to the raw callbacks
    rows = {r["unit"]: r for r in data["units"]}
    for name, unit in week_data.items():
        raw = _raw_done(unit, week)
        row = rows[name]
        assert row["callbacks"] == raw.count()
        assert {o["key"]: o["count"] for o in row["outcomes"] if o["count"]} == {
            o: raw.filter(outcome=o).count() for o in set(raw.values_list("outcome", flat=True))
        }
        assert (
            row["callbacks"] == weekly.callbacks_for_unit(manager, None, week, str(unit.pk)).count()
        )
    assert rows["仓库"]["callbacks"] == 3 and rows["仓库"]["unhappy"] == 1
    assert rows["快递站"]["callbacks"] == 2 and rows["快递站"]["complaints_handed"] == 1
    assert rows["仓库"]["complaints_handed"] == 0  # handed over the week before
    # the customers' remarks, the unhappy one first
    assert [r["notes"] for r in rows["仓库"]["remarks"]] == ["配送太慢，包装破损", "态度很好"]
    # the callback on a ticket handed to no unit is its own row; Saturday's is last week's
    assert next(r for r in data["units"] if r["unit_id"] is None)["callbacks"] == 1


def test_fu10_feedback_letters_are_archived_once_with_frozen_figures(week_data, manager, agent):
    unit = week_data["仓库"]
    with _at(2026, 11, 7, 16):
        with pytest.raises(PermissionDenied):
            periodic_services.feedback_write(user=agent, week=WEEK, unit_id=unit.pk, text="反馈")
        with pytest.raises(Invalid):
            periodic_services.feedback_write(user=manager, week=WEEK, unit_id=unit.pk, text=" ")
        with pytest.raises(Invalid):
            periodic_services.feedback_write(
                user=manager, week="2026-W53x", unit_id=unit.pk, text="x"
            )
        with pytest.raises(NotFound):
            periodic_services.feedback_write(user=manager, week=WEEK, unit_id=999999, text="x")
        letter = periodic_services.feedback_write(
            user=manager, week=WEEK, unit_id=unit.pk, text="本周一位客户反映配送慢，请仓库整改。"
        )
        with pytest.raises(Conflict):
            periodic_services.feedback_write(user=manager, week=WEEK, unit_id=unit.pk, text="再写")
    assert FeedbackLetter.objects.count() == 1
    assert letter.week == dt.date(2026, 11, 2)
    assert letter.snapshot["unit"]["callbacks"] == 3 and letter.snapshot["unit"]["unhappy"] == 1


def test_rpt4_daily_close_per_team_equals_raw_rows_and_drill_downs(
    org, manager, agent, agent2, make_ticket
):
    # given: on 5 November two tickets for 售后一组 (one resolved the same day), one for 售前组,
    # and an older 售后一组 ticket due on the 4th, still open
    with _at(2026, 11, 3, 10):
        old = make_ticket(agent, type="consult")
    Ticket.objects.filter(pk=old.pk).update(due_at=dt.datetime(2026, 11, 4, 12, tzinfo=TZ))
    with _at(2026, 11, 5, 9):
        a = make_ticket(agent, type="consult")
        make_ticket(agent, type="consult")
        make_ticket(agent2, type="consult")
    with _at(2026, 11, 5, 15):
        _resolve(a, agent)
    day = periods.parse_day("2026-11-05")
    # when
    data = daily.team_figures(manager, day=day, line_id=manager.business_line_id)
    # then
    rows = {r["team"]: r for r in data["teams"]}
    after, pre = rows["售后一组"], rows["售前组"]
    assert (after["received"], after["resolved"], after["open"], after["overdue"]) == (2, 1, 2, 1)
    assert (pre["received"], pre["open"]) == (1, 1)
    _start, end = day.bounds
    raw_open = Ticket.objects.filter(team=org.aftersales1, created_at__lt=end).exclude(
        resolved_at__lt=end
    )
    assert after["open"] == raw_open.count()
    for row in data["teams"]:
        for figure in daily.FIGURES:
            assert row[figure] == daily.drill(manager, None, day, figure, row["key"]).count()
    assert data["total"]["received"] == 3
    with pytest.raises(Invalid):
        daily.drill(manager, None, day, "nonsense")


def test_rpt5_meeting_records_actions_and_checks_them_next_week(
    org, manager, lead, agent, make_ticket
):
    with _at(2026, 11, 3, 10):
        make_ticket(agent)
        make_ticket(agent, type="consult")
    with _at(2026, 11, 7, 15):
        with pytest.raises(PermissionDenied):
            periodic_services.meeting_record(
                user=agent, team_id=org.aftersales1.pk, week=WEEK, minutes="会议"
            )
        with pytest.raises(Invalid):
            periodic_services.meeting_record(
                user=lead,
                team_id=org.aftersales1.pk,
                week=WEEK,
                minutes="会议",
                actions=[{"text": "整改", "owner": agent.pk, "due_on": "下周"}],
            )
        first = periodic_services.meeting_record(
            user=lead,
            team_id=org.aftersales1.pk,
            week=WEEK,
            minutes="本周投诉一件。",
            plan="下周回访全部完成。",
            actions=[{"text": "回访话术培训", "owner": agent.pk, "due_on": "2026-11-12"}],
        )
        with pytest.raises(Conflict):
            periodic_services.meeting_record(
                user=lead, team_id=org.aftersales1.pk, week=WEEK, minutes="again"
            )
    # the agenda is the week's figures of the team
    assert first.agenda["complaints"] == 1 and first.agenda["total"]["received"] == 2
    assert first.agenda == weekly.summary(
        lead, week=periods.parse_week(WEEK), line_id=org.shop.pk, team_id=org.aftersales1.pk
    )
    action = CorrectiveAction.objects.get()
    assert list(periodic_services.open_actions(org.aftersales1.pk, dt.date(2026, 11, 9))) == [
        action
    ]
    with _at(2026, 11, 14, 15):
        with pytest.raises(StaleWrite):
            periodic_services.meeting_record(
                user=lead,
                team_id=org.aftersales1.pk,
                week="2026-W46",
                minutes="复查",
                checks=[{"action": action.pk, "version": action.version + 1, "status": "done"}],
            )
        second = periodic_services.meeting_record(
            user=lead,
            team_id=org.aftersales1.pk,
            week="2026-W46",
            minutes="复查上周整改。",
            checks=[
                {"action": action.pk, "version": action.version, "status": "done", "note": "已培训"}
            ],
        )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.checked_in == second
    assert action.check_note == "已培训"
    assert not periodic_services.open_actions(org.aftersales1.pk, dt.date(2026, 11, 16)).exists()
