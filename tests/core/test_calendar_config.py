"""The business calendar of a business line (issue 4 §1): policies, admin overrides, coverage."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.business_calendar import (
    business_line_calendar_set,
    calendar_coverage_warning,
    calendar_day_delete,
    calendar_day_set,
    calendar_for,
    calendar_year_enter,
)
from kefu.core.calendar import SHANGHAI, add_business_hours
from kefu.core.errors import Invalid, PermissionDenied
from kefu.core.models import AuditEvent, CalendarDay

NEW_YEAR_2027 = dt.date(2027, 1, 1)  # a Friday; chinese_calendar has no 2027 data


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def due(line, start: str, hours) -> str:
    return add_business_hours(at(start), hours, calendar_for(line)).isoformat()


def test_a_line_without_calendar_policies_works_nine_to_six_on_chinese_workdays(org):
    # Wed 30 Sep 14:00 + 24 h: 4 h, 国庆 1–7 Oct, Thu 8 and Fri 9 Oct (18 h), Sat 10 Oct (调休) 2 h
    assert due(org.shop, "2026-09-30T14:00", 24) == "2026-10-10T11:00:00+08:00"


def test_a_line_with_two_shifts_counts_seven_to_nine(org, admin_user):
    # given the property office on 07:00–14:00 + 14:00–21:00
    business_line_calendar_set(
        actor=admin_user, business_line=org.property, working_hours=["07:00-14:00", "14:00-21:00"]
    )
    # then its policy is stored joined, and 07:00 + 14 h ends at 21:00 the same day
    org.property.refresh_from_db()
    assert org.property.policy("working_hours") == ["07:00-21:00"]
    assert due(org.property, "2026-11-23T07:00", 14) == "2026-11-23T21:00:00+08:00"
    # while the shop keeps office hours: 07:00 + 14 h = 9 h Monday + 5 h Tuesday → 14:00
    assert due(org.shop, "2026-11-23T07:00", 14) == "2026-11-24T14:00:00+08:00"
    assert AuditEvent.objects.filter(action="business_line.calendar").count() == 1


def test_a_24x7_line_counts_calendar_hours(org, admin_user):
    business_line_calendar_set(
        actor=admin_user, business_line=org.auto, working_hours="00:00-24:00", calendar="24x7"
    )
    # Thu 1 Oct (国庆) 10:00 + 30 h → Fri 2 Oct 16:00
    assert due(org.auto, "2026-10-01T10:00", 30) == "2026-10-02T16:00:00+08:00"


def test_bad_working_hours_are_refused_and_change_nothing(org, admin_user):
    with pytest.raises(Invalid) as caught:
        business_line_calendar_set(
            actor=admin_user,
            business_line=org.shop,
            working_hours=["09:00-13:00", "12:00-18:00"],
        )
    assert "overlap" in caught.value.fields["working_hours"]
    org.shop.refresh_from_db()
    assert org.shop.policy("working_hours") is None


def test_a_hand_edited_bad_policy_is_a_clear_error_not_a_crash(org):
    org.shop.policies = {**org.shop.policies, "working_hours": ["18:00-09:00"]}
    with pytest.raises(Invalid) as caught:
        calendar_for(org.shop)
    assert "ends before it starts" in caught.value.fields["working_hours"]


def test_an_admin_override_for_a_year_outside_the_package_changes_the_answer(org, admin_user):
    """§1: 2027 behaves by weekdays until an administrator enters 元旦 as a holiday."""
    # given Thu 31 Dec 2026 17:00 + 2 h: 1 h on Thursday, Fri 1 Jan 2027 is a plain weekday
    assert due(org.shop, "2026-12-31T17:00", 2) == "2027-01-01T10:00:00+08:00"
    # when the administrator enters 1 Jan 2027 as a holiday (for every line)
    calendar_day_set(actor=admin_user, date=NEW_YEAR_2027, is_workday=False, note="元旦")
    # then the clock skips Fri 1 Jan and the weekend → Mon 4 Jan 10:00
    assert due(org.shop, "2026-12-31T17:00", 2) == "2027-01-04T10:00:00+08:00"
    assert due(org.auto, "2026-12-31T17:00", 2) == "2027-01-04T10:00:00+08:00"
    assert AuditEvent.objects.filter(action="calendar_day.set").count() == 1


def test_a_line_override_wins_over_the_global_one(org, admin_user, manager):
    # given 1 Jan 2027 off for everyone, but the shop (manager's line) works it for a sale
    calendar_day_set(actor=admin_user, date=NEW_YEAR_2027, is_workday=False)
    calendar_day_set(actor=manager, date=NEW_YEAR_2027, is_workday=True, business_line=org.shop)
    # then
    assert due(org.shop, "2026-12-31T17:00", 2) == "2027-01-01T10:00:00+08:00"
    assert due(org.auto, "2026-12-31T17:00", 2) == "2027-01-04T10:00:00+08:00"
    # and removing the shop's day brings the global holiday back
    assert calendar_day_delete(actor=manager, date=NEW_YEAR_2027, business_line=org.shop)
    assert due(org.shop, "2026-12-31T17:00", 2) == "2027-01-04T10:00:00+08:00"


def test_an_override_can_make_a_package_holiday_a_workday(org, admin_user):
    # Sat 3 Oct 2026 (国庆) entered as a workday for the shop: 10:00 + 1 h → 11:00 that day
    calendar_day_set(
        actor=admin_user, date=dt.date(2026, 10, 3), is_workday=True, business_line=org.shop
    )
    assert due(org.shop, "2026-10-03T10:00", 1) == "2026-10-03T11:00:00+08:00"
    assert due(org.auto, "2026-10-03T10:00", 1) == "2026-10-08T10:00:00+08:00"


def test_setting_the_same_day_twice_updates_it(org, admin_user):
    calendar_day_set(actor=admin_user, date=NEW_YEAR_2027, is_workday=True)
    calendar_day_set(actor=admin_user, date=NEW_YEAR_2027, is_workday=False, note="元旦")
    day = CalendarDay.objects.get(business_line=None, date=NEW_YEAR_2027)
    assert (day.is_workday, day.note) == (False, "元旦")


def test_only_administrators_edit_global_days_and_managers_their_own_line(
    org, agent, manager, supervisor
):
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=manager, date=NEW_YEAR_2027, is_workday=False)
    with pytest.raises(PermissionDenied):
        calendar_day_set(
            actor=manager, date=NEW_YEAR_2027, is_workday=False, business_line=org.property
        )
    with pytest.raises(PermissionDenied):
        calendar_day_set(
            actor=supervisor, date=NEW_YEAR_2027, is_workday=False, business_line=org.shop
        )
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=agent, date=NEW_YEAR_2027, is_workday=False, business_line=org.shop)
    assert not CalendarDay.objects.exists()


def test_coverage_warning_lists_the_undecided_days_of_the_next_sixty(org, admin_user):
    """§1: the dashboard warns when the next 60 days are not covered by calendar data."""
    today = dt.date(2026, 11, 23)
    # 23 Nov 2026 + 59 days = 21 Jan 2027: 1–21 Jan 2027 are not covered
    missing = calendar_coverage_warning(today=today)
    assert (missing[0], missing[-1], len(missing)) == (NEW_YEAR_2027, dt.date(2027, 1, 21), 21)
    # one entered day is covered, the rest still warn
    calendar_day_set(actor=admin_user, date=NEW_YEAR_2027, is_workday=False)
    assert len(calendar_coverage_warning(org.shop, today=today)) == 20
    # early in the package's last year nothing is missing
    assert calendar_coverage_warning(today=dt.date(2026, 3, 1)) is None


def test_entering_a_whole_year_covers_it(org, admin_user):
    """§1: 2027 must be enterable now; holidays and 调休 days from the State Council notice."""
    # when the administrator enters 2027 with 元旦 off and Sun 7 Feb 2027 as a make-up workday
    created = calendar_year_enter(
        actor=admin_user,
        year=2027,
        holidays=[NEW_YEAR_2027],
        workdays=[dt.date(2027, 2, 7)],
        note="国务院办公厅通知",
    )
    # then every day of 2027 is decided and the warning is gone
    assert created == 365
    assert calendar_coverage_warning(today=dt.date(2026, 11, 23)) is None
    calendar = calendar_for(org.shop)
    assert calendar.is_workday(dt.date(2027, 2, 7)) is True  # a Sunday worked
    assert calendar.is_workday(dt.date(2027, 1, 1)) is False
    assert calendar.is_workday(dt.date(2027, 3, 1)) is True  # a Monday
    assert calendar.is_workday(dt.date(2027, 3, 6)) is False  # a Saturday


def test_entering_a_year_keeps_earlier_decisions_unless_listed(org, admin_user):
    calendar_day_set(actor=admin_user, date=dt.date(2027, 5, 3), is_workday=False)
    calendar_day_set(actor=admin_user, date=dt.date(2027, 5, 4), is_workday=False)
    created = calendar_year_enter(actor=admin_user, year=2027, workdays=[dt.date(2027, 5, 4)])
    assert created == 363
    assert calendar_for().is_workday(dt.date(2027, 5, 3)) is False
    assert calendar_for().is_workday(dt.date(2027, 5, 4)) is True


@pytest.mark.parametrize(
    ("year", "holidays", "workdays", "field"),
    [
        (2026, [], [], "year"),
        (2027, [NEW_YEAR_2027], [NEW_YEAR_2027], "holidays"),
        (2027, [dt.date(2028, 1, 1)], [], "days"),
    ],
)
def test_entering_a_year_refuses_bad_input(admin_user, year, holidays, workdays, field):
    with pytest.raises(Invalid) as caught:
        calendar_year_enter(actor=admin_user, year=year, holidays=holidays, workdays=workdays)
    assert field in caught.value.fields
    assert not CalendarDay.objects.exists()
