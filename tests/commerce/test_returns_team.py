"""The returns team (RET-9): unpack and inspection records at the warehouse, 补发 with 补发准确率 =
correct ÷ all reshipments and its turnaround, refund completion per specialist ranked with ties
sharing a rank; scope and stale writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from testkit import make_user

from kefu.commerce import returns_team
from kefu.commerce.models import Inspection, Refund, Reshipment, ReshipResult
from kefu.commerce.services import returns
from kefu.commerce.services import returns_team as team_services
from kefu.core.errors import Conflict, Invalid, StaleWrite
from kefu.core.models import AuditEvent

from .conftest import at

pytestmark = pytest.mark.django_db
DELIVERED = {"paid_at": "2026-11-11 10:05:00", "delivered_at": "2026-11-13 15:00:00"}


def test_ret9_accuracy_counts_unchecked_reshipments_in_the_whole_and_ranks_share_places():
    assert returns_team.accuracy(3, 4) == Decimal("75.0")
    assert returns_team.accuracy(2, 3) == Decimal("66.7")
    assert returns_team.accuracy(0, 0) is None
    t = dt.datetime(2026, 11, 11, 9, 0)
    spans = [(t, t + dt.timedelta(hours=h)) for h in (2, 10, 4)]
    assert returns_team.median_hours(spans) == Decimal("4.00")
    assert returns_team.median_hours(spans[:2]) == Decimal("6.00")
    ranked = returns_team.rank_specialists(
        [(1, "乙", 5, None), (2, "甲", 7, None), (3, "丙", 5, None), (4, "丁", 2, None)]
    )
    assert [(r.name, r.rank) for r in ranked] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]


def test_ret9_reshipments_on_the_page_accuracy_and_turnaround(web_as, agent, make_orders):
    make_orders([(f"BF{i}", "2026-11-11 10:00:00", 99, DELIVERED) for i in range(1, 4)])
    client = web_as(agent)
    for no in ("BF1", "BF2", "BF3"):
        r = client.post(
            "/commerce/team/reshipments/", {"order": no, "reason": "short", "items": "赠品 x1"}
        )
        assert r.status_code == 302
    # an unknown order number changes nothing
    client.post("/commerce/team/reshipments/", {"order": "NOPE", "reason": "short", "items": "x"})
    assert Reshipment.objects.count() == 3
    Reshipment.objects.update(requested_at=at("2026-11-20 09:00"))
    rows = {r.order.order_no: r for r in Reshipment.objects.select_related("order")}
    # sent 2 h, 4 h and 30 h after the request
    for no, hours, result in (("BF1", 2, "correct"), ("BF2", 4, "wrong"), ("BF3", 30, None)):
        rs = rows[no]
        team_services.reshipment_send(
            actor=agent,
            reship=rs,
            version=rs.version,
            tracking_no=f"SF{no}",
            at=rs.requested_at + dt.timedelta(hours=hours),
        )
        if result:
            client.post(
                f"/commerce/team/reshipments/{rs.pk}/",
                {"action": result, "version": rs.version},
            )
    assert Reshipment.objects.get(order__order_no="BF1").result == ReshipResult.CORRECT
    assert Reshipment.objects.get(order__order_no="BF2").result == ReshipResult.WRONG
    page = client.get("/commerce/team/?first=2026-11-01&last=2026-11-30").content.decode()
    # 1 correct of 3 sent (one not checked yet counts in the whole): 33.3 %
    assert 'id="reship-accuracy">33.3%' in page
    assert 'id="reship-turnaround">4.00' in page
    assert AuditEvent.objects.filter(action="commerce.reshipment_check").count() == 2


def test_ret9_a_reshipment_is_checked_once_after_it_was_sent_and_stale_is_refused(
    agent, make_orders
):
    orders = make_orders([("BX1", "2026-11-11 10:00:00", 99, DELIVERED)])
    rs = team_services.reshipment_create(
        actor=agent, order=orders["BX1"], reason="lost", items="整单"
    )
    with pytest.raises(Conflict):
        team_services.reshipment_check(actor=agent, reship=rs, version=rs.version, correct=True)
    with pytest.raises(Invalid):
        team_services.reshipment_send(actor=agent, reship=rs, version=rs.version, tracking_no=" ")
    team_services.reshipment_send(actor=agent, reship=rs, version=rs.version, tracking_no="YT1")
    with pytest.raises(StaleWrite):
        team_services.reshipment_check(actor=agent, reship=rs, version=1, correct=True)
    team_services.reshipment_check(actor=agent, reship=rs, version=rs.version, correct=True)
    with pytest.raises(Conflict):
        team_services.reshipment_check(actor=agent, reship=rs, version=rs.version, correct=False)
    rs.refresh_from_db()
    assert rs.result == "correct"


def _approved_refund(order, by, approver, *, hours):
    refund = returns.refund_create(actor=by, order=order, amount=order.amount)
    returns.refund_submit(actor=by, refund=refund, version=refund.version)
    returns.refund_decide(actor=approver, refund=refund, version=refund.version, approve=True)
    Refund.objects.filter(pk=refund.pk).update(
        created_at=at("2026-11-20 09:00"),
        approved_at=at("2026-11-20 09:00") + dt.timedelta(hours=hours),
    )


def test_ret9_refund_completion_per_specialist_ranked_ties_share_a_rank(
    web_as, org, manager, make_orders
):
    a = make_user("refund_a", "agent", team=org.aftersales1)
    b = make_user("refund_b", "agent", team=org.aftersales1)
    c = make_user("refund_c", "agent", team=org.aftersales2)
    orders = make_orders([(f"RF{i}", "2026-11-11 10:00:00", 50, DELIVERED) for i in range(7)])
    plan = [(a, 1), (a, 3), (b, 5), (b, 7), (c, 2)]
    for (who, hours), order in zip(plan, orders.values(), strict=False):
        _approved_refund(order, who, manager, hours=hours)
    # a refund still waiting for finance counts for nobody
    waiting = returns.refund_create(actor=a, order=orders["RF6"], amount=10)
    returns.refund_submit(actor=a, refund=waiting, version=waiting.version)
    page = web_as(manager).get("/commerce/team/?first=2026-11-01&last=2026-11-30").content.decode()
    table = page[page.index('id="specialists"') :]
    rows = [
        (int(table.split(f'data-user="{u.pk}"><td class="rank">')[1].split("<")[0]), u)
        for u in (a, b, c)
    ]
    # a and b closed 2 each and share the first place; c (1) comes third, not second
    assert sorted((r, u.username) for r, u in rows) == [
        (1, "refund_a"),
        (1, "refund_b"),
        (3, "refund_c"),
    ]
    assert '<td>refund_a</td><td class="text-end">2</td><td class="text-end">2.00' in table
    assert '<td>refund_b</td><td class="text-end">2</td><td class="text-end">6.00' in table


def test_ret9_unpacking_at_the_warehouse_records_and_inspects_the_return(
    web_as, agent, wy_agent, make_orders
):
    orders = make_orders([("UP1", "2026-11-11 10:00:00", 199, DELIVERED)])
    ret = returns.return_request(
        actor=agent, order=orders["UP1"], requested_at=at("2026-11-14 09:00")
    )
    returns.return_step(actor=agent, ret=ret, version=ret.version, step="approve")
    client = web_as(agent)
    # not received yet: refused, nothing written
    client.post(
        f"/commerce/returns/{ret.pk}/inspection/",
        {"version": ret.version, "warehouse": "嘉兴仓", "intact": "1"},
    )
    assert not Inspection.objects.exists()
    returns.return_step(actor=agent, ret=ret, version=ret.version, step="receive")
    assert 'id="inspection-form"' in client.get(f"/commerce/returns/{ret.pk}/").content.decode()
    # another line's agent: their line runs no shop, so the write is refused whatever the id
    other = web_as(wy_agent).post(
        f"/commerce/returns/{ret.pk}/inspection/",
        {"version": ret.version, "warehouse": "x", "intact": "1"},
    )
    assert other.status_code == 403 and not Inspection.objects.exists()
    client = web_as(agent)
    client.post(
        f"/commerce/returns/{ret.pk}/inspection/",
        {
            "version": ret.version,
            "warehouse": "嘉兴仓",
            "intact": "0",
            "damaged": "1",
            "note": "外箱压坏",
        },
    )
    ret.refresh_from_db()
    record = Inspection.objects.get()
    assert (record.warehouse, record.intact, record.damaged, record.inspector) == (
        "嘉兴仓",
        False,
        True,
        agent,
    )
    assert ret.status == "inspected" and ret.intact is False
    assert "嘉兴仓" in client.get("/commerce/team/").content.decode()
    # a second unpacking of the same parcel is refused
    with pytest.raises(Conflict):
        team_services.inspection_record(
            actor=agent, ret=ret, version=ret.version, warehouse="嘉兴仓", intact=True
        )
    assert Inspection.objects.count() == 1
