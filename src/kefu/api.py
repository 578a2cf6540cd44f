"""The REST API under /api/v1/: routers of the apps, auth, and the one error shape.

Errors are always ``{"error": {"code", "message", "fields"}}`` with a 4xx status (design.md).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from kefu.accounts.auth import API_AUTH
from kefu.core import api_contract, idempotency_api
from kefu.core.errors import DomainError

log = logging.getLogger("kefu.api")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    """The one error shape: ``{"error": {"code", "message", "fields"}}``."""

    error: ErrorDetail


#: The client-error statuses every operation may answer (declared in the OpenAPI spec, so
#: clients and the fuzzer know them). 401 only where the operation needs authentication.
ERROR_STATUSES = api_contract.DECLARED_STATUSES
ERROR_RESPONSES = dict.fromkeys(ERROR_STATUSES, ErrorOut)


class KefuAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI spec documents the error answers of every operation.

    The exception handlers below answer 400/403/404/409/422 (and 401 where a token is needed)
    for any operation, so the spec says so once here; routers need not repeat it (an operation
    that declares its own answer for one of these statuses keeps it).
    """

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        api_contract.declare_errors(schema, ErrorOut)
        api_contract.parameter_examples(schema)
        idempotency_api.declare(schema)
        schema["servers"] = api_contract.public_servers()
        schema["tags"] = api_contract.TAGS
        return schema

    def get_openapi_operation_id(self, operation) -> str:
        return api_contract.operation_id(operation)

    def _get_bound_routers(self):
        routers = super()._get_bound_routers()
        api_contract.json_405(routers)
        api_contract.summaries(routers)
        return routers


def _without_nul(value):
    """NUL characters removed from every string (PostgreSQL text cannot hold them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


class KefuParser(Parser):
    """JSON bodies, query strings and form fields without NUL characters."""

    def parse_body(self, request):
        return _without_nul(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        return _without_nul(super().parse_querydict(data, list_fields, request))


class UTCEncoder(NinjaJSONEncoder):
    """Every time in UTC ("…Z"): read from the database or computed in Asia/Shanghai (a due time
    just set), the same instant is written the same way."""

    def default(self, o):
        if isinstance(o, datetime) and o.utcoffset() is not None:
            o = o.astimezone(UTC)
        return super().default(o)


class KefuRenderer(JSONRenderer):
    encoder_class = UTCEncoder


api = KefuAPI(
    title="Kefu API",
    version="1",
    description=(
        "Kefu 客服运营平台 REST API. Authenticate with `Authorization: Bearer <token>` "
        "(`kefu token USER`); a missing or bad token is 401 with `WWW-Authenticate: Bearer`.\n\n"
        'Every error is `{"error": {"code", "message", "fields"}}` with a 4xx status; '
        "`code` is a stable slug (each answer lists its codes), `message` and `fields` are in "
        "the caller's language (`Accept-Language: zh-hans` or `en`).\n\n"
        "**Validation errors are 422** (`validation_error`): a body, path or query field that "
        "does not match its schema (type, length, range, enum, an unknown body field). A "
        "well-formed request that the rules refuse is 400 (`invalid`), a query parameter the "
        "operation does not declare is 400 (`unknown_parameter`, with the allowed ones), a "
        "stale `version` is 409 (`stale`), a method a path does not serve is 405.\n\n"
        'Lists are cursor-paginated: `?cursor=&limit=` → `{"items": [...], "next"}`.\n\n'
        "**Tokens** have a scope (`read`, `write`, `admin`): a change with a read token, or the "
        "administration with a write token, is 403 `insufficient_scope`. **Every POST** takes an "
        "`Idempotency-Key`: a retry with the same key and body returns the first answer. Each "
        "token may send `KEFU_API_RATE` requests a minute (600): every answer carries "
        "`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, past it 429 `throttled` "
        "with `Retry-After`. Every answer carries `X-Request-ID` (yours when you send one). "
        "Incremental export: `updated_after` on tickets and customers, `GET /events` for the "
        "event log."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=KefuParser(),
    renderer=KefuRenderer(),
)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form", "file")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    from django.utils.translation import gettext as _

    fields: dict[str, str] = {}
    for err in exc.errors:
        fields.setdefault(_field_name(err.get("loc", ())), api_contract.field_message(err))
    body = error_body("validation_error", _("Some fields are not valid."), fields)
    return api.create_response(request, body, status=api_contract.VALIDATION_STATUS)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    from django.utils.translation import gettext as _

    body = error_body("unauthorized", _("Sign in or send a valid API token."))
    response = api.create_response(request, body, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="kefu"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    from django.utils.translation import gettext as _

    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(OverflowError)
def _overflow(request, exc: OverflowError):
    """A number or date beyond what Python or the database holds (an id of 10^20, a day after
    9999-12-31) that no schema bounded: the client's mistake, not a 500."""
    from django.utils.translation import gettext as _

    body = error_body("invalid", _("A number or date in the request is out of range."))
    return api.create_response(request, body, status=400)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = {
        400: "invalid",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "throttled",
    }.get(exc.status_code, "error")
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


def _register_routers() -> None:
    from kefu.accounts.api import router as accounts_router
    from kefu.customers.api import router as customers_router
    from kefu.followups.api import router as followups_router
    from kefu.inspections.api import router as qa_router
    from kefu.integrations.api import router as webhooks_router
    from kefu.integrations.api_events import router as events_router
    from kefu.knowledge.api import router as knowledge_router
    from kefu.shiftlogs.api import router as shiftlogs_router
    from kefu.surveys.api import router as surveys_router
    from kefu.tickets.api import router as tickets_router
    from kefu.tickets.api_sla import router as sla_router
    from kefu.workforce.api import router as workforce_router

    api.add_router("/customers", customers_router)
    api.add_router("/tickets", tickets_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/followups", followups_router)
    api.add_router("/shiftlogs", shiftlogs_router)
    api.add_router("/kb", knowledge_router)
    api.add_router("/surveys", surveys_router)
    api.add_router("/sla", sla_router)
    api.add_router("/workforce", workforce_router)
    api.add_router("/webhooks", webhooks_router)
    api.add_router("/events", events_router)
    api.add_router("/qa", qa_router)
    from kefu.channels.messaging.api import router as messaging_router

    api.add_router("/channels", messaging_router)
    from kefu.commerce.api import router as commerce_router

    api.add_router("/commerce", commerce_router)
    from kefu.quality.api import router as quality_router

    api.add_router("/quality", quality_router)
    from kefu.training.api import router as training_router

    api.add_router("/training", training_router)
    from kefu.channels.api import router as mail_router

    api.add_router("/mail", mail_router)
    from kefu.booking.api import router as booking_router
    from kefu.property.api import router as property_router

    api.add_router("/property", property_router)
    api.add_router("/booking", booking_router)
    from kefu.reports.api import router as reports_router

    api.add_router("/reports", reports_router)


# a query parameter an operation does not declare is refused (400), not silently ignored
api.add_decorator(api_contract.refuse_unknown_query, mode="operation")
# a POST with an Idempotency-Key runs once; a retry gets the first answer (core.idempotency_api)
api.add_decorator(idempotency_api.idempotent, mode="view")
_register_routers()
