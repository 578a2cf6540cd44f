"""The pure rules of issue 19: the typing test (KPI-5, CE-1), the quick-reply exam (PK-4), the
certification's combined pass (PK-4), the flow (TRN-4), papers by seed (TRN-9), the rest-day cap
(SCH-9) and the 4S minimums (TRN-6)."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.training import certify, flow, quick_reply, rules, typing_test

PASSAGE = "您好很高兴为您服务请问有什么可以帮您" * 7  # 126 characters


def test_kpi5_120_correct_in_120s_is_60_per_minute_and_passes_60_but_119_fails():
    text = PASSAGE[:120]
    ok = typing_test.score(text, text, 120, min_cpm=60)
    assert (ok.chars_per_minute, ok.correct, ok.passed) == (60.0, 120, True)
    short = typing_test.score(text, text[:119], 120, min_cpm=60)
    assert (short.correct, short.passed) == (119, False)


def test_kpi5_wrong_or_extra_characters_never_count_and_lower_accuracy():
    text = PASSAGE[:120]
    extra = typing_test.score(text, text + "多余的字多余的字", 120)
    assert extra.correct == 120 and extra.typed == 128
    assert extra.accuracy == round(120 / 128, 4) and not extra.passed  # accuracy < 95 %
    wrong = typing_test.score(text, "错" + text[1:], 120)
    assert wrong.correct == 119 and not wrong.passed


def test_ce1_fullwidth_comma_equals_comma_and_whitespace_is_ignored():
    result = typing_test.score("您好，欢迎光临", "您好, 欢迎 光临", 6)
    assert (result.correct, result.typed, result.accuracy) == (7, 7, 1.0)


def test_kpi5_the_same_final_text_scores_the_same_whatever_the_input_method():
    # pinyin and wubi users end with the same text; composition never reaches the server
    a = typing_test.score(PASSAGE, PASSAGE[:100], 90)
    b = typing_test.score(PASSAGE, "".join(PASSAGE[:100]), 90)
    assert a == b


def test_lcs_matches_the_textbook_algorithm():
    def dp(x, y):
        prev = [0] * (len(y) + 1)
        for c in x:
            cur = [0]
            for j, d in enumerate(y):
                cur.append(prev[j] + 1 if c == d else max(prev[j + 1], cur[j]))
            prev = cur
        return prev[-1]

    for x, y in [("abcbdab", "bdcaba"), ("您好世界", "你好世界"), ("", "a"), ("aaa", "aa")]:
        assert typing_test.lcs_length(x, y) == dp(x, y)


def test_typing_bad_seconds_refused():
    with pytest.raises(ValueError):
        typing_test.score("a", "a", 0)


def test_pk4_quick_reply_passes_only_on_a_complete_match():
    phrase = "亲，您的订单已发货，请注意查收。"
    assert quick_reply.matches(phrase, "亲,您的订单已发货,请注意查收.")
    assert quick_reply.matches(phrase, " 亲，您的订单 已发货，请注意查收。 ")
    assert not quick_reply.matches(phrase, "亲，您的订单已发货，请注意查收")  # missing 。
    assert not quick_reply.matches(phrase, "亲，您的订单已发货，请注意查收。谢谢")
    assert quick_reply.score([(phrase, phrase), (phrase, "亲")]) == (1, 2)


def test_pk4_certification_needs_every_must_pass_component_and_the_weighted_total():
    comps = certify.components_from(
        [
            {"code": "exam", "weight": 2, "min_score": 60},
            {"code": "typing", "weight": 1, "min_score": 60},
            {"code": "roleplay", "weight": 1, "min_score": 0, "must_pass": False},
        ]
    )
    assert certify.evaluate(comps, {"exam": 80, "typing": 100, "roleplay": 40}, 70).passed
    failed = certify.evaluate(comps, {"exam": 100, "typing": 0, "roleplay": 100}, 50)
    assert not failed.passed and failed.failed == ("typing",)
    low = certify.evaluate(comps, {"exam": 60, "typing": 60, "roleplay": 0}, 60)
    assert low.total == 45.0 and not low.passed


def test_trn4_each_transition_and_who_may_make_it():
    agent, lead = 1, 2
    kw = {"requester_id": 10}
    assert flow.check("approve", state="requested", actor_id=5, actor_rank=lead, **kw) == "approved"
    assert flow.check("reject", state="requested", actor_id=5, actor_rank=lead, **kw) == "rejected"
    assert flow.check("assign", state="approved", actor_id=5, actor_rank=lead, **kw) == "assigned"
    assert (
        flow.check("archive", state="assigned", actor_id=7, actor_rank=agent, trainer_id=7, **kw)
        == "archived"
    )
    for action, state, actor_id, rank, reason in [
        ("approve", "requested", 10, lead, "own_request"),
        ("approve", "requested", 5, agent, "not_allowed"),
        ("assign", "requested", 5, lead, "wrong_state"),
        ("archive", "assigned", 8, agent, "not_allowed"),
        ("approve", "archived", 5, lead, "wrong_state"),
    ]:
        with pytest.raises(flow.FlowRefused) as exc:
            flow.check(action, state=state, actor_id=actor_id, actor_rank=rank, trainer_id=7, **kw)
        assert exc.value.reason == reason


def test_trn4_each_step_has_a_due_date():
    today = dt.date(2026, 12, 1)
    assert flow.due_on("requested", today) == dt.date(2026, 12, 4)
    assert flow.due_on("assigned", today, dt.date(2026, 12, 20)) == dt.date(2026, 12, 20)
    assert flow.due_on("archived", today) is None


def test_trn9_a_paper_is_drawn_by_blueprint_and_the_seed_reproduces_it():
    bank = {"售后": list(range(1, 30)), "投诉": list(range(100, 120))}
    paper = rules.draw_paper(bank, {"售后": 5, "投诉": 3}, seed=42)
    assert paper == rules.draw_paper(bank, {"售后": 5, "投诉": 3}, seed=42)
    assert len(set(paper)) == 8 and sum(1 for q in paper if q >= 100) == 3
    with pytest.raises(rules.BlueprintShort) as exc:
        rules.draw_paper(bank, {"投诉": 25}, seed=1)
    assert exc.value.missing == {"投诉": 5}


def test_sch9_rest_day_training_is_capped_at_half_a_day():
    assert rules.rest_day_fits(3, 1)
    assert not rules.rest_day_fits(3, 1.5)
    assert not rules.rest_day_fits(0, 8)


def test_trn6_4s_yearly_minimums_show_met_or_behind_with_months_left():
    rows = rules.minimums_status(
        {"前台接车业务技巧": 4, "车间维修技术": 2}, rules.FOUR_S_MINIMUMS, dt.date(2026, 10, 5)
    )
    by = {r.category: r for r in rows}
    assert by["前台接车业务技巧"].met and not by["车间维修技术"].met
    assert by["车间维修技术"].required == 6 and by["车间维修技术"].months_left == 3
    assert len(rows) == 7


@pytest.mark.parametrize(
    "kind,answer,given,ok",
    [
        ("single", "B", "b", True),
        ("multiple", "AB", ["B", "A"], True),
        ("multiple", "AB", "A", False),
        ("truefalse", "对", "true", True),
        ("fill", "关闭|结案", "结案", True),
        ("single", "B", None, False),
    ],
)
def test_trn9_answers_are_graded(kind, answer, given, ok):
    assert rules.grade_answer(kind, answer, given) is ok
