from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.followups.models import CallbackTask, ComplaintGrade
from kefu.inspections import services

from .qakit import make_ticket


@pytest.fixture
def lead2(org):
    """A lead of another team (售前组): may review 售后一组's agents."""
    return make_user("lead2", "lead", team=org.presale)


@pytest.fixture
def lead3(org):
    """A lead of a third team (售后二组)."""
    return make_user("lead3", "lead", team=org.aftersales2)


@pytest.fixture
def forms(org):
    return {f.code: f for f in services.seed_forms(org.shop)}


@pytest.fixture
def month():
    return timezone.localdate().strftime("%Y-%m")


@pytest.fixture
def sampled(org, forms, supervisor, agent, lead, lead2, lead3, month):
    """Agent (售后一组) with 8 tickets, one graded 恶性 and one 不满意 callback; the sample."""
    made = [make_ticket(agent) for _ in range(7)]
    complaint = make_ticket(agent, type="complaint")
    ComplaintGrade.objects.create(ticket=complaint, business_line=org.shop, grade="malignant")
    today = timezone.localdate()
    callback = CallbackTask.objects.create(
        business_line=org.shop,
        customer=made[0].customer,
        ticket=made[0],
        kind="resolution_first",
        window_start=today,
        window_end=today,
        due_on=today,
        status="done",
        outcome="dissatisfied",
        done_at=timezone.now(),
        done_by=agent,
        owner=agent,
    )
    sample = services.sample_create(actor=supervisor, period=month, seed=2026)
    return {"sample": sample, "complaint": complaint, "callback": callback, "tickets": made}
