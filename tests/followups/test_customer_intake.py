"""ARC-1 / ARC-6: a new customer's archive is complete within 2 days of the visit (a due day and
an overdue list); the day's new customers are shared among the agents by load, taking skill into
account, with the reason kept; each gets a first-contact callback within one week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kefu.customers.models import Customer
from kefu.customers.services import customer_update
from kefu.followups import selectors
from kefu.followups.models import CallbackTask, CustomerIntake, Kind
from kefu.followups.services.intake import choose, intake_run

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return time_machine


def test_arc1_archive_is_due_2_days_after_the_visit_and_listed_when_overdue(
    agent, supervisor, org, make_customer, monday
):
    # given a customer who visited on Monday 2 November, entered without an address
    customer = make_customer(org.shop, first_visit_on=dt.date(2026, 11, 2))
    intake = CustomerIntake.objects.get(customer=customer)
    # then the archive is due within 2 days of the visit, and says what is missing
    assert intake.archive_due_on == dt.date(2026, 11, 4)
    assert (intake.archive_done_at, intake.missing) == (None, ["address"])
    # on the due day it is not overdue yet; the day after it is
    monday.move_to(dt.datetime(2026, 11, 4, 20, 0, tzinfo=SH), tick=False)
    assert selectors.intakes_for(user=supervisor, overdue=True).items == []
    monday.move_to(dt.datetime(2026, 11, 5, 9, 0, tzinfo=SH), tick=False)
    overdue = selectors.intakes_for(user=supervisor, overdue=True).items
    assert [r.customer_id for r in overdue] == [customer.pk]
    # when the address is filled in, the archive is complete and leaves the list
    fresh = Customer.objects.get(pk=customer.pk)
    customer_update(
        actor=agent, customer=fresh, version=fresh.version, changes={"address": "幸福路1号"}
    )
    intake.refresh_from_db()
    assert intake.archive_done_at is not None and intake.missing == []
    assert selectors.intakes_for(user=supervisor, overdue=True).items == []


def test_arc1_complete_archive_at_intake_is_done_at_once(org, make_customer, monday):
    customer = make_customer(org.shop, address="人民路8号", first_visit_on=dt.date(2026, 11, 2))
    assert CustomerIntake.objects.get(customer=customer).archive_done_at is not None


def test_arc6_new_customers_are_balanced_by_load_and_each_gets_a_first_contact_in_a_week(
    agent, agent_b, agent2, org, make_customer, monday
):
    # given agent already looks after 2 customers, agent_b and agent2 none
    for _ in range(2):
        make_customer(org.shop, dedicated_agent=agent)
    intake_run()  # their intakes are kept with agent (given at intake)
    # when 4 new customers arrive and the day's allocation runs
    new = [make_customer(org.shop, name=f"新客户{i}") for i in range(4)]
    allocated = intake_run()
    again = intake_run()
    # then every agent ends with 2 customers (balanced), each reason kept, idempotent
    assert (allocated, again) == (4, 0)
    counts = {
        u.username: Customer.objects.filter(dedicated_agent=u).count()
        for u in (agent, agent_b, agent2)
    }
    assert counts == {"agent": 2, "agent_b": 2, "agent2": 2}
    rows = CustomerIntake.objects.filter(customer__in=new).order_by("customer_id")
    assert sorted(r.load for r in rows) == [0, 0, 1, 1]
    assert all(r.skill == 50 and not r.preassigned for r in rows)
    # and each has a first-contact callback for its agent within one week of today
    for row in rows:
        task = CallbackTask.objects.get(customer_id=row.customer_id, kind=Kind.FIRST_CONTACT)
        assert task.owner_id == row.agent_id
        assert (task.window_start, task.window_end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 9))


def test_arc6_rule_ties_go_to_skill_and_vips_to_the_most_skilled_near_the_lightest_load():
    loads = {1: 3, 2: 3, 3: 5, 4: 6}
    skills = {1: 70, 2: 90, 3: 99, 4: 100}
    # an ordinary customer: the fewest customers; a tie goes to the more skilled agent
    assert choose(loads, skills, vip=False) == 2
    # a VIP: the most skilled among those within 2 customers of the lightest load (3, 4, 5)
    assert choose(loads, skills, vip=True) == 3


def test_arc6_page_lists_the_allocation_and_supervisor_allocates(
    agent, agent2, supervisor, org, make_customer, web_as, client, monday
):
    customer = make_customer(org.shop, name="王新")
    # the supervisor allocates from the page
    page = web_as(supervisor).post(reverse("followups:intake"), follow=True)
    assert page.status_code == 200
    intake = CustomerIntake.objects.get(customer=customer)
    assert intake.agent_id in (agent.pk, agent2.pk)
    assert f"intake-{intake.pk}" in page.text
    client.logout()
    # the allocated agent sees the customer; an agent may not allocate
    owner = agent if intake.agent_id == agent.pk else agent2
    mine = web_as(owner).get(reverse("followups:intake"))
    assert f"intake-{intake.pk}" in mine.text
    assert web_as(owner).post(reverse("followups:intake")).status_code in (403, 404)


def test_the_new_customers_list_pages_through_every_row_without_loss(
    supervisor, org, make_customer, web_as, monday
):
    made = [make_customer(org.shop, name=f"分页客户{i}") for i in range(5)]

    first = selectors.intakes_for(user=supervisor, limit=2)
    second = selectors.intakes_for(user=supervisor, limit=2, cursor=first.next)
    third = selectors.intakes_for(user=supervisor, limit=2, cursor=second.next)

    seen = [r.customer_id for r in first.items + second.items + third.items]
    assert seen == [c.pk for c in reversed(made)]  # newest first, each once
    assert third.next is None
    page = web_as(supervisor).get(reverse("followups:intake"), {"cursor": "not-a-cursor"})
    assert page.status_code == 400
