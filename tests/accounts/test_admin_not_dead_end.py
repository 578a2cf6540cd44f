"""The administrator is not a dead end (issue 15): every create page an administrator can open
works for them. The administrator belongs to no business line and no team, so each page lets
them choose the line (or the team) instead of refusing.

The test walks the URL resolver for the pages (not the API) named *create*, *new*, *import* or
*intake*, so a create page added later without an entry here fails the test."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kefu.accounts.models import Department
from kefu.core.errors import PermissionDenied
from kefu.core.middleware import DomainErrorMiddleware
from kefu.customers.models import Customer, Vehicle
from kefu.customers.services import customer_create
from kefu.followups.models import CadencePolicy
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import ResponsibleUnit, RoutingRule, SlaPolicy

PAGE_NAMESPACES = {
    "accounts",
    "customers",
    "tickets",
    "followups",
    "knowledge",
    "surveys",
    "sla",
    "workforce",
}
WORDS = ("create", "new", "import", "intake")


# names that match WORDS but create nothing from a form, and why (the page walk opens them as
# every role, the administrator included)
NOT_CREATE_PAGES = {
    "followups:intake": "the list of new customers (ARC-1/6) with an allocate button",
}


def create_page_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if inner in PAGE_NAMESPACES or not entry.namespace:
                    walk(entry, inner)
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and namespace in PAGE_NAMESPACES
                and any(word in entry.name for word in WORDS)
                and f"{namespace}:{entry.name}" not in NOT_CREATE_PAGES
            ):
                names.add(f"{namespace}:{entry.name}")

    walk(get_resolver(), "")
    return names


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def world(org, admin_user, manager):
    """A customer of the shop and one of the 4S desk with a vehicle; the shop's skill groups."""
    from kefu.workforce.services import forecasts

    shop_customer = customer_create(
        actor=manager, business_line=org.shop, name="王芳", phone="13800138000"
    )
    auto_customer = customer_create(
        actor=admin_user, business_line=org.auto, name="赵强", phone="13900139000"
    )
    vehicle = Vehicle.objects.create(customer=auto_customer, model_name="卡罗拉", plate="粤B12345")
    groups = forecasts.skill_groups_ensure(business_line=org.shop)
    return {
        "shop_customer": shop_customer,
        "vehicle": vehicle,
        "group": groups[0],
        "department": Department.objects.filter(business_line=org.shop).first(),
    }


def cases(org, world) -> dict:
    """name → (url args, GET query, POST data, how to tell it worked)."""
    customer = world["shop_customer"]
    vehicle = world["vehicle"]
    shop = str(org.shop.pk)
    return {
        "accounts:token_create": ([], None, {"name": "报表脚本"}, None),
        "accounts:org_department_create": (
            [org.shop.pk],
            None,
            {"name": "质检部"},
            lambda: Department.objects.filter(name="质检部").exists(),
        ),
        "accounts:org_team_create": (
            [world["department"].pk],
            None,
            {"name": "夜班组"},
            lambda: org.shop.teams.filter(name="夜班组").exists(),
        ),
        "accounts:org_user_create": (
            [],
            None,
            {
                "username": "new_agent",
                "password": "Kefu-new-2026!",
                "role": "agent",
                "team": org.presale.pk,
            },
            None,
        ),
        "customers:create": (
            [],
            None,
            {"business_line": shop, "name": "李雷", "phone": "13712345678", "tier": "normal"},
            lambda: Customer.objects.filter(name="李雷", business_line=org.shop).exists(),
        ),
        "customers:import": (
            [],
            None,
            {
                "business_line": shop,
                "file": SimpleUploadedFile(
                    "customers.xlsx",
                    _xlsx([["姓名", "手机"], ["韩梅梅", "13612345678"]]),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            },
            lambda: Customer.objects.filter(name="韩梅梅", business_line=org.shop).exists(),
        ),
        "customers:note_create": ([customer.pk], None, {"body": "周末联系"}, None),
        "customers:asset_create": (
            [customer.pk, "order"],
            None,
            {"order-order_no": "TB20261206001", "order-platform": "淘宝", "order-amount": "99"},
            None,
        ),
        "customers:service_record_create": (
            [vehicle.customer_id, vehicle.pk],
            None,
            {
                "service-serviced_on": "2026-11-20",
                "service-items": "更换机油",
                "service-mileage_km": "12000",
            },
            lambda: vehicle.service_records.exists(),
        ),
        "tickets:intake": (
            [],
            None,
            {
                "customer_name": "新来电",
                "customer_phone": "13512345678",
                "team": org.presale.pk,
                "type": "consult",
                "channel": "phone",
                "priority": "normal",
                "title": "咨询发货时间",
            },
            lambda: Ticket.objects.filter(title="咨询发货时间", team=org.presale).exists(),
        ),
        "tickets:intake_search": ([], {"customer_q": "王芳"}, None, None),
        "tickets:intake_customer": ([customer.pk], None, None, None),
        "tickets:new": (
            [],
            None,
            {
                "customer": customer.pk,
                "type": "complaint",
                "channel": "phone",
                "priority": "high",
                "title": "快递丢件投诉",
            },
            lambda: Ticket.objects.filter(title="快递丢件投诉", customer=customer).exists(),
        ),
        "knowledge:article_create": (
            [],
            None,
            {
                "business_line": shop,
                "title": "七天无理由退货",
                "body": "签收后七天内可申请。",
                "status": "published",
                "audience": "internal",
            },
            None,
        ),
        "knowledge:import": (
            [],
            None,
            {
                "business_line": shop,
                "file": SimpleUploadedFile(
                    "kb.xlsx",
                    _xlsx([["标题", "内容"], ["发票怎么开", "在订单页申请电子发票。"]]),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            },
            None,
        ),
        "surveys:questionnaire_new": (
            [],
            None,
            {"business_line": shop, "name": "售后满意度", "status": "draft", "link_days": "14"},
            None,
        ),
        "sla:policy_create": (
            [],
            None,
            {
                "business_line": shop,
                "name": "金卡客户投诉",
                "ticket_type": "complaint",
                "customer_tier": "gold",
                "first_response_minutes": "30",
                "resolution_minutes": "480",
                "business_time": "on",
            },
            lambda: SlaPolicy.objects.filter(business_line=org.shop, name="金卡客户投诉").exists(),
        ),
        "sla:rule_create": (
            [],
            None,
            {"business_line": shop, "name": "物流问题", "keywords": "物流", "team": org.presale.pk},
            lambda: RoutingRule.objects.filter(business_line=org.shop, name="物流问题").exists(),
        ),
        "sla:unit_create": (
            [],
            None,
            {"business_line": shop, "name": "仓储部", "kind": "department"},
            lambda: ResponsibleUnit.objects.filter(business_line=org.shop, name="仓储部").exists(),
        ),
        "workforce:forecast_import": (
            [],
            None,
            {
                "group": world["group"].pk,
                "interval_minutes": "15",
                "file": SimpleUploadedFile(
                    "话务.csv",
                    "时间段,来话量,接通量,平均处理时长\n2026-11-02 09:00,12,11,200\n".encode("gbk"),
                    "text/csv",
                ),
            },
            None,
        ),
    }


ERROR_MARKS = ("alert-danger", "is-invalid", "invalid-feedback d-block")


def _assert_worked(name: str, response) -> None:
    body = response.content.decode()
    assert response.status_code == 200, (name, response.status_code, body[:2000])
    for mark in ERROR_MARKS:
        at = body.find(mark)
        assert at < 0, (name, mark, body[at : at + 400])


CREATE_PAGES = (
    "accounts:token_create",
    "accounts:org_department_create",
    "accounts:org_team_create",
    "accounts:org_user_create",
    "customers:create",
    "customers:import",
    "customers:note_create",
    "customers:asset_create",
    "customers:service_record_create",
    "tickets:intake",
    "tickets:intake_search",
    "tickets:intake_customer",
    "tickets:new",
    "knowledge:article_create",
    "knowledge:import",
    "surveys:questionnaire_new",
    "sla:policy_create",
    "sla:rule_create",
    "sla:unit_create",
    "workforce:forecast_import",
)


def test_every_create_page_has_a_case():
    """A create page added later needs its case here (and must work for an administrator)."""
    names = create_page_names()

    assert "customers:create" in names
    assert names <= set(CREATE_PAGES), sorted(names - set(CREATE_PAGES))


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_the_administrator_can_open_and_submit_every_create_page(
    name, org, admin_user, world, web_as
):
    args, query, data, worked = cases(org, world)[name]
    client = web_as(admin_user)
    url = reverse(name, args=args)

    page = client.get(url, query or {})
    if page.status_code != 405:  # a POST-only endpoint: its form lives on another page
        _assert_worked(name, page)
        assert "ask your administrator" not in page.content.decode()
    if data is None:
        return
    response = client.post(url, data, follow=True)

    _assert_worked(name, response)
    if worked is not None:
        assert worked(), name


def test_the_line_choice_is_on_the_forms_an_administrator_fills_in(org, admin_user, web_as):
    client = web_as(admin_user)

    for name in ("customers:create", "customers:import", "knowledge:article_create"):
        body = client.get(reverse(name)).content.decode()
        assert 'name="business_line"' in body, name
    assert 'name="team"' in client.get(reverse("tickets:intake")).content.decode()


def test_an_administrator_edits_each_lines_callback_policies(org, admin_user, web_as):
    client = web_as(admin_user)

    page = client.get(reverse("followups:policies"), {"line": org.property.pk})
    policy = CadencePolicy.objects.filter(business_line=org.property).order_by("id").first()
    assert page.status_code == 200
    assert f'id="policy-{policy.pk}"' in page.content.decode()
    response = client.post(
        reverse("followups:policies"),
        {
            "business_line": org.property.pk,
            "policy": policy.pk,
            "start_days": "2",
            "end_days": "6",
            "max_attempts": "3",
            "retry_days": "1",
            "script": "您好，回访一下维修情况。",
            "enabled": "on",
            "working_days": "on",
        },
    )
    policy.refresh_from_db()
    assert response.status_code == 302
    assert (policy.start_days, policy.end_days) == (2, 6)


def test_the_403_page_never_sends_an_administrator_to_the_administrator(
    org, admin_user, agent, web_as, rf
):
    # an agent on the organisation pages is told whom to ask
    denied = web_as(agent).get(reverse("accounts:org_lines"))
    assert denied.status_code == 403
    assert "ask your administrator" in denied.content.decode()
    # the administrator, refused somewhere, is pointed at what they can do themselves
    request = rf.get("/somewhere/")
    request.user = admin_user
    response = DomainErrorMiddleware(lambda r: None).process_exception(
        request, PermissionDenied("Not for this role.")
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "ask your administrator" not in body
    assert "Organisation pages" in body


def test_the_administrator_plans_a_lines_forecast_and_peak(org, admin_user, world, web_as):
    from kefu.workforce.models import Forecast, PeakPlan

    client = web_as(admin_user)
    assert 'name="business_line"' in client.get(reverse("workforce:peaks")).content.decode()

    forecast = client.post(
        reverse("workforce:forecasts"),
        {
            "group": world["group"].pk,
            "source": "tickets",
            "start_date": "2026-12-07",
            "days": "7",
            "weeks": "4",
            "interval_minutes": "30",
        },
        follow=True,
    )
    peak = client.post(
        reverse("workforce:peaks"),
        {"business_line": org.shop.pk, "year": "2026", "name": "双11 2026"},
        follow=True,
    )

    # the shop has no ticket history in the test: the forecast is refused for that reason,
    # never because the administrator has no business line
    assert forecast.status_code == 200
    assert "no history" in forecast.content.decode()
    assert "Choose a business line" not in forecast.content.decode()
    assert not Forecast.objects.exists()
    _assert_worked("workforce:peaks", peak)
    assert PeakPlan.objects.filter(business_line=org.shop, name="双11 2026").exists()
