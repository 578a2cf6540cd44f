"""Home page: administrators and managers are warned when the next 60 days are not covered by
holiday data (issue 4 §1), with the count, the first date and a link to the calendar page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

SH = dt.timezone(dt.timedelta(hours=8))
MID_DECEMBER = dt.datetime(2026, 12, 15, 10, 0, tzinfo=SH)
YEAR_2027 = {"action": "year", "year": "2027", "holidays": "2027-01-01", "workdays": ""}


@pytest.fixture
def december(time_machine):
    # 15 Dec 2026 + 60 days reaches into 2027, which the holiday package does not cover
    time_machine.move_to(MID_DECEMBER, tick=False)


def warning(client) -> str | None:
    html = client.get("/").content.decode()
    found = re.search(r'<div[^>]*id="calendar-warning".*?</div>', html, re.S)
    return found.group(0) if found else None


def test_admin_is_warned_until_2027_is_entered(december, admin_user, web_as):
    client = web_as(admin_user)

    before = warning(client)
    client.post("/accounts/org/calendar/", YEAR_2027)
    after = warning(client)

    # 1 Jan … 12 Feb 2027: 43 of the 60 days from 15 Dec have no data
    assert before is not None
    assert "43 days of the next 60 days" in before
    assert "first: 2027-01-01" in before
    assert 'href="/accounts/org/calendar/"' in before
    assert after is None


def test_manager_is_warned_for_his_line_and_links_to_its_calendar(december, org, manager, web_as):
    client = web_as(manager)

    before = warning(client)
    client.post(f"/accounts/org/calendar/lines/{org.shop.pk}/", YEAR_2027)
    after = warning(client)

    assert f'href="/accounts/org/calendar/lines/{org.shop.pk}/"' in before
    assert after is None


def test_a_line_working_around_the_clock_needs_no_holiday_data(december, org, manager, web_as):
    client = web_as(manager)

    client.post(
        f"/accounts/org/calendar/lines/{org.shop.pk}/",
        {"action": "settings", "working_hours": "09:00-18:00", "calendar": "24x7"},
    )

    assert warning(client) is None


@pytest.mark.parametrize("role", ["agent", "lead", "supervisor"])
def test_staff_below_manager_see_no_calendar_warning(december, request, web_as, role):
    assert warning(web_as(request.getfixturevalue(role))) is None


def test_no_warning_while_the_next_60_days_are_covered(time_machine, admin_user, web_as):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SH), tick=False)

    assert warning(web_as(admin_user)) is None


def test_the_warning_speaks_chinese(december, settings, admin_user, web_as):
    settings.LANGUAGE_CODE = "zh-hans"

    html = web_as(admin_user).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "工作日历在未来 60 天中有 43 天没有节假日数据" in html
