"""Archive services: create, search, update (versioned), notes, merge, reveal (ARC-1…12)."""

from __future__ import annotations

import pytest

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.customers import selectors, services
from kefu.customers.models import Customer, PhoneGram


def test_phone_is_normalised_and_indexed(org, agent, new_customer):
    # when
    customer = new_customer(phone="+86 138-0013-8000", actor=agent)
    # then
    assert customer.phone == "13800138000"
    grams = set(PhoneGram.objects.filter(customer=customer).values_list("gram", flat=True))
    assert {"1380", "0138", "8000"} <= grams


def test_search_by_any_four_consecutive_digits_and_by_name(org, agent, new_customer):
    # given
    zhang = new_customer(name="张小明", phone="13812345678")
    new_customer(name="李四", phone="13900000000")
    # then
    assert selectors.customer_search_for(user=agent, q="5678") == [
        zhang
    ]  # the last four (masked roles, issue 15)
    assert selectors.customer_search_for(user=agent, q="345678") == [zhang]
    assert selectors.customer_search_for(user=agent, q="小明") == [zhang]
    assert selectors.customer_search_for(user=agent, q="9999") == []


def test_name_search_ignores_letter_case_on_every_database(org, agent, new_customer):
    # given a customer with a Latin name (SQLite's LIKE ignores case, PostgreSQL's does not)
    lisa = new_customer(name="Lisa Wang", phone="13812345678")
    # then lower case finds her by the start of the name and inside it, in search and the list
    assert selectors.customer_search_for(user=agent, q="lisa") == [lisa]
    assert selectors.customer_search_for(user=agent, q="WANG") == [lisa]
    listed = selectors.customer_list_for(user=agent, filters=selectors.CustomerFilters(q="wang"))
    assert list(listed) == [lisa]


def test_search_does_not_cross_business_lines(org, wy_agent, new_customer):
    new_customer(name="张小明", phone="13812345678")
    assert selectors.customer_search_for(user=wy_agent, q="2345") == []


def test_duplicate_phone_offers_the_existing_customer(org, agent, new_customer):
    # given
    existing = new_customer(phone="13812345678")
    # when
    with pytest.raises(Conflict) as caught:
        new_customer(phone="138 1234 5678")
    # then
    assert caught.value.code == "duplicate_phone"
    assert caught.value.existing == existing
    assert f"#{existing.pk}" in str(caught.value.message)


def test_same_phone_in_another_business_line_is_allowed(org, new_customer):
    new_customer(phone="13812345678")
    assert new_customer(org.property, phone="13812345678").business_line == org.property


def test_update_normalises_phone_reindexes_and_bumps_version(org, agent, new_customer):
    # given
    customer = new_customer(phone="13812345678")
    # when
    services.customer_update(
        actor=agent,
        customer=customer,
        version=1,
        changes={"phone": "139-0000-7777", "tags": "老客户，VIP、老客户"},
    )
    # then
    customer.refresh_from_db()
    assert customer.phone == "13900007777"
    assert customer.version == 2
    assert customer.tags == ["老客户", "VIP"]
    assert selectors.customer_search_for(user=agent, q="7777") == [customer]
    assert selectors.customer_search_for(user=agent, q="5678") == []


def test_stale_update_is_refused_and_changes_nothing(org, agent, agent_b, new_customer):
    # given
    customer = new_customer(name="旧名")
    services.customer_update(actor=agent, customer=customer, version=1, changes={"name": "甲"})
    stale = Customer.objects.get(pk=customer.pk)
    stale.version = 1
    # when
    with pytest.raises(StaleWrite):
        services.customer_update(actor=agent_b, customer=stale, version=1, changes={"name": "乙"})
    # then
    assert Customer.objects.get(pk=customer.pk).name == "甲"


def test_update_to_a_phone_of_another_customer_is_a_duplicate(org, agent, new_customer):
    new_customer(phone="13812345678")
    other = new_customer(phone="13700000000")
    with pytest.raises(Conflict) as caught:
        services.customer_update(
            actor=agent, customer=other, version=1, changes={"phone": "13812345678"}
        )
    assert caught.value.code == "duplicate_phone"


def test_unknown_field_and_bad_tier_are_invalid(org, agent, new_customer):
    customer = new_customer()
    with pytest.raises(Invalid):
        services.customer_update(actor=agent, customer=customer, version=1, changes={"x": 1})
    with pytest.raises(Invalid) as caught:
        services.customer_update(actor=agent, customer=customer, version=1, changes={"tier": "x"})
    assert "tier" in caught.value.fields


def test_merge_keeps_all_history(org, agent, supervisor, new_customer, new_ticket):
    """ARC-4: tickets, notes and assets of the duplicate move to the kept customer."""
    # given
    keep = new_customer(name="张三", phone="13811112222")
    dup = new_customer(name="张三(重复)", phone="13833334444", address="广州市天河区体育西路1号")
    ticket = new_ticket(agent, dup)
    note = services.note_add(actor=agent, customer=dup, body="客户要求上门")
    vehicle = services.vehicle_add(actor=agent, customer=dup, data={"model_name": "凯美瑞"})
    # when
    services.customer_merge(actor=supervisor, keep=keep, merge=dup)
    # then
    ticket.refresh_from_db()
    note.refresh_from_db()
    vehicle.refresh_from_db()
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert ticket.customer_id == keep.pk
    assert note.customer_id == keep.pk
    assert vehicle.customer_id == keep.pk
    assert dup.merged_into_id == keep.pk
    assert keep.phone2 == "13833334444"
    assert keep.address == "广州市天河区体育西路1号"
    assert selectors.customer_search_for(user=agent, q="4444") == [keep]
    assert AuditEvent.objects.filter(action="customer.merge", object_id=str(keep.pk)).exists()
    titles = [e.kind for e in selectors.customer_timeline(customer=keep, user=None)]
    assert "ticket" in titles and "note" in titles
    # the duplicate's own history (its creation) shows on the kept customer's timeline
    actions = [e.ref.get("action") for e in selectors.customer_timeline(customer=keep, user=None)]
    assert actions.count("customer.create") == 2


def test_merge_needs_a_supervisor(org, agent, lead, new_customer):
    keep, dup = new_customer(), new_customer()
    with pytest.raises(PermissionDenied):
        services.customer_merge(actor=lead, keep=keep, merge=dup)


def test_reveal_is_audited(org, agent, new_customer):
    customer = new_customer(phone="13812345678", address="广州市天河区体育西路1号")
    revealed = services.contact_reveal(actor=agent, customer=customer, ip="10.0.0.1")
    assert revealed["phone"] == "13812345678"
    event = AuditEvent.objects.get(action="customer.reveal")
    assert (event.actor, event.object_id, event.ip) == (agent, str(customer.pk), "10.0.0.1")


def test_reveal_is_refused_for_a_masked_only_user(org, agent, new_customer):
    agent.contact_access = "masked"
    customer = new_customer()
    with pytest.raises(PermissionDenied):
        services.contact_reveal(actor=agent, customer=customer)
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()


def test_service_record_moves_next_maintenance(org, agent, new_customer):
    import datetime as dt

    customer = new_customer(org.auto)
    vehicle = services.vehicle_add(
        actor=agent,
        customer=customer,
        data={"model_name": "卡罗拉", "plate": "粤a12345", "maintenance_interval_days": "180"},
    )
    services.service_record_add(
        actor=agent, vehicle=vehicle, data={"serviced_on": "2026-01-10", "items": "更换机油"}
    )
    vehicle.refresh_from_db()
    assert vehicle.plate == "粤A12345"
    assert vehicle.next_maintenance_on == dt.date(2026, 1, 10) + dt.timedelta(days=180)


def test_asset_with_missing_required_field_is_invalid(org, agent, new_customer):
    customer = new_customer(org.property)
    with pytest.raises(Invalid) as caught:
        services.property_unit_add(actor=agent, customer=customer, data={"building": "3栋"})
    assert "room" in caught.value.fields
