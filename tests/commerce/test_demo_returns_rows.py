"""The demo's returns-team rows give the pages true figures: 补发准确率 between 0 and 100,
specialists ranked, logistics cases at several steps and yesterday's registers filled."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.accounts.models import Team
from kefu.commerce import team_selectors
from kefu.commerce.models import Inspection, LogisticsCase, Reshipment
from kefu.customers import services as customers
from kefu.demo.commerce_returns_rows import build_commerce_returns_rows
from kefu.demo.commerce_rows import build_commerce_rows

pytestmark = pytest.mark.django_db


def test_demo_returns_rows_show_true_figures(org, web_as):
    for i in range(40):
        customers.customer_create(
            actor=None, business_line=org.shop, name=f"买家{i}", phone=f"1380000{i:04d}"
        )
    refunds = Team.objects.get(business_line=org.shop, name="退款组")
    for k in range(3):
        make_user(f"tk{k}", "agent", team=refunds)
    boss = make_user("boss", "supervisor", department=refunds.department)
    now = timezone.now()
    build_commerce_rows([org.shop], now=now, seed=7)
    assert build_commerce_returns_rows([org.shop], now=now, seed=7) > 50
    start = now - timezone.timedelta(days=180)
    figures = team_selectors.reship_figures_for(user=boss, start=start, end=now)
    assert figures.sent > 10 and 50 < figures.accuracy <= 100
    assert (
        figures.correct == Reshipment.objects.filter(result="correct", sent_at__gte=start).count()
    )
    ranked = team_selectors.specialists_for(user=boss, start=start, end=now)
    assert [r.name for r in ranked] and {r.name for r in ranked} <= {"tk0", "tk1", "tk2"}
    assert ranked[0].rank == 1 and all(r.median_hours > 0 for r in ranked)
    assert LogisticsCase.objects.filter(status="closed").exists()
    assert LogisticsCase.objects.exclude(status="closed").exists()
    assert Inspection.objects.exists()
    day = timezone.localdate() - timezone.timedelta(days=1)
    registers = {code: rows for code, _t, rows in team_selectors.registers_for(user=boss, day=day)}
    assert all(registers[c] for c in ("trace", "damaged", "resend", "return", "exchange", "refund"))
    assert registers["dispute"]
    for path in ("/commerce/team/", "/commerce/logistics/", "/commerce/registers/"):
        assert web_as(boss).get(path).status_code == 200
