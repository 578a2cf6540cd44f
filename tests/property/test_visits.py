"""SEG-11 door-to-door visits: at least 4 households per agent a month (the tally shows who is
short), the note reaches the owner's profile, a household is not visited again within 30 days,
another line's household is refused; the page keeps what was typed when refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Invalid
from kefu.customers.models import CustomerNote
from kefu.property import rules, visits
from kefu.property.models import DoorVisit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_at_the_test():
    """Today as each test runs: a suite that crosses midnight in Asia/Shanghai (16:00 UTC) read
    the date of its import, and a visit "tomorrow" had become today's."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture
def agents(org):
    return (
        make_user("wy_v1", "agent", team=org.wy_front),
        make_user("wy_v2", "agent", team=org.wy_front),
        make_user("wy_vlead", "lead", team=org.wy_front),
    )


def test_tally_counts_households_and_shows_who_is_short(agents, make_unit):
    one, two, lead = agents
    for n in range(4):
        visits.visit_record(
            actor=one, unit_id=make_unit(room=f"10{n}").pk, visited_on=TODAY, note="业主在家"
        )
    visits.visit_record(actor=two, unit_id=make_unit(room="201").pk, visited_on=TODAY, note="好")

    tally = visits.monthly_tally(lead)

    rows = {r["user"].username: (r["households"], r["short"]) for r in tally["rows"]}
    assert rows == {"wy_v1": (4, 0), "wy_v2": (1, 3)}
    assert tally["short"] == 1
    assert tally["rows"][0]["user"] == two  # the shortest first
    # last month's tally is its own
    last_month = (TODAY.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert all(r["households"] == 0 for r in visits.monthly_tally(lead, last_month)["rows"])


def test_note_reaches_the_profile_and_a_second_visit_within_30_days_is_refused(agents, make_unit):
    one, two, _lead = agents
    unit = make_unit()
    visits.visit_record(
        actor=one, unit_id=unit.pk, visited_on=TODAY - dt.timedelta(days=29), note="独居老人"
    )
    assert CustomerNote.objects.filter(customer=unit.customer, body__contains="独居老人").exists()

    with pytest.raises(Invalid):
        visits.visit_record(actor=two, unit_id=unit.pk, visited_on=TODAY, note="再访")
    assert DoorVisit.objects.count() == 1
    assert not rules.visit_too_soon(TODAY - dt.timedelta(days=30), TODAY)


@pytest.mark.parametrize(
    ("when", "note"),
    [(1, "x"), (-40, "x"), (0, "")],
)
def test_bad_visits_are_refused(agents, make_unit, when, note):
    day = TODAY + dt.timedelta(days=when)
    with pytest.raises(Invalid):
        visits.visit_record(actor=agents[0], unit_id=make_unit().pk, visited_on=day, note=note)
    assert not DoorVisit.objects.exists()


def test_another_lines_household_is_unknown(org, make_unit):
    shop_agent = make_user("shop_v", "agent", team=org.aftersales1)
    with pytest.raises(Invalid):
        visits.visit_record(actor=shop_agent, unit_id=make_unit().pk, visited_on=TODAY, note="x")


def test_page_records_a_visit_and_keeps_the_values_when_refused(agents, make_unit, client):
    one, _two, _lead = agents
    unit = make_unit()
    client.force_login(one)
    url = reverse("property:visit_add")

    ok = client.post(url, {"unit": unit.pk, "visited_on": TODAY.isoformat(), "note": "业主满意"})
    again = client.post(url, {"unit": unit.pk, "visited_on": TODAY.isoformat(), "note": "再来"})

    assert ok.status_code == 302
    assert again.status_code == 400
    page = again.content.decode()
    assert 'value="再来"' in page and f'<option value="{unit.pk}" selected' in page
    listing = client.get(reverse("property:visits")).content.decode()
    assert "业主满意" in listing


def test_demo_visits_on_a_small_line_keep_households_30_days_apart(agents, make_unit):
    from kefu.demo.visit_rows import build_visit_rows

    for n in range(5):
        make_unit(room=f"30{n}")

    written = build_visit_rows(now=timezone.now(), seed=1)

    assert written == DoorVisit.objects.count() > 5
    by_unit: dict = {}
    for unit_id, day in DoorVisit.objects.order_by("visited_on").values_list("unit", "visited_on"):
        if unit_id in by_unit:
            assert (day - by_unit[unit_id]).days >= 30
        by_unit[unit_id] = day
    assert CustomerNote.objects.filter(body__startswith="上门拜访").count() == written
    from kefu.property.models import CommunityActivity  # PM-X5: past months and the next

    starts = list(CommunityActivity.objects.values_list("starts_at", flat=True))
    assert min(starts) < timezone.now() - dt.timedelta(days=150) and max(starts) > timezone.now()
    assert build_visit_rows(now=timezone.now(), seed=1) == 0


def test_pm_x5_supervisor_publishes_an_activity_with_its_fee_agents_read_the_calendar(
    org, agents, wy_supervisor, client
):
    from kefu.core.errors import PermissionDenied
    from kefu.property import activities

    start = timezone.localtime() + dt.timedelta(days=2)
    with pytest.raises(PermissionDenied):
        activities.activity_publish(
            actor=agents[0], title="篮球赛", starts_at=start, place="球场", fee_yuan="0"
        )
    for fee in ("-1", "abc"):
        with pytest.raises(Invalid):
            activities.activity_publish(
                actor=wy_supervisor, title="瑜伽", starts_at=start, place="活动中心", fee_yuan=fee
            )
    activities.activity_publish(
        actor=wy_supervisor, title="瑜伽体验课", starts_at=start, place="活动中心", fee_yuan="20"
    )
    activities.activity_publish(
        actor=wy_supervisor, title="电影夜", starts_at=start, place="广场", fee_yuan=""
    )

    client.force_login(agents[0])
    month = start.strftime("%Y-%m")
    page = client.get(reverse("property:activities"), {"month": month}).content.decode()
    assert "瑜伽体验课" in page and "20.00" in page and "Free" in page
    assert 'id="activity-form"' not in page  # an agent reads, a supervisor publishes
    shop = make_user("shop_a", "agent", team=org.aftersales1)
    assert not activities.activities_for(shop).exists()
