"""Default questionnaires per industry (pure data, no Django import); loaded by
``services.seed_demo_surveys(business_line)``. Texts are the departments' own Chinese wording."""

from __future__ import annotations


def _scale5(text: str, dimension: str) -> dict:
    return {"kind": "scale5", "text": text, "dimension": dimension, "required": True}


def _text(text: str) -> dict:
    return {"kind": "text", "text": text, "dimension": "", "required": False}


NPS = {
    "kind": "scale10",
    "text": "您有多大可能向亲友推荐我们？（0 表示完全不可能，10 表示非常可能）",
    "dimension": "推荐意愿",
    "required": True,
}

SERVICE = {
    "name": "服务满意度回访",
    "intro": "感谢您联系我们！请花一分钟为本次服务打分。",
    "after_close": True,
    "questions": [
        _scale5("您对本次问题的处理结果是否满意？", "服务满意度"),
        _scale5("您对客服人员的服务态度是否满意？", "服务满意度"),
        _scale5("您对问题处理的速度是否满意？", "服务满意度"),
        NPS,
        _text("您还有什么意见或建议？"),
    ],
}

SEEDS: dict[str, list[dict]] = {
    "default": [SERVICE],
    "auto": [
        {
            "name": "售后服务CSI调查",
            "intro": "感谢您选择本店的售后服务，请对本次维修保养服务进行评价。",
            "after_close": True,
            "questions": [
                _scale5("服务顾问的接待是否及时、热情？", "服务顾问"),
                _scale5("服务顾问对维修项目和费用的解释是否清楚？", "服务顾问"),
                _scale5("车辆是否按约定时间交付？", "维修质量"),
                _scale5("车辆问题是否一次修好？", "维修质量"),
                _scale5("休息区与洗车等服务设施是否满意？", "服务设施"),
                {
                    "kind": "single",
                    "text": "您下次保养是否还会选择本店？",
                    "dimension": "",
                    "required": True,
                    "choices": ["会", "不确定", "不会"],
                },
                NPS,
                _text("您对我们的服务还有什么建议？"),
            ],
        }
    ],
    "property": [
        {**SERVICE, "name": "报修服务回访"},
        {
            "name": "物业满意度调查",
            "intro": "为了不断提升物业服务质量，我们每年5月和11月开展满意度调查，感谢您的参与。",
            "link_days": 30,
            "questions": [
                _scale5("您对客服前台的服务是否满意？", "客户服务"),
                _scale5("您对维修服务的及时性和质量是否满意？", "工程维修"),
                _scale5("您对小区公共区域的清洁是否满意？", "环境卫生"),
                _scale5("您对小区绿化养护是否满意？", "环境卫生"),
                _scale5("您对小区的安全秩序管理是否满意？", "秩序维护"),
                {
                    "kind": "multiple",
                    "text": "您认为哪些方面最需要改进？（可多选）",
                    "dimension": "",
                    "required": False,
                    "choices": ["客户服务", "工程维修", "环境卫生", "绿化", "安全秩序", "停车管理"],
                },
                _text("您对物业服务有什么意见或建议？"),
            ],
            "campaign": {
                "name": "物业满意度调查（5月、11月）",
                "months": [5, 11],
                "day": 1,
                "lookback_months": 12,
            },
        },
    ],
    "education": [
        {
            "name": "学员满意度回访",
            "intro": "感谢您选择我们的课程，请对近期的学习体验进行评价。",
            "after_close": True,
            "questions": [
                _scale5("您对老师的教学是否满意？", "教学满意度"),
                _scale5("您对课程安排、约课与调课服务是否满意？", "教学服务满意度"),
                _scale5("您对校区教务老师的服务是否满意？", "校区教务老师服务满意度"),
                _scale5("您对校区的卫生环境是否满意？", "校区卫生环境满意度"),
                _text("您觉得问题出在哪里？"),
                _text("怎样做您才会满意？"),
                _text("您还有什么建议？"),
            ],
        }
    ],
}
