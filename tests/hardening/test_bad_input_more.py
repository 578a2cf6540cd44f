"""Issue 15 §4: a client mistake is never a 500, on any list page or API list endpoint.

The URLs come from the resolver (pages) and the OpenAPI schema (API), so a new list is walked
without being named here. Each page is first read once to learn which query parameters its
view looks at; each of those, and each API parameter, then gets every bad value: dates out of
range, a huge id, a forged cursor, booleans and words for ids, negative limits. The answer is
a 4xx with a message, or a 200 (the value ignored or shown as an error), never a 500.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

BAD_VALUES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "99999999999999999999",
    "-99999999999999999999",
    "true",
    "abc",
    "-1",
    "1.5",
    "eyJrIjogWyJ4Il0sICJpZCI6ICJ5In0",  # base64 of a forged cursor {"k": ["x"], "id": "y"}
    "1e400",
    "２０２６-０１-０１",  # full-width digits
    "2026-13",
]
HUGE_ID = "99999999999999999999"
# pages that are no lists: they download, sign out, post only or belong to Django's admin
SKIP = re.compile(
    r"^(django-admin/|api/|i18n/|jsi18n/|accounts/logout/|help/|surveys/s/)|\.xlsx$|export"
)


def _page_patterns() -> list[tuple[str, list[str]]]:
    """(route, [names of its path parameters]) for every page route."""
    out = []

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif isinstance(p, URLPattern) and not SKIP.search(route):
                out.append((route, re.findall(r"<(?:\w+:)?(\w+)>", route)))

    walk(get_resolver())
    return out


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m[1]], route)


@contextlib.contextmanager
def _reads():
    """The query parameter names a view reads (QueryDict.get/getlist/[]/in)."""
    seen: set[str] = set()
    originals = {
        name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")
    }

    def spy(name):
        original = originals[name]

        def wrapped(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return wrapped

    for name in originals:
        setattr(QueryDict, name, spy(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def _check(response, url, failures: list) -> None:
    """Record a 5xx, or a JSON 4xx without a message, in ``failures``."""
    status = response.status_code
    if status >= 500:
        failures.append(f"{status} {url}")
        return
    is_json = response.get("Content-Type", "").startswith("application/json")
    if status >= 400 and is_json and not response.json().get("error", {}).get("message"):
        failures.append(f"{status} without a message: {url}")


@pytest.fixture
def ids(populated, org, manager):
    """An existing object for each path parameter name a page may take."""
    from kefu.workforce.services import peak_plan_from_template

    plan = peak_plan_from_template(actor=manager, year=2026)
    ticket = populated.tickets[0]
    customer = populated.customers[0]
    return {
        "pk": str(ticket.pk),
        "customer_pk": str(customer.pk),
        "line": "shop",
        "slug": "x",
        "kind": "vehicle",
        "action": "up",
        "date": "2026-11-11",
        "token": "x",
        "number": "1",
        "user_id": str(manager.pk),
        "item_id": str(plan.checklist.first().pk),
        "plan": str(plan.pk),
    }


@pytest.mark.django_db
def test_every_page_answers_bad_query_values_without_a_500(populated, ids, manager, web_as):
    client = web_as(manager)
    client.raise_request_exception = False
    failures: list[str] = []
    walked = 0
    for route, params in _page_patterns():
        if any(p not in ids for p in params if p not in ("pk",)):
            values = {p: ids.get(p, "1") for p in params}
        else:
            values = {p: ids[p] for p in params}
        url = _fill(route, values)
        with _reads() as read:
            first = client.get(url, {"_probe": "1"})
        if first.status_code in (404, 405) or 300 <= first.status_code < 400:
            continue
        _check(first, url, failures)
        names = sorted(read - {"_probe", "csrfmiddlewaretoken"})
        for name in names:
            for value in BAD_VALUES:
                _check(client.get(url, {name: value}), f"{url}?{name}={value}", failures)
        walked += 1
    assert not failures, "\n".join(failures)
    assert walked >= 30, walked


@pytest.mark.django_db
def test_every_page_with_an_id_answers_a_huge_or_foreign_id_with_a_4xx(
    populated, ids, manager, web_as
):
    client = web_as(manager)
    client.raise_request_exception = False
    failures: list[str] = []
    checked = 0
    for route, params in _page_patterns():
        int_params = re.findall(r"<int:(\w+)>", route)
        if not int_params:
            continue
        for bad in (HUGE_ID, "0"):
            values = {p: ids.get(p, "1") for p in params}
            values.update(dict.fromkeys(int_params, bad))
            url = _fill(route, values)
            for method in (client.get, client.post):
                _check(method(url), f"{method.__name__.upper()} {url}", failures)
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 20, checked


def _api_url(path: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: values.get(m[1], "1"), path)


def _api_list_operations():
    from kefu.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, item in schema["paths"].items():
        op = item.get("get")
        if not op:
            continue
        yield path, list(op.get("parameters", []))


@pytest.mark.django_db
def test_every_api_get_answers_bad_values_with_a_4xx_not_a_500(populated, ids, manager, api_as):
    api = api_as(manager)
    api.client.raise_request_exception = False
    failures: list[str] = []
    walked = 0
    for path, parameters in _api_list_operations():
        path_values = {
            p["name"]: ids.get(p["name"], str(populated.tickets[0].pk))
            for p in parameters
            if p["in"] == "path"
        }
        url = _api_url(path, path_values)
        query = [p["name"] for p in parameters if p["in"] == "query"]
        for name in query:
            for value in BAD_VALUES:
                _check(api.get(url, {name: value}), f"{url}?{name}={value}", failures)
        for name in path_values:
            for value in (HUGE_ID, "true", "-1", "abc"):
                bad_url = _api_url(path, {**path_values, name: value})
                _check(api.get(bad_url), bad_url, failures)
        walked += 1
    assert not failures, "\n".join(failures)
    assert walked >= 20, walked


BAD_DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "99999999999999999999", "true"]


@pytest.mark.django_db
def test_every_date_in_a_form_refuses_bad_dates_and_changes_nothing(
    populated, ids, manager, agent, lead, web_as, row_counts
):
    """Each form with a date picker, posted with each bad date: a 4xx or the form again with its
    message, never a 500, and not one row more or less."""
    from browserkit import page_forms
    from django.urls import reverse

    from kefu.knowledge.services import article_create
    from kefu.workforce.services import leave_add

    article = article_create(
        actor=lead, business_line=populated.customers[0].business_line, title="退款", body="一般"
    )
    import datetime as dt

    leave = leave_add(
        actor=manager, user=agent, start_date=dt.date(2026, 11, 9), end_date=dt.date(2026, 11, 9)
    )
    plan_pk, item_pk = ids["plan"], ids["item_id"]
    pages = [
        (agent, reverse("customers:edit", args=[populated.customers[0].pk])),
        (agent, reverse("customers:create")),
        (agent, reverse("customers:detail", args=[populated.customers[0].pk])),
        (agent, reverse("followups:registers")),
        (lead, reverse("knowledge:article_edit", args=[article.pk])),
        (manager, reverse("workforce:forecasts")),
        (manager, reverse("workforce:rosters")),
        (manager, reverse("workforce:roster_entered")),
        (manager, reverse("workforce:leaves")),
        (manager, reverse("workforce:leave", args=[leave.pk])),
        (manager, reverse("workforce:peak_item_edit", args=[plan_pk, item_pk])),
    ]
    failures: list[str] = []
    posted = 0
    for user, url in pages:
        client = web_as(user)
        client.raise_request_exception = False
        page = client.get(url)
        assert page.status_code == 200, url
        for form in page_forms(page.content):
            if form.method != "post" or not form.temporal:
                continue
            action = form.action or url
            for name, _kind, _value in form.temporal:
                for bad in BAD_DATES:
                    before = row_counts()
                    body = {k: v[0] if len(v) == 1 else v for k, v in form.data().items()}
                    body[name] = bad
                    response = client.post(action, body)
                    label = f"POST {action} {name}={bad}"
                    if response.status_code >= 500:
                        failures.append(f"{response.status_code} {label}")
                    elif response.status_code == 302:
                        failures.append(f"accepted: {label}")
                    elif row_counts() != before:
                        failures.append(f"changed rows: {label}")
                    posted += 1
    assert not failures, "\n".join(failures)
    assert posted >= 50, posted
