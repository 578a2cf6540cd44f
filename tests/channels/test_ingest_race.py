"""The same Message-ID is imported once per mailbox also with two workers at once (issue 17 §1):
two real PostgreSQL connections ingest the same delivery together; one opens the ticket, the
other answers duplicate, and nothing is doubled (the ticket, the customer, the acknowledgement)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kefu.channels import services
from kefu.channels.models import AutoMail, InboundMail
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket

from .mailkit import eml, fresh


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL only: the in-memory SQLite test database locks whole tables between threads",
)
def test_two_workers_ingesting_one_delivery_import_it_once(org, manager, agent):
    mailbox = services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )
    for round_ in range(5):
        raw = fresh(eml("foxmail_reply_refs.eml")).replace(
            b"Message-ID: <", f"Message-ID: <race{round_}.".encode(), 1
        )
        start = threading.Barrier(2)
        results, errors = [], []

        def worker(raw=raw, start=start, results=results, errors=errors):
            try:
                start.wait()
                results.append(services.ingest(raw, mailbox=mailbox).status)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        assert sorted(results) == ["created", "duplicate"], results
    assert InboundMail.objects.count() == Ticket.objects.count() == 5
    assert Customer.objects.count() == 1
    assert AutoMail.objects.count() == 1  # one acknowledgement per address per window
