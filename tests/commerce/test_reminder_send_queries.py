"""A send run of payment reminders (PAY-6) costs a fixed number of queries whatever the batch:
the SMS through the outbox in one batch, and the IM reminders too — the ``reminder.due`` job of
the batch (the worker's part, run here as the job runner would) reads the batch's events,
orders, buyers and lines once and writes the IM messages in one INSERT. It was one event read
per reminder and five or six queries per IM reminder in the worker."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.channels.messaging.models import OutboundMessage
from kefu.commerce.services import reminders
from kefu.core.models import AuditEvent

from .conftest import at

pytestmark = pytest.mark.django_db


def _send(make_orders, capture, prefix: str, n: int) -> tuple[int, dict]:
    """``n`` unpaid orders placed at 09:00, every other buyer online: at 10:00 each is due an
    SMS and the online ones an IM reminder too. Returns the queries of the send run including
    its after-commit work (the SMS batch and the reminder.due job)."""
    make_orders(
        [
            (f"{prefix}{i}", "2026-11-11 09:00:00", 50 + i, {"buyer_online": str(i % 2)})
            for i in range(n)
        ]
    )
    reminders.plan_due(at=at("2026-11-11 10:00:00"))
    with CaptureQueriesContext(connection) as ctx, capture(execute=True):
        sent = reminders.send_due(at=at("2026-11-11 10:01:00"))
    return len(ctx.captured_queries), sent


def test_pay6_a_send_run_of_50_or_200_reminders_costs_the_same_queries_im_included(
    make_orders, django_capture_on_commit_callbacks, monkeypatch
):
    from kefu.integrations import outbox

    # the webhook subscriptions are checked at most once a second: on a busy machine the larger
    # batch would pay that check once more than the small one
    monkeypatch.setattr(outbox, "CHECK_SECONDS", 3600.0)
    capture = django_capture_on_commit_callbacks
    few, sent_few = _send(make_orders, capture, "F", 50)
    many, sent_many = _send(make_orders, capture, "M", 200)
    assert sent_few == {"sms": 50, "im": 25} and sent_many == {"sms": 200, "im": 100}
    assert many == few, (few, many)
    im = OutboundMessage.objects.filter(kind="reminder", channel="im")
    assert im.count() == 125 and set(im.values_list("status", flat=True)) == {"sent"}
    assert set(im.values_list("recipient", flat=True)) == {
        f"buyer-{p}{i}" for p, n in (("F", 50), ("M", 200)) for i in range(1, n, 2)
    }
    sms = OutboundMessage.objects.filter(kind="reminder", channel="sms")
    assert sms.count() == 250 and set(sms.values_list("status", flat=True)) == {"sent"}
    # every message written is audited, the IM ones as the SMS ones
    assert AuditEvent.objects.filter(action="message.send").count() == 375
