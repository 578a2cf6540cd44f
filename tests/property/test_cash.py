"""FEE-6: the daily cash ledger (每日门店现金台帐) and hand-over sheet (上缴金额表) must balance:
the cash counted against the cash payments recorded that day, the whole amount handed over, a
difference only with an explanation, and no cash payment dated a closed day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Conflict, Invalid
from kefu.property import cash, rules, services
from kefu.property.models import CashDay

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_at_the_test():
    """Today as each test runs: a suite that crosses midnight in Asia/Shanghai (16:00 UTC) read
    the date of its import, and a visit "tomorrow" had become today's."""
    global TODAY
    TODAY = timezone.localdate()


def test_fee6_reconcile_rule():
    assert rules.reconcile_cash(Decimal("500"), Decimal("500"), Decimal("500"))["balanced"]
    check = rules.reconcile_cash(Decimal("500"), Decimal("480.50"), Decimal("480.50"))
    assert check["difference"] == Decimal("-19.50") and not check["balanced"]


def _pay(actor, bill_id, amount, method="cash", day=None):
    return services.payment_record(
        actor=actor, bill_id=bill_id, amount=amount, paid_on=day or TODAY, method=method
    )


def test_fee6_a_day_closes_when_counted_equals_recorded_and_all_is_handed_over(
    org, wy_supervisor, make_unit, fee, api_as
):
    # given: two units billed 250 yuan each, paid 250 cash, 100 cash and 50 by card today
    make_unit(room="101")
    make_unit(room="102")
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period=TODAY.replace(day=1), due_on=TODAY
    )
    first, second = services.selectors.bills_for(wy_supervisor).order_by("pk")
    cashier = make_user("wy_cashier", "agent", team=org.wy_front)
    _pay(cashier, first.pk, "250")
    _pay(cashier, second.pk, "100")
    _pay(cashier, second.pk, "50", method="card")
    # when: the hand-over is short of the count
    with pytest.raises(Invalid):
        cash.cash_day_close(actor=cashier, day=TODAY, counted="350", handed_over="300")
    # when: the count is short of the recorded cash, without an explanation
    with pytest.raises(Invalid, match="350"):
        cash.cash_day_close(actor=cashier, day=TODAY, counted="340", handed_over="340")
    assert not CashDay.objects.exists()
    # then: counted = recorded = handed over closes the day
    response = api_as(cashier).post(
        "/api/v1/property/cash-days",
        {"day": TODAY.isoformat(), "counted_yuan": "350.00", "handed_over_yuan": "350.00"},
    )
    assert response.status_code == 201
    assert response.json()["recorded_yuan"] == "350.00"
    assert response.json()["difference_yuan"] == "0.00"
    with pytest.raises(Conflict):
        cash.cash_day_close(actor=cashier, day=TODAY, counted="350", handed_over="350")
    # and: no more cash dated that day; a card payment still is
    with pytest.raises(Invalid, match="closed"):
        _pay(cashier, second.pk, "10")
    _pay(cashier, second.pk, "10", method="card")
    assert cash.cash_recorded(org.property.pk, TODAY) == Decimal("350.00")


def test_fee6_a_difference_closes_only_with_its_explanation_and_shows_on_the_ledger(
    org, wy_supervisor, make_unit, fee, web_as
):
    make_unit(room="201")
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period=TODAY.replace(day=1), due_on=TODAY
    )
    bill = services.selectors.bills_for(wy_supervisor).get()
    yesterday = TODAY - dt.timedelta(days=1)
    _pay(wy_supervisor, bill.pk, "200", day=yesterday)
    _pay(wy_supervisor, bill.pk, "20")
    client = web_as(wy_supervisor)
    refused = client.post(
        reverse("property:cash_close"),
        {"day": yesterday.isoformat(), "counted": "190", "handed_over": "190"},
    )
    assert refused.status_code == 400 and 'id="page-error"' in refused.content.decode()
    client.post(
        reverse("property:cash_close"),
        {
            "day": yesterday.isoformat(),
            "counted": "190",
            "handed_over": "190",
            "note": "找零多付10元，已向业主追回登记",
        },
    )
    closed = CashDay.objects.get(day=yesterday)
    assert closed.difference_yuan == Decimal("-10.00")
    page = client.get(reverse("property:cash")).content.decode()
    assert 'id="unbalanced-days">1<' in page and "-10.00" in page
    assert cash.cash_ledger(wy_supervisor)["open_days"] == 0  # today is still open, not past
