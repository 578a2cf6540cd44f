"""The demo's response-time test (PK-3): the shop's scripted after-sales chat with the 30 s
median threshold, and over the last 180 days each agent's sittings (server-timed seconds per
message; some slow first tries failed, then passed) with their ``response`` scores."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from kefu.accounts.models import BusinessLine, User
from kefu.demo.bulk import historic_timestamps
from kefu.training import response_time
from kefu.training.models import ChatAttempt, ChatScript, PracticalScore

MESSAGES = [
    "在吗？我买的面霜三天了物流还没动",
    "能帮我催一下快递吗？",
    "如果明天还不到可以退款吗？",
    "退款多久能到账？",
    "好的，那赠品也要寄回吗？",
]
ANSWERS = [
    "您好，马上为您查询",
    "已为您催促快递",
    "可以的，亲",
    "一般 1-3 个工作日",
    "赠品无需寄回",
]


def build_chat_rows(*, now, seed: int) -> None:
    line = BusinessLine.objects.filter(code="shop").first()
    people = list(
        User.objects.filter(business_line=line, role="agent", is_active=True).order_by("id")
    )
    if line is None or not people:
        return
    rng = random.Random(seed + 3)
    script = ChatScript.objects.create(
        business_line=line, title="售后在线响应测试", messages=MESSAGES, threshold_seconds=30
    )
    attempts, scores = [], []
    for person in people:
        start = now - dt.timedelta(days=rng.randint(20, 175), hours=rng.randint(0, 8))
        slow_first = rng.random() < 0.3
        for sitting in range(2 if slow_first else 1):
            slow = slow_first and sitting == 0
            at, turns = start + dt.timedelta(days=7 * sitting), []
            began = at
            for text, answer in zip(MESSAGES, ANSWERS, strict=True):
                seconds = round(rng.uniform(25, 70) if slow else rng.uniform(6, 32), 1)
                answered = at + dt.timedelta(seconds=seconds)
                turns.append(
                    {
                        "text": text,
                        "sent_at": at.isoformat(),
                        "answer": answer,
                        "answered_at": answered.isoformat(),
                        "seconds": seconds,
                    }
                )
                at = answered
            times = [t["seconds"] for t in turns]
            median, passed = response_time.median(times), response_time.passed(times, 30)
            attempts.append(
                ChatAttempt(
                    script=script,
                    user=person,
                    started_at=began,
                    turns=turns,
                    finished_at=at,
                    median_seconds=Decimal(str(median)),
                    passed=passed,
                    created_at=began,
                    updated_at=at,
                )
            )
            scores.append(
                PracticalScore(
                    user=person,
                    kind="response",
                    score=Decimal(100 if passed else 0),
                    passed=passed,
                    detail={"seconds": times, "median": median, "threshold": 30},
                    created_at=at,
                    updated_at=at,
                )
            )
    with historic_timestamps(ChatAttempt, PracticalScore):
        ChatAttempt.objects.bulk_create(attempts)
        PracticalScore.objects.bulk_create(scores)
