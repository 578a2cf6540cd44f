"""Business calendar pages (issue 4 §1): working hours, override days and whole years the
holiday package does not cover (2027), entered by administrators and by a line's manager."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kefu.cli import main
from kefu.core.business_calendar import calendar_for
from kefu.core.calendar import add_business_hours
from kefu.core.models import AuditEvent, CalendarDay

SH = dt.timezone(dt.timedelta(hours=8))
GLOBAL = "/accounts/org/calendar/"
# 2027's Spring Festival as an administrator would copy it from the State Council's notice
SPRING_FESTIVAL = {
    "action": "year",
    "year": "2027",
    "holidays": "2027-01-01\n2027-02-06..2027-02-12",
    "workdays": "2027-02-20",
    "note": "国务院办公厅通知",
}


def line_url(line) -> str:
    return f"/accounts/org/calendar/lines/{line.pk}/"


def sla_due(capsys, *args: str) -> str:
    code = main(["sla", "due", *args, "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)["due"]


def test_admin_enters_2027_and_sla_due_skips_its_holidays(db, admin_user, web_as, capsys):
    """§1: a year the package does not cover is entered through the page; `kefu sla due` and
    add_business_hours then skip its holidays and count its make-up workday."""
    # given: Friday 5 Feb 2027 17:00 + 2 h falls on Monday 8 Feb while 2027 is unknown
    assert sla_due(capsys, "--start", "2027-02-05T17:00", "--hours", "2") == (
        "2027-02-08T10:00:00+08:00"
    )
    client = web_as(admin_user)

    # when
    response = client.post(GLOBAL, SPRING_FESTIVAL)

    # then
    assert response.status_code == 302
    assert CalendarDay.objects.filter(business_line=None, date__year=2027).count() == 365
    assert sla_due(capsys, "--start", "2027-02-05T17:00", "--hours", "2") == (
        "2027-02-15T10:00:00+08:00"
    )
    # the make-up Saturday counts: Friday 19 Feb 17:00 + 2 h → Saturday 20 Feb 10:00
    assert sla_due(capsys, "--start", "2027-02-19T17:00", "--hours", "2") == (
        "2027-02-20T10:00:00+08:00"
    )
    start = dt.datetime(2026, 12, 31, 17, 0, tzinfo=SH)
    assert add_business_hours(start, 2, calendar_for()) == dt.datetime(2027, 1, 4, 10, tzinfo=SH)
    page = client.get(GLOBAL, {"year": "2027", "month": "2"}).content.decode()
    assert 'data-date="2027-02-08" data-status="holiday"' in page
    assert 'data-date="2027-02-20" data-status="makeup"' in page
    assert 'data-date="2027-02-22" data-status="workday"' in page
    assert AuditEvent.objects.filter(action="calendar_year.enter", actor=admin_user).exists()


def test_month_grid_shows_uncovered_days_of_a_year_not_entered(db, admin_user, web_as):
    page = web_as(admin_user).get(GLOBAL, {"year": "2027", "month": "3"}).content.decode()

    assert 'data-date="2027-03-01" data-status="uncovered"' in page
    assert 'data-date="2027-03-06" data-status="uncovered"' in page


def test_month_grid_of_a_covered_year_shows_holidays_and_make_up_days(db, admin_user, web_as):
    page = web_as(admin_user).get(GLOBAL, {"year": "2026", "month": "10"}).content.decode()

    assert 'data-date="2026-10-01" data-status="holiday"' in page  # 国庆, a Thursday
    assert 'data-date="2026-10-10" data-status="makeup"' in page  # 调休 Saturday
    assert 'data-date="2026-10-12" data-status="workday"' in page
    assert 'data-date="2026-10-17" data-status="weekend"' in page


def test_a_year_the_package_covers_is_refused_and_changes_nothing(db, admin_user, web_as):
    client = web_as(admin_user)

    response = client.post(GLOBAL, {**SPRING_FESTIVAL, "year": "2026", "holidays": "2026-03-02"})

    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "already covers 2026" in page


def test_a_bad_date_list_is_explained_and_changes_nothing(db, admin_user, web_as):
    client = web_as(admin_user)

    response = client.post(GLOBAL, {**SPRING_FESTIVAL, "holidays": "2027-02-30"}, follow=True)

    assert not CalendarDay.objects.exists()
    assert "“2027-02-30” is not a date" in response.content.decode()


def test_admin_adds_and_removes_one_day(db, admin_user, web_as):
    client = web_as(admin_user)

    client.post(
        GLOBAL, {"action": "day_set", "date": "2026-12-31", "is_workday": "0", "note": "年终盘点"}
    )
    day = CalendarDay.objects.get()
    listed = client.get(GLOBAL, {"year": "2026"}).content.decode()
    client.post(GLOBAL, {"action": "day_delete", "date": "2026-12-31"})

    assert (day.date, day.is_workday, day.note) == (dt.date(2026, 12, 31), False, "年终盘点")
    assert "年终盘点" in listed
    assert not CalendarDay.objects.exists()


def test_manager_sets_his_lines_working_hours_and_days(db, org, manager, web_as):
    client = web_as(manager)

    client.post(
        line_url(org.shop),
        {"action": "settings", "working_hours": "07:00-14:00, 14:00-21:00", "calendar": "cn"},
    )
    client.post(line_url(org.shop), {"action": "day_set", "date": "2026-12-28", "is_workday": "0"})

    org.shop.refresh_from_db()
    assert org.shop.policy("working_hours") == ["07:00-21:00"]
    assert CalendarDay.objects.get().business_line_id == org.shop.pk
    page = client.get(line_url(org.shop), {"year": "2026", "month": "12"}).content.decode()
    assert 'data-date="2026-12-28" data-status="holiday"' in page


def test_bad_working_hours_are_refused(db, org, manager, web_as):
    response = web_as(manager).post(
        line_url(org.shop),
        {"action": "settings", "working_hours": "25:00-26:00", "calendar": "cn"},
        follow=True,
    )

    org.shop.refresh_from_db()
    assert org.shop.policy("working_hours") != ["25:00-26:00"]
    assert "not valid" in response.content.decode()


def test_manager_cannot_open_or_edit_another_lines_calendar(db, org, manager, web_as):
    client = web_as(manager)

    get = client.get(line_url(org.property))
    post = client.post(line_url(org.property), {**SPRING_FESTIVAL})
    shared = client.post(GLOBAL, {**SPRING_FESTIVAL})

    assert get.status_code == 404
    assert post.status_code == 404
    assert shared.status_code == 403
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("role", ["agent", "lead", "supervisor"])
def test_staff_below_manager_get_403_on_the_calendar_pages(db, org, request, web_as, role):
    client = web_as(request.getfixturevalue(role))

    answers = [
        client.get(GLOBAL).status_code,
        client.get(line_url(org.shop)).status_code,
        client.post(line_url(org.shop), {**SPRING_FESTIVAL}).status_code,
    ]

    assert answers == [403, 403, 403]
    assert not CalendarDay.objects.exists()


def test_calendar_page_runs_a_bounded_number_of_queries(
    db, org, admin_user, web_as, django_assert_max_num_queries
):
    client = web_as(admin_user)
    client.post(GLOBAL, SPRING_FESTIVAL)

    with django_assert_max_num_queries(10):
        response = client.get(line_url(org.shop), {"year": "2027", "month": "2"})

    assert response.status_code == 200


def test_calendar_page_speaks_chinese(db, settings, admin_user, web_as):
    settings.LANGUAGE_CODE = "zh-hans"

    page = web_as(admin_user).get(
        GLOBAL, {"year": "2027", "month": "2"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    html = page.content.decode()
    assert "录入全年" in html and "所有业务线共用的工作日历" in html and "无数据" in html
