"""The demo's complaints keep the rules the product enforces (issue 15): no closed complaint
without a satisfied callback of its current round, no resolved complaint before its solution
is agreed (方案协商), and open complaints in the early stages."""

from __future__ import annotations

import pytest
from django.db.models import Exists, OuterRef
from testkit import shared_demo

from kefu.followups.models import CallbackTask
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import ComplaintCase, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The run's shared demo: every test here only reads it."""
    with shared_demo(django_db_blocker):
        yield


@pytest.fixture
def demo(built, db):
    return None


def test_no_closed_complaint_without_a_satisfied_callback(demo):
    closed = Ticket.objects.filter(type="complaint", status="closed")
    satisfied = CallbackTask.objects.filter(
        ticket_id=OuterRef("pk"), round=OuterRef("reopen_count"), outcome="satisfied"
    )

    assert closed.exists()
    assert not closed.filter(~Exists(satisfied)).exists()


def test_no_resolved_complaint_before_its_solution_step(demo):
    done = Ticket.objects.filter(type="complaint", status__in=["resolved", "closed"])
    agreed = ComplaintCase.objects.filter(
        ticket_id=OuterRef("pk"), stage__in=[Stage.SOLUTION, Stage.FOLLOW_THROUGH]
    )

    assert done.exists()
    assert not done.filter(~Exists(agreed)).exists()
    for case in ComplaintCase.objects.filter(ticket__in=done):
        assert case.agreed_option in case.options


def test_open_complaints_are_in_the_early_stages(demo):
    stages = set(
        ComplaintCase.objects.filter(
            ticket__type="complaint", ticket__status__in=["new", "in_progress", "pending"]
        ).values_list("stage", flat=True)
    )

    assert stages <= {Stage.ACCEPTED, Stage.CLARIFIED}
