"""Benchmark of the training reports (issue 19, TRN-5/SAT-6/TRN-8): the satisfaction board,
the trainer records and an annual plan's month-end summary over a year of classes.

Builds a scratch database (SQLite in a new temporary KEFU_DATA_DIR, or the PostgreSQL database
of DATABASE_URL, which it empties first with ``flush``): one e-commerce line, ``--agents``
agents, 20 trainers, 20 library courses (micro and classroom), ``--classes`` past classes over
the last 365 days with 30 attendees each (bulk-inserted) and an evaluation from 85 % of them.
Then it times, best of 3, as the line's supervisor:

* ``satisfaction_board`` — micro vs all, per course, per trainer (three aggregate queries);
* ``trainer_records`` — classes, hours, ratings and certificates per trainer;
* ``month_summary`` — the annual plan's twelve months (classes, hours, attendances, ratings).

    PYTHONPATH=src .venv/bin/python bench/training_reports_bench.py --classes 5000

It prints one JSON document. Speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", type=int, default=5000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    os.environ.setdefault("KEFU_DATA_DIR", args.data_dir or tempfile.mkdtemp(prefix="kefu-tbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", interactive=False, verbosity=0)
    if os.environ.get("DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    result = {
        "classes": args.classes,
        "agents": args.agents,
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
    }
    t0 = time.perf_counter()
    ctx = build(args.classes, args.agents)
    result["build_s"] = round(time.perf_counter() - t0, 1)
    result.update(ctx.pop("counts"))
    result.update(measure(ctx))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def build(n_classes: int, n_agents: int) -> dict:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from kefu.accounts import services as accounts
    from kefu.accounts.models import Team, User
    from kefu.training import course_services, plan_services
    from kefu.training.models import (
        ClassEvaluation,
        Enrolment,
        TrainerCertificate,
        TrainingClass,
    )

    rng = random.Random(19)
    line = accounts.business_line_create(name="网店", code="shop", industry="ecommerce")
    team = Team.objects.get(business_line=line, name="售后一组")
    supervisor = accounts.user_create(
        username="supervisor", password="x", role="supervisor", department=team.department
    )
    trainers = [
        accounts.user_create(username=f"t{i}", password="x", role="lead", team=team)
        for i in range(20)
    ]
    User.objects.bulk_create(
        [
            User(username=f"a{i}", role="agent", business_line=line, team=team, password="!")
            for i in range(n_agents)
        ]
    )
    agents = list(User.objects.filter(username__startswith="a").values_list("pk", flat=True))
    module = course_services.module_create(actor=supervisor, name="客户服务类知识")
    courses = [
        course_services.course_create(
            actor=supervisor,
            title=f"课程{i}",
            minutes=(60, 30, 120, 240, 480)[i % 5],
            objectives="x",
            module=module.pk,
        )
        for i in range(20)
    ]
    now = timezone.now()
    with transaction.atomic():
        classes = TrainingClass.objects.bulk_create(
            [
                TrainingClass(
                    business_line=line,
                    title=f"班次{i}",
                    starts_at=now - dt.timedelta(days=rng.randint(1, 364), hours=rng.randint(0, 8)),
                    hours=(courses[i % 20].minutes / 60),
                    trainer=trainers[i % 20],
                    course=courses[i % 20],
                )
                for i in range(n_classes)
            ],
            batch_size=2000,
        )
        enrolments, evaluations = [], []
        for cls in classes:
            for user_id in rng.sample(agents, min(30, len(agents))):
                enrolments.append(Enrolment(training_class=cls, user_id=user_id, status="attended"))
                if rng.random() < 0.85:
                    evaluations.append(
                        ClassEvaluation(
                            training_class=cls,
                            user_id=user_id,
                            course_rating=rng.choice((5, 5, 5, 4, 4, 3)),
                            trainer_rating=rng.choice((5, 5, 4, 4, 3)),
                        )
                    )
        Enrolment.objects.bulk_create(enrolments, batch_size=5000)
        ClassEvaluation.objects.bulk_create(evaluations, batch_size=5000)
        TrainerCertificate.objects.bulk_create(
            [
                TrainerCertificate(business_line=line, user=t, name="金讲台", issued_on=now.date())
                for t in trainers[:5]
            ]
        )
    plan = plan_services.plan_create(
        actor=supervisor, kind="annual", year=timezone.localdate().year, title="年度计划", goals="x"
    )
    return {
        "supervisor": supervisor,
        "plan": plan,
        "counts": {"enrolments": len(enrolments), "evaluations": len(evaluations)},
    }


def best_of(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(min(times) * 1000, 1)


def measure(ctx: dict) -> dict:
    from kefu.training import evaluation_selectors, plan_selectors

    user, plan = ctx["supervisor"], ctx["plan"]
    return {
        "satisfaction_board_ms": best_of(lambda: evaluation_selectors.satisfaction_board(user)),
        "trainer_records_ms": best_of(lambda: evaluation_selectors.trainer_records(user)),
        "month_summary_ms": best_of(lambda: plan_selectors.month_summary(plan)),
    }


if __name__ == "__main__":
    sys.exit(main())
