"""The OpenAPI document at /api/v1/openapi.json is complete and truthful: it validates, no two
schemas share a name (they would collapse into one), operation ids are the ones an integrator
writes, every filter, answer, media type and error is declared."""

from __future__ import annotations

import os
import re
import typing

import pytest
from django.test import Client
from openapi_spec_validator import validate
from pydantic import BaseModel

from kefu.api import api

DOC = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def doc(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get(DOC)
    assert response.status_code == 200
    return response.json()


def _models_in(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def schema_classes() -> set[type[BaseModel]]:
    """Every pydantic model an operation of the API reads or answers, nested ones included
    (ninja's own wrappers of parameters and answers excluded)."""
    found: set[type[BaseModel]] = set()
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    if isinstance(model, type) and issubclass(model, BaseModel):
                        _models_in(model, found)
    return {m for m in found if not m.__module__.startswith(("ninja", "pydantic"))}


def duplicate_names(classes) -> dict[str, list[str]]:
    by_name: dict[str, set[str]] = {}
    for cls in classes:
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    return {name: sorted(where) for name, where in by_name.items() if len(where) > 1}


def test_the_document_validates(doc):
    validate(doc)
    assert doc["openapi"].startswith("3.")


def test_no_two_schemas_share_a_name():
    classes = schema_classes()

    assert len(classes) > 50  # the walk reaches the apps' schemas
    assert duplicate_names(classes) == {}


def test_the_duplicate_check_fails_on_two_schemas_with_one_name():
    """The check itself: two classes named alike in different modules are reported."""

    def make():
        class RuleOut(BaseModel):
            id: int

        return RuleOut

    first, second = make(), make()
    second.__module__ = "elsewhere"

    assert duplicate_names({first, second}) == {
        "RuleOut": sorted(
            [
                f"{first.__module__}.{first.__qualname__}",
                f"elsewhere.{second.__qualname__}",
            ]
        )
    }


def test_language_rules_routing_rules_and_both_unit_kinds_are_distinct_schemas(doc):
    schemas = doc["components"]["schemas"]

    assert {"LanguageRuleOut", "RoutingRuleOut", "PropertyUnitOut", "ResponsibleUnitOut"} <= set(
        schemas
    )
    assert "RuleOut" not in schemas and "UnitOut" not in schemas
    assert "pattern" in schemas["LanguageRuleOut"]["properties"]
    assert "team" in schemas["RoutingRuleOut"]["properties"]
    assert "room" in schemas["PropertyUnitOut"]["properties"]
    assert "contact" in schemas["ResponsibleUnitOut"]["properties"]


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_operation_ids_are_unique_and_read_like_an_integrator_writes_them(doc):
    ids = [op["operationId"] for _, _, op in _operations(doc)]

    assert len(ids) == len(set(ids))
    for op_id in ids:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", op_id), op_id
        assert not op_id.startswith("kefu_") and "_api_" not in op_id, op_id
    by_route = {(m, p): op["operationId"] for p, m, op in _operations(doc)}
    assert by_route[("post", "/api/v1/tickets")] == "ticket_create"
    assert by_route[("get", "/api/v1/tickets")] == "ticket_list"
    assert by_route[("get", "/api/v1/tickets/{ticket_id}")] == "ticket_get"
    assert by_route[("patch", "/api/v1/tickets/{ticket_id}")] == "ticket_update"
    assert by_route[("get", "/api/v1/customers")] == "customer_list"
    assert by_route[("get", "/api/v1/customers/{customer_id}")] == "customer_get"
    assert by_route[("get", "/api/v1/kb/language/rules")] == "language_rule_list"
    assert by_route[("get", "/api/v1/sla/routing/rules")] == "routing_rule_list"


def test_tags_have_descriptions_and_servers_are_set(doc, monkeypatch):
    tags = {t["name"]: t["description"] for t in doc["tags"]}
    used = {tag for _, _, op in _operations(doc) for tag in op.get("tags", [])}

    assert used <= set(tags)
    assert all(tags.values())
    assert doc["servers"] and doc["servers"][0]["url"] in ("/", os.environ.get("KEFU_PUBLIC_URL"))

    monkeypatch.setenv("KEFU_PUBLIC_URL", "https://kefu.example.com/")
    assert api.get_openapi_schema(path_prefix="/api/v1/")["servers"][0]["url"] == (
        "https://kefu.example.com"
    )


def _params(doc, method, path) -> dict:
    return {p["name"]: p for p in doc["paths"][path][method].get("parameters", [])}


def test_every_filter_is_declared(doc):
    customers = _params(doc, "get", "/api/v1/customers")
    tickets = _params(doc, "get", "/api/v1/tickets")

    assert {"q", "tier", "tag", "agent", "segment", "created_after", "created_before"} <= set(
        customers
    )
    assert {"cursor", "limit"} <= set(customers)
    assert {"status", "type", "priority", "channel", "team", "assignee", "customer", "q"} <= set(
        tickets
    )
    assert {"ordering", "created_after", "created_before", "cursor", "limit"} <= set(tickets)


def _enum(schema: dict, doc) -> set:
    """The enum of a property, through $ref and anyOf (nullable)."""
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    values = set(schema.get("enum", []))
    for sub in schema.get("anyOf", []):
        values |= _enum(sub, doc)
    return values


def test_coded_fields_are_enums(doc):
    schemas = doc["components"]["schemas"]
    ticket = schemas["TicketOut"]["properties"]
    create = schemas["TicketCreateIn"]["properties"]
    update = schemas["TicketUpdateIn"]["properties"]

    assert _enum(ticket["status"], doc) == {"new", "in_progress", "pending", "resolved", "closed"}
    assert _enum(ticket["priority"], doc) == {"low", "normal", "high", "urgent"}
    channels = {"phone", "im", "email", "sms", "visit", "web", "letter", "api"}
    assert _enum(ticket["channel"], doc) == channels
    assert {"consult", "complaint", "repair", "return", "refund", "suggestion", "praise"} <= (
        _enum(ticket["type"], doc)
    )
    for schema in (create, update):
        assert _enum(schema["channel"], doc) == channels
        assert _enum(schema["priority"], doc) == {"low", "normal", "high", "urgent"}
    assert _enum(update["status"], doc) == {"new", "in_progress", "pending", "resolved", "closed"}
    assert _enum(schemas["CustomerOut"]["properties"]["tier"], doc)


def test_every_answer_has_a_body_and_exports_are_xlsx(doc):
    for path, method, op in _operations(doc):
        success = {s: a for s, a in op["responses"].items() if str(s).startswith("2")}
        assert success, (method, path)
        for status, answer in success.items():
            if str(status) != "204":
                assert answer.get("content"), (method, path, status)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for path in ("/api/v1/followups/calls.xlsx", "/api/v1/followups/letters.xlsx"):
        content = doc["paths"][path]["get"]["responses"]["200"]["content"]
        assert content == {xlsx: {"schema": {"type": "string", "format": "binary"}}}


def test_errors_are_declared_with_their_codes(doc):
    create = doc["paths"]["/api/v1/tickets"]["post"]["responses"]

    for status in ("400", "401", "403", "404", "409", "422", "429"):
        assert create[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
    assert "`validation_error`" in create["422"]["description"]
    assert "`stale`" in create["409"]["description"]
    assert "`unknown_parameter`" in create["400"]["description"]
    assert "WWW-Authenticate" in create["401"]["headers"]
    assert "422" in doc["info"]["description"]


def test_core_operations_carry_examples(doc):
    schemas = doc["components"]["schemas"]

    for name in ("TicketCreateIn", "TicketUpdateIn", "TicketOut", "CustomerCreateIn"):
        assert schemas[name].get("examples"), name
    tickets = _params(doc, "get", "/api/v1/tickets")
    customers = _params(doc, "get", "/api/v1/customers")
    assert tickets["status"].get("examples") and customers["q"].get("examples")


def test_coded_query_parameters_list_their_values(doc):
    invitations = _params(doc, "get", "/api/v1/surveys/invitations")["status"]["schema"]
    groups = _params(doc, "get", "/api/v1/surveys/results")["group"]["schema"]
    articles = _params(doc, "get", "/api/v1/kb/articles")["status"]["schema"]

    assert _enum(invitations, doc) == {"", "answered", "waiting", "expired"}
    assert _enum(groups, doc) == {"agent", "team", "department", "business_line"}
    assert _enum(articles, doc) == {"draft", "published", "archived"}
