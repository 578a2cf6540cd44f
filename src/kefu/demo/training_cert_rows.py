"""The demo's 双11 pre-duty certification (PK-3, PK-4): the shop's certification made from the
``double11`` template a month before the event, so the drill, response-time, typing and exam
scores written by the other training passes count towards it. Each shop agent also sat the
quick-reply exam and the 1-on-1 role-play in that month; whoever then passes PK-4's combined
selection (every must-pass component, weighted total ≥ 75) holds the certificate for 90 days,
judged by the same rule the services use (certify.evaluate). The staff borrowed for the plan
took PK-3's six extra modules as classes that month: the certified one all of them, the one
still in training half, so the plan shows modules done and missing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import BusinessLine, User
from kefu.demo.bulk import historic_timestamps
from kefu.training import cert_templates, certify
from kefu.training.models import (
    Certification,
    CertificationGrant,
    Enrolment,
    PracticalScore,
    TrainingClass,
)


def _double11(now) -> dt.datetime:
    """The last 11 November before ``now`` (the event the certification was for)."""
    year = now.year if (now.month, now.day) > (11, 11) else now.year - 1
    return now.replace(year=year, month=11, day=11, hour=9, minute=0, second=0, microsecond=0)


def build_cert_rows(*, now, seed: int) -> None:
    line = BusinessLine.objects.filter(code="shop").first()
    lead = User.objects.filter(business_line=line, role="lead", is_active=True).first()
    people = list(
        User.objects.filter(business_line=line, role="agent", is_active=True).order_by("id")
    )
    if line is None or lead is None or not people:
        return
    tpl = cert_templates.DOUBLE11
    event = _double11(now)
    made = event - dt.timedelta(days=tpl.training_days)
    with historic_timestamps(Certification):
        cert = Certification.objects.create(
            business_line=line,
            code=tpl.code,
            name=tpl.name_zh,
            components=tpl.components(),
            threshold=tpl.threshold,
            validity_days=tpl.validity_days,
            template=tpl.code,
            training_days=tpl.training_days,
            created_at=made,
            updated_at=made,
        )
    rng = random.Random(seed + 11)
    scores = []
    for person in people:
        sat = made + dt.timedelta(days=rng.randint(10, 25), hours=rng.randint(0, 6))
        recited = rng.choice([85, 90, 95, 100, 100])  # the quick replies recited completely
        acted = rng.choice([65, 72, 80, 88, 93])
        scores += [
            PracticalScore(
                user=person,
                kind="quick_reply",
                score=Decimal(recited),
                passed=recited >= 90,
                detail={"matched": recited // 5, "asked": 20},
                examiner=lead,
                created_at=sat,
                updated_at=sat,
            ),
            PracticalScore(
                user=person,
                kind="roleplay",
                score=Decimal(acted),
                passed=acted >= 60,
                detail={"scenario": "一对一情景演练"},
                examiner=lead,
                created_at=sat,
                updated_at=sat,
            ),
        ]
    with historic_timestamps(PracticalScore, CertificationGrant):
        PracticalScore.objects.bulk_create(scores)
        _grant(cert, people, event)
    with historic_timestamps(TrainingClass, Enrolment):
        _borrowed_modules(line, lead, made)


def _grant(cert: Certification, people, event) -> None:
    """Grant by the best score of each kind up to the eve of the event."""
    best: dict[int, dict[str, float]] = {}
    rows = PracticalScore.objects.filter(user__in=people, created_at__lt=event)
    for user_id, kind, score in rows.values_list("user_id", "kind", "score"):
        mine = best.setdefault(user_id, {})
        mine[kind] = max(mine.get(kind, 0.0), float(score))
    components = certify.components_from(cert.components)
    grants = []
    for person in people:
        outcome = certify.evaluate(components, best.get(person.pk, {}), float(cert.threshold))
        if not outcome.passed:
            continue
        passed_at = event - dt.timedelta(days=2)
        grants.append(
            CertificationGrant(
                certification=cert,
                user=person,
                passed_at=passed_at,
                valid_until=timezone.localdate(passed_at)
                + dt.timedelta(days=cert.validity_days or 0),
                total=Decimal(str(outcome.total)),
                created_at=passed_at,
                updated_at=passed_at,
            )
        )
    CertificationGrant.objects.bulk_create(grants)


def _borrowed_modules(line, lead, made) -> None:
    from kefu.workforce.models import BorrowedStaff

    borrowed = [
        b.user_id
        for b in BorrowedStaff.objects.filter(plan__business_line=line, user__isnull=False)
        .order_by("id")
        .only("user_id", "training_status")
        if b.training_status != "not_started"
    ]
    if not borrowed:
        return
    classes = []
    for i, title in enumerate(cert_templates.BORROWED_MODULES):
        at = made + dt.timedelta(days=2 + i * 3, hours=1)  # 09:00+1 on the day, every 3 days
        classes.append(
            TrainingClass(
                business_line=line,
                title=title,
                category="外援培训",
                starts_at=at,
                hours=1,
                capacity=10,
                trainer=lead,
                created_at=at - dt.timedelta(days=5),
                updated_at=at,
            )
        )
    classes = TrainingClass.objects.bulk_create(classes)
    rows = []
    for n, user_id in enumerate(borrowed):
        # the first (certified) took all six; the next ones half, the rest still ahead of them
        taken = len(classes) if n == 0 else len(classes) // 2
        rows += [
            Enrolment(
                training_class=cls,
                user_id=user_id,
                status="attended",
                created_at=cls.starts_at - dt.timedelta(days=3),
                updated_at=cls.starts_at,
            )
            for cls in classes[:taken]
        ]
    Enrolment.objects.bulk_create(rows)
