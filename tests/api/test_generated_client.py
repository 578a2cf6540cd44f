"""An integrator's client, generated from /api/v1/openapi.json with openapi-python-client in
the test run, drives the golden path — nothing but the generated code talks to the server."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from kefu.accounts import services as account_services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIG = f"""\
package_name_override: kefu_client
project_name_override: kefu-client
post_hooks: []
content_type_overrides:
  {XLSX}: application/octet-stream
"""


@pytest.fixture(scope="session")
def kefu_client(tmp_path_factory, django_db_blocker):
    """The generated package ``kefu_client`` (generated once per test session)."""
    root = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():
        spec = Client().get("/api/v1/openapi.json").json()
    (root / "openapi.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(root / "openapi.json"),
            "--output-path",
            str(root / "kefu_client"),
            "--meta",
            "none",
            "--config",
            str(root / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stdout, result.stdout  # every operation and schema generated
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("kefu_client")
    finally:
        sys.path.remove(str(root))


@pytest.fixture(autouse=True)
def _connection_kept_across_requests():
    """Like Django's test client: the in-process server keeps the test's database connection
    (request_finished would close it, ending the test's transaction on PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _module(name: str):
    return importlib.import_module(f"kefu_client.{name}")


def _client_for(kefu_client, user):
    """The generated AuthenticatedClient, speaking HTTP to this Django app in-process."""
    _, raw = account_services.token_create(user=user, name="generated client")
    return kefu_client.AuthenticatedClient(
        base_url="http://testserver",
        token=raw,
        raise_on_unexpected_status=True,  # an answer the document does not declare fails
        httpx_args={"transport": httpx.WSGITransport(app=WSGIHandler())},
    )


def test_the_golden_path_through_the_generated_client(kefu_client, agent, org):
    models = _module("models")
    create = _module("api.tickets.ticket_create")
    listing = _module("api.tickets.ticket_list")
    get = _module("api.tickets.ticket_get")
    update = _module("api.tickets.ticket_update")
    reply = _module("api.tickets.ticket_reply_create")
    customers = _module("api.customers.customer_list")
    client = _client_for(kefu_client, agent)

    # a ticket for a caller who is no customer yet: phone and name
    created = []
    for title in ("快递三天没到", "发票开错了"):
        body = models.TicketCreateIn(
            title=title,
            type_=models.TicketCreateInType.CONSULT,
            channel=models.TicketCreateInChannel.PHONE,
            priority=models.TicketCreateInPriority.NORMAL,
            customer_phone="13812345678",
            customer_name="王小明",
        )
        answer = create.sync_detailed(client=client, body=body)
        assert answer.status_code == 201
        assert isinstance(answer.parsed, models.TicketOut)
        created.append(answer.parsed)
    first, second = created
    assert first.status == models.TicketOutStatus.NEW
    assert first.customer == second.customer and first.customer_name == "王小明"

    # the list with filters, one a page, follows the cursor
    page = listing.sync(client=client, status="open", channel="phone", limit=1)
    assert len(page.items) == 1 and page.next_
    rest = listing.sync(client=client, status="open", channel="phone", limit=1, cursor=page.next_)
    assert {page.items[0].id, rest.items[0].id} == {first.id, second.id}
    assert listing.sync(client=client, status="closed").items == []

    # get, patch with the version, and a stale patch is a typed 409
    ticket = get.sync(first.id, client=client)
    assert ticket.number == first.number and ticket.version == first.version
    patch = models.TicketUpdateIn(
        version=ticket.version, priority=models.TicketUpdateInPriorityType0.HIGH
    )
    changed = update.sync(first.id, client=client, body=patch)
    assert changed.priority == models.TicketOutPriority.HIGH
    assert changed.version == ticket.version + 1
    stale = update.sync_detailed(
        first.id,
        client=client,
        body=models.TicketUpdateIn(
            version=ticket.version, status=models.TicketUpdateInStatusType0.PENDING
        ),
    )
    assert stale.status_code == 409
    assert isinstance(stale.parsed, models.ErrorOut)
    assert stale.parsed.error.code == "stale"

    # a reply to the customer
    message = reply.sync(
        first.id, client=client, body=models.MessageCreateIn(body="您好，已催促快递。")
    )
    assert message.kind == models.MessageOutKind.REPLY and message.body == "您好，已催促快递。"

    # the customer is found by name
    found = customers.sync(client=client, q="王小明")
    assert [c.id for c in found.items] == [first.customer]
    assert found.items[0].phone.endswith("5678")


def test_knowledge_language_rules_read_through_the_generated_client(
    kefu_client, agent, admin_user, org
):
    """Two `RuleOut` schemas once collapsed into one: the client crashed reading these."""
    from kefu.knowledge.services import language_rule_create

    language_rule_create(
        actor=admin_user,
        kind="improper",
        pattern="不知道",
        suggestion="我帮您查一下",
        business_line=org.shop,
    )
    rules = _module("api.knowledge.language_rule_list").sync(client=_client_for(kefu_client, agent))

    assert any(r.pattern == "不知道" and r.suggestion == "我帮您查一下" for r in rules)


def test_a_customer_with_property_units_reads_through_the_generated_client(
    kefu_client, wy_agent, org
):
    """Two `UnitOut` schemas once collapsed into one: the client crashed on 物业 customers."""
    from kefu.customers.assets import property_unit_add
    from kefu.customers.services import customer_create

    customer = customer_create(
        actor=None, business_line=org.property, name="业主赵", phone="13900001111"
    )
    property_unit_add(
        actor=None,
        customer=customer,
        data={"building": "3栋", "unit": "2单元", "room": "1201", "area_m2": "98.5"},
    )

    got = _module("api.customers.customer_get").sync(
        customer.pk, client=_client_for(kefu_client, wy_agent)
    )

    assert [(u.building, u.unit, u.room) for u in got.units] == [("3栋", "2单元", "1201")]
