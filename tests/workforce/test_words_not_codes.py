"""Planning pages speak in words (issue 15, "every code is a word"): no requirement tags
(PK-1, STF-2) or decision numbers (§9.4) and no phase codes in the peak plan and the staffing
calculator."""

from __future__ import annotations

import re

from django.urls import reverse

from kefu.workforce.services.peaks import peak_plan_from_template

TAG = re.compile(r"\b(?:PK|STF)-\d+\b|§\d")


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_peak_plan_names_checklist_topics_and_phases_in_words(manager, web_as):
    plan = peak_plan_from_template(actor=manager, year=2026)
    client = web_as(manager)

    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for url in (
            reverse("workforce:peaks"),
            reverse("workforce:peak", args=[plan.pk]),
            reverse("workforce:peak_edit", args=[plan.pk]),
        ):
            text = _text(client.get(url))
            assert not TAG.search(text), (url, language, TAG.search(text))
            if language == "zh-hans":
                assert not re.search(r"\b(before|during|after)\b", text), url
    client.cookies["django_language"] = "zh-hans"
    detail = _text(client.get(reverse("workforce:peak", args=[plan.pk])))
    assert "培训" in detail and "双11小组" in detail


def test_staffing_calculator_shows_formulas_without_requirement_tags(manager, web_as):
    client = web_as(manager)
    query = {
        "arrivals": 100,
        "interval_seconds": 1800,
        "aht": 180,
        "target_answer": 20,
        "service_level": "0.8",
        "shrinkage": "0.3",
        "patience": 120,
        "daily_enquiries": 1200,
        "enquiries_per_agent_day": 150,
        "monthly_refunds": 900,
        "refunds_per_agent_day": 30,
        "working_days": 22,
        "processing_cycle_days": 2,
    }
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        text = _text(client.get(reverse("workforce:staffing"), query))
        assert not TAG.search(text), TAG.search(text)
        assert "Reception agents = daily enquiries" in text or "接待客服数 = 日均咨询量" in text
