"""The pure rules of §9.5 / §9.6 to the second (PAY-2/3/4, RET-3/4/6/10) and PAY-5's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kefu.commerce import order_merge, results, return_policy
from kefu.commerce.reminder_rules import SHANGHAI, OrderState, ReminderRules, is_due, plan

R = ReminderRules()


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_pay2_sms_window_start_inclusive_end_exclusive_to_the_second():
    assert R.in_window("sms", t("2026-11-11 09:00:00"))
    assert R.in_window("sms", t("2026-11-11 21:29:59"))
    assert not R.in_window("sms", t("2026-11-11 21:30:00"))
    assert not R.in_window("sms", t("2026-11-11 08:59:59"))


def test_pay3_phone_window_10_to_21():
    assert not R.in_window("phone", t("2026-11-11 09:59:59"))
    assert R.in_window("phone", t("2026-11-11 10:00:00"))
    assert R.in_window("phone", t("2026-11-11 20:59:59"))
    assert not R.in_window("phone", t("2026-11-11 21:00:00"))


def test_pay4_im_window_runs_to_midnight():
    assert R.in_window("im", t("2026-11-11 23:59:59"))
    assert not R.in_window("im", t("2026-11-12 00:00:00"))
    assert R.in_window("im", t("2026-11-12 09:00:00"))


def test_windows_are_read_in_shanghai_time_whatever_the_offset_given():
    assert R.in_window("sms", dt.datetime(2026, 11, 11, 1, 0, tzinfo=dt.UTC))  # 09:00 +08
    assert not R.in_window("sms", dt.datetime(2026, 11, 11, 0, 59, 59, tzinfo=dt.UTC))


def test_pay2_placed_10_00_no_sms_at_10_59_59_sms_at_11_00_00_phone_not_before_13_00():
    order = OrderState("A", t("2026-11-11 10:00:00"), Decimal("99"), buyer_online=True)
    assert not is_due(R, "sms", order, t("2026-11-11 10:59:59"))
    assert is_due(R, "sms", order, t("2026-11-11 11:00:00"))
    assert is_due(R, "im", order, t("2026-11-11 11:00:00"))
    assert not is_due(R, "phone", order, t("2026-11-11 12:59:59"))
    assert is_due(R, "phone", order, t("2026-11-11 13:00:00"))
    assert R.first_due("phone", order.placed_at) == t("2026-11-11 13:00:00")


def test_pay2_placed_20_45_and_unpaid_waits_for_sms_at_09_00_next_day():
    placed = t("2026-11-10 20:45:00")
    order = OrderState("B", placed, Decimal("10"))
    assert R.first_due("sms", placed) == t("2026-11-11 09:00:00")
    assert not is_due(R, "sms", order, t("2026-11-10 21:45:00"))
    assert not is_due(R, "sms", order, t("2026-11-11 08:59:59"))
    assert is_due(R, "sms", order, t("2026-11-11 09:00:00"))
    # phone: qualifies 23:45, opens 10:00 next day
    assert R.first_due("phone", placed) == t("2026-11-11 10:00:00")


def test_pay4_im_only_for_buyers_online_and_payment_stops_every_channel():
    placed = t("2026-11-11 10:00:00")
    offline = OrderState("C", placed, Decimal("10"), buyer_online=False)
    assert not is_due(R, "im", offline, t("2026-11-11 12:00:00"))
    paid = OrderState("D", placed, Decimal("10"), paid_at=t("2026-11-11 10:30:00"))
    assert not any(is_due(R, c, paid, t("2026-11-11 14:00:00")) for c in ("sms", "im", "phone"))
    closed = OrderState("E", placed, Decimal("10"), closed_at=t("2026-11-11 12:00:00"))
    assert not is_due(R, "phone", closed, t("2026-11-11 14:00:00"))


def test_pay_one_reminder_per_channel_an_order_already_sent_is_not_due_again():
    order = OrderState("F", t("2026-11-11 10:00:00"), Decimal("10"), sent=frozenset({"sms"}))
    assert not is_due(R, "sms", order, t("2026-11-11 12:00:00"))


def test_pay3_phone_list_amount_descending_ties_earlier_order_first():
    at = t("2026-11-11 15:00:00")
    orders = [
        OrderState("small", t("2026-11-11 09:00:00"), Decimal("50")),
        OrderState("big-late", t("2026-11-11 11:00:00"), Decimal("800")),
        OrderState("big-early", t("2026-11-11 10:00:00"), Decimal("800")),
        OrderState("mid", t("2026-11-11 10:30:00"), Decimal("300")),
    ]
    assert plan(R, orders, at)["phone"] == ["big-early", "big-late", "mid", "small"]


def test_policy_overrides_a_window_per_business_line():
    rules = ReminderRules.from_policy({"windows": {"sms": ["08:00", "22:00"]}})
    assert rules.in_window("sms", t("2026-11-11 08:00:00"))
    assert rules.in_window("phone", t("2026-11-11 10:00:00"))


# -- returns (§9.6) -----------------------------------------------------------------------------

P = return_policy.ReturnPolicy()
DELIVERED = t("2026-11-12 15:00:00")


def check(**kw):
    base = {
        "tier": "normal",
        "delivered_at": DELIVERED,
        "requested_at": DELIVERED,
        "amount": Decimal("100"),
    }
    return return_policy.check(kw.pop("policy", P), **{**base, **kw})


def test_ret6_seven_days_from_delivery_to_the_second():
    assert check(requested_at=DELIVERED + dt.timedelta(days=7)).eligible
    late = check(requested_at=DELIVERED + dt.timedelta(days=7, seconds=1))
    assert (late.eligible, late.rule) == (False, "window_expired")


def test_ret3_higher_tiers_have_30_days():
    assert check(tier="gold", requested_at=DELIVERED + dt.timedelta(days=30)).eligible
    assert not check(
        tier="gold", requested_at=DELIVERED + dt.timedelta(days=30, seconds=1)
    ).eligible
    assert not check(tier="silver", requested_at=DELIVERED + dt.timedelta(days=8)).eligible


def test_ret3_opened_under_500_yuan_499_99_yes_500_00_no():
    yes = check(tier="vip", opened=True, amount=Decimal("499.99"))
    no = check(tier="vip", opened=True, amount=Decimal("500.00"))
    assert (yes.eligible, yes.rule) == (True, "opened_under_limit")
    assert (no.eligible, no.rule) == (False, "opened_refused")
    assert not check(tier="normal", opened=True, amount=Decimal("10")).eligible


def test_ret4_green_policy_members_return_an_allergy_even_opened_with_priority():
    v = check(tier="silver", opened=True, amount=Decimal("800"), reason="allergy")
    assert (v.eligible, v.rule, v.priority) == (True, "green_allergy", True)
    assert not check(tier="normal", opened=True, reason="allergy").eligible


def test_ret10_refunds_switched_off_refuse_a_refund_but_not_an_exchange():
    off = return_policy.ReturnPolicy(refunds_enabled=False)
    assert check(policy=off).rule == "refunds_off"
    assert check(policy=off, refund=False).eligible


def test_ret1_ret2_sla_48_hours_vip_24_hours_from_receipt():
    received = t("2026-11-15 10:00:00")
    assert return_policy.sla_due(P, tier="gold", received_at=received) == t("2026-11-17 10:00:00")
    assert return_policy.sla_due(P, tier="vip", received_at=received) == t("2026-11-16 10:00:00")


# -- PAY-5 results ------------------------------------------------------------------------------


def test_pay5_order_and_amount_rates_recomputed_from_rows_credit_to_last_reminder():
    touch = results.Touch
    touches = [
        # order 1: sms 11:00, phone 13:00 by agent 7, paid 13:30 → credited to the phone call
        touch(1, Decimal("300"), t("2026-11-11 13:30:00"), "sms", None, t("2026-11-11 11:00:00")),
        touch(1, Decimal("300"), t("2026-11-11 13:30:00"), "phone", 7, t("2026-11-11 13:00:00")),
        # order 2: sms, never paid
        touch(2, Decimal("100"), None, "sms", None, t("2026-11-11 11:00:00")),
        # order 3: paid before its reminder reached it: not recovered
        touch(3, Decimal("600"), t("2026-11-11 10:59:00"), "sms", None, t("2026-11-11 11:00:00")),
        # order 4: sms, paid after → credited to sms
        touch(4, Decimal("100"), t("2026-11-11 12:00:00"), "sms", None, t("2026-11-11 11:00:00")),
    ]
    r = results.compute(touches, SHANGHAI)
    assert (r.total.reminded_orders, r.total.paid_orders) == (4, 2)
    assert r.total.order_rate == Decimal("50.0")  # 回单率 2/4
    assert r.total.paid_amount == Decimal("400")  # 回款金额
    assert r.total.amount_rate == Decimal("36.4")  # 回款率 400/1100
    assert r.by_channel["phone"].paid_amount == Decimal("300")
    assert r.by_channel["sms"].paid_amount == Decimal("100")
    assert r.by_channel["sms"].reminded_orders == 4
    assert r.by_agent[7].paid_orders == 1


# -- order merge ---------------------------------------------------------------------------------


def test_a_late_status_update_never_overwrites_a_newer_one():
    stored = {
        "placed_at": t("2026-11-11 10:00:00"),
        "paid_at": t("2026-11-11 10:20:00"),
        "shipped_at": t("2026-11-12 09:00:00"),
        "status": "shipped",
        "status_at": t("2026-11-12 09:00:00"),
    }
    late = {"placed_at": t("2026-11-11 10:00:00"), "paid_at": t("2026-11-11 10:20:00")}
    assert order_merge.merge(stored, late) is None
    newer = {
        **late,
        "shipped_at": t("2026-11-12 09:00:00"),
        "delivered_at": t("2026-11-13 09:00:00"),
    }
    changes = order_merge.merge(stored, newer)
    assert changes["status"] == "delivered"
    assert order_merge.merge({**stored, **changes}, newer) == {}
