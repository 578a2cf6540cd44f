"""The audit log says a complaint's grade change in words (issue 23 §1, §9.9): the grade and
the rule are kept on followups' models, not on the ticket the audit record names."""

from __future__ import annotations

from django.utils import translation

from kefu.core.audit_words import change_rows

CHANGE = {"grade": ["ordinary", "repeat"], "rule": "same_subject", "reason": "与 T1 为同一事由"}


def test_s99_grade_change_reads_in_words_in_both_languages(db):
    with translation.override("zh-hans"):
        rows = dict(change_rows("tickets.ticket", CHANGE, "complaint.grade"))
    assert rows["等级"] == "一般投诉 → 重复投诉"
    assert rows["规则"] == "同一客户同一事由"
    with translation.override("en"):
        rows = dict(change_rows("tickets.ticket", CHANGE, "complaint.grade"))
    assert rows["Grade"] == "Ordinary complaint → Repeat complaint"
    assert rows["Rule"] == "Same customer, same subject"
