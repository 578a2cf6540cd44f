"""FU-6 (issue 23 §1 "Last contact"): the 3-week inactivity callback catches up after downtime.

Customers whose 21 days passed while the worker was down are still called, once (the task's unique
key is the window their last contact opens); customers whose window opened before the job last
ran are not called again, and a first run does not call every dormant customer of the archive.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kefu.followups import services
from kefu.followups.models import CadencePolicy, CallbackTask, Kind

SH = ZoneInfo("Asia/Shanghai")


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SH)


def test_fu6_inactivity_21_days_passed_while_the_worker_was_down_are_called_once(
    agent, supervisor, org, make_customer, make_ticket, time_machine
):
    policy = services.policy_for(org.shop, Kind.INACTIVITY)
    services.policy_update(actor=supervisor, policy=policy, changes={"enabled": True})
    # last contacts: 1 August (long dormant), 10 and 12 October
    customers = {}
    for name, when in (("dormant", _at(8, 1)), ("a", _at(10, 10)), ("b", _at(10, 12))):
        time_machine.move_to(when, tick=False)
        customers[name] = make_ticket(agent, type="consult").customer
    # the job ran on 1 October (first run: only windows open that day), then the worker was down
    time_machine.move_to(_at(10, 1), tick=False)
    services.inactivity_run()
    assert CadencePolicy.objects.get(pk=policy.pk).checked_through == dt.date(2026, 10, 1)
    assert not CallbackTask.objects.filter(kind=Kind.INACTIVITY).exists()
    # back on 6 November: a's window (31 Oct – 2 Nov) closed and b's (2–4 Nov) too
    time_machine.move_to(_at(11, 6), tick=False)
    assert services.inactivity_run() == 2
    assert services.inactivity_run() == 0  # once
    tasks = {t.customer_id: t for t in CallbackTask.objects.filter(kind=Kind.INACTIVITY)}
    assert set(tasks) == {customers["a"].pk, customers["b"].pk}
    a = tasks[customers["a"].pk]
    # 21 days after the last contact, due the day the job caught up
    assert (a.window_start, a.window_end, a.due_on) == (
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 6),
        dt.date(2026, 11, 6),
    )
    assert CadencePolicy.objects.get(pk=policy.pk).checked_through == dt.date(2026, 11, 6)


def test_fu6_inactivity_a_first_run_does_not_call_the_whole_dormant_archive(
    agent, supervisor, org, make_ticket, time_machine
):
    policy = services.policy_for(org.shop, Kind.INACTIVITY)
    services.policy_update(actor=supervisor, policy=policy, changes={"enabled": True})
    time_machine.move_to(_at(9, 1), tick=False)
    make_ticket(agent, type="consult")
    time_machine.move_to(_at(11, 6), tick=False)
    assert services.inactivity_run() == 0
