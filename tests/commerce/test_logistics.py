"""Logistics cases (RET-7): a lost parcel is confirmed, reshipped or refunded first, then claimed
from the courier with the amount recovered; a short shipment's weight is checked before the
missing part is reshipped or refunded; an anomaly is queried. Steps out of order are 409s, bad
input a 400 that changes nothing, every step audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.commerce.models import LogisticsCase, Refund, Reshipment
from kefu.commerce.services import returns_team as team
from kefu.core.errors import Conflict, Invalid, StaleWrite
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SHIPPED = {
    "paid_at": "2026-11-11 10:05:00",
    "shipped_at": "2026-11-11 18:00:00",
    "courier": "中通",
    "tracking_no": "ZT100",
}


@pytest.fixture
def shipped(make_orders):
    return make_orders([(f"LC{i}", "2026-11-11 10:00:00", 300, SHIPPED) for i in range(1, 5)])


def _step(case, actor, step, **kw):
    case.refresh_from_db()
    return team.case_step(actor=actor, case=case, version=case.version, step=step, **kw)


def test_ret7_lost_parcel_customer_first_then_the_claim(agent, shipped):
    case = team.case_open(actor=agent, order=shipped["LC1"], kind="lost")
    assert case.courier == "中通"  # the order's courier by default
    with pytest.raises(Conflict):  # the customer is made whole before any claim
        _step(case, agent, "claim", claim_amount="300")
    with pytest.raises(Conflict):
        _step(case, agent, "remedy", remedy="reship")
    _step(case, agent, "confirm", note="快递确认丢件")
    _step(case, agent, "remedy", remedy="reship", items="羽绒服 x1")
    reship = Reshipment.objects.get(case=case)
    assert (reship.reason, reship.items, reship.order) == ("lost", "羽绒服 x1", shipped["LC1"])
    with pytest.raises(Invalid):
        _step(case, agent, "claim", claim_amount="abc")
    _step(case, agent, "claim", claim_amount="300")
    with pytest.raises(Invalid):  # more than was claimed cannot be recovered
        _step(case, agent, "close", recovered_amount="300.01")
    with pytest.raises(Invalid):
        _step(case, agent, "close")
    _step(case, agent, "close", recovered_amount="280")
    case.refresh_from_db()
    assert case.status == "closed" and case.recovered_amount == Decimal("280.00")
    assert case.closed_at is not None and "快递确认丢件" in case.note
    steps = AuditEvent.objects.filter(action="commerce.case_step", object_id=str(case.pk))
    assert steps.count() == 4


def test_ret7_short_shipment_weight_check_then_refund_of_the_missing_part(agent, shipped, org):
    case = team.case_open(actor=agent, order=shipped["LC2"], kind="short", description="少一件")
    with pytest.raises(Conflict):
        _step(case, agent, "remedy", remedy="refund", amount="80")
    with pytest.raises(Invalid):
        _step(case, agent, "weigh", weight_warehouse="1.2")
    with pytest.raises(Invalid):
        _step(case, agent, "weigh", weight_warehouse="1.2", weight_courier="-1")
    case.refresh_from_db()
    assert case.status == "open" and case.weight_warehouse is None
    _step(case, agent, "weigh", weight_warehouse="1.200", weight_courier="0.85")
    with pytest.raises(Invalid):  # more than the order's amount
        _step(case, agent, "remedy", remedy="refund", amount="300.01")
    case.refresh_from_db()
    assert case.status == "weighed" and not Refund.objects.exists()
    _step(case, agent, "remedy", remedy="refund", amount="80")
    case.refresh_from_db()
    assert case.refund.amount == Decimal("80.00") and case.refund.status == "review"
    with pytest.raises(Conflict):  # a short shipment is not claimed
        _step(case, agent, "claim", claim_amount="80")
    _step(case, agent, "close")
    case.refresh_from_db()
    assert case.status == "closed" and case.weight_courier == Decimal("0.850")


def test_ret7_refunds_switched_off_refuse_the_refund_remedy_and_change_nothing(agent, shipped, org):
    org.shop.policies = {**org.shop.policies, "refunds_enabled": False}
    org.shop.save()
    case = team.case_open(actor=agent, order=shipped["LC3"], kind="damaged")
    with pytest.raises(Invalid):
        _step(case, agent, "remedy", remedy="refund")
    case.refresh_from_db()
    assert case.status == "open" and case.remedy == "" and case.version == 1
    _step(case, agent, "remedy", remedy="reship")
    assert Reshipment.objects.get(case=case).reason == "damaged"


def test_ret7_anomaly_is_queried_with_a_note_and_stale_versions_refused(agent, shipped):
    case = team.case_open(actor=agent, order=shipped["LC4"], kind="anomaly")
    with pytest.raises(Invalid):
        _step(case, agent, "query")
    with pytest.raises(Conflict):
        _step(case, agent, "confirm")
    _step(case, agent, "query", note="物流三天未更新，已联系中通")
    with pytest.raises(StaleWrite):
        team.case_step(actor=agent, case=case, version=1, step="close")
    _step(case, agent, "close", note="已恢复派送")
    case.refresh_from_db()
    assert case.status == "closed" and case.recovered_amount is None


def test_ret7_an_unshipped_order_has_no_case_and_the_page_keeps_the_form(
    web_as, agent, wy_agent, make_orders, shipped
):
    unshipped = make_orders([("NS1", "2026-11-11 10:00:00", 50)])["NS1"]
    with pytest.raises(Invalid):
        team.case_open(actor=agent, order=unshipped, kind="lost")
    client = web_as(agent)
    client.post(
        "/commerce/logistics/open/",
        {"order": "NOPE", "kind": "short", "courier": "圆通", "description": "少件待查"},
    )
    page = client.get("/commerce/logistics/").content.decode()
    assert 'value="少件待查"' in page and 'value="圆通"' in page
    assert not LogisticsCase.objects.exists()
    r = client.post("/commerce/logistics/open/", {"order": "LC1", "kind": "lost"})
    case = LogisticsCase.objects.get()
    assert r.url == f"/commerce/logistics/{case.pk}/"
    detail = client.get(r.url).content.decode()
    assert 'data-step="confirm"' in detail and 'data-step="claim"' not in detail
    client.post(f"/commerce/logistics/{case.pk}/step/", {"step": "confirm", "version": 1})
    case.refresh_from_db()
    assert case.status == "confirmed"
    assert web_as(wy_agent).get(f"/commerce/logistics/{case.pk}/").status_code == 404
