"""Industry templates (spec §9): what a new business line starts with. Pure data, no Django.

Every number is a default that the business line may override in ``BusinessLine.policies``.
"""

from __future__ import annotations

ALL_TYPES = ["consult", "complaint", "repair", "return", "refund", "suggestion", "praise"]

COMMON_POLICIES: dict = {
    # resolution target in hours per priority, counted as ``resolution_time`` says:
    # "business" (the line's working hours on its calendar) or "calendar" (every hour counts)
    "resolution_hours": {"low": 72, "normal": 48, "high": 24, "urgent": 4},
    "resolution_time": "business",
    # segment thresholds (SEG-1/2): visits in the last 12 months, days since last contact
    "loyal_min_visits_12m": 4,
    "lost_after_days": 180,
    # attachments (bytes) and types accepted on tickets
    "attachment_max_bytes": 10 * 1024 * 1024,
    # the More menu's desks the line works at (accounts.desks): commerce, property, lessons,
    # workshop, repair_centre
    "desks": [],
}

TEMPLATES: dict[str, dict] = {
    "ecommerce": {
        "ticket_types": ["consult", "complaint", "return", "refund", "suggestion", "praise"],
        "categories": {
            "产品问题": ["质量问题", "使用咨询", "过敏反应"],
            "物流问题": ["查件", "延长收货", "货物破损", "少件漏发", "丢件"],
            "订单问题": ["修改信息", "发票", "催付"],
            "售后问题": ["退货", "换货", "退款", "补发"],
        },
        "teams": {"客服部": ["售前组", "催付组", "售后一组", "售后二组", "退款组"]},
        # the after-sales desk repairs the devices the shop sold (the repair centre)
        "policies": {"refunds_enabled": True, "desks": ["commerce", "repair_centre"]},
    },
    "call_center": {
        "ticket_types": ALL_TYPES,
        "categories": {
            "业务咨询": ["套餐", "话费", "宽带"],
            "故障申告": ["网络", "终端"],
            "投诉": ["服务态度", "计费争议"],
        },
        "teams": {"呼叫中心": ["热线一组", "热线二组", "投诉组"]},
        "policies": {},
    },
    "property": {
        "ticket_types": ["consult", "complaint", "repair", "suggestion", "praise"],
        "categories": {
            "居家报修": ["水电", "门窗", "管道"],
            "公共区域报修": ["电梯", "照明", "绿化"],
            "物业费": ["缴费咨询", "催缴"],
            "投诉": ["噪音", "卫生", "安全", "停车"],
        },
        "teams": {"客服中心": ["前台组", "管家组"]},
        "policies": {
            "resolution_hours": {"low": 72, "normal": 24, "high": 8, "urgent": 2},
            # SCH-4: the front desk works two shifts, 7:00–14:00 and 14:00–21:00, every day
            "working_hours": ["07:00-14:00", "14:00-21:00"],
            "calendar": "daily",
            "desks": ["property"],
        },
    },
    "auto": {
        "ticket_types": ["consult", "complaint", "repair", "suggestion", "praise"],
        "categories": {
            "维修保养": ["定期保养", "故障维修", "钣喷"],
            "保险理赔": ["续保", "理赔"],
            "服务质量": ["等待时间", "洗车", "接待态度"],
        },
        "teams": {"售后服务部": ["服务前台", "跟踪回访组"]},
        "policies": {"desks": ["workshop"]},
    },
    "education": {
        "ticket_types": ["consult", "complaint", "suggestion", "praise"],
        "categories": {
            "约课": ["测试课", "首课", "常规课", "调课"],
            "请假": ["事假", "病假", "老师请假"],
            "教学质量": ["老师", "课程"],
            "校区服务": ["卫生", "前台服务"],
        },
        "teams": {"客服部": ["约课组", "回访组"]},
        "policies": {"refunds_enabled": False, "desks": ["lessons"]},
    },
    "repair": {
        "ticket_types": ["consult", "complaint", "repair", "return", "suggestion", "praise"],
        "categories": {
            "维修": ["屏幕", "电池", "主板", "返修"],
            "配件": ["配件咨询", "缺料"],
            "服务": ["等待时间", "前台服务"],
        },
        "teams": {"维修中心": ["前台组", "维修组"]},
        "policies": {"desks": ["repair_centre"]},
    },
}


def template(industry: str) -> dict:
    return TEMPLATES[industry]


def default_policies(industry: str) -> dict:
    return {**COMMON_POLICIES, **TEMPLATES.get(industry, {}).get("policies", {})}
