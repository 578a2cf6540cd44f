"""Writes of the periodic reports: the weekly feedback letter to a unit (FU-10), the weekly
meeting with its corrective actions and the check of the last ones (RPT-5), and the signed
year-end summary (RPT-2). Each write is one transaction with its audit record; bad input changes
nothing; a second letter, meeting or signature for the same period is a 409."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.reports import periods, weekly, yearly
from kefu.reports import statement as st
from kefu.reports.models import (
    ActionStatus,
    CorrectiveAction,
    FeedbackLetter,
    WeeklyMeeting,
    YearSummary,
)

MAX_TEXT = 20_000
MAX_ACTION = 500
MAX_ACTIONS = 50


def can_write(user) -> bool:
    """Supervisors and above write to departments and sign the year."""
    return scope.at_least(user, scope.SUPERVISOR)


def can_hold_meeting(user) -> bool:
    """Team leads and above record their team's weekly meeting."""
    return scope.at_least(user, scope.LEAD)


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid(_("Some fields are not valid."), fields={field: _("This field is required.")})
    if len(text) > limit:
        raise Invalid(
            _("Some fields are not valid."),
            fields={field: _("At most %(n)s characters.") % {"n": f"{limit:,}"}},
        )
    return text


def _started(span: periods.Span, field: str) -> None:
    if span.start > timezone.localdate():
        raise Invalid(
            _("This period has not begun yet."), fields={field: _("Choose a past period.")}
        )


def feedback_write(*, user, week, unit_id, text) -> FeedbackLetter:
    """Write the week's callback results and customer feedback to one unit, archived with the
    unit's figures of the week as they are now (FU-10)."""
    from kefu.tickets.models_sla import ResponsibleUnit

    if not can_write(user):
        raise PermissionDenied(_("Only a supervisor or a manager may do this."))
    span = periods.parse_week(week)
    _started(span, "week")
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    unit = ResponsibleUnit.objects.filter(scope.business_line_q(user), pk=pk).first()
    if unit is None:
        raise NotFound()
    body = _text(text, "text")
    data = weekly.feedback(user, week=span, line_id=unit.business_line_id)
    row = next((r for r in data["units"] if r["unit_id"] == unit.pk), None)
    snapshot = {"week": span.label, "unit": row or {"unit_id": unit.pk, "unit": unit.name}}
    with transaction.atomic():
        try:
            with transaction.atomic():
                letter = FeedbackLetter.objects.create(
                    business_line_id=unit.business_line_id,
                    unit=unit,
                    week=span.start,
                    text=body,
                    snapshot=snapshot,
                    written_by=user if user.pk else None,
                )
        except IntegrityError:
            raise Conflict(_("This unit's feedback for the week is already archived.")) from None
        audit.record(
            actor=user,
            action="reports.feedback_written",
            obj=letter,
            changes={"week": span.label, "unit": unit.pk},
        )
        from kefu.reports import letter_mail

        letter_mail.schedule(letter.pk)  # e-mailed to the unit once this commits (FU-10)
    return letter


def _team(user, team_id):
    from kefu.accounts.models import Team

    try:
        pk = int(team_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    team = Team.objects.filter(
        scope.records_q(user, team="pk", business_line="business_line_id"), pk=pk
    ).first()
    if team is None:
        raise NotFound()
    return team


def _owner(team, value):
    from kefu.accounts.models import User

    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = None
    owner = User.objects.filter(
        pk=pk, is_active=True, business_line_id=team.business_line_id
    ).first()
    if owner is None:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"owner": _("Choose a person of the business line.")},
        )
    return owner


def _due(value) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"due_on": _("Enter a date such as 2026-11-05.")},
        ) from None


def open_actions(team_id: int, before: dt.date):
    """The corrective actions of a team's earlier meetings still waiting for their check."""
    return (
        CorrectiveAction.objects.filter(
            meeting__team_id=team_id, meeting__week__lt=before, status=ActionStatus.OPEN
        )
        .select_related("owner", "meeting")
        .order_by("due_on", "id")
    )


def meeting_record(
    *, user, team_id, week, minutes, plan="", actions=(), checks=()
) -> WeeklyMeeting:
    """Record a team's weekly meeting: the agenda frozen from the week's figures, the minutes,
    the next week's plan, new corrective actions (text, owner, due date) and the check of the
    open actions of earlier meetings (``checks``: action id, version, done or not_done, note)."""
    if not can_hold_meeting(user):
        raise PermissionDenied(_("Only a team lead or above may do this."))
    span = periods.parse_week(week)
    _started(span, "week")
    team = _team(user, team_id)
    text, plan_text = _text(minutes, "minutes"), _text(plan, "plan", required=False)
    if len(actions) > MAX_ACTIONS:
        raise Invalid(_("At most 50 actions per meeting."))
    new = [
        (
            _text(a.get("text"), "text", limit=MAX_ACTION),
            _owner(team, a.get("owner")),
            _due(a.get("due_on")),
        )
        for a in actions
    ]
    waiting = {a.pk: a for a in open_actions(team.pk, span.start)}
    checked = []
    for c in checks:
        action = waiting.get(_int(c.get("action")))
        if action is None:
            raise NotFound()
        status = c.get("status")
        if status not in (ActionStatus.DONE, ActionStatus.NOT_DONE):
            raise Invalid(_("Some fields are not valid."), fields={"status": _("Not valid.")})
        checked.append(
            (
                action,
                _int(c.get("version")),
                status,
                _text(c.get("note"), "note", required=False, limit=MAX_ACTION),
            )
        )
    agenda = weekly.summary(user, week=span, line_id=team.business_line_id, team_id=team.pk)
    with transaction.atomic():
        try:
            with transaction.atomic():
                meeting = WeeklyMeeting.objects.create(
                    business_line_id=team.business_line_id,
                    team=team,
                    week=span.start,
                    held_at=timezone.now(),
                    agenda=agenda,
                    minutes=text,
                    plan=plan_text,
                    recorded_by=user if user.pk else None,
                )
        except IntegrityError:
            raise Conflict(_("This team's meeting for the week is already recorded.")) from None
        CorrectiveAction.objects.bulk_create(
            CorrectiveAction(meeting=meeting, text=t, owner=o, due_on=d) for t, o, d in new
        )
        for action, version, status, note in checked:
            done = CorrectiveAction.objects.filter(
                pk=action.pk, version=version, status=ActionStatus.OPEN
            ).update(
                status=status,
                check_note=note,
                checked_in=meeting,
                version=version + 1,
                updated_at=timezone.now(),
            )
            if not done:
                raise StaleWrite()
        audit.record(
            actor=user,
            action="reports.meeting_recorded",
            obj=meeting,
            changes={
                "week": span.label,
                "team": team.pk,
                "actions": len(new),
                "checked": {a.pk: s for a, _v, s, _n in checked},
            },
        )
    return meeting


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def year_sign(*, user, year, business_line=None, summary) -> YearSummary:
    """Sign a line's year-end summary: the written summary, the year's figures frozen. Possible
    from December of the year on (the summary is written at the year's end), once."""
    if not can_write(user):
        raise PermissionDenied(_("Only a supervisor or a manager may do this."))
    span = periods.parse_year(year)
    line_id = st.line_for(user, business_line)
    if not line_id:
        raise Invalid(
            _("Choose the business line whose year you sign."),
            fields={"business_line": _("Required.")},
        )
    text = _text(summary, "summary")
    if dt.date(span.start.year, 12, 1) > timezone.localdate():
        raise Invalid(
            _("A year-end summary can be signed from December of the year on."),
            fields={"year": _("This year has not reached December yet.")},
        )
    data = yearly.year_summary(user, year=span, business_line=line_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                signed = YearSummary.objects.create(
                    business_line_id=line_id,
                    year=span.start.year,
                    summary=text,
                    snapshot=data,
                    signed_by=user if user.pk else None,
                    signed_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("This year's summary is already signed.")) from None
        audit.record(
            actor=user,
            action="reports.year_signed",
            obj=signed,
            changes={"year": span.label, "complaints": data["total"]["complaints"]},
        )
    return signed
