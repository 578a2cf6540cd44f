"""Benchmark of the quality app at scale (issue 18 "Must show": the penalty summary and the
rankings at 1,000,000 tickets, aim < 1 s).

Builds a scratch database (SQLite in a new temporary KEFU_DATA_DIR, or the PostgreSQL database of
DATABASE_URL, which it empties first with ``flush``): one e-commerce line, its five teams with 20
agents and a lead each, ``--tickets`` tickets over ``--months`` months (bulk-inserted), 3 % of them
complaints, a third of those graded 重复 and a tenth of those 恶性 (the grade changes spread over
the months), 40 % of the graded ones handed to one of 8 responsible units, and every agent's
scorecards with 0–4 deductions a month. Then it times, best of 3:

* ``penalty_rows`` — the month's 月处罚汇总表 figures (read);
* ``summary_build`` — tabulate and store the draft (write, in its transaction);
* ``rank_team`` — one team's composite ranking of the month (read scorecards, write entries).

    PYTHONPATH=src .venv/bin/python bench/quality_bench.py --tickets 1000000
    … --measure-only      # time an earlier build again, without flushing it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_qbench .venv/bin/python \
        bench/quality_bench.py --tickets 1000000

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
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--data-dir")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="time an earlier build of the same database again (no flush, no build)",
    )
    args = parser.parse_args()
    os.environ.setdefault("KEFU_DATA_DIR", args.data_dir or tempfile.mkdtemp(prefix="kefu-qbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # scratch users: a fast hasher (the bench measures the quality app, not sign-in)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    call_command("migrate", interactive=False, verbosity=0)
    result = {
        "tickets": args.tickets,
        "months": args.months,
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
    }
    if args.measure_only:
        ctx = rebuilt_context(args.months)
        result["tickets"] = ctx["tickets"]
    else:
        if os.environ.get("DATABASE_URL"):
            call_command("flush", interactive=False, verbosity=0)
        t0 = time.perf_counter()
        ctx = build(args.tickets, args.months)
        result["build_s"] = round(time.perf_counter() - t0, 1)
    result.update(measure(ctx))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def build(n_tickets: int, n_months: int, prefix: str = "") -> dict:
    """The scratch rows; ``prefix`` keeps two builds apart in one database (the query-count
    test builds two sizes side by side)."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from kefu.accounts import services as accounts
    from kefu.accounts.models import Team
    from kefu.customers.models import Customer
    from kefu.followups.models import GradeChange
    from kefu.quality import months, scoring, services
    from kefu.quality.models import DeductionRule, Scorecard, ScoreEvent
    from kefu.tickets.models import Ticket
    from kefu.tickets.models_sla import Handoff, ResponsibleUnit

    rng = random.Random(7)
    line = accounts.business_line_create(
        name=f"网店{prefix}", code=f"shop{prefix}", industry="ecommerce"
    )
    teams = list(Team.objects.filter(business_line=line).order_by("id"))
    dept = teams[0].department
    manager = accounts.user_create(
        username=f"{prefix}manager", password="x-Bench-2026!", role="manager", business_line=line
    )
    supervisor = accounts.user_create(
        username=f"{prefix}supervisor", password="x-Bench-2026!", role="supervisor", department=dept
    )
    agents = {}
    for team in teams:
        accounts.user_create(
            username=f"{prefix}lead{team.pk}", password="x-Bench-2026!", role="lead", team=team
        )
        agents[team.pk] = [
            accounts.user_create(
                username=f"{prefix}a{team.pk}_{i}",
                password="x-Bench-2026!",
                role="agent",
                team=team,
            )
            for i in range(20)
        ]
    customers = Customer.objects.bulk_create(
        Customer(business_line=line, name=f"客户{i}", phone=f"139{i:08d}")
        for i in range(max(1, n_tickets // 1000))
    )
    units = [
        ResponsibleUnit.objects.create(
            business_line=line, name=f"第{i + 1}站", kind="station", contact=f"站长{i + 1}"
        )
        for i in range(8)
    ]
    now = timezone.now()
    span = dt.timedelta(days=30 * n_months)
    this_month = timezone.localdate(now).replace(day=1)
    periods = [this_month]
    for _ in range(n_months - 1):
        periods.insert(0, months.previous_month(periods[0]))
    batch = 10_000
    graded = []  # (ticket id, team id, grade, created)
    for start in range(0, n_tickets, batch):
        rows = []
        for i in range(start, min(n_tickets, start + batch)):
            team = teams[i % len(teams)]
            owner = agents[team.pk][i % 20]
            complaint = i % 33 == 0
            rows.append(
                Ticket(
                    number=f"B{prefix}{i:08d}",
                    business_line=line,
                    department=dept,
                    team=team,
                    title="咨询" if not complaint else "投诉",
                    type="complaint" if complaint else "consult",
                    channel="phone",
                    status="closed",
                    customer=customers[i % len(customers)],
                    first_owner=owner,
                    due_at=now,
                )
            )
        with transaction.atomic():
            made = Ticket.objects.bulk_create(rows)
        for t in made:
            if t.type == "complaint" and rng.random() < 1 / 3:
                grade = "malignant" if rng.random() < 0.1 else "repeat"
                graded.append((t.pk, t.team_id, grade, now - span * rng.random()))
    changes = GradeChange.objects.bulk_create(
        GradeChange(
            ticket_id=tid,
            business_line=line,
            department=dept,
            team_id=team_id,
            before="ordinary",
            after=grade,
            rule="failed_callbacks",
            reason="多次回访未解决",
        )
        for tid, team_id, grade, _when in graded
    )
    for change, (_tid, _team, _grade, when) in zip(changes, graded, strict=True):
        change.created_at = when
    GradeChange.objects.bulk_update(changes, ["created_at"], batch_size=2000)
    Handoff.objects.bulk_create(
        Handoff(ticket_id=tid, unit=rng.choice(units), due_at=now)
        for tid, _team, _grade, _when in graded
        if rng.random() < 0.4
    )
    services.rules_seed(actor=None, business_line=line)
    rules = list(DeductionRule.objects.filter(business_line=line))
    for period in periods:
        for team in teams:
            for person in agents[team.pk]:
                picked = rng.choices(rules, k=rng.randint(0, 4))
                total = sum((r.points for r in picked), Decimal(0))
                card = Scorecard.objects.create(
                    business_line=line,
                    department=dept,
                    team=team,
                    user=person,
                    period=period,
                    deducted=total,
                    score=scoring.deduction_score([total]),
                )
                ScoreEvent.objects.bulk_create(
                    ScoreEvent(
                        business_line=line,
                        scorecard=card,
                        rule=r,
                        points=r.points,
                        reason="bench",
                        occurred_at=now,
                    )
                    for r in picked
                )
    return {
        "line": line,
        "teams": teams,
        "manager": manager,
        "supervisor": supervisor,
        "period": periods[-2] if len(periods) > 1 else periods[-1],
        "graded": len(graded),
    }


def rebuilt_context(n_months: int) -> dict:
    """The context ``build`` returns, read back from a database it filled earlier."""
    from django.utils import timezone

    from kefu.accounts.models import BusinessLine, Team, User
    from kefu.followups.models import GradeChange
    from kefu.quality import months
    from kefu.tickets.models import Ticket

    line = BusinessLine.objects.get(code="shop")
    this_month = timezone.localdate().replace(day=1)
    return {
        "line": line,
        "teams": list(Team.objects.filter(business_line=line).order_by("id")),
        "manager": User.objects.get(username="manager"),
        "supervisor": User.objects.get(username="supervisor"),
        "period": months.previous_month(this_month) if n_months > 1 else this_month,
        "graded": GradeChange.objects.filter(business_line=line).count(),
        "tickets": Ticket.objects.filter(business_line=line).count(),
    }


def _best(fn, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(min(times) * 1000, 1)


def measure(ctx: dict) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from kefu.quality import selectors, services
    from kefu.quality.models import PenaltySummary, RankingRun

    line, period = ctx["line"], ctx["period"]
    policy = services.policy_for(line)
    rows = selectors.penalty_rows(line, period, policy)
    with CaptureQueriesContext(connection) as q:
        selectors.penalty_rows(line, period, policy)
    out = {
        "graded_complaints": ctx["graded"],
        "summary_rows": len(rows),
        "summary_complaints": sum(r["repeat"] + r["malignant"] for r in rows),
        "penalty_rows_queries": len(q.captured_queries),
        "penalty_rows_ms": _best(lambda: selectors.penalty_rows(line, period, policy)),
    }

    def build():
        PenaltySummary.objects.filter(business_line=line, period=period).delete()
        services.summary_build(actor=ctx["manager"], business_line=line, period=period)

    out["summary_build_ms"] = _best(build)
    team = ctx["teams"][0]

    def rank():
        RankingRun.objects.filter(team=team, period=period).delete()
        services.rank_team(actor=ctx["supervisor"], team=team, period=period)

    out["rank_team_ms"] = _best(rank)
    out["rank_all_teams_ms"] = _best(
        lambda: [
            (
                RankingRun.objects.filter(team=t, period=period).delete(),
                services.rank_team(actor=ctx["supervisor"], team=t, period=period),
            )
            for t in ctx["teams"]
        ]
    )
    reset_queries()
    return out


if __name__ == "__main__":
    sys.exit(main())
