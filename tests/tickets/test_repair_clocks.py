"""Issue 23 §1: repair clocks and resolution targets as the sources decide them.

SR-2 / RPR-4 「小修不过夜,大修不过三」 (decision §9.13): a 小修 repair is due by 23:59:59 local of
the day it was reported, whatever the weekday or holiday; a 大修 within 72 calendar hours, unless
the line's policy says business time explicitly. SCH-4: the property front desk works 07:00–14:00
and 14:00–21:00 every day. RET-1 / RET-2: returns within 48 h of receipt, a VIP's within 24 h,
in calendar hours. A line's policies say whether their hours are business or calendar hours and
the SLA pages show which."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from kefu.core.business_calendar import calendar_for
from kefu.core.calendar import CN, BusinessCalendar
from kefu.tickets import services, sla
from kefu.tickets.models import Category
from kefu.tickets.models_sla import SlaClock, SlaPolicy
from kefu.tickets.sla_services import sla_policy_create

SH = dt.timezone(dt.timedelta(hours=8))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def repairs(org):
    services.category_tree_create(business_line=org.property, tree={"居家报修": ["小修", "大修"]})
    return {
        name: Category.objects.get(business_line=org.property, name=name)
        for name in ("小修", "大修")
    }


@pytest.fixture
def report(org, wy_agent, make_customer, time_machine):
    def _report(when: dt.datetime, category: Category, **fields):
        time_machine.move_to(when, tick=False)
        return services.ticket_create(
            actor=wy_agent,
            title="卫生间水龙头漏水",
            type="repair",
            channel="phone",
            customer=make_customer(org.property),
            category=category.pk,
            **fields,
        )

    return _report


def _resolution(ticket) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, kind="resolution")


def test_sr2_minor_repair_due_235959_the_same_day_on_a_saturday_and_a_holiday(repairs, report):
    saturday_night = report(at(2026, 11, 28, 22, 30), repairs["小修"])
    assert saturday_night.due_at == at(2026, 11, 28, 23, 59, 59)
    assert not _resolution(saturday_night).business_time
    assert not BusinessCalendar(kind=CN).is_workday(dt.date(2026, 10, 2))  # 国庆 holiday
    holiday = report(at(2026, 10, 2, 9, 15), repairs["小修"])
    assert holiday.due_at == at(2026, 10, 2, 23, 59, 59)


def test_sr2_major_repair_within_72_calendar_hours_over_a_weekend(repairs, report):
    friday = report(at(2026, 11, 27, 17, 0), repairs["大修"])
    clock = _resolution(friday)
    assert clock.target_seconds == 72 * 3600
    assert not clock.business_time
    assert friday.due_at == at(2026, 11, 30, 17, 0)


def test_sr2_business_time_only_when_the_line_policy_says_so(org, admin_user, repairs, report):
    """A policy that says business time explicitly: 小修 by the end of the front desk's working
    day (21:00, SCH-4), a report after 21:00 by the end of the next day's."""
    sla_policy_create(
        actor=admin_user,
        business_line=org.property,
        name="小修按营业时间",
        ticket_type="repair",
        category="小修",
        resolution_days=0,
        business_time=True,
    )
    ticket = report(at(2026, 11, 28, 10, 0), repairs["小修"])
    assert _resolution(ticket).business_time
    assert ticket.due_at == at(2026, 11, 28, 21, 0)
    late = report(at(2026, 11, 28, 21, 30), repairs["小修"])
    assert late.due_at == at(2026, 11, 29, 21, 0)


def test_sch4_property_front_desk_works_0700_to_2100_every_day(org):
    calendar = calendar_for(org.property)
    assert [str(w) for w in calendar.windows] == ["07:00-21:00"]
    for day in (dt.date(2026, 11, 29), dt.date(2026, 10, 1)):  # a Sunday, National Day
        bounds = list(calendar.bounds(day))
        assert [(a.astimezone(SH).time(), b.astimezone(SH).time()) for a, b in bounds] == [
            (dt.time(7, 0), dt.time(21, 0))
        ]
    # a normal property ticket (24 business hours) taken Saturday 20:00: 1 h on Saturday,
    # 14 h on Sunday, 9 h on Monday → Monday 16:00
    assert sla.deadline(at(2026, 11, 28, 20, 0), 24 * 3600, 0, calendar) == at(2026, 11, 30, 16)


def test_sch4_other_lines_keep_chinese_workdays_0900_to_1800(org):
    calendar = calendar_for(org.shop)
    assert [str(w) for w in calendar.windows] == ["09:00-18:00"]
    assert not calendar.is_workday(dt.date(2026, 11, 29))


def test_ret1_ret2_returns_48_calendar_hours_vip_24(org, agent, make_customer, time_machine):
    time_machine.move_to(at(2026, 11, 27, 17, 0), tick=False)  # a Friday evening

    def returned(**customer):
        return services.ticket_create(
            actor=agent,
            title="退货已寄回",
            type="return",
            channel="phone",
            customer=make_customer(org.shop, **customer),
        )

    normal, vip = returned(), returned(tier="vip")
    assert normal.due_at == at(2026, 11, 29, 17, 0)  # Sunday: weekends count
    assert vip.due_at == at(2026, 11, 28, 17, 0)
    assert not _resolution(normal).business_time and not _resolution(vip).business_time
    refund = services.ticket_create(
        actor=agent, title="申请退款", type="refund", channel="phone", customer=make_customer()
    )
    assert refund.due_at == at(2026, 11, 29, 17, 0)


def test_resolution_hours_are_business_hours_unless_the_line_says_calendar(org):
    rules = {r.name: r for r in sla.line_builtin_policies(org.shop.policy, "ecommerce")}
    assert rules["priority:normal"].business_time
    assert not rules["return:all"].business_time
    org.shop.policies = {**org.shop.policies, "resolution_time": "calendar"}
    rules = {r.name: r for r in sla.line_builtin_policies(org.shop.policy, "ecommerce")}
    assert not rules["priority:normal"].business_time
    assert "return:all" not in {
        r.name for r in sla.line_builtin_policies(org.property.policy, "property")
    }


def test_sla_pages_say_business_or_calendar_time(
    org, wy_agent, admin_user, repairs, report, client
):
    client.force_login(admin_user)
    html = client.get(
        reverse("sla:policies"), {"line": org.property.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "07:00-21:00" in html and "每天" in html
    assert "自然时间" in html and "当天 23:59:59 前" in html and "72 小时" in html
    html = client.get(
        reverse("sla:policies"), {"line": org.property.pk}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Calendar time" in html and "by 23:59:59 of the same day" in html
    ticket = report(at(2026, 11, 28, 10, 0), repairs["大修"])
    client.force_login(wy_agent)
    html = client.get(
        reverse("tickets:detail", args=[ticket.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "自然时间" in html


def test_sr2_migration_moves_old_seeded_repair_policies_to_calendar_time(org):
    minor = SlaPolicy.objects.create(
        business_line=org.property, name="repair:minor", ticket_type="repair", resolution_days=0
    )
    major = SlaPolicy.objects.create(
        business_line=org.property, name="repair:major", ticket_type="repair", resolution_days=3
    )
    changed = SlaPolicy.objects.create(
        business_line=org.shop, name="repair:major", ticket_type="repair", resolution_days=3
    )
    migration = import_module("kefu.tickets.migrations.0010_repair_clocks_calendar_time")
    migration.calendar_time_repairs(django_apps, None)
    minor.refresh_from_db()
    major.refresh_from_db()
    changed.refresh_from_db()
    assert not minor.business_time and minor.resolution_days == 0
    assert (major.business_time, major.resolution_days, major.resolution_minutes) == (
        False,
        None,
        4320,
    )
    assert changed.business_time and changed.resolution_days == 3


def test_sr2_minor_repair_reported_with_a_fraction_of_a_second_is_still_due_235959():
    calendar = BusinessCalendar.always()
    start = dt.datetime(2026, 11, 28, 10, 0, 0, 669000, tzinfo=SH)
    rule = sla.PolicyRule(name="m", resolution_days=0, business_time=False)
    due = sla.deadline(
        start, sla.target_seconds(rule, sla.RESOLUTION, start, calendar), 0, calendar
    )
    assert at(2026, 11, 28, 23, 59, 59) <= due < at(2026, 11, 29)
