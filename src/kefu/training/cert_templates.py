"""Ready certifications (PK-3, PK-4, TRN-7), pure: a lead creates one in one step and may then
edit it. Each template is a per-business-line default: its components are the score kinds the
certification counts (``certify.py``), with weights summing to 100, the must-pass ones marked,
a minimum each and the threshold of the weighted total; ``training_days`` is how long the
training before the exam runs (双11: it starts a month before the event).

Names are given in both page languages because a pure module cannot translate; the service
stores the one of the creator's language as the certification's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    code: str  # a score kind: exam, roleplay, quick_reply, typing, response, drill
    weight: int
    min_score: int
    must_pass: bool
    topics: tuple[str, ...] = ()  # what a written exam or role-play covers

    def as_row(self) -> dict:
        row = {
            "code": self.code,
            "weight": self.weight,
            "min_score": self.min_score,
            "must_pass": self.must_pass,
        }
        if self.topics:
            row["topics"] = list(self.topics)
        return row


@dataclass(frozen=True)
class Template:
    code: str
    name_zh: str
    name_en: str
    threshold: int
    training_days: int
    validity_days: int | None
    parts: tuple[Part, ...]
    industries: tuple[str, ...] = field(default=())  # lines of these industries get it first

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def components(self) -> list[dict]:
        return [p.as_row() for p in self.parts]


DOUBLE11 = Template(
    code="double11",
    name_zh="双11上岗认证",
    name_en="Double 11 pre-duty certification",
    # PK-4's combined selection; the quick replies must be recited completely (「快捷必须熟练完整
    # 背出」), hence the high minimum; role-play and response time count in the total only
    threshold=75,
    training_days=30,
    validity_days=90,
    parts=(
        Part("exam", 30, 80, True, ("产品知识", "护肤知识")),
        Part("roleplay", 15, 60, False, ("一对一情景演练",)),
        Part("quick_reply", 15, 90, True),
        Part("typing", 10, 60, True),
        Part("response", 10, 60, False),
        Part("drill", 20, 60, True),
    ),
    industries=("ecommerce",),
)

HOSPITAL = Template(
    code="hospital-onboarding",
    name_zh="医院新员工上岗认证",
    name_en="Hospital new-staff onboarding",
    # TRN-7: half a month of training, then the exam before going on duty
    threshold=60,
    training_days=15,
    validity_days=None,
    parts=(
        Part(
            "exam",
            100,
            60,
            True,
            ("《员工手册》", "《员工培训资料》", "《科室和岗位的规章制度》", "《保密制度》"),
        ),
    ),
    industries=("call_center",),
)

PHARMA = Template(
    code="pharma-onboarding",
    name_zh="医药客服上岗认证",
    name_en="Pharma customer-service onboarding",
    # TRN-7: about a week; sales skills are shown in a role-play, the rest is written
    threshold=70,
    training_days=7,
    validity_days=None,
    parts=(
        Part("exam", 70, 60, True, ("产品知识", "中医药基础", "常见问题")),
        Part("roleplay", 30, 60, True, ("销售技巧",)),
    ),
    industries=("call_center",),
)

TEMPLATES: dict[str, Template] = {t.code: t for t in (DOUBLE11, HOSPITAL, PHARMA)}


def for_industry(industry: str) -> list[Template]:
    """Every template, the ones meant for ``industry`` first (a line may use any of them)."""
    return sorted(TEMPLATES.values(), key=lambda t: industry not in t.industries)


# PK-3: staff borrowed from other departments for 双11 take these courses on top of the
# certification (「外援」 extra training); a course counts when they attended a class of a library
# course (or a class) of this title on the event's line
BORROWED_MODULES: tuple[str, ...] = (
    "千牛IM基础",
    "后台操作",
    "插件使用",
    "客服流程",
    "天猫规则",
    "产品知识",
)
