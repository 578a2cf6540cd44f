"""The REST API's contract beyond the handlers: what the OpenAPI document says of every
operation (operation ids, tags, servers, the error answers and their codes) and the rules every
operation keeps (a query parameter it does not declare is refused, a method it does not serve is
a 405 in the JSON error shape, field messages in the caller's language).

``kefu/api.py`` wires these into the ``NinjaAPI``; nothing here imports an app.
"""

from __future__ import annotations

import functools
from http import HTTPStatus

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja.openapi.schema import REF_TEMPLATE, flatten_properties
from ninja.schema import NinjaGenerateJsonSchema

#: Validation errors (a field of the body, the path or the query string against its declared
#: schema) are 422 ``validation_error``; a well-formed request the rules refuse is 400.
VALIDATION_STATUS = 422

#: The stable error codes, by status: the ``error.code`` a client may branch on.
ERROR_CODES: dict[int, dict[str, str]] = {
    400: {
        "invalid": "A value is refused by the rules (an unknown id, a type not enabled for the "
        "business line, a bad cursor); `fields` names the parameter.",
        "unknown_parameter": "The query string has a parameter the operation does not declare; "
        "`fields` lists it with the allowed ones.",
        "too_large": "The body is larger than the server accepts.",
        "invalid_transition": "The ticket's status cannot move that way.",
        "duplicate_phone": "Another customer of the business line has that phone.",
        "already_merged": "The customer was merged already.",
        "not_certified": "The agent has no valid certification the queue or skill group "
        "requires (未上岗): routing skips them, assignment and rostering refuse them.",
    },
    401: {"unauthorized": "No valid `Authorization: Bearer <token>` (nor a session)."},
    403: {
        "permission_denied": "The role may not do this.",
        "insufficient_scope": "The token's scope does not allow this: a `read` token only reads, "
        "the administration needs an `admin` token.",
    },
    404: {"not_found": "Unknown, or outside the caller's scope (never 403 for scope)."},
    405: {"method_not_allowed": "The path does not serve that method; `Allow` lists them."},
    409: {
        "stale": "The `version` sent is not the current one: read the record again and retry.",
        "conflict": "The request conflicts with the record's current state.",
        "already_answered": "The survey link was answered already.",
        "exam_time_over": "The exam's time limit had passed when the answers arrived: the server "
        "refuses a late submission.",
        "idempotency_key_in_progress": "A request with this `Idempotency-Key` is still running: "
        "retry in a moment.",
    },
    422: {
        "validation_error": "A field does not match its schema; `fields` maps each to why.",
        "idempotency_key_reused": "The `Idempotency-Key` was used for another request (another "
        "body or path).",
    },
    429: {
        "throttled": "Too many requests for this token: wait `Retry-After` seconds "
        "(`RateLimit-*` headers on every answer tell the budget).",
    },
}

#: Statuses declared on every operation (401 only where a token is needed; 405 on none: it is
#: the answer of a path to a method it lacks).
DECLARED_STATUSES = (400, 401, 403, 404, 409, 422, 429)

TAGS = [
    {
        "name": "tickets",
        "description": "工单 Tickets: intake, the filtered list, one ticket, its "
        "timeline, replies, internal notes and attachments. Updates carry `version` (409 when "
        "stale).",
    },
    {
        "name": "customers",
        "description": "客户档案 Customers: search by name or phone digits, "
        "the archive, notes, timeline, contact reveal (audited) and merge.",
    },
    {"name": "accounts", "description": "Who am I, API tokens, users, teams and business lines."},
    {
        "name": "followups",
        "description": "回访 Callbacks and outcomes, the call and letter "
        "registers (and their .xlsx exports), 回访率 and complaint grades.",
    },
    {
        "name": "shiftlogs",
        "description": "交接班 The shift's logs: handover book, management log and patrol "
        "reports; the supervisor's daily review and sign-off, addenda, search and .xlsx export.",
    },
    {
        "name": "knowledge",
        "description": "知识库 Articles, search and suggestions, quick "
        "replies, language rules and the dictionary.",
    },
    {
        "name": "surveys",
        "description": "满意度 Questionnaires, invitations, results (CSI, NPS) "
        "and the public answer link.",
    },
    {
        "name": "sla",
        "description": "SLA clocks and policies, routing rules, complaint stages, "
        "responsible units, hand-offs, tasks and notifications.",
    },
    {
        "name": "workforce",
        "description": "排班 Forecasts, requirement, rosters, schedules, peak "
        "plans and Erlang calculators.",
    },
    {
        "name": "events",
        "description": "The domain event log (what webhooks deliver), read by cursor: the "
        "caller's business line, every line for an administrator.",
    },
    {
        "name": "webhooks",
        "description": "Outbound webhooks of a business line and their "
        "delivery log (administrators and managers).",
    },
    {
        "name": "channels",
        "description": "短信/IM SMS and IM sends through the outbox (quota, quiet hours, "
        "signature, opt-out) and the signed inbound webhook of providers.",
    },
    {
        "name": "quality",
        "description": "绩效 Deduction scorecards and their sign-off, rankings, the 月处罚汇总表, "
        "and the competency and Kendall's W calculators.",
    },
    {
        "name": "training",
        "description": "培训 Training: typing test and quick-reply exam scored by the server, a "
        "person's 上岗 status, training requests, classes and enrolment, timed exams.",
    },
    {
        "name": "qa",
        "description": "质检 Quality inspection: versioned forms, the monthly sample, reviews, "
        "appeals decided by a second reviewer, month-end service quality per advisor.",
    },
    {
        "name": "commerce",
        "description": "电商 Shops and orders (idempotent upsert by shop and order id), the 催付 "
        "phone list and outcomes, reminder results, returns and two-key refunds.",
    },
    {
        "name": "mail",
        "description": "邮件 Mailboxes of a business line, ingest of a raw message (.eml) into a "
        "ticket, and the mail received and sent on a ticket.",
    },
    {
        "name": "reports",
        "description": "报表 The monthly statement (unit complaint ratio ranking, callbacks, CSI, "
        "SLA), the rows behind each figure, units' monthly bases and the signed month.",
    },
    {
        "name": "property",
        "description": "物业 Property office: collection rate per fee and building, arrears "
        "by household, the 催缴函 list, payments and letter batches (entered in the letter "
        "register).",
    },
    {
        "name": "booking",
        "description": "约课 Lesson desk: the 12-hour cancellation cut-off, hour ledgers, "
        "bookings, short-notice leave with the leader's evidence-backed exception, no-shows.",
    },
]


def operation_id(operation) -> str:
    """The view function's name (``ticket_create``, ``customer_list``) unless the route names
    its own; the test of the document checks they are unique."""
    return operation.view_func.__name__


def public_servers() -> list[dict]:
    """``servers``: the public address (``KEFU_PUBLIC_URL``; the paths carry ``/api/v1``), or,
    when it is not set, this server (a relative URL, so the docs page tries operations against
    the address it was loaded from, whatever the port)."""
    import os

    url = os.environ.get("KEFU_PUBLIC_URL", "").strip().rstrip("/")
    if url:
        return [{"url": url, "description": "KEFU_PUBLIC_URL"}]
    return [{"url": "/", "description": "this server (set KEFU_PUBLIC_URL to name it)"}]


def _error_description(status: int) -> str:
    codes = ERROR_CODES.get(status, {})
    lines = [HTTPStatus(status).phrase + ". `error.code`:"]
    lines += [f"- `{code}`: {meaning}" for code, meaning in codes.items()]
    return "\n".join(lines)


#: ``openapi_extra`` of an operation without a token that checks a signature instead (webhooks)
SIGNED_MARK = "x-kefu-signed"
SIGNED_401 = (
    "Unauthorized. `error.code`:\n"
    "- `bad_signature`: `X-Kefu-Signature` is not the HMAC of the timestamp and body.\n"
    "- `replayed`: `X-Kefu-Timestamp` is more than 5 minutes away from the server's clock."
)


def declare_errors(schema: dict, error_schema) -> None:
    """Every operation lists the error answers (the one JSON shape) with their codes; 401 says
    ``WWW-Authenticate: Bearer``."""
    definition = error_schema.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, sub in definition.pop("$defs", {}).items():
        components.setdefault(name, sub)
    components.setdefault(error_schema.__name__, definition)
    content = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{error_schema.__name__}"}}
    }
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}
            signed = operation.get(SIGNED_MARK)
            for status in DECLARED_STATUSES:
                if str(status) in declared:
                    continue
                if status == 401 and not operation.get("security"):
                    if signed:  # a provider's webhook: refused for its signature, not a token
                        responses[status] = {"description": SIGNED_401, "content": content}
                    continue
                answer = {"description": _error_description(status), "content": content}
                if status == 401:
                    answer["headers"] = {
                        "WWW-Authenticate": {
                            "description": "`Bearer`",
                            "schema": {"type": "string"},
                        }
                    }
                responses[status] = answer


def parameter_examples(schema: dict) -> None:
    """A parameter's ``examples`` is a map of Example objects in OpenAPI (ninja copies the
    field's JSON-schema list there): turn each list into that map."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for param in operation.get("parameters", []):
                if isinstance(param.get("examples"), list):
                    param["examples"] = {
                        f"example{i}": {"value": value}
                        for i, value in enumerate(param["examples"], start=1)
                    }


def summaries(bound_routers) -> None:
    """An operation whose route names its own id is summarised after it ("Ticket Get"), not
    after the Python function ninja titled it from ("Ticket Detail")."""
    for bound in bound_routers:
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                auto = operation.view_func.__name__.title().replace("_", " ")
                if operation.operation_id and operation.summary == auto:
                    operation.summary = operation.operation_id.title().replace("_", " ")


# -- field messages in the caller's language ----------------------------------------------

#: pydantic's error types → the message shown (formatted with the error's ``ctx``). In English
#: pydantic's own text is kept word for word; in another language the translation.
_MESSAGES = {
    "missing": gettext_noop("Field required"),
    "extra_forbidden": gettext_noop("Extra inputs are not permitted"),
    "string_type": gettext_noop("Input should be a valid string"),
    "string_too_short": gettext_noop("String should have at least {min_length} characters"),
    "string_too_long": gettext_noop("String should have at most {max_length} characters"),
    "string_pattern_mismatch": gettext_noop("String should match pattern '{pattern}'"),
    "int_type": gettext_noop("Input should be a valid integer"),
    "int_parsing": gettext_noop(
        "Input should be a valid integer, unable to parse string as an integer"
    ),
    "int_from_float": gettext_noop(
        "Input should be a valid integer, got a number with a fractional part"
    ),
    "float_type": gettext_noop("Input should be a valid number"),
    "float_parsing": gettext_noop(
        "Input should be a valid number, unable to parse string as a number"
    ),
    "decimal_parsing": gettext_noop("Input should be a valid decimal"),
    "decimal_type": gettext_noop(
        "Decimal input should be an integer, float, string or Decimal object"
    ),
    "bool_type": gettext_noop("Input should be a valid boolean"),
    "bool_parsing": gettext_noop("Input should be a valid boolean, unable to interpret input"),
    "greater_than": gettext_noop("Input should be greater than {gt}"),
    "greater_than_equal": gettext_noop("Input should be greater than or equal to {ge}"),
    "less_than": gettext_noop("Input should be less than {lt}"),
    "less_than_equal": gettext_noop("Input should be less than or equal to {le}"),
    "literal_error": gettext_noop("Input should be {expected}"),
    "enum": gettext_noop("Input should be {expected}"),
    "date_type": gettext_noop("Input should be a valid date"),
    "date_parsing": gettext_noop("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_noop("Input should be a valid date or datetime"),
    "datetime_type": gettext_noop("Input should be a valid datetime"),
    "datetime_parsing": gettext_noop("Input should be a valid datetime"),
    "datetime_from_date_parsing": gettext_noop("Input should be a valid datetime or date"),
    "list_type": gettext_noop("Input should be a valid list"),
    "dict_type": gettext_noop("Input should be a valid dictionary"),
    "model_attributes_type": gettext_noop(
        "Input should be a valid dictionary or object to extract fields from"
    ),
    "model_type": gettext_noop("Input should be an object"),
    "too_short": gettext_noop("List should have at least {min_length} items"),
    "too_long": gettext_noop("List should have at most {max_length} items"),
    "uuid_parsing": gettext_noop("Input should be a valid UUID"),
    "json_invalid": gettext_noop("Invalid JSON"),
    "url_parsing": gettext_noop("Input should be a valid URL"),
}
_FALLBACK = gettext_noop("This value is not valid.")


def field_message(error: dict) -> str:
    """One pydantic error's message in the active language: pydantic's own words where the
    language has no translation of them (English), else the translation."""
    original = str(error.get("msg", ""))
    msgid = _MESSAGES.get(error.get("type", ""), _FALLBACK)
    text = _(msgid)
    if text == msgid:
        return original
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", _(" or "))
    try:
        return text.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return text


# -- undeclared query parameters ------------------------------------------------------------


def query_names(operation) -> frozenset[str]:
    """The query parameters an operation declares (as the OpenAPI document lists them)."""
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        schema = model.model_json_schema(
            ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
        )
        for name, details in schema.get("properties", {}).items():
            for p_name, _schema, _required in flatten_properties(
                name, details, False, schema.get("$defs", {})
            ):
                names.add(p_name)
    return frozenset(names)


def refuse_unknown_query(view_func):
    """An operation decorator (``api.add_decorator``): a query parameter the operation does not
    declare is a 400 ``unknown_parameter`` listing the allowed ones, not silently ignored."""
    from kefu.core.errors import Invalid

    allowed: list[frozenset[str]] = []

    @functools.wraps(view_func)
    def checked(request, *args, **kwargs):
        if not allowed:
            operation = getattr(view_func, "_ninja_operation", None)
            allowed.append(query_names(operation) if operation is not None else frozenset())
        unknown = sorted(set(request.GET.keys()) - allowed[0])
        if unknown:
            names = ", ".join(sorted(allowed[0])) or _("none")
            raise Invalid(
                _("Unknown query parameter: %(names)s. Allowed: %(allowed)s.")
                % {"names": ", ".join(unknown), "allowed": names},
                fields={
                    name: _("Not a parameter of this operation. Allowed: %(allowed)s.")
                    % {"allowed": names}
                    for name in unknown
                },
                code="unknown_parameter",
            )
        return view_func(request, *args, **kwargs)

    return checked


# -- 405 in the error shape ------------------------------------------------------------------


def method_not_allowed(path_view) -> JsonResponse:
    allowed = sorted({m for op in path_view.operations for m in op.methods})
    body = {
        "error": {
            "code": "method_not_allowed",
            "message": _("This address does not accept that method. Allowed: %(allowed)s.")
            % {"allowed": ", ".join(allowed)},
            "fields": {},
        }
    }
    response = JsonResponse(body, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def json_405(bound_routers) -> None:
    """Each path answers a method it lacks with 405 in the JSON error shape and ``Allow``."""
    for bound in bound_routers:
        for path_view in bound.path_operations.values():
            if not getattr(path_view, "_kefu_405", False):
                path_view._not_allowed = functools.partial(method_not_allowed, path_view)
                path_view._kefu_405 = True


# -- coded fields ---------------------------------------------------------------------------


def code(choices, *, blank: bool = False):
    """A ``Literal`` of a model's choices (stable English slugs), so the OpenAPI document lists
    them as an enum and a value outside them is a 422 naming the field; ``blank`` admits ""
    (a field not set)."""
    from typing import Literal

    values = list(getattr(choices, "values", choices))
    if blank and "" not in values:
        values.append("")
    return Literal[tuple(values)]  # type: ignore[valid-type]
