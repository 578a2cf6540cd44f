"""``kefu quality`` writes of KPI schemes, KPI evaluations and work logs, each as ``--user``
(whose permissions apply, as on the page). The services validate and audit; a refusal (bad input,
no permission, a stale ``--version``) goes to stderr with exit code 2.

    kefu quality kpi-scheme --user supervisor --name 客服月度考核 --staff-role cs --period 2026-11 \\
        --indicators "回访率=40,质检得分=60" [--evaluators "self=30,manager=70"] --json
    kefu quality kpi-scheme-edit ID --user supervisor --version N --indicators … [--name …]
    kefu quality kpi-evaluate --user lead --scheme ID --person agent [--assign "peer=agent2"]
    kefu quality kpi-score EVALUATION --user lead --score 90 --version N [--evaluator-type customer]
    kefu quality kpi-sign EVALUATION --user lead [--version N]
    kefu quality worklog --user agent --content "…" [--plan "任务1;任务2"] [--done 3,4] \\
        [--carry "5=客户未接电话"] [--day YYYY-MM-DD] --json
"""

from __future__ import annotations

import datetime as dt
import json

from kefu.quality.cli import UsageError, _print  # the `kefu` command's error and output


def register(gsub) -> None:
    p = gsub.add_parser("kpi-scheme", help="create a month's KPI scheme (KPI-1…4, PM-2)")
    p.add_argument("--user", required=True, help="a supervisor or manager (username)")
    p.add_argument("--name", required=True)
    p.add_argument("--staff-role", required=True, help="cs, repair, security or cleaning")
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--indicators", required=True, help='"名称=权重,…" or a JSON list')
    p.add_argument("--evaluators", help='"self=30,manager=70" (default) or a JSON list')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scheme_create)

    p = gsub.add_parser("kpi-scheme-edit", help="edit a KPI scheme (a new version once in use)")
    p.add_argument("scheme", help="the scheme's id")
    p.add_argument("--user", required=True)
    p.add_argument("--version", required=True, help="the scheme's version (stale → refused)")
    p.add_argument("--name", help="default: unchanged")
    p.add_argument("--indicators", help="default: unchanged")
    p.add_argument("--evaluators", help="default: unchanged")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scheme_edit)

    p = gsub.add_parser("kpi-evaluate", help="start a person's KPI evaluation under a scheme")
    p.add_argument("--user", required=True, help="a lead or above of the person")
    p.add_argument("--scheme", required=True, help="the scheme's id")
    p.add_argument("--person", required=True, help="the appraisee's username")
    p.add_argument("--assign", default="", help='"peer=USER,customer=姓名,…"')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    p = gsub.add_parser("kpi-score", help="an evaluator scores their part of a KPI evaluation")
    p.add_argument("evaluation", help="the evaluation's id")
    p.add_argument("--user", required=True, help="the evaluator (or a lead for customer/expert)")
    p.add_argument("--score", required=True, help="0–100")
    p.add_argument("--version", help="the evaluation's version (stale → refused)")
    p.add_argument("--evaluator-type", help="whose part (default: the user's own row)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)

    p = gsub.add_parser("kpi-sign", help="sign a KPI evaluation: freeze its live values and total")
    p.add_argument("evaluation")
    p.add_argument("--user", required=True)
    p.add_argument("--version")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sign)

    p = gsub.add_parser("worklog", help="submit the day's work log and tomorrow's plan (WL-1…3)")
    p.add_argument("--user", required=True, help="the author (username)")
    p.add_argument("--content", required=True, help="the work done")
    p.add_argument("--plan", default="", help='tomorrow\'s tasks, "任务1;任务2"')
    p.add_argument("--done", default="", help="ids of the day's tasks done, comma-separated")
    p.add_argument("--carry", default="", help='tasks carried over with a cause, "ID=原因;…"')
    p.add_argument("--day", help="YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_worklog)


def _user(username: str):
    from kefu.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UsageError(f"unknown user: {username}")
    return user


def _int(value, name: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a whole number, not {value!r}") from None
    if number < 1 or number > 2**63 - 1:
        raise UsageError(f"{name} must be a positive id, not {value!r}")
    return number


def _pairs(text: str, name: str, key: str) -> list[dict]:
    """``a=1,b=2`` (or a JSON list of objects) as ``[{key: a, "weight": 1}, …]``."""
    text = (text or "").strip()
    if text.startswith("["):
        try:
            rows = json.loads(text)
        except ValueError:
            raise UsageError(f"{name}: not valid JSON") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise UsageError(f"{name}: a JSON list of objects")
        return rows
    rows = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        label, sep, weight = part.rpartition("=")
        if not sep or not label.strip():
            raise UsageError(f"{name}: use NAME=WEIGHT pairs, not {part!r}")
        rows.append({key: label.strip(), "weight": weight.strip()})
    if not rows:
        raise UsageError(f"{name}: give at least one NAME=WEIGHT")
    return rows


def _scheme_out(args, scheme) -> int:
    from kefu.quality.api import _scheme
    from kefu.quality.models import KpiScheme

    scheme = KpiScheme.objects.prefetch_related("indicators", "evaluators").get(pk=scheme.pk)
    data = _scheme(scheme)
    _print(args, data, f"{data['id']}\t{data['name']}\trevision {data['revision']}")
    return 0


def cmd_scheme_create(args) -> int:
    from kefu.quality import months, services

    actor = _user(args.user)
    period = months.parse_month(args.period)
    if period is None:
        raise UsageError(f"not a month: {args.period!r} (use YYYY-MM)")
    if actor.business_line is None:
        raise UsageError(f"{actor.username} belongs to no business line")
    scheme = services.scheme_create(
        actor=actor,
        business_line=actor.business_line,
        name=args.name,
        staff_role=args.staff_role,
        period=period,
        indicators=_pairs(args.indicators, "--indicators", "name"),
        evaluators=(
            _pairs(args.evaluators, "--evaluators", "evaluator") if args.evaluators else None
        ),
    )
    return _scheme_out(args, scheme)


def cmd_scheme_edit(args) -> int:
    from kefu.quality import selectors_kpi, services_kpi

    actor = _user(args.user)
    scheme = selectors_kpi.scheme_get_for(user=actor, pk=_int(args.scheme, "scheme"))
    version = _int(args.version, "--version")
    indicators = (
        _pairs(args.indicators, "--indicators", "name")
        if args.indicators
        else [
            {k: getattr(i, k) for k in ("name", "kind", "formula", "target", "weight")}
            | {"scoring_rule": i.scoring_rule}
            for i in scheme.indicators.all()
        ]
    )
    evaluators = (
        _pairs(args.evaluators, "--evaluators", "evaluator")
        if args.evaluators
        else [
            {"evaluator": e.evaluator, "weight": e.weight, "focus": e.focus}
            for e in scheme.evaluators.all()
        ]
    )
    target = services_kpi.scheme_edit(
        actor=actor,
        scheme=scheme,
        name=args.name or scheme.name,
        indicators=indicators,
        evaluators=evaluators,
        version=version,
    )
    return _scheme_out(args, target)


def _evaluation_out(args, actor, evaluation_id: int) -> int:
    from kefu.quality import selectors_kpi

    data = selectors_kpi.evaluation_json(
        selectors_kpi.evaluation_get_for(user=actor, pk=evaluation_id), viewer=actor
    )
    score = "—" if data["score"] is None else f"{data['score']:g}"
    _print(args, data, f"{data['id']}\t{data['person']}\t{score}\t{','.join(data['not_scored'])}")
    return 0


def cmd_evaluate(args) -> int:
    from kefu.quality import selectors_kpi, services, services_kpi
    from kefu.quality.models import EvaluatorType

    actor = _user(args.user)
    scheme = selectors_kpi.scheme_get_for(user=actor, pk=_int(args.scheme, "--scheme"))
    person = _user(args.person)
    if not services.may_see(actor, person):
        raise UsageError(f"unknown user: {args.person}")
    assign = {}
    for part in filter(None, (p.strip() for p in args.assign.split(","))):
        kind, sep, who = part.partition("=")
        if not sep or kind not in EvaluatorType.values:
            raise UsageError(f"--assign: use TYPE=WHO with TYPE one of {EvaluatorType.values}")
        assign[kind] = _user(who) if kind in services_kpi.PEOPLE_TYPES else who
    evaluation = services_kpi.evaluation_start(
        actor=actor, scheme=scheme, person=person, assign=assign
    )
    return _evaluation_out(args, actor, evaluation.pk)


def cmd_score(args) -> int:
    from kefu.quality import selectors_kpi, services_kpi

    actor = _user(args.user)
    evaluation = selectors_kpi.evaluation_get_for(
        user=actor, pk=_int(args.evaluation, "evaluation")
    )
    rows = selectors_kpi.score_rows(evaluation)
    rows = (
        rows.filter(evaluator_type=args.evaluator_type)
        if args.evaluator_type
        else rows.filter(evaluator=actor)
    )
    row = rows.first()
    if row is None:
        raise UsageError(f"{actor.username} has no part to score in evaluation {evaluation.pk}")
    version = None if args.version is None else _int(args.version, "--version")
    services_kpi.evaluation_score(actor=actor, row=row, score=args.score, version=version)
    return _evaluation_out(args, actor, evaluation.pk)


def cmd_sign(args) -> int:
    from kefu.quality import selectors_kpi, services_kpi

    actor = _user(args.user)
    evaluation = selectors_kpi.evaluation_get_for(
        user=actor, pk=_int(args.evaluation, "evaluation")
    )
    version = None if args.version is None else _int(args.version, "--version")
    services_kpi.evaluation_sign(actor=actor, evaluation=evaluation, version=version)
    return _evaluation_out(args, actor, evaluation.pk)


def cmd_worklog(args) -> int:
    from kefu.quality import services_kpi

    actor = _user(args.user)
    try:
        day = dt.date.fromisoformat(args.day) if args.day else None
    except ValueError:
        raise UsageError(f"not a day: {args.day!r} (use YYYY-MM-DD)") from None
    from django.utils import timezone

    causes = {}
    for part in filter(None, (p.strip() for p in args.carry.split(";"))):
        task, sep, cause = part.partition("=")
        if not sep:
            raise UsageError(f"--carry: use ID=CAUSE, not {part!r}")
        causes[_int(task, "--carry")] = cause.strip()
    done = [_int(x, "--done") for x in args.done.split(",") if x.strip()]
    log = services_kpi.worklog_submit(
        actor=actor,
        day=day or timezone.localdate(),
        content=args.content,
        plan=[t for t in args.plan.split(";") if t.strip()],
        done=done,
        causes=causes,
    )
    tasks = [
        {
            "id": t.pk,
            "title": t.title,
            "planned_for": t.planned_for.isoformat(),
            "carried_from": t.carried_from_id,
        }
        for t in log.plan.order_by("id")
    ]
    data = {
        "id": log.pk,
        "day": log.day.isoformat(),
        "author": actor.username,
        "submitted_to": log.submitted_to.username if log.submitted_to else None,
        "tasks": tasks,
    }
    _print(args, data, f"{data['day']} {data['author']} → {data['submitted_to']}: {len(tasks)}")
    return 0
