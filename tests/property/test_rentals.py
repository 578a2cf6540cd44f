"""PM-X5 the rental-housing register kept complete (tenant, contact phone, lease dates; a lease
that ended is incomplete), its completeness figure with the incomplete rows first; a stale
update is 409; a move-out takes the unit off the register. And the activity centre's fees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.property import activities, rentals, rules
from kefu.property.models import CentreFee, Tenancy, UnitProfile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_at_the_test():
    """Today as each test runs: a suite that crosses midnight in Asia/Shanghai (16:00 UTC) read
    the date of its import, and a visit "tomorrow" had become today's."""
    global TODAY
    TODAY = timezone.localdate()


def test_gaps_of_a_register_row():
    full = {
        "tenant_name": "张三",
        "phone": "13800138000",
        "lease_start": dt.date(2026, 1, 1),
        "lease_end": dt.date(2026, 12, 31),
    }
    assert rules.tenancy_gaps(full, dt.date(2026, 12, 31)) == []
    assert rules.tenancy_gaps(full, dt.date(2027, 1, 1)) == [rules.LEASE_ENDED]
    assert rules.tenancy_gaps({**full, "phone": "", "lease_end": None}, dt.date(2026, 6, 1)) == [
        rules.NO_PHONE,
        rules.NO_END,
    ]
    assert rules.tenancy_gaps(None, dt.date(2026, 6, 1)) == [rules.NO_TENANT]
    assert rules.completeness(2, 3) == Decimal("0.6667")
    assert rules.completeness(0, 0) is None


def test_register_counts_complete_rows_and_lists_the_incomplete_first(wy_agent, make_unit):
    a, b, c = (make_unit(room=r) for r in ("101", "102", "103"))
    make_unit(room="104")  # lived in by its owner: not on the register
    year = dt.timedelta(days=365)
    rentals.tenancy_record(
        actor=wy_agent,
        unit_id=a.pk,
        tenant_name="张三",
        phone="138-0013-8000",
        lease_start=TODAY - dt.timedelta(days=30),
        lease_end=TODAY + year,
    )
    rentals.tenancy_record(actor=wy_agent, unit_id=b.pk, tenant_name="李四")  # no phone, no dates
    rentals.tenancy_record(
        actor=wy_agent,
        unit_id=c.pk,
        tenant_name="王五",
        phone="13900000000",
        lease_start=TODAY - year,
        lease_end=TODAY - dt.timedelta(days=1),  # ended yesterday
    )
    reg = rentals.register(wy_agent)
    assert (reg["rented"], reg["complete"], reg["incomplete"]) == (3, 1, 2)
    assert reg["completeness"] == Decimal("0.3333")
    assert [r["unit"].room for r in reg["rows"]] == ["102", "103", "101"]
    assert Tenancy.objects.get(unit=a).phone == "13800138000"

    # completing 李四's row raises the figure; the old version is stale
    t = Tenancy.objects.get(unit=b)
    rentals.tenancy_update(
        actor=wy_agent,
        tenancy_id=t.pk,
        version=t.version,
        tenant_name="李四",
        phone="13700000000",
        lease_start=TODAY,
        lease_end=TODAY + year,
    )
    with pytest.raises(StaleWrite):
        rentals.tenancy_update(
            actor=wy_agent, tenancy_id=t.pk, version=t.version, tenant_name="李四"
        )
    # 王五 moved out: the unit is its owner's again and leaves the register
    t3 = Tenancy.objects.get(unit=c)
    rentals.tenancy_end(actor=wy_agent, tenancy_id=t3.pk, version=t3.version, moved_out_on=TODAY)
    assert UnitProfile.objects.get(unit=c).occupancy == "owner"
    reg = rentals.register(wy_agent)
    assert (reg["rented"], reg["complete"], reg["completeness"]) == (2, 2, Decimal("1.0000"))
    assert AuditEvent.objects.filter(action__startswith="property.tenancy").count() == 5


def test_a_new_tenant_replaces_the_one_living_there(wy_agent, make_unit):
    unit = make_unit()
    first = rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, tenant_name="张三")
    rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, tenant_name="赵六", lease_start=TODAY)
    first.refresh_from_db()
    assert first.moved_out_on == TODAY
    assert [r["tenancy"].tenant_name for r in rentals.register(wy_agent)["rows"]] == ["赵六"]


def test_bad_input_is_refused(web_as, wy_agent, agent, make_unit):
    unit = make_unit()
    for kwargs, field in (
        ({"tenant_name": ""}, "tenant_name"),
        ({"tenant_name": "张三", "phone": "12"}, "phone"),
        ({"tenant_name": "张三", "lease_start": "2026-13-01"}, "lease_start"),
        (
            {"tenant_name": "张三", "lease_start": "2026-05-01", "lease_end": "2026-04-01"},
            "lease_end",
        ),
    ):
        with pytest.raises(Invalid) as exc:
            rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, **kwargs)
        assert field in exc.value.fields
    with pytest.raises(Invalid):  # a shop agent and a property household
        rentals.tenancy_record(actor=agent, unit_id=unit.pk, tenant_name="张三")
    response = web_as(wy_agent).post(
        reverse("property:tenancy_record"), {"unit": unit.pk, "tenant_name": "张三", "phone": "1"}
    )
    assert response.status_code == 400
    assert 'value="张三"' in response.content.decode()
    assert not Tenancy.objects.exists()


def test_register_page_shows_the_figure_and_a_masked_phone(web_as, wy_agent, make_unit):
    unit = make_unit(room="808")
    rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, tenant_name="张三", phone="13812345678")
    page = web_as(wy_agent).get(reverse("property:rentals")).content.decode()
    assert "0%" in page and "808" in page
    assert "138****5678" in page and "13812345678" not in page  # agents see phones masked
    t = Tenancy.objects.get()
    response = web_as(wy_agent).post(
        reverse("property:tenancy_update", args=[t.pk]),
        {
            "version": t.version,
            "tenant_name": "张三",
            "phone": "",
            "lease_start": "2026-01-01",
            "lease_end": "2099-01-01",
        },
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.phone == "13812345678"  # a blank box keeps the phone a masked role could not see
    stale = web_as(wy_agent).post(
        reverse("property:tenancy_update", args=[t.pk]),
        {"version": t.version - 1, "tenant_name": "张三"},
    )
    assert stale.status_code == 409


def test_centre_fees_are_published_by_a_supervisor(web_as, wy_agent, wy_supervisor):
    with pytest.raises(PermissionDenied):
        activities.centre_fee_publish(actor=wy_agent, item="健身房", price_yuan="80", per="month")
    activities.centre_fee_publish(actor=wy_supervisor, item="健身房", price_yuan="80", per="month")
    activities.centre_fee_publish(actor=wy_supervisor, item="阅览室", price_yuan="0", per="hour")
    activities.centre_fee_publish(actor=wy_supervisor, item="健身房", price_yuan="60", per="month")
    assert CentreFee.objects.get(item="健身房").price_yuan == Decimal("60.00")
    with pytest.raises(Invalid):
        activities.centre_fee_publish(
            actor=wy_supervisor, item="乒乓球室", price_yuan="", per="hour"
        )
    with pytest.raises(Invalid):
        activities.centre_fee_publish(
            actor=wy_supervisor, item="乒乓球室", price_yuan="5", per="day"
        )
    page = web_as(wy_agent).get(reverse("property:activities")).content.decode()
    assert "健身房" in page and "60.00" in page and "阅览室" in page
    bad = web_as(wy_supervisor).post(
        reverse("property:centre_fee_add"), {"item": "乒乓球室", "price_yuan": "-1", "per": "hour"}
    )
    assert bad.status_code == 400 and 'value="乒乓球室"' in bad.content.decode()
    assert CentreFee.objects.count() == 2


def test_the_audit_of_a_move_out_reads_in_words(wy_agent, make_unit):
    from django.utils import translation

    from kefu.core.audit_words import change_rows

    unit = make_unit()
    t = rentals.tenancy_record(actor=wy_agent, unit_id=unit.pk, tenant_name="张三")
    rentals.tenancy_end(
        actor=wy_agent, tenancy_id=t.pk, version=t.version, moved_out_on=TODAY, occupancy="vacant"
    )
    event = AuditEvent.objects.get(action="property.tenancy_end")
    with translation.override("zh-hans"):
        rows = change_rows(event.object_type, event.changes, event.action)
    assert ("居住情况", "空置") in rows
