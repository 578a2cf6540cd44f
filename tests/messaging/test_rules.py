"""The pure SMS, signature and auto-reply rules (no database)."""

import datetime as dt

from kefu.channels.messaging import rules, signing


def test_sms_length_70_single_67_per_part_care1():
    assert rules.sms_parts("") == 0
    assert rules.sms_parts("字" * 70) == 1
    assert rules.sms_parts("字" * 71) == 2
    assert rules.sms_parts("字" * 134) == 2
    assert rules.sms_parts("字" * 135) == 3


def test_signature_added_once_and_opt_out_only_for_notices():
    assert rules.signed("您的订单已发货", "网店") == "【网店】您的订单已发货"
    assert rules.signed("【网店】已发货", "网店") == "【网店】已发货"
    assert rules.with_opt_out("请付款", "reminder").endswith("回复TD退订")
    assert rules.with_opt_out("请付款 回复TD退订", "reminder").count("回复TD退订") == 1
    assert rules.with_opt_out("已为您处理", "reply") == "已为您处理"
    assert (
        rules.is_opt_out(" td ") and rules.is_opt_out("退订") and not rules.is_opt_out("TD是什么")
    )


def test_quiet_hours_cross_midnight():
    quiet = rules.parse_quiet("21:00-08:00")
    at = dt.datetime(2026, 5, 6, 22, 30)
    assert rules.in_quiet(at, quiet)
    assert not rules.in_quiet(at.replace(hour=12), quiet)
    assert rules.quiet_ends(at, quiet) == dt.datetime(2026, 5, 7, 8, 0)
    assert rules.quiet_ends(at.replace(hour=7), quiet) == dt.datetime(2026, 5, 6, 8, 0)
    assert rules.parse_quiet("") is None


def test_auto_replies_once_per_window_never_to_a_robot_ch4():
    s = rules.Situation(new_ticket=True, in_hours=False, peak=False, from_robot=False)
    assert rules.auto_replies(s) == ["ack", "out_of_hours"]
    again = rules.Situation(
        new_ticket=False,
        in_hours=False,
        peak=False,
        from_robot=False,
        recent=frozenset({"ack", "out_of_hours"}),
    )
    assert rules.auto_replies(again) == []
    robot = rules.Situation(new_ticket=True, in_hours=False, peak=True, from_robot=True)
    assert rules.auto_replies(robot) == []
    peak = rules.Situation(new_ticket=False, in_hours=True, peak=True, from_robot=False)
    assert rules.auto_replies(peak) == ["peak"]


def test_signature_check_bad_and_replayed():
    body = b'{"id": "1"}'
    sig = signing.sign("s3cret", "1000", body)
    assert signing.check("s3cret", "1000", body, sig, now=1100) is None
    assert signing.check("s3cret", "1000", body + b" ", sig, now=1100) == "bad_signature"
    assert signing.check("other", "1000", body, sig, now=1100) == "bad_signature"
    assert signing.check("s3cret", "1000", body, sig, now=1000 + 301) == "replayed"


def test_the_wecom_session_is_five_messages_within_48_hours_of_the_last_one():
    last = dt.datetime(2026, 12, 1, 9, 0)
    assert rules.session_refusal(last, 4, last + dt.timedelta(hours=47, minutes=59)) is None
    assert rules.session_refusal(last, 5, last + dt.timedelta(minutes=1)) == rules.USED
    assert rules.session_refusal(last, 0, last + dt.timedelta(hours=48)) == rules.CLOSED
    assert rules.session_refusal(None, 0, last) == rules.CLOSED
    assert rules.is_session_platform(" WeCom ") and rules.is_session_platform("企业微信")
    assert not rules.is_session_platform("旺旺") and not rules.is_session_platform("")
