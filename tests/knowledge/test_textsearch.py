"""Pure pieces of the knowledge search, the language check and phrase variables (spec §1.10,
CH-7, KB-2); no database."""

from kefu.knowledge import language, phrasing
from kefu.knowledge import textsearch as ts


def test_segmentation_splits_chinese_into_words_and_drops_function_words():
    # given a customer's sentence
    # when it becomes query words
    words = ts.query_words("我的快递怎么还没到啊")
    # then the topic word is there and the particles are not
    assert "快递" in words
    assert not {"的", "啊", "怎么", "我"} & set(words)


def test_segmentation_keeps_long_words_and_their_parts_for_search():
    assert {"增值税", "专用", "发票"} <= set(ts.words("增值税专用发票"))


def test_synonyms_expand_a_query_both_ways():
    synonyms = ts.synonym_map([["退款", "退钱", "返款"]])
    assert ts.expand(["退钱"], synonyms) == ["退钱", "退款", "返款"]
    assert "退钱" in ts.expand(["退款"], synonyms)


def test_bigrams_cover_chinese_runs_and_keep_latin_words():
    assert ts.bigrams("发票ABC开") == ["发票", "abc", "开"]
    assert ts.bigrams("快递没到") == ["快递", "递没", "没到"]


def test_a_single_character_matches_as_a_prefix_in_fts5():
    assert ts.fts_match(["退", "快递"], ["title"]) == '{title} : ("退" * OR "快递")'
    assert ts.tsquery(["退", "快递"]) == "退:* | 快递"


def test_snippet_marks_hits_and_cuts_around_them():
    text = "无关的开头。" * 30 + "退款原路返回，银行卡 1–7 个工作日到账。" + "结尾" * 40
    parts = ts.snippet(text, ["退款", "到账"], width=40)
    assert ("退款", True) in parts
    assert parts[0] == ("…", False)
    assert ts.snippet_html([("<b>", False), ("退款", True)]) == "&lt;b&gt;<mark>退款</mark>"


RULES = [
    language.Rule(1, "improper", "^\\s*喂|喂(?=[，,！!。？?\\s])", "您好", True),
    language.Rule(2, "improper", "我不知道", "我可以帮您询问一下"),
    language.Rule(3, "improper", "你等一会儿?", "请您稍等一会儿", True),
    language.Rule(4, "promise", "(保证|肯定|一定)[^。，]{0,8}(到货|送到|收到)", "", True),
]


def test_language_check_flags_improper_phrases_and_offers_the_polite_one():
    """CH-7: 喂 → 您好, 我不知道 → 我可以帮您询问一下, 你等一会儿 → 请您稍等一会儿."""
    text = "喂，这个我不知道，你等一会儿"
    findings = language.check(text, RULES)
    assert [f.text for f in findings] == ["喂", "我不知道", "你等一会儿"]
    assert language.polite(text, findings) == "您好，这个我可以帮您询问一下，请您稍等一会儿"


def test_language_check_flags_delivery_promises_without_rewriting_them():
    """KB-2: no promised delivery dates."""
    findings = language.check("亲，保证您后天收到", RULES)
    assert [(f.kind, f.rule_id) for f in findings] == [("promise", 4)]
    assert language.polite("亲，保证您后天收到", findings) == "亲，保证您后天收到"


def test_polite_text_passes_the_check():
    assert language.check("您好，请您稍等一会儿，我可以帮您询问一下。", RULES) == []


def test_a_regular_expression_that_matches_nothing_or_everything_is_refused():
    assert language.pattern_error("(", True)
    assert language.pattern_error(".*", True) == "matches empty text"
    assert language.pattern_error("你是谁", False) is None


def test_phrase_variables_are_filled_and_missing_ones_stay_visible():
    body = "{客户姓名}您好，订单{订单号}已发出"
    assert phrasing.variables(body) == ["客户姓名", "订单号"]
    assert (
        phrasing.fill(body, {"客户姓名": "王女士", "订单号": ""})
        == "王女士您好，订单{订单号}已发出"
    )


def test_version_diff_shows_what_was_removed_and_added():
    parts = phrasing.diff_parts("2–4 天送达", "3–5 天送达")
    assert ("delete", "2") in parts and ("insert", "3") in parts
    assert "".join(t for op, t in parts if op != "delete") == "3–5 天送达"
