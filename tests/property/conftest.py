from __future__ import annotations

import datetime as dt
import itertools

import pytest
from testkit import make_user

from kefu.customers import services as customers
from kefu.customers.models import PropertyUnit
from kefu.property import services

_phones = itertools.count(13900000001)


@pytest.fixture
def wy_supervisor(org):
    return make_user("wy_sup", "supervisor", department=org.wy_front.department)


@pytest.fixture
def make_unit(org):
    def _make(building="1栋", room="101", area="100", name="业主"):
        customer = customers.customer_create(
            actor=None, business_line=org.property, name=name, phone=str(next(_phones))
        )
        return PropertyUnit.objects.create(
            customer=customer, building=building, unit="1", room=room, area_m2=area
        )

    return _make


@pytest.fixture
def fee(wy_supervisor):
    return services.fee_type_save(
        actor=wy_supervisor,
        code="wyf",
        name="物业管理费",
        kind="property",
        basis="area_month",
        unit_price="2.50",
        reviewed_on=dt.date(2025, 1, 10),
    )
