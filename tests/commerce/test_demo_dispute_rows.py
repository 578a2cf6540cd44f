"""The demo's platform disputes give the disputes page true figures: disputes at every stage
(negotiating, appeal submitted, won, lost, withdrawn) with their contacts and appeal packs, and
returns opened from a buyer's open ticket linked to it on the ticket's timeline."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.accounts.models import Team
from kefu.commerce import dispute_selectors
from kefu.commerce.models import Dispute, DisputeContact, DisputeEvidence, Return
from kefu.customers import services as customers
from kefu.demo.commerce_dispute_rows import build_commerce_dispute_rows
from kefu.demo.commerce_returns_rows import build_commerce_returns_rows
from kefu.demo.commerce_rows import build_commerce_rows
from kefu.tickets.models import TicketEvent
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_demo_disputes_show_true_figures(org, web_as, agent):
    buyers = [
        customers.customer_create(
            actor=None, business_line=org.shop, name=f"买家{i}", phone=f"1380000{i:04d}"
        )
        for i in range(40)
    ]
    refunds = Team.objects.get(business_line=org.shop, name="退款组")
    for k in range(3):
        make_user(f"tk{k}", "agent", team=refunds)
    boss = make_user("boss", "supervisor", department=refunds.department)
    now = timezone.now()
    build_commerce_rows([org.shop], now=now, seed=7)
    build_commerce_returns_rows([org.shop], now=now, seed=7)
    # a ticket of each buyer, opened just before the latest returns were asked for
    for ret in Return.objects.order_by("-requested_at")[:5]:
        t = ticket_create(
            actor=agent, title="想退货", customer=ret.customer, type="consult", channel="im"
        )
        t.__class__.objects.filter(pk=t.pk).update(
            created_at=ret.requested_at - timezone.timedelta(hours=2)
        )
    assert buyers
    assert build_commerce_dispute_rows([org.shop], now=now, seed=7) > 5

    figures = dispute_selectors.figures_for(user=boss, now=now)
    assert figures.negotiating >= 1  # yesterday's
    closed = Dispute.objects.filter(stage="closed")
    assert figures.won + figures.lost + figures.withdrawn == closed.count() > 0
    assert figures.paid == sum(d.amount for d in closed if d.amount)
    assert all(d.ret.status == "disputed" for d in Dispute.objects.select_related("ret"))
    assert not Return.objects.filter(status="disputed", dispute__isnull=True).exists()
    for d in Dispute.objects.exclude(stage="negotiating"):
        kinds = set(DisputeEvidence.objects.filter(dispute=d).values_list("kind", flat=True))
        assert {"purchase", "chat"} <= kinds and d.reasons and d.appealed_at
        assert DisputeContact.objects.filter(dispute=d, at__lt=d.appealed_at).exists()
    linked = Return.objects.filter(ticket__isnull=False)
    assert linked.count() >= 1
    assert TicketEvent.objects.filter(field="order", ticket_id__in=linked.values("ticket")).count()
    page = web_as(boss).get("/commerce/disputes/?all=1").content.decode()
    assert f'data-figure="won">{figures.won}<' in page
    d = Dispute.objects.filter(stage="closed").first()
    assert web_as(boss).get(f"/commerce/disputes/{d.pk}/").status_code == 200
