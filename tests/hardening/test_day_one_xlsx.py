"""Issue 15, item 2: every .xlsx export neutralises formulas (pages and CLI).

A customer, a call, a letter, an article, a quick reply and a roster all carry text that a
spreadsheet would run as a formula; every export is downloaded and no cell may be a formula.
The walk also lists every URL named ``*export*`` so a new export endpoint fails here until it is
added to the walk.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from kefu.cli import main
from kefu.core.xlsx import safe_cell, safe_row
from kefu.customers.services import customer_create
from kefu.followups.services.registers import call_record_create, letter_record_create
from kefu.knowledge import services as kb
from kefu.workforce.models import RosterRun

HOSTILE = '=HYPERLINK("http://x","y")'
OTHERS = ["+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]

# every page URL that answers an .xlsx export, by name → covered below
WALKED = {
    "customers:export",
    "followups:export_calls",
    "followups:export_letters",
    "knowledge:export",
    "workforce:roster_export",
    "api:call_export",
    "api:letter_export",
}
# exports whose formula check lives beside them: the shift's logs have one writer
# (shiftlogs/exports.py), and tests/shiftlogs/test_api.py downloads an entry whose body is
# =HYPERLINK(…) and finds it as text
COVERED_ELSEWHERE = {
    "shiftlogs:handover_export",
    "shiftlogs:management_export",
    "shiftlogs:patrol_export",
    "api:entries_export",
    # the capability apps' writers: tests/hardening/test_capability_exports.py and, for the
    # monthly statement, tests/reports/test_monthly_statement.py; a PDF holds no formulas
    "quality:penalties_export",
    "quality:ledger_export",
    "training:person_export",
    "reports:export_xlsx",
    "reports:export_pdf",
    # the poor-review statistics: tests/commerce/test_reviews.py downloads a =HYPERLINK(…) review
    "commerce:poor_reviews_export",
    # the daily after-sales registers: tests/commerce/test_registers.py, a =HYPERLINK(…) buyer
    "commerce:registers_export",
}


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(content: bytes, where: str) -> None:
    cells = _cells(content)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, f"{where}: formula cells {formulas}"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + HOSTILE in texts, f"{where}: the hostile text is missing"
    assert HOSTILE not in texts, where


def _export_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and "export" in p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    return names


def test_the_one_helper_quotes_every_formula_start():
    assert [safe_cell(v) for v in ["=1", "+1", "-1", "@a", "\t=1", "\r=1", "ok", 5, None]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\t=1",
        "'\r=1",
        "ok",
        5,
        None,
    ]
    assert safe_row(["=1", 2]) == ["'=1", 2]


def test_every_export_url_is_walked():
    assert _export_url_names() <= WALKED | COVERED_ELSEWHERE, "a new export: add it to this walk"


@pytest.fixture
def hostile(org, manager, agent):
    """Formula-looking text in every record type that some export writes."""
    customer = customer_create(
        actor=manager,
        business_line=org.shop,
        name=HOSTILE,
        phone="13700001234",
        address=HOSTILE,
        notes=HOSTILE,
    )
    for i, text in enumerate(OTHERS):
        customer_create(actor=manager, business_line=org.shop, name=text, phone=f"1370000{i:04d}")
    call_record_create(
        actor=agent, customer=customer, direction="out", result="answered", notes=HOSTILE
    )
    letter_record_create(
        actor=agent, customer=customer, kind="notice", channel="post", subject=HOSTILE
    )
    kb.article_create(
        actor=manager,
        business_line=org.shop,
        title=HOSTILE,
        body=HOSTILE,
        status="published",
    )
    kb.phrase_create(
        actor=manager,
        business_line=org.shop,
        category=HOSTILE,
        shortcut="hx",
        title=HOSTILE,
        body=HOSTILE,
    )
    run = RosterRun.objects.create(
        business_line=org.shop,
        name=HOSTILE,
        start_date=dt.date(2026, 11, 2),
        days=3,
        status="done",
        created_by=manager,
    )
    return run


def test_every_page_export_writes_formula_text_as_text(hostile, manager, agent, web_as, api_as):
    web = web_as(manager)
    responses = {
        "customers:export": web.get(reverse("customers:export")),
        "knowledge:export": web.get(reverse("knowledge:export")),
        "knowledge:export?what=phrases": web.get(reverse("knowledge:export") + "?what=phrases"),
        "workforce:roster_export": web.get(reverse("workforce:roster_export", args=[hostile.pk])),
    }
    web = web_as(agent)
    responses["followups:export_calls"] = web.get(reverse("followups:export_calls"))
    responses["followups:export_letters"] = web.get(reverse("followups:export_letters"))
    api = api_as(agent)
    responses["api:call_export"] = api.get(reverse("api:call_export"))
    responses["api:letter_export"] = api.get(reverse("api:letter_export"))

    assert {name.split("?")[0] for name in responses} == WALKED
    for name, response in responses.items():
        assert response.status_code == 200, name
        content = b"".join(response.streaming_content) if response.streaming else response.content
        _assert_no_formula(content, name)


def test_every_cli_export_writes_formula_text_as_text(hostile, tmp_path, capsys):
    customers = tmp_path / "customers.xlsx"
    articles = tmp_path / "articles.xlsx"
    phrases = tmp_path / "phrases.xlsx"

    assert main(["customers", "export", "--out", str(customers), "--business-line", "shop"]) == 0
    assert main(["kb", "export", str(articles), "--business-line", "shop"]) == 0
    assert main(["kb", "export", str(phrases), "--business-line", "shop", "--phrases"]) == 0

    for path in (customers, articles, phrases):
        _assert_no_formula(path.read_bytes(), path.name)
