"""/api/v1/customers: list and search, create, detail, versioned PATCH, reveal, notes, timeline,
merge; masking per role, scope and the error shape (design.md "Public interfaces")."""

from __future__ import annotations

from kefu.core.models import AuditEvent

URL = "/api/v1/customers"


def test_list_finds_by_phone_digits_and_by_name(org, agent, api_as, new_customer):
    # given
    zhang = new_customer(name="张小明", phone="13812345678")
    new_customer(name="李四", phone="13900000000")
    api = api_as(agent)
    # when
    by_digits = api.get(URL, {"q": "5678"}).json()
    by_name = api.get(URL, {"q": "小明"}).json()
    # then
    assert [c["id"] for c in by_digits["items"]] == [zhang.pk]
    assert [c["id"] for c in by_name["items"]] == [zhang.pk]
    assert by_digits["next"] is None


def test_phone_and_address_are_masked_for_agents(org, agent, api_as, new_customer):
    new_customer(phone="13812345678", address="广州市天河区体育西路1号")
    item = api_as(agent).get(URL).json()["items"][0]
    assert item["phone"] == "138****5678"
    assert item["address"].startswith("广州市天河区") and "体育西路" not in item["address"]
    assert item["contact_masked"] is True


def test_phone_is_shown_to_supervisors(org, supervisor, api_as, new_customer):
    new_customer(phone="13812345678")
    assert api_as(supervisor).get(URL).json()["items"][0]["phone"] == "13812345678"


def test_customer_json_has_the_contract_fields(org, agent, api_as, new_customer, new_ticket):
    customer = new_customer()
    new_ticket(agent, customer)
    body = api_as(agent).get(f"{URL}/{customer.pk}").json()
    for key in [
        "id",
        "name",
        "phone",
        "address",
        "tier",
        "tags",
        "source_channel",
        "dedicated_agent",
        "business_line",
        "created_at",
        "version",
        "segment",
        "visits_12m",
        "last_contact_at",
    ]:
        assert key in body
    assert body["visits_12m"] == 1
    assert body["segment"] == "general"


def test_create_returns_201_and_duplicate_phone_409(org, agent, api_as, new_customer):
    # given
    existing = new_customer(phone="13812345678")
    api = api_as(agent)
    # when
    created = api.post(URL, {"name": "赵六", "phone": "13700001111", "tags": ["新客"]})
    duplicate = api.post(URL, {"name": "赵六", "phone": "138-1234-5678"})
    # then
    assert created.status_code == 201
    assert created.json()["tags"] == ["新客"]
    assert duplicate.status_code == 409
    error = duplicate.json()["error"]
    assert error["code"] == "duplicate_phone"
    assert "phone" in error["fields"]
    assert f"#{existing.pk}" in error["message"]


def test_patch_with_stale_version_is_409(org, agent, api_as, new_customer):
    customer = new_customer()
    api = api_as(agent)
    ok = api.patch(f"{URL}/{customer.pk}", {"version": 1, "name": "新名字"})
    stale = api.patch(f"{URL}/{customer.pk}", {"version": 1, "name": "旧版本"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    assert api.get(f"{URL}/{customer.pk}").json()["name"] == "新名字"


def test_reveal_returns_full_phone_and_is_audited(org, agent, api_as, new_customer):
    customer = new_customer(phone="13812345678")
    response = api_as(agent).post(f"{URL}/{customer.pk}/reveal")
    assert response.status_code == 200
    assert response.json()["phone"] == "13812345678"
    assert AuditEvent.objects.filter(action="customer.reveal", actor=agent).count() == 1


def test_reveal_refused_for_masked_only_user(org, agent, api_as, new_customer):
    agent.contact_access = "masked"
    agent.save(update_fields=["contact_access"])
    customer = new_customer()
    response = api_as(agent).post(f"{URL}/{customer.pk}/reveal")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_notes_and_timeline(org, agent, api_as, new_customer, new_ticket):
    customer = new_customer()
    ticket = new_ticket(agent, customer, title="空调不制冷")
    api = api_as(agent)
    created = api.post(f"{URL}/{customer.pk}/notes", {"body": "客户希望周末上门"})
    empty = api.post(f"{URL}/{customer.pk}/notes", {"body": "  "})
    notes = api.get(f"{URL}/{customer.pk}/notes").json()
    timeline = api.get(f"{URL}/{customer.pk}/timeline").json()["items"]
    assert created.status_code == 201
    assert empty.status_code == 400 and "body" in empty.json()["error"]["fields"]
    assert [n["body"] for n in notes["items"]] == ["客户希望周末上门"]
    assert timeline[0]["kind"] in {"note", "event"}
    assert {"ticket", "note", "event"} == {e["kind"] for e in timeline}
    assert any(e["ref"].get("number") == ticket.number for e in timeline)


def test_merge_by_supervisor_and_refused_for_agent(org, agent, supervisor, api_as, new_customer):
    keep, dup = new_customer(), new_customer()
    refused = api_as(agent).post(f"{URL}/{keep.pk}/merge", {"merge": dup.pk})
    merged = api_as(supervisor).post(f"{URL}/{keep.pk}/merge", {"merge": dup.pk})
    assert refused.status_code == 403
    assert merged.status_code == 200
    assert api_as(supervisor).get(f"{URL}/{dup.pk}").status_code == 404


def test_other_business_line_customer_is_404(org, wy_agent, api_as, new_customer):
    customer = new_customer()
    api = api_as(wy_agent)
    assert api.get(f"{URL}/{customer.pk}").status_code == 404
    assert api.post(f"{URL}/{customer.pk}/reveal").status_code == 404
    assert api.patch(f"{URL}/{customer.pk}", {"version": 1, "name": "x"}).status_code == 404
    assert api.get(URL).json()["items"] == []


def test_client_mistakes_get_the_error_shape(org, agent, api_as, new_customer):
    api = api_as(agent)
    cases = [
        api.get(URL, {"cursor": "nonsense"}),
        api.get(URL, {"limit": "0"}),
        api.get(URL, {"tier": "platinum"}),
        api.get(URL, {"segment": "x"}),
        api.get(URL, {"created_after": "yesterday"}),
        api.post(URL, {"name": "", "phone": "123"}),
        api.post(URL, {"name": "a", "phone": "13800000000", "unknown": 1}),
        api.get(f"{URL}/99999999999999999999"),
        api.patch(f"{URL}/1", {"name": "no version"}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.content
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_list_is_paginated_with_a_cursor(org, agent, api_as, new_customer):
    for i in range(5):
        new_customer(name=f"客户{i}")
    api = api_as(agent)
    first = api.get(URL, {"limit": 3}).json()
    second = api.get(URL, {"limit": 3, "cursor": first["next"]}).json()
    assert len(first["items"]) == 3 and len(second["items"]) == 2
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}


def test_filters_by_tier_tag_and_segment(org, agent, api_as, new_customer, new_ticket):
    gold = new_customer(tier="gold", tags=["老客户"])
    new_customer(tier="normal")
    for _ in range(4):
        new_ticket(agent, gold)
    api = api_as(agent)
    assert [c["id"] for c in api.get(URL, {"tier": "gold"}).json()["items"]] == [gold.pk]
    assert [c["id"] for c in api.get(URL, {"tag": "老客户"}).json()["items"]] == [gold.pk]
    loyal = api.get(URL, {"segment": "loyal"}).json()["items"]
    assert [c["id"] for c in loyal] == [gold.pk]
    assert loyal[0]["segment"] == "loyal" and loyal[0]["visits_12m"] == 4


def test_list_endpoint_runs_a_bounded_number_of_queries(
    org, agent, api_as, new_customer, new_ticket, django_assert_max_num_queries
):
    for i in range(30):
        c = new_customer(name=f"客户{i}", tags=["a"], dedicated_agent=agent)
        new_ticket(agent, c)
    api = api_as(agent)
    with django_assert_max_num_queries(6):
        response = api.get(URL, {"limit": 25})
    assert len(response.json()["items"]) == 25
