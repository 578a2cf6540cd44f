"""The repair centre on a real database: warranty from the purchase date, a quote otherwise, the
step workflow with a message per step, repeat repairs and their rate per repairer and month
(ESC-4, RPR-2)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.booking import repairs
from kefu.core.errors import Invalid
from kefu.customers import services as customers

pytestmark = pytest.mark.django_db
_phones = itertools.count(13100000001)


@pytest.fixture
def centre(org):
    line = account_services.business_line_create(name="维修中心", code="rc", industry="repair")
    team = Team.objects.filter(business_line=line).first()
    repairer = make_user("rc_repairer", "agent", team=team)
    customer = customers.customer_create(
        actor=repairer, business_line=line, name="张三", phone=str(next(_phones))
    )
    return repairer, customer


def test_esc4_intake_in_and_out_of_warranty(centre):
    repairer, customer = centre
    today = timezone.localdate()
    order = repairs.order_intake(
        actor=repairer,
        customer_id=customer.pk,
        device="手机",
        serial="sn-1",
        fault="屏幕",
        purchased_on=today - dt.timedelta(days=100),
    )
    assert order.in_warranty and order.quote_yuan is None and order.serial == "SN-1"
    with pytest.raises(Invalid):  # out of warranty without a quote
        repairs.order_intake(
            actor=repairer,
            customer_id=customer.pk,
            device="手机",
            serial="SN-2",
            fault="屏幕",
            purchased_on=today - dt.timedelta(days=800),
        )
    paid = repairs.order_intake(
        actor=repairer,
        customer_id=customer.pk,
        device="手机",
        serial="SN-2",
        fault="屏幕",
        purchased_on=today - dt.timedelta(days=800),
        quote_yuan="380",
    )
    assert not paid.in_warranty and paid.quote_yuan == Decimal("380.00")


def test_esc4_steps_follow_the_workflow_and_each_is_sent(centre):
    repairer, customer = centre
    order = repairs.order_intake(
        actor=repairer,
        customer_id=customer.pk,
        device="手机",
        serial="SN1",
        fault="电池",
        purchased_on=timezone.localdate() - dt.timedelta(days=30),
    )
    with pytest.raises(Invalid):
        repairs.order_move(actor=repairer, order_id=order.pk, version=order.version, step="ready")
    for step in ("diagnosing", "repairing", "qc", "ready", "collected"):
        order = repairs.order_move(
            actor=repairer, order_id=order.pk, version=order.version, step=step
        )
    assert [s.step for s in order.steps.all()] == [
        "received",
        "diagnosing",
        "repairing",
        "qc",
        "ready",
        "collected",
    ]


def test_rpr2_repeat_within_90_days_and_rate_per_repairer_month(centre):
    repairer, customer = centre
    today = timezone.localdate()
    first = today.replace(day=1) - dt.timedelta(days=60)

    def intake(serial, fault, day):
        return repairs.order_intake(
            actor=repairer,
            customer_id=customer.pk,
            device="手机",
            serial=serial,
            fault=fault,
            purchased_on=first - dt.timedelta(days=10),
            received_on=day,
            quote_yuan="100",
        )

    assert not intake("A1", "屏幕", first).is_repeat
    assert intake("a1", "屏幕", first + dt.timedelta(days=20)).is_repeat
    assert not intake("A1", "电池", first + dt.timedelta(days=21)).is_repeat
    assert not intake("B2", "屏幕", first + dt.timedelta(days=22)).is_repeat
    rates = repairs.repeat_rates(repairs.orders_for(repairer))
    assert sum(r["total"] for r in rates) == 4
    assert sum(r["repeats"] for r in rates) == 1
