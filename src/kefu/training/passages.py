"""Typing-test passages (Chinese service text), one per industry."""

from __future__ import annotations

PASSAGES = {
    "ecommerce": (
        "售后接待快捷语",
        "亲，您好！很高兴为您服务。您反馈的商品问题我们已经记录，请您提供订单号和商品照片，"
        "我们会在二十四小时内为您处理。如需退换货，请在订单页面申请，快递费用由我们承担。"
        "感谢您的耐心等待，祝您生活愉快！",
    ),
    "default": (
        "服务规范",
        "您好，感谢您的来电。请问有什么可以帮您？您反映的问题我已经详细记录，"
        "我们会尽快安排专人跟进，并在约定时间内给您回复。请保持电话畅通，"
        "如有其他需要，欢迎随时联系我们。祝您生活愉快，再见！",
    ),
}


def passage_for(user) -> tuple[str, str]:
    industry = getattr(getattr(user, "business_line", None), "industry", "")
    return PASSAGES.get(industry, PASSAGES["default"])
