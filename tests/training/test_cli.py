"""`kefu training` (issue 19, stable for outside tests): typing-score, status and
import-questions; bad input → stderr and exit code 2."""

from __future__ import annotations

import json

import pytest

from kefu.cli import main
from kefu.training.models import Question

from .kit import BANK, certify, xlsx

PASSAGE = "感谢您的耐心等待我们会尽快为您处理" * 8


def _files(tmp_path, passage: str, typed: str):
    p, t = tmp_path / "passage.txt", tmp_path / "typed.txt"
    p.write_text(passage, encoding="utf-8")
    t.write_text(typed, encoding="utf-8")
    return str(p), str(t)


@pytest.mark.parametrize("typed_n,passed", [(120, True), (119, False)])
def test_kpi5_typing_score_120_in_120s_passes_60_and_119_fails(tmp_path, capsys, typed_n, passed):
    p, t = _files(tmp_path, PASSAGE[:120], PASSAGE[:typed_n])
    args = ["training", "typing-score", "--passage", p, "--typed", t, "--seconds", "120"]
    assert main([*args, "--min-cpm", "60", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"chars_per_minute", "correct", "typed", "accuracy", "passed"}
    assert out["correct"] == typed_n and out["passed"] is passed
    assert out["chars_per_minute"] == (60.0 if passed else 59.5)


def test_typing_score_bad_input_exits_2_on_stderr(tmp_path, capsys):
    p, t = _files(tmp_path, "您好", "您好")
    base = ["training", "typing-score", "--passage", p, "--typed", t]
    assert main([*base, "--seconds", "zero"]) == 2
    assert "--seconds" in capsys.readouterr().err
    assert main([*base, "--seconds", "-5"]) == 2
    assert main(["training", "typing-score", "--passage", "/nope", "--typed", t, "--seconds", "9"])
    assert "no such file" in capsys.readouterr().err


@pytest.mark.django_db
def test_status_prints_certifications_missing_queues_and_hours(org, agent, gated, capsys):
    assert main(["training", "status", "agent", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["user"] == "agent" and out["certifications"] == []
    assert out["missing"] == [f"team-{org.aftersales1.pk}"]
    assert set(out["hours"]) == {"year", "total", "by_category"}
    certify(agent)
    assert main(["training", "status", "agent"]) == 0
    out = json.loads(capsys.readouterr().out)
    cert = out["certifications"][0]
    assert cert["code"] == "aftersales-duty" and set(cert) == {"code", "passed_at", "valid_until"}
    assert out["missing"] == []
    assert main(["training", "status", "nobody"]) == 2


@pytest.mark.django_db
def test_import_questions_loads_all_or_nothing(org, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([*BANK, ("单选", "无选项", "", "A", 1, "售后规范")]))
    assert main(["training", "import-questions", str(bad), "--business-line", "shop"]) == 2
    assert "row 7" in capsys.readouterr().err
    assert Question.objects.count() == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(BANK))
    assert main(["training", "import-questions", str(good), "--business-line", "shop"]) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 5, "business_line": "shop"}
    assert Question.objects.filter(business_line=org.shop).count() == 5
