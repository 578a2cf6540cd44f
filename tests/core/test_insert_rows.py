"""``core.db.insert_rows``: the intake's INSERT without the ORM's compiler (issue 24) writes
exactly the row ``save()`` would, on both databases, and leaves to ``save()`` every model whose
save has receivers of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import BigIntegerField, Func
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.accounts.models import BusinessLine, Team
from kefu.core.db import insert_rows
from kefu.core.models import AuditEvent, DomainEvent
from kefu.customers.models import Customer, PhoneGram

pytestmark = pytest.mark.django_db


def _columns(model, pk) -> dict:
    return {
        f.attname: getattr(model.objects.get(pk=pk), f.attname)
        for f in model._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at")
    }


def test_a_row_is_the_one_save_writes(org, agent):
    line = org.aftersales1.business_line
    fields = {
        "business_line": line,
        "name": "王女士",
        "phone": "13800138000",
        "tags": ["VIP", "老客户"],
        "tier": "gold",
        "created_by": agent,
        "first_visit_on": dt.date(2026, 3, 1),
    }
    saved = Customer(**fields)
    saved.save(force_insert=True)
    inserted = insert_rows([Customer(**{**fields, "phone": "13800138001"})])[0]

    assert inserted.pk and inserted.pk != saved.pk and not inserted._state.adding
    mine, theirs = _columns(Customer, inserted.pk), _columns(Customer, saved.pk)
    assert {**mine, "phone": None} == {**theirs, "phone": None}
    assert mine["tags"] == ["VIP", "老客户"]  # JSON encoded, not the list's repr
    stored = Customer.objects.get(pk=inserted.pk)
    assert stored.created_at is not None and stored.updated_at >= stored.created_at


def test_many_rows_get_their_ids_in_order(org):
    customer = Customer.objects.create(
        business_line=org.aftersales1.business_line, name="李", phone="13900001111"
    )
    grams = [
        PhoneGram(customer=customer, business_line_id=customer.business_line_id, gram=g)
        for g in ("1111", "0001", "9000")
    ]
    insert_rows(grams)
    assert [PhoneGram.objects.get(pk=g.pk).gram for g in grams] == ["1111", "0001", "9000"]


def test_a_moment_the_service_gives_is_kept(org):
    moment = timezone.now() - dt.timedelta(minutes=5)
    row = insert_rows([AuditEvent(action="x.y", created_at=moment, changes={})])[0]
    assert AuditEvent.objects.get(pk=row.pk).created_at == moment
    stamped = insert_rows([AuditEvent(action="x.y", changes={})])[0]
    assert AuditEvent.objects.get(pk=stamped.pk).created_at > moment


def test_an_sql_expression_is_compiled_in_its_place(org):
    if connection.vendor != "postgresql":
        pytest.skip("txid_current() is PostgreSQL's")
    with transaction.atomic():
        event = DomainEvent(
            type="customer.created",
            object_type="customer",
            object_id=1,
            payload={"name": "张三"},
            occurred_at=timezone.now(),
            txid=Func(function="txid_current", output_field=BigIntegerField()),
        )
        insert_rows([event])
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            txid = cursor.fetchone()[0]
    assert DomainEvent.objects.get(pk=event.pk).txid == txid


def test_a_model_with_save_receivers_goes_through_save(org):
    """Saving a team gives its line a new settings token (core.line_settings): the receiver
    must still run."""
    line = org.aftersales1.business_line
    before = BusinessLine.objects.get(pk=line.pk).settings_token
    team = Team(business_line=line, department=org.aftersales1.department, name="新组")
    with CaptureQueriesContext(connection) as ctx:
        insert_rows([team])
    assert team.pk and Team.objects.filter(pk=team.pk).exists()
    assert BusinessLine.objects.get(pk=line.pk).settings_token != before
    assert any("settings_token" in q["sql"] for q in ctx.captured_queries)
