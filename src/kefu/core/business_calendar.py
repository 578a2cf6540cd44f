"""The business calendar on the Django side: a line's policies and CalendarDay overrides → the
pure ``core.calendar.BusinessCalendar``; the services that edit overrides; the coverage warning.

Policies of a business line (``BusinessLine.policy``):
``working_hours`` — a list of ``"HH:MM-HH:MM"`` windows (default ``["09:00-18:00"]``; shifts such
as ``["07:00-14:00", "14:00-21:00"]``); ``calendar`` — ``"cn"`` (Chinese workdays, default),
``"daily"`` (the working hours of every day, holidays included: the property front desk, SCH-4)
or ``"24x7"`` (calendar time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, line_settings, scope
from kefu.core.calendar import (
    ALWAYS,
    CN,
    DEFAULT_WINDOWS,
    KINDS,
    BusinessCalendar,
    CalendarError,
    Window,
    package_covers_year,
    parse_windows,
    uncovered_days,
)
from kefu.core.errors import Invalid, PermissionDenied
from kefu.core.models import CalendarDay

COVERAGE_DAYS = 60


def calendar_overrides(business_line=None) -> dict[dt.date, bool]:
    """Workday decisions entered by administrators: the global ones, then the line's own (which
    win). One query."""
    rows = CalendarDay.objects.filter(business_line__isnull=True)
    if business_line is not None:
        rows = CalendarDay.objects.filter(
            Q(business_line__isnull=True) | Q(business_line=business_line)
        )
    decided: dict[dt.date, bool] = {}
    own: dict[dt.date, bool] = {}
    for day, is_workday, line_id in rows.values_list("date", "is_workday", "business_line_id"):
        (own if line_id is not None else decided)[day] = is_workday
    decided.update(own)
    return decided


def calendar_for(
    business_line=None,
    *,
    kind: str | None = None,
    windows: tuple[Window, ...] | None = None,
    overrides: dict[dt.date, bool] | None = None,
) -> BusinessCalendar:
    """The business calendar SLA clocks of ``business_line`` run on (all lines' default without one).

    ``kind`` and ``windows`` replace the line's policies when given; ``overrides`` replaces the
    CalendarDay query (for callers that already hold them). Raises ``Invalid`` when the line's
    policies do not describe a calendar.
    """
    if kind is None:
        kind = (business_line.policy("calendar") if business_line is not None else None) or CN
    if windows is None:
        windows = DEFAULT_WINDOWS
        hours = business_line.policy("working_hours") if business_line is not None else None
        if hours:
            windows = _policy_windows(hours)
    if overrides is None:
        overrides = calendar_overrides(business_line) if kind != ALWAYS else {}
    try:
        return BusinessCalendar(windows=windows, kind=kind, overrides=overrides)
    except CalendarError as exc:
        raise Invalid(
            _("The calendar of this business line is not valid."), fields={"calendar": str(exc)}
        )


def _policy_windows(hours) -> tuple[Window, ...]:
    try:
        return parse_windows(hours)
    except CalendarError as exc:
        raise Invalid(
            _("The working hours of this business line are not valid."),
            fields={"working_hours": str(exc)},
        )


def calendar_coverage_warning(
    business_line=None, today: dt.date | None = None, days: int = COVERAGE_DAYS
) -> list[dt.date] | None:
    """The days among the next ``days`` (from ``today``) that neither the chinese_calendar
    package nor an administrator's CalendarDay decides; None when every day is decided.

    The admin dashboard warns with these dates: SLA clocks on them fall back to Monday–Friday.
    """
    today = today or timezone.localdate()
    calendar = calendar_for(business_line)
    missing = uncovered_days(calendar, today, days)
    return missing or None


def _check_may_edit(actor, business_line) -> None:
    if scope.is_admin(actor):
        return
    if (
        business_line is not None
        and scope.at_least(actor, scope.MANAGER)
        and actor.business_line_id == business_line.pk
    ):
        return
    raise PermissionDenied(_("Only an administrator may change the business calendar."))


@transaction.atomic
def calendar_day_set(
    *, actor, date: dt.date, is_workday: bool, note: str = "", business_line=None
) -> CalendarDay:
    """Decide one date: a workday (e.g. a 调休 make-up day) or a day off (a holiday).

    Global without ``business_line``. Administrators may set any day, a manager his line's days.
    """
    _check_may_edit(actor, business_line)
    day = (
        CalendarDay.objects.select_for_update()
        .filter(business_line=business_line, date=date)
        .first()
    )
    before = {"is_workday": day.is_workday, "note": day.note} if day else {}
    after = {"is_workday": bool(is_workday), "note": note.strip()}
    if day is None:
        day = CalendarDay(business_line=business_line, date=date, **after)
        day.full_clean(validate_unique=False, validate_constraints=False)
        day.save()
    elif before != after:
        day.is_workday, day.note = after["is_workday"], after["note"]
        day.full_clean(validate_unique=False, validate_constraints=False)
        day.save(update_fields=["is_workday", "note", "updated_at"])
    else:
        return day
    audit.record(
        actor=actor,
        action="calendar_day.set",
        obj=day,
        changes={"date": date.isoformat(), **audit.diff(before, after)},
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor, date: dt.date, business_line=None) -> bool:
    """Remove the decision about ``date``: the package (or Monday–Friday) decides again."""
    _check_may_edit(actor, business_line)
    day = CalendarDay.objects.filter(business_line=business_line, date=date).first()
    if day is None:
        return False
    audit.record(
        actor=actor,
        action="calendar_day.delete",
        obj=day,
        changes={"date": date.isoformat(), "is_workday": [day.is_workday, None]},
    )
    day.delete()
    return True


@transaction.atomic
def calendar_year_enter(
    *,
    actor,
    year: int,
    holidays: Iterable[dt.date] = (),
    workdays: Iterable[dt.date] = (),
    business_line=None,
    note: str = "",
) -> int:
    """Enter a whole year the chinese_calendar package does not cover (e.g. 2027 from the State
    Council's notice): ``holidays`` are days off, ``workdays`` are 调休 make-up days, every other
    day of the year not yet decided follows Monday–Friday. Returns how many days were created.

    Days already decided keep their decision unless listed. Refused for years the package covers.
    """
    _check_may_edit(actor, business_line)
    holidays, workdays = set(holidays), set(workdays)
    if package_covers_year(year):
        raise Invalid(
            _("The holiday data already covers %(year)s; change single days instead.")
            % {"year": year},
            fields={"year": str(year)},
        )
    if holidays & workdays:
        raise Invalid(
            _("A day cannot be both a holiday and a workday."),
            fields={"holidays": ", ".join(sorted(d.isoformat() for d in holidays & workdays))},
        )
    outside = sorted(d.isoformat() for d in holidays | workdays if d.year != year)
    if outside:
        raise Invalid(
            _("Every day must be in %(year)s.") % {"year": year},
            fields={"days": ", ".join(outside)},
        )
    existing = dict(
        CalendarDay.objects.select_for_update()
        .filter(business_line=business_line, date__year=year)
        .values_list("date", "pk")
    )
    listed = dict.fromkeys(holidays, False) | dict.fromkeys(workdays, True)
    for is_workday in (False, True):
        pks = [existing[d] for d, value in listed.items() if value is is_workday and d in existing]
        CalendarDay.objects.filter(pk__in=pks).update(
            is_workday=is_workday, updated_at=timezone.now()
        )
    first = dt.date(year, 1, 1)
    new = []
    for offset in range((dt.date(year + 1, 1, 1) - first).days):
        date = first + dt.timedelta(days=offset)
        if date not in existing:
            is_workday = listed.get(date, date.weekday() < 5)
            new.append(
                CalendarDay(
                    business_line=business_line, date=date, is_workday=is_workday, note=note
                )
            )
    CalendarDay.objects.bulk_create(new)
    # update and bulk_create send no signal
    line_settings.changed(getattr(business_line, "pk", None))
    audit.record(
        actor=actor,
        action="calendar_year.enter",
        business_line_id=getattr(business_line, "pk", None),
        changes={
            "year": year,
            "created": len(new),
            "holidays": sorted(d.isoformat() for d in holidays),
            "workdays": sorted(d.isoformat() for d in workdays),
        },
    )
    return len(new)


@transaction.atomic
def business_line_calendar_set(
    *, actor, business_line, working_hours: Iterable[str] | str, calendar: str = CN
):
    """Set a line's working windows (policy ``working_hours``) and holiday source (``calendar``).

    Windows are validated and stored normalised (touching shifts joined). Administrators, or the
    line's manager.
    """
    _check_may_edit(actor, business_line)
    if calendar not in KINDS:
        raise Invalid(
            _("Choose a calendar: Chinese workdays or every day around the clock."),
            fields={"calendar": calendar},
        )
    windows = _policy_windows(working_hours)
    before = {k: business_line.policies.get(k) for k in ("working_hours", "calendar")}
    after = {"working_hours": [str(w) for w in windows], "calendar": calendar}
    changes = audit.diff(before, after)
    if changes:
        business_line.policies = {**business_line.policies, **after}
        business_line.save(update_fields=["policies", "updated_at"])
        audit.record(
            actor=actor,
            action="business_line.calendar",
            obj=business_line,
            business_line_id=business_line.pk,
            changes=changes,
        )
    return business_line
