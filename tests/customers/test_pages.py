"""Customer pages: list, detail with masked phone and audited reveal, create with the duplicate
offer, edit with the stale warning, merge, assets, notes; scope and query counts."""

from __future__ import annotations

from django.urls import reverse

from kefu.core.models import AuditEvent
from kefu.customers.models import Customer


def test_list_shows_masked_phone_for_agent_and_full_for_supervisor(
    org, agent, supervisor, web_as, new_customer
):
    new_customer(name="张小明", phone="13812345678")
    page = web_as(agent).get(reverse("customers:list")).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    page = web_as(supervisor).get(reverse("customers:list")).content.decode()
    assert "13812345678" in page


def test_list_search_box_and_htmx_fragment(org, agent, web_as, new_customer):
    new_customer(name="张小明", phone="13812345678")
    new_customer(name="李四", phone="13900000000")
    client = web_as(agent)
    full = client.get(reverse("customers:list")).content.decode()
    fragment = client.get(reverse("customers:list"), {"q": "5678"}, HTTP_HX_REQUEST="true")
    assert "data-search-box" in full
    assert "张小明" in fragment.content.decode() and "李四" not in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_list_empty_state(org, agent, web_as):
    page = web_as(agent).get(reverse("customers:list")).content.decode()
    assert 'id="customer-empty"' in page


def test_list_page_runs_a_bounded_number_of_queries(
    org, agent, web_as, new_customer, new_ticket, django_assert_max_num_queries
):
    for i in range(30):
        c = new_customer(name=f"客户{i}", dedicated_agent=agent, tags=["老客户"])
        new_ticket(agent, c)
    client = web_as(agent)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("customers:list"))
    assert response.content.decode().count("/customers/") >= 25


def test_detail_masks_phone_and_reveal_is_audited(org, agent, web_as, new_customer):
    # given
    customer = new_customer(phone="13812345678", address="广州市天河区体育西路1号")
    client = web_as(agent)
    # when
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    revealed = client.post(reverse("customers:reveal", args=[customer.pk]), HTTP_HX_REQUEST="true")
    # then
    assert "138****5678" in page and "13812345678" not in page
    assert 'id="customer-reveal"' in page
    assert "13812345678" in revealed.content.decode()
    assert "体育西路1号" in revealed.content.decode()
    assert AuditEvent.objects.filter(action="customer.reveal", actor=agent).count() == 1


def test_reveal_is_refused_for_a_masked_only_user(org, agent, web_as, new_customer):
    agent.contact_access = "masked"
    agent.save(update_fields=["contact_access"])
    customer = new_customer(phone="13812345678")
    client = web_as(agent)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    response = client.post(reverse("customers:reveal", args=[customer.pk]))
    assert 'id="customer-reveal"' not in page
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()


def test_reveal_is_post_only(org, agent, web_as, new_customer):
    customer = new_customer()
    assert web_as(agent).get(reverse("customers:reveal", args=[customer.pk])).status_code == 405


def test_create_offers_the_existing_customer_on_duplicate_phone(org, agent, web_as, new_customer):
    existing = new_customer(name="老客户", phone="13812345678")
    response = web_as(agent).post(
        reverse("customers:create"), {"name": "新客户", "phone": "138 1234 5678", "tier": "normal"}
    )
    assert response.status_code == 409
    assert reverse("customers:detail", args=[existing.pk]) in response.content.decode()
    assert Customer.objects.filter(business_line=org.shop).count() == 1


def test_create_then_detail(org, agent, web_as):
    response = web_as(agent).post(
        reverse("customers:create"),
        {"name": "赵六", "phone": "13700001111", "tier": "gold", "tags": "新客、投诉过"},
    )
    customer = Customer.objects.get(phone="13700001111")
    assert response.status_code == 302
    assert customer.tags == ["新客", "投诉过"] and customer.tier == "gold"


def test_edit_with_stale_version_warns_and_overwrites_nothing(org, agent, web_as, new_customer):
    # given
    customer = new_customer(name="原名")
    client = web_as(agent)
    url = reverse("customers:edit", args=[customer.pk])
    form = {"name": "第一次", "tier": "normal", "version": 1}
    client.post(url, form)
    # when
    response = client.post(url, {**form, "name": "过期的修改"})
    # then
    assert response.status_code == 409
    assert 'id="customer-stale"' in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).name == "第一次"


def test_edit_by_masked_user_keeps_phone_when_left_blank(org, agent, web_as, new_customer):
    customer = new_customer(phone="13812345678")
    client = web_as(agent)
    url = reverse("customers:edit", args=[customer.pk])
    page = client.get(url).content.decode()
    client.post(url, {"name": "改名", "tier": "normal", "version": 1})
    customer.refresh_from_db()
    assert "13812345678" not in page
    assert (customer.name, customer.phone) == ("改名", "13812345678")


def test_merge_page_for_supervisor_only(org, agent, supervisor, web_as, new_customer):
    keep, dup = new_customer(), new_customer()
    url = reverse("customers:merge", args=[keep.pk])
    assert web_as(agent).get(url).status_code == 403
    response = web_as(supervisor).post(url, {"merge": dup.pk})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into_id == keep.pk


def test_assets_and_notes_forms(org, agent, web_as, new_customer):
    customer = new_customer(org.shop)
    client = web_as(agent)
    client.post(
        reverse("customers:asset_create", args=[customer.pk, "vehicle"]),
        {"vehicle-model_name": "凯美瑞", "vehicle-plate": "粤A12345"},
    )
    client.post(reverse("customers:note_create", args=[customer.pk]), {"body": "周末联系"})
    bad = client.post(
        reverse("customers:asset_create", args=[customer.pk, "unit"]), {"unit-building": "3栋"}
    )
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "凯美瑞" in page and "周末联系" in page
    assert bad.status_code == 400


def test_other_business_line_customer_page_is_404(org, wy_agent, web_as, new_customer):
    customer = new_customer()
    client = web_as(wy_agent)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    assert client.post(reverse("customers:reveal", args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[customer.pk])).status_code == 404


def test_list_page_speaks_chinese(org, agent, web_as, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = web_as(agent).get(reverse("customers:list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "客户档案" in page.content.decode()
    assert "导出到 Excel" in page.content.decode()
