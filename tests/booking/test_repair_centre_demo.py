"""The demo's repair centre (demo/repair_centre_rows.py): 180 days of repair orders the repair
centre's own rules could have written — warranty from the purchase date and term, a quote
otherwise, steps only along the workflow each with its message, repeats marked by the same rule
as the intake — and its pages show true, non-zero figures to its logins."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import User
from kefu.booking import repairs, rules
from kefu.booking.models import RepairOrder, RepairStepLog, Step
from kefu.demo.repair_centre_rows import build_repair_centre_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(db):
    now = timezone.now()
    return now, build_repair_centre_rows(now=now, seed=7, story=False)


def test_orders_follow_the_repair_centres_rules(centre):
    now, written = centre
    orders = list(RepairOrder.objects.order_by("received_on", "id"))
    assert written == len(orders) > 500
    today = timezone.localdate(now)
    assert orders[0].received_on <= today - dt.timedelta(days=179)
    assert orders[-1].received_on == today
    for order in orders:
        covered = rules.in_warranty(order.purchased_on, order.warranty_months, order.received_on)
        assert order.in_warranty == covered
        assert (order.quote_yuan is None) == covered
        assert order.quote_yuan is None or order.quote_yuan > 0
    expected = rules.mark_repeats([(o.serial, o.fault, o.received_on) for o in orders])
    assert [o.is_repeat for o in orders] == expected
    assert 0 < sum(expected) < len(orders) * 0.1
    logs: dict[int, list] = {}
    for log in RepairStepLog.objects.order_by("order_id", "id"):
        logs.setdefault(log.order_id, []).append(log)
    for order in orders:
        steps = [log.step for log in logs[order.pk]]
        assert steps[0] == Step.RECEIVED and steps[-1] == order.step
        assert all(rules.may_move(a, b) for a, b in pairwise(steps))
        assert (Step.QUOTED in steps) == (not order.in_warranty)
        assert all(log.message and log.created_at <= now for log in logs[order.pk])
    steps = {o.step for o in orders}
    assert Step.COLLECTED in steps and len(steps) >= 4  # some still on the bench
    assert any(o.escalated for o in orders)


def test_the_centres_logins_see_true_figures(centre, client):
    assert build_repair_centre_rows(now=timezone.now(), seed=7, story=False) == 0
    supervisor = User.objects.get(username="fix_supervisor")
    rates = repairs.repeat_rates(repairs.orders_for(supervisor))
    assert sum(r["total"] for r in rates) == RepairOrder.objects.count()
    assert sum(r["repeats"] for r in rates) == RepairOrder.objects.filter(is_repeat=True).count()
    assert len({r["repairer"] for r in rates}) == 3
    client.force_login(User.objects.get(username="fix_tech"))
    page = client.get(reverse("booking:repairs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "SN" in html and 'id="repeat-rates"' in html
    assert len(page.context["orders"]) == 50
