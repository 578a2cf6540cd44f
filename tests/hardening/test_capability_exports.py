"""The exports of the capability apps write formula-looking text as text (issue 15 §2, the
class "every .xlsx export neutralises formulas"): the 月处罚汇总表 and the rewards ledger
(quality), a person's training record (training). The monthly statement's own check is in
tests/reports/test_monthly_statement.py."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from openpyxl import load_workbook

from kefu.quality import exports as quality_exports
from kefu.training import exports as training_exports

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def _texts_without_formulas(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    return [c.value for c in cells if isinstance(c.value, str)]


def test_the_penalty_summary_writes_a_units_formula_name_as_text():
    data = {
        "period": "2026-10",
        "rows": [
            {
                "unit": HOSTILE,
                "head": HOSTILE,
                "repeat": 2,
                "malicious": 1,
                "amount_yuan": 300,
                "applied": True,
            }
        ],
        "total_yuan": 300,
    }
    texts = _texts_without_formulas(quality_exports.summary_xlsx(data))
    assert texts.count("'" + HOSTILE) == 2 and HOSTILE not in texts


def test_the_rewards_ledger_writes_a_formula_note_as_text():
    entry = SimpleNamespace(
        period=dt.date(2026, 10, 1),
        team=SimpleNamespace(name=HOSTILE),
        user=SimpleNamespace(display_name=HOSTILE, username="agent"),
        get_reason_display=lambda: "第一名",
        amount_yuan=Decimal("100"),
        note=HOSTILE,
    )
    texts = _texts_without_formulas(quality_exports.ledger_xlsx([entry], dt.date(2026, 10, 1)))
    assert texts.count("'" + HOSTILE) == 3 and HOSTILE not in texts


def test_a_training_record_writes_formula_titles_as_text():
    now = timezone.now()
    record = {
        "classes": [
            SimpleNamespace(
                training_class=SimpleNamespace(
                    title=HOSTILE, category=HOSTILE, starts_at=now, hours=Decimal("1")
                ),
                get_status_display=lambda: "已出勤",
            )
        ],
        "scores": [],
        "grants": [
            SimpleNamespace(
                certification=SimpleNamespace(name=HOSTILE), passed_at=now, valid_until=None
            )
        ],
    }
    texts = _texts_without_formulas(training_exports.record_xlsx(record))
    assert texts.count("'" + HOSTILE) == 3 and HOSTILE not in texts
