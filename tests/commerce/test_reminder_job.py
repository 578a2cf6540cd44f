"""The 催付 job on a real database (§9.5, PAY-2…6): planned once per channel, cancelled by
payment, worked on the phone list by amount with one-click outcomes, and PAY-5's results."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from testkit import make_user

from kefu.commerce import selectors
from kefu.commerce.models import Reminder, ReminderStatus
from kefu.commerce.services import orders as order_services
from kefu.commerce.services import reminders
from kefu.core.errors import Conflict, NotFound
from kefu.core.models import DomainEvent
from kefu.followups.models import CallRecord

from .conftest import at

pytestmark = pytest.mark.django_db


def _channels(order):
    return sorted(Reminder.objects.filter(order=order).values_list("channel", flat=True))


def test_pay2_job_at_10_59_59_plans_nothing_and_at_11_00_00_sms_and_im(make_orders):
    orders = make_orders([("A1", "2026-11-11 10:00:00", 120, {"buyer_online": "1"})])
    assert reminders.plan_due(at=at("2026-11-11 10:59:59")) == {"sms": 0, "im": 0, "phone": 0}
    assert reminders.plan_due(at=at("2026-11-11 11:00:00"))["sms"] == 1
    assert _channels(orders["A1"]) == ["im", "sms"]
    reminders.plan_due(at=at("2026-11-11 12:59:59"))
    assert _channels(orders["A1"]) == ["im", "sms"]
    reminders.plan_due(at=at("2026-11-11 13:00:00"))
    assert _channels(orders["A1"]) == ["im", "phone", "sms"]


def test_pay2_order_placed_20_45_gets_its_sms_at_09_00_next_day(make_orders):
    orders = make_orders([("B1", "2026-11-10 20:45:00", 80)])
    reminders.plan_due(at=at("2026-11-10 21:45:00"))
    reminders.plan_due(at=at("2026-11-11 08:59:59"))
    assert _channels(orders["B1"]) == []
    reminders.plan_due(at=at("2026-11-11 09:00:00"))
    assert _channels(orders["B1"]) == ["sms"]


def test_pay_one_reminder_per_channel_the_job_run_twice_and_the_constraint(make_orders):
    orders = make_orders([("C1", "2026-11-11 09:00:00", 50)])
    first = reminders.plan_due(at=at("2026-11-11 15:00:00"))
    second = reminders.plan_due(at=at("2026-11-11 15:00:00"))
    assert first == {"sms": 1, "im": 0, "phone": 1} and second == {"sms": 0, "im": 0, "phone": 0}
    existing = Reminder.objects.get(order=orders["C1"], channel="sms")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            business_line_id=existing.business_line_id,
            order=orders["C1"],
            channel="sms",
            amount=1,
            placed_at=existing.placed_at,
            due_at=existing.due_at,
        )


@pytest.mark.django_db(transaction=True)
def test_pay_two_workers_racing_write_one_reminder_per_channel(org, make_orders):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is run on PostgreSQL")
    make_orders([(f"R{i}", "2026-11-11 09:00:00", 10 + i) for i in range(50)])
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            reminders.plan_due(at=at("2026-11-11 15:00:00"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert Reminder.objects.filter(channel="sms").count() == 50
    assert Reminder.objects.filter(channel="phone").count() == 50


def test_pay_payment_cancels_every_pending_reminder(shop, make_orders):
    orders = make_orders([("D1", "2026-11-11 09:00:00", 50, {"buyer_online": "1"})])
    reminders.plan_due(at=at("2026-11-11 15:00:00"))
    assert Reminder.objects.filter(order=orders["D1"], status="pending").count() == 3
    result = order_services.orders_upsert(
        actor=None,
        shop=shop,
        rows=[
            {
                "order_id": "D1",
                "amount": "50",
                "placed_at": "2026-11-11 09:00:00",
                "paid_at": "2026-11-11 15:05:00",
            }
        ],
    )
    assert result.updated == 1
    assert set(Reminder.objects.filter(order=orders["D1"]).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert reminders.send_due(at=at("2026-11-11 15:06:00")) == {"sms": 0, "im": 0}


def test_pay6_sms_and_im_leave_inside_their_window_once_with_the_im_event(
    make_orders, caplog, django_capture_on_commit_callbacks
):
    make_orders([("E1", "2026-11-11 09:00:00", 50, {"buyer_online": "1"})])
    reminders.plan_due(at=at("2026-11-11 15:00:00"))
    assert reminders.send_due(at=at("2026-11-11 21:30:00")) == {"sms": 0, "im": 1}
    with (
        caplog.at_level("INFO", logger="kefu.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders.send_due(at=at("2026-11-12 09:00:00")) == {"sms": 1, "im": 0}
    assert any("E1" in r.getMessage() for r in caplog.records)
    assert reminders.send_due(at=at("2026-11-12 09:01:00")) == {"sms": 0, "im": 0}
    assert DomainEvent.objects.filter(type="reminder.due").count() == 2


def _campaign(org, team, when="2026-11-11 00:00:00"):
    return reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11催付",
        starts_at=at(when),
        ends_at=at("2026-11-12 00:00:00"),
        team=team,
    )


def test_pay3_phone_list_amount_descending_paid_drops_out_one_click_registers_a_call(
    org, shop, make_orders
):
    team = org.presale
    caller = make_user("caller", "agent", team=team)
    outsider = make_user("outsider", "agent", team=org.aftersales1)
    _campaign(org, team)
    make_orders(
        [
            ("P-small", "2026-11-11 09:00:00", 50),
            ("P-big-late", "2026-11-11 09:30:00", 900),
            ("P-big-early", "2026-11-11 09:10:00", 900),
            ("P-mid", "2026-11-11 09:20:00", 300),
        ]
    )
    reminders.plan_due(at=at("2026-11-11 13:00:00"))
    listed = [r.order.order_no for r in selectors.phone_list_for(user=caller)]
    assert listed == ["P-big-early", "P-big-late", "P-mid", "P-small"]
    assert list(selectors.phone_list_for(user=outsider)) == []
    order_services.orders_upsert(
        actor=None,
        shop=shop,
        rows=[
            {
                "order_id": "P-mid",
                "amount": "300",
                "placed_at": "2026-11-11 09:20:00",
                "paid_at": "2026-11-11 13:01:00",
            }
        ],
    )
    first = selectors.phone_list_for(user=caller)[0]
    done = reminders.reminder_call_outcome(actor=caller, reminder=first, outcome="promised")
    assert done.status == ReminderStatus.CALLED and done.agent == caller
    assert [r.order.order_no for r in selectors.phone_list_for(user=caller)] == [
        "P-big-late",
        "P-small",
    ]
    call = CallRecord.objects.get(customer_id=first.order.customer_id)
    assert (call.direction, call.result) == ("out", "answered")
    with pytest.raises(Conflict):
        reminders.reminder_call_outcome(actor=caller, reminder=first, outcome="no_answer")
    with pytest.raises(NotFound):
        selectors.reminder_get_for(user=outsider, pk=first.pk)


def test_pay5_results_recomputed_from_rows(org, shop, make_orders, manager):
    caller = make_user("caller", "agent", team=org.presale)
    _campaign(org, org.presale)
    make_orders(
        [
            ("S1", "2026-11-11 09:00:00", 300),
            ("S2", "2026-11-11 09:00:00", 100),
            ("S3", "2026-11-11 09:00:00", 600),
        ]
    )
    reminders.plan_due(at=at("2026-11-11 10:00:00"))  # sms for all three
    reminders.send_due(at=at("2026-11-11 10:00:00"))
    reminders.plan_due(at=at("2026-11-11 12:00:00"))  # phone
    phone = Reminder.objects.get(order__order_no="S1", channel="phone")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.now", lambda: at("2026-11-11 12:10:00"))
        reminders.reminder_call_outcome(actor=caller, reminder=phone, outcome="promised")
    order_services.orders_upsert(
        actor=None,
        shop=shop,
        rows=[
            {
                "order_id": "S1",
                "amount": "300",
                "placed_at": "2026-11-11 09:00:00",
                "paid_at": "2026-11-11 12:30:00",
            },
            {
                "order_id": "S2",
                "amount": "100",
                "placed_at": "2026-11-11 09:00:00",
                "paid_at": "2026-11-11 10:30:00",
            },
        ],
    )
    r = selectors.results_for(
        user=manager, start=at("2026-11-11 00:00:00"), end=at("2026-11-12 00:00:00")
    )
    assert (r.total.reminded_orders, r.total.paid_orders) == (3, 2)
    assert r.total.order_rate == Decimal("66.7")
    assert r.total.paid_amount == Decimal("400.00")
    assert r.total.amount_rate == Decimal("40.0")
    assert r.by_channel["phone"].paid_amount == Decimal("300.00")
    assert r.by_channel["sms"].paid_amount == Decimal("100.00")
    assert r.by_agent[caller.pk].paid_orders == 1


def _send_queries(make_orders, prefix: str, n: int, capture, queued) -> tuple[int, dict]:
    from django.test.utils import CaptureQueriesContext

    make_orders([(f"{prefix}{i}", "2026-11-11 09:00:00", 50 + i) for i in range(n)])
    reminders.plan_due(at=at("2026-11-11 10:00:00"))
    with CaptureQueriesContext(connection) as ctx, capture(execute=True):
        sent = reminders.send_due(at=at("2026-11-11 10:01:00"))
    assert [len(ids) for ids in queued] == [n]  # one job of the reminder.due events (IM)
    queued.clear()
    return len(ctx.captured_queries), sent


def test_pay6_sending_costs_the_same_queries_for_3_or_30_reminders(
    make_orders, django_capture_on_commit_callbacks, monkeypatch
):
    """The batch leaves through the outbox with a fixed number of queries (it was 4–5 per SMS:
    8,970 for 2,000 in bench/commerce_bench.py): opt-outs and quotas in one query each, one
    INSERT of the messages and one of their audit, one UPDATE each way. The reminder.due jobs
    are only queued here: the workers run them (the IM reminders)."""
    from kefu.channels.messaging.models import OutboundMessage
    from kefu.core import tasks
    from kefu.integrations import outbox

    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "event_dispatch_many_job", queued.append)
    # the webhook subscriptions are checked at most once a second: on a busy machine the larger
    # batch would pay that check once more than the small one (15 → 16)
    monkeypatch.setattr(outbox, "CHECK_SECONDS", 3600.0)
    capture = django_capture_on_commit_callbacks
    few, sent_few = _send_queries(make_orders, "Q", 3, capture, queued)
    many, sent_many = _send_queries(make_orders, "R", 30, capture, queued)
    assert sent_few == {"sms": 3, "im": 0} and sent_many == {"sms": 30, "im": 0}
    assert many == few, (few, many)
    rows = OutboundMessage.objects.filter(kind="reminder", channel="sms")
    assert rows.count() == 33 and set(rows.values_list("status", flat=True)) == {"sent"}
    # a reminder carries the shop's signature and the opt-out line like every notice
    assert all("回复TD退订" in t for t in rows.values_list("text", flat=True))


def test_pay6_an_opted_out_buyer_gets_no_reminder_sms_the_others_do(
    make_orders, shop, django_capture_on_commit_callbacks
):
    from kefu.channels.messaging.models import OptOut, OutboundMessage

    orders = make_orders([("S1", "2026-11-11 09:00:00", 50), ("S2", "2026-11-11 09:00:00", 60)])
    phone = orders["S1"].customer.phone
    OptOut.objects.create(business_line_id=shop.business_line_id, recipient=phone)
    reminders.plan_due(at=at("2026-11-11 10:00:00"))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(at=at("2026-11-11 10:01:00"))
    status = dict(OutboundMessage.objects.values_list("recipient", "status"))
    assert status[phone] == "refused"
    assert status[orders["S2"].customer.phone] == "sent"


def test_pay6_reminders_wait_out_the_lines_quiet_hours_then_leave_in_their_window(
    make_orders, shop, django_capture_on_commit_callbacks
):
    """With quiet hours 20:00-09:30 the outbox would hold an SMS written at 21:00 until 09:30;
    the reminder stays pending instead and leaves at the first run after them."""
    from kefu.channels.messaging.models import OutboundMessage

    line = shop.business_line
    line.policies = {**line.policies, "quiet_hours": "20:00-09:30"}
    line.save(update_fields=["policies"])
    make_orders([("QH1", "2026-11-11 18:00:00", 50)])
    reminders.plan_due(at=at("2026-11-11 19:30:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due(at=at("2026-11-11 21:00:00")) == {"sms": 0, "im": 0}
        assert reminders.send_due(at=at("2026-11-12 09:00:00")) == {"sms": 0, "im": 0}
    assert Reminder.objects.get(order__order_no="QH1").status == ReminderStatus.PENDING
    assert not OutboundMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due(at=at("2026-11-12 09:30:00")) == {"sms": 1, "im": 0}
