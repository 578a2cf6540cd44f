"""Errors an integrator meets outside the handlers: a method a path does not serve, a missing
token, a query parameter the operation does not declare, a field message in their language."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from kefu.tickets.models import Ticket

_phones = itertools.count(13700000001)


@pytest.fixture
def make_customer(org):
    from kefu.customers.services import customer_create

    def _make(*, name: str = "张三", phone: str | None = None):
        phone = phone or str(next(_phones))
        return customer_create(actor=None, business_line=org.shop, name=name, phone=phone)

    return _make


def test_a_method_a_path_does_not_serve_is_405_in_the_json_error_shape(api_as, agent):
    response = api_as(agent).client.put("/api/v1/tickets", {}, content_type="application/json")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.json()["error"]["fields"] == {}
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_405_is_in_the_callers_language(api_as, agent):
    response = api_as(agent).client.delete("/api/v1/customers", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 405
    assert "不接受" in response.json()["error"]["message"]


def test_a_missing_or_bad_token_is_401_with_www_authenticate_bearer(db):
    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer not-a-token")):
        response = client.get("/api/v1/tickets")

        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"]["code"] == "unauthorized"


def test_an_unknown_query_parameter_is_refused_with_the_allowed_ones(api_as, agent):
    response = api_as(agent).get("/api/v1/tickets", {"stauts": "new"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_parameter"
    assert "stauts" in error["fields"]
    for allowed in ("status", "q", "cursor", "limit", "ordering"):
        assert allowed in error["fields"]["stauts"]


def test_an_operation_without_query_parameters_refuses_any(api_as, agent, make_customer):
    customer = make_customer()

    response = api_as(agent).get(f"/api/v1/customers/{customer.pk}", {"expand": "all"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_parameter"


def test_unknown_parameter_on_a_create_changes_nothing(api_as, agent, make_customer):
    customer = make_customer()
    body = {"title": "退款", "type": "refund", "channel": "phone", "customer": customer.pk}

    response = api_as(agent).client.post(
        "/api/v1/tickets?notify=1", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_customer_list_declares_q_and_still_finds_by_phone_digits(api_as, agent, make_customer):
    make_customer(name="王五", phone="13912345678")
    make_customer(name="赵六", phone="13800000000")

    by_name = api_as(agent).get("/api/v1/customers", {"q": "王五"}).json()
    by_digits = api_as(agent).get("/api/v1/customers", {"q": "5678"}).json()

    assert [c["name"] for c in by_name["items"]] == ["王五"]
    assert [c["name"] for c in by_digits["items"]] == ["王五"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Input should be 'low', 'normal', 'high' or 'urgent'"), ("zh-hans", "应为")],
)
def test_field_messages_follow_accept_language(api_as, agent, make_customer, language, expected):
    body = {"title": "t", "type": "consult", "channel": "phone", "priority": "asap"}
    body["customer"] = make_customer().pk

    response = api_as(agent).client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 422
    assert expected in response.json()["error"]["fields"]["priority"]


def test_a_filter_value_outside_its_enum_is_a_validation_error_naming_it(api_as, agent):
    """An unknown article status once listed nothing, silently; now the client is told."""
    response = api_as(agent).get("/api/v1/kb/articles", {"status": "publised"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert "published" in response.json()["error"]["fields"]["status"]
