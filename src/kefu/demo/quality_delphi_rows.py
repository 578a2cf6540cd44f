"""The demo's Delphi survey of the complaint post's competency model (CE-1): the 3 + 11
indicators, two rounds of eight experts' ratings (the second round agreeing more)."""

from __future__ import annotations

import random

from kefu.accounts.models import User
from kefu.quality import services_delphi

OUTLINE = (
    "解决具体问题的专业能力：客户信息解读能力，产品知识运用能力，理解客户需求能力，提供适合产品或服务的能力\n"
    "以客户为中心的服务能力：人际沟通能力，自我管理能力，团队协作能力，自我激励能力\n"
    "基于实践的学习能力：持续获取知识及应用能力，反思实践能力，信息技术应用能力"
)
# the consensus the panel converges on (first level, then the eleven)
CENTRE = [5, 4, 4, 4, 3, 5, 4, 5, 4, 3, 2, 4, 4, 4]
EXPERTS = 8


def build_delphi_rows(*, seed: int, line) -> int:
    """One survey with two rounds; returns the number of questionnaires."""
    rng = random.Random(seed + 53)
    manager = User.objects.filter(business_line=line, role="manager", is_active=True).first()
    if manager is None:
        return 0
    study = services_delphi.study_create(
        actor=manager, business_line=line, name="投诉处理岗胜任力模型", outline=OUTLINE
    )
    ids = list(study.indicators.order_by("level", "id").values_list("pk", flat=True))
    made = 0
    for round_no, spread in ((1, 2), (2, 1)):
        for n in range(EXPERTS):
            scores = {
                pk: max(1, min(5, c + rng.randint(-spread, spread)))
                for pk, c in zip(ids, CENTRE, strict=True)
            }
            services_delphi.ratings_record(
                actor=manager,
                study=study,
                round_no=round_no,
                expert=f"专家{n + 1:02d}",
                scores=scores,
            )
            made += 1
    return made
