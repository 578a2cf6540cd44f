"""Every contact moves the customer's last contact (issue 23 §1 "Last contact"; FU-6 reads it).

A ticket recorded, a reply sent, a callback that reached the customer, an answered or inbound call
in the register, a letter sent, a survey answer: each moves ``Customer.last_contact_at`` forward
(never back), through the domain events customers subscribe to.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core import events
from kefu.customers.models import Customer
from kefu.followups import services as followups
from kefu.followups.models import CallbackTask, Kind
from kefu.tickets.services import ticket_reply

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=SH)


def _last(customer) -> dt.datetime:
    return Customer.objects.get(pk=customer.pk).last_contact_at


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(at(2), tick=False)
    return time_machine


def test_last_contact_a_reply_sent_moves_it(agent, new_customer, new_ticket, clock):
    customer = new_customer()
    ticket = new_ticket(agent, customer, type="consult")
    assert _last(customer) == at(2)
    clock.move_to(at(5), tick=False)
    ticket_reply(actor=agent, ticket=ticket, body="您好，已为您补发。")
    assert _last(customer) == at(5)


def test_last_contact_a_callback_moves_it_only_when_it_reached_the_customer(
    agent, new_customer, clock
):
    customer = new_customer()
    task = followups.callback_trigger(kind=Kind.REVIEW, customer=customer, actor=agent)
    assert task is not None
    clock.move_to(at(3), tick=False)
    followups.callback_log_outcome(
        actor=agent, task=task, version=task.version, outcome="unreachable"
    )
    assert _last(customer) is None  # not reached: no contact
    retry = CallbackTask.objects.get(customer=customer, attempt=2)
    clock.move_to(at(4), tick=False)
    followups.callback_log_outcome(
        actor=agent, task=retry, version=retry.version, outcome="satisfied"
    )
    assert _last(customer) == at(4)


def test_last_contact_registered_calls_and_letters_move_it_never_back(agent, new_customer, clock):
    customer = new_customer()
    # an outbound call nobody answered is no contact
    followups.call_record_create(
        actor=agent, customer=customer, direction="out", result="unreachable"
    )
    assert _last(customer) is None
    # an inbound call is (at the time it started)
    followups.call_record_create(
        actor=agent, customer=customer, direction="in", result="answered", started_at=at(2, 9)
    )
    assert _last(customer) == at(2, 9)
    # a letter sent today moves it to now
    clock.move_to(at(6), tick=False)
    followups.letter_record_create(actor=agent, customer=customer, kind="notice", channel="post")
    assert _last(customer) == at(6)
    # a letter registered late (sent on the 3rd) does not move it back
    followups.letter_record_create(
        actor=agent, customer=customer, kind="reply", channel="post", sent_on=dt.date(2026, 11, 3)
    )
    assert _last(customer) == at(6)


def test_last_contact_a_survey_answer_moves_it(new_customer, clock):
    customer = new_customer()
    clock.move_to(at(7), tick=False)
    events.publish(
        "survey.answered",
        object_id=1,
        business_line_id=customer.business_line_id,
        payload={
            "ticket": None,
            "customer": customer.pk,
            "questionnaire": 1,
            "csi": None,
            "nps": 9,
        },
    )
    assert _last(customer) == at(7)


def test_last_contact_fu6_a_reply_restarts_the_3_week_inactivity_clock(
    agent, supervisor, org, new_customer, new_ticket, time_machine
):
    """FU-6 reads real contact: 21 days after the ticket but only 13 after a reply, no call; 21
    days after the reply, one."""
    policy = followups.policy_for(org.shop, Kind.INACTIVITY)
    followups.policy_update(actor=supervisor, policy=policy, changes={"enabled": True})
    time_machine.move_to(at(12, month=10), tick=False)
    customer = new_customer()
    ticket = new_ticket(agent, customer, type="consult")
    time_machine.move_to(at(20, month=10), tick=False)
    ticket_reply(actor=agent, ticket=ticket, body="您好，课程已为您改期。")
    time_machine.move_to(at(2), tick=False)  # 21 days after the ticket
    followups.inactivity_run()
    assert not CallbackTask.objects.filter(kind=Kind.INACTIVITY).exists()
    time_machine.move_to(at(10), tick=False)  # 21 days after the reply
    followups.inactivity_run()
    task = CallbackTask.objects.get(kind=Kind.INACTIVITY)
    assert (task.customer_id, task.window_start) == (customer.pk, dt.date(2026, 11, 10))
