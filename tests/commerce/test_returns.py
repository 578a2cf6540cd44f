"""The return flow (RET-6) with its SLA (RET-1/2: 48 h, VIP 24 h), the policy at the door
(RET-3/10) and two-key refunds (RET-5: nobody approves their own)."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit import make_user

from kefu.commerce import selectors
from kefu.commerce.models import Refund
from kefu.commerce.services import returns
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite

from .conftest import at

pytestmark = pytest.mark.django_db


def _delivered(make_orders, order_id, amount=199, tier=None):
    orders = make_orders(
        [
            (
                order_id,
                "2026-11-11 10:00:00",
                amount,
                {"paid_at": "2026-11-11 10:05:00", "delivered_at": "2026-11-13 15:00:00"},
            )
        ]
    )
    order = orders[order_id]
    if tier:
        order.customer.tier = tier
        order.customer.save(update_fields=["tier"])
    return order


def _walk(agent, ret, *steps, when):
    for step, extra in steps:
        ret = returns.return_step(
            actor=agent, ret=ret, version=ret.version, step=step, at=when, **extra
        )
    return ret


def test_ret1_return_received_inspected_refunded_within_48h_and_vip_24h(
    make_orders, agent, manager
):
    order = _delivered(make_orders, "N1")
    ret = returns.return_request(
        actor=agent, order=order, reason="尺码不合适", requested_at=at("2026-11-14 09:00:00")
    )
    ret = _walk(
        agent,
        ret,
        ("approve", {}),
        ("ship_back", {"tracking_no": "SF123"}),
        when=at("2026-11-14 10:00:00"),
    )
    ret = _walk(agent, ret, ("receive", {}), when=at("2026-11-16 10:00:00"))
    assert ret.due_at == at("2026-11-18 10:00:00")
    vip_order = _delivered(make_orders, "V1", tier="vip")
    vip = returns.return_request(actor=agent, order=vip_order, requested_at=at("2026-11-14 09:00"))
    vip = _walk(agent, vip, ("approve", {}), ("receive", {}), when=at("2026-11-16 12:00:00"))
    assert vip.due_at == at("2026-11-17 12:00:00")
    # the daily sweep: VIP first, then the oldest
    assert [r.pk for r in selectors.returns_sweep_for(user=manager)] == [vip.pk, ret.pk]
    ret = _walk(
        agent, ret, ("inspect", {"intact": True}), ("refund", {}), when=at("2026-11-17 09:00:00")
    )
    assert ret.status == "refunded" and ret.resolved_at <= ret.due_at
    assert Refund.objects.get(ret=ret).status == "submitted"


def test_ret6_steps_in_order_stale_version_409_and_refusal_needs_damaged_goods(make_orders, agent):
    order = _delivered(make_orders, "N2")
    ret = returns.return_request(actor=agent, order=order, requested_at=at("2026-11-14 09:00"))
    with pytest.raises(Conflict):
        returns.return_step(actor=agent, ret=ret, version=ret.version, step="inspect", intact=True)
    old = ret.version
    ret = returns.return_step(actor=agent, ret=ret, version=old, step="approve")
    with pytest.raises(StaleWrite):
        returns.return_step(actor=agent, ret=ret, version=old, step="receive")
    with pytest.raises(Invalid):
        returns.return_step(actor=agent, ret=ret, version=ret.version, step="ship_back")
    ret = _walk(
        agent, ret, ("receive", {}), ("inspect", {"intact": True}), when=at("2026-11-15 09:00")
    )
    with pytest.raises(Invalid):
        returns.return_step(actor=agent, ret=ret, version=ret.version, step="refuse")


def test_ret3_ret6_the_policy_refuses_at_the_door_and_changes_nothing(make_orders, agent):
    order = _delivered(make_orders, "N3", amount=500)
    with pytest.raises(Invalid):
        returns.return_request(
            actor=agent,
            order=order,
            requested_at=at("2026-11-13 15:00:00") + dt.timedelta(days=7, seconds=1),
        )
    order.customer.tier = "gold"
    order.customer.save(update_fields=["tier"])
    with pytest.raises(Invalid):
        returns.return_request(
            actor=agent, order=order, opened=True, requested_at=at("2026-11-20 15:00:00")
        )
    ok = returns.return_request(actor=agent, order=order, requested_at=at("2026-12-13 15:00:00"))
    assert ok.rule == "higher_tier_window"


def test_ret10_refunds_off_refuse_refunds_but_allow_an_exchange(org, make_orders, agent):
    org.shop.policies = {**org.shop.policies, "refunds_enabled": False}
    org.shop.save()
    order = _delivered(make_orders, "N4")
    with pytest.raises(Invalid):
        returns.return_request(actor=agent, order=order, requested_at=at("2026-11-14 09:00"))
    with pytest.raises(Invalid):
        returns.refund_create(actor=agent, order=order, amount="10")
    exchange = returns.return_request(
        actor=agent, order=order, exchange=True, requested_at=at("2026-11-14 09:00")
    )
    assert exchange.exchange


def test_ret5_two_key_refund_nobody_approves_their_own(make_orders, agent, lead, manager):
    order = _delivered(make_orders, "N5")
    refund = returns.refund_create(actor=lead, order=order, amount="50")
    refund = returns.refund_submit(actor=lead, refund=refund, version=refund.version)
    with pytest.raises(PermissionDenied):
        returns.refund_decide(actor=lead, refund=refund, version=refund.version, approve=True)
    with pytest.raises(PermissionDenied):
        returns.refund_decide(actor=agent, refund=refund, version=refund.version, approve=True)
    refund = returns.refund_decide(
        actor=manager, refund=refund, version=refund.version, approve=True
    )
    assert refund.status == "approved" and refund.approved_by == manager
    with pytest.raises(Invalid):
        returns.refund_create(actor=agent, order=order, amount="500")
    other = make_user("finance", "supervisor", department=lead.team.department)
    assert [r.pk for r in selectors.refund_queue_for(user=other)] == []


def test_ret1_business_hours_per_line_a_return_received_friday_17_00(org, make_orders, agent):
    """Calendar hours by default; a line whose ``returns`` policy says ``"sla_clock":
    "business"`` counts the working hours of its calendar (default 09:00–18:00 on workdays),
    the closed-loop SLA engine's."""
    friday = at("2026-12-04 17:00:00")  # a Friday; no holiday until the next Monday week
    order = _delivered(make_orders, "F1")
    calendar_ret = returns.return_request(
        actor=agent, order=order, requested_at=at("2026-11-14 09:00")
    )
    calendar_ret = _walk(agent, calendar_ret, ("approve", {}), ("receive", {}), when=friday)
    assert calendar_ret.due_at == at("2026-12-06 17:00:00")  # Sunday: 48 calendar hours
    org.shop.policies = {**org.shop.policies, "returns": {"sla_clock": "business"}}
    org.shop.save(update_fields=["policies"])
    normal = returns.return_request(
        actor=agent, order=_delivered(make_orders, "F2"), requested_at=at("2026-11-14 09:00")
    )
    normal = _walk(agent, normal, ("approve", {}), ("receive", {}), when=friday)
    # Friday 17–18 (1 h), Monday to Friday 9 h each (46 h), then Monday 09:00–11:00 (48 h)
    assert normal.due_at == at("2026-12-14 11:00:00")
    vip = returns.return_request(
        actor=agent,
        order=_delivered(make_orders, "F3", tier="vip"),
        requested_at=at("2026-11-14 09:00"),
    )
    vip = _walk(agent, vip, ("approve", {}), ("receive", {}), when=friday)
    # Friday 1 h, Monday 9 h, Tuesday 9 h, Wednesday 09:00–14:00 (24 h)
    assert vip.due_at == at("2026-12-09 14:00:00")
    # resolved Monday 10:59:59, a week and a weekend after receipt: within its SLA
    normal = _walk(
        agent, normal, ("inspect", {"intact": True}), ("refund", {}), when=at("2026-12-14 10:59:59")
    )
    assert normal.resolved_at <= normal.due_at
