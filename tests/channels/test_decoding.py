"""Decoding never fails and never loses Chinese (issue 17 §1, CH-1 e-mail): the charset fixtures
decode with 0 garbled characters; pure, no database."""

from __future__ import annotations

import random

import pytest

from kefu.channels import mime, threading_rules

from .mailkit import FIXTURES, eml

GARBLE = ("\ufffd", "锟斤拷", "Ã", "ï¿½")


def clean(text: str) -> bool:
    return not any(g in text for g in GARBLE)


def test_gbk_body_labelled_gb2312_and_gb2312_subject_keep_every_character():
    parsed = mime.parse(eml("outlook_gbk.eml"))
    assert parsed.subject == "图书缺页（朱镕基传）"  # 镕 is GBK, not GB2312
    assert "朱镕基传记少了一页，王堃先生" in parsed.text
    assert parsed.from_name == "李晓明" and parsed.charsets[0] == "gb18030"


def test_utf8_with_chinese_attachment_names_rfc2231_and_rfc2047():
    parsed = mime.parse(eml("utf8_attachments.eml"))
    assert parsed.subject == "发票开错了"  # two charsets in one header
    assert [a.filename for a in parsed.attachments] == ["发票扫描.pdf", "订单截图.png"]
    assert parsed.attachments[0].data.startswith(b"%PDF")


def test_html_only_mail_becomes_safe_text():
    parsed = mime.parse(eml("html_only.eml"))
    assert parsed.html_only
    assert parsed.text == "请问 退货地址是哪里？\n订单 20261130"
    assert "alert" not in parsed.text and "<" not in parsed.text and "color" not in parsed.text


@pytest.mark.parametrize(
    "name, expected",
    [
        ("wrong_charset_latin1.eml", "快递一直显示派送中，已经五天了，请帮忙催一下。"),
        ("wrong_charset_utf8_as_gb2312.eml", "商品与描述不符，要求退货退款。"),
        ("big5.eml", "請問我的訂單何時發貨？謝謝。"),
    ],
)
def test_a_wrong_or_missing_charset_label_is_detected(name, expected):
    parsed = mime.parse(eml(name))
    assert parsed.text == expected and clean(parsed.subject)


def test_raw_8bit_big5_subject_is_read_by_the_body_charset():
    assert mime.parse(eml("big5.eml")).subject == "訂單查詢"


def test_every_fixture_decodes_with_zero_garbled_characters():
    for path in FIXTURES.glob("*.eml"):
        parsed = mime.parse(path.read_bytes())
        assert clean(parsed.subject + parsed.text + parsed.from_name), path.name


def test_garbage_bytes_never_raise():
    rng = random.Random(17)
    for size in (0, 1, 50, 3000):
        junk = bytes(rng.randrange(256) for _ in range(size))
        parsed = mime.parse(junk)
        assert parsed.message_id  # a stable id from the bytes
    cut = eml("utf8_attachments.eml")[:700]  # a message cut mid-part
    assert "发票抬头" in mime.parse(cut).text


def test_auto_reply_and_bounce_are_recognised():
    auto = mime.parse(eml("autoreply.eml", NUMBER="T2612010000001"))
    assert auto.auto_reply and not auto.bounce
    bounce = mime.parse(eml("bounce.eml"))
    assert bounce.bounce and bounce.bounced == ["lixiaoming@example.com"]


def test_quoted_history_and_signature_fold_away():
    new, folded = threading_rules.fold(mime.parse(eml("qq_reply_token.eml", NUMBER="T1")).text)
    assert new == "还是没有收到，麻烦再查一下物流。" and "发自我的iPhone" in folded
    new, folded = threading_rules.fold(mime.parse(eml("gmail_reply.eml", REF="x@y")).text)
    assert new == "好的，地址改成上海市浦东新区张江路 88 号。" and "写道" in folded
    new, folded = threading_rules.fold(mime.parse(eml("foxmail_reply_refs.eml", REF="x@y")).text)
    assert new == "收到，谢谢！补发的书什么时候到？" and "原始邮件" in folded


def test_subject_token_and_clean_title():
    assert threading_rules.subject_token("回复：Re: 缺页 [#T2612060000123]") == "T2612060000123"
    assert threading_rules.subject_token("Re: [# T-000123 ] x") == "T-000123"
    assert threading_rules.clean_subject("回复：Re: 缺页 [#T2612060000123]") == "缺页"
