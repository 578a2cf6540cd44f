"""The demo's training rows: the supervisor's first page of training shows true, non-zero
figures (certified and 未上岗 agents, hours this year, requests waiting), and the 4S desk's
yearly minimums show met and behind categories."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.demo.training_rows import build_training_rows
from kefu.training import selectors
from kefu.training.models import CertificationGrant, Enrolment, TrainingRequest

pytestmark = pytest.mark.django_db


def test_demo_rows_give_the_supervisor_true_figures(org, agent, agent_b, lead, supervisor, web_as):
    b1 = make_user("b1", "agent", team=org.aftersales2)
    b2 = make_user("b2", "agent", team=org.aftersales2)
    s4 = make_user("s4", "agent", team=org.s4_front)
    now = timezone.now()
    build_training_rows(now=now, seed=1, lines={"shop": org.shop, "4s": org.auto})
    assert CertificationGrant.objects.filter(user__in=[agent, agent_b, lead, b1]).count() == 4
    assert not CertificationGrant.objects.filter(user=b2).exists()  # 未上岗
    assert selectors.on_duty([b1, b2], org.aftersales2.pk) == {b1.pk: True, b2.pk: False}
    assert Enrolment.objects.filter(user=agent, status="attended").count() >= 10
    assert TrainingRequest.objects.filter(state="requested").exists()
    page = web_as(supervisor).get(reverse("training:people"))
    assert page.status_code == 200 and len(page.context["board"]) >= 5
    minimums = selectors.minimums(s4)
    assert any(m.met for m in minimums) and any(not m.met for m in minimums)
