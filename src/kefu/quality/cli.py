"""``kefu quality``: competency scores (CE-1), Kendall's W (Delphi rounds), rankings (§9.10),
a person's scorecard (§9.8) and the month's penalty summary (ESC-2). ``--json`` prints
machine-readable output; bad input goes to stderr with exit code 2."""

from __future__ import annotations

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("quality", help="scorecards, rankings, penalties, competency")
    gsub = group.add_subparsers(dest="quality_command", required=True, metavar="COMMAND")

    p = gsub.add_parser("competency", help="the complaint post's CE-1 competency score")
    p.add_argument("--ratings", required=True, help="eleven ratings 1–5, comma-separated")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_competency)

    p = gsub.add_parser("kendall-w", help="Kendall's W of a Delphi round (rows = raters)")
    p.add_argument("--matrix", required=True, help='e.g. "5,4,4,2,1;4,5,3,3,1"')
    p.add_argument("--no-tie-correction", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kendall)

    p = gsub.add_parser("rank", help="rank scores: ties share a rank; rewards and plans")
    p.add_argument("--scores", required=True, help='e.g. "张三=90,李四=90,王五=80"')
    p.add_argument("--lower-is-better", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rank)

    p = gsub.add_parser("scorecard", help="a person's deduction scorecard of a month")
    p.add_argument("username")
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scorecard)

    p = gsub.add_parser("penalties", help="the month's penalty summary (月处罚汇总表)")
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--line", help="business line code (default: the first business line)")
    p.add_argument("--xlsx", metavar="FILE", help="also write the summary as .xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_penalties)

    p = gsub.add_parser("cycles", help="appraisal cycles (PM-1) and who has not scored yet")
    p.add_argument("--line", help="business line code (default: every line)")
    p.add_argument("--id", type=int, help="one cycle, with its appraisees")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cycles)

    p = gsub.add_parser("delphi", help="Delphi surveys: rounds, Kendall's W per level, weights")
    p.add_argument("--line", help="business line code (default: every line)")
    p.add_argument("--id", type=int, help="one survey, with its rounds")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_delphi)

    from kefu.quality import cli_kpi  # KPI schemes, evaluations and work logs (writes)

    cli_kpi.register(gsub)


def _print(args, data: dict, text: str) -> None:
    from kefu.cli import print_json

    if args.json:
        print_json(data)
    else:
        print(text)


def _period(text: str):
    from kefu.quality import months

    period = months.parse_month(text)
    if period is None:
        raise UsageError(f"not a month: {text!r} (use YYYY-MM)")
    return period


def cmd_competency(args) -> int:
    from kefu.quality import competency

    parts = [p.strip() for p in args.ratings.split(",")]
    if len(parts) != len(competency.CE1) or not all(p.isdigit() for p in parts):
        raise UsageError(
            f"--ratings needs {len(competency.CE1)} whole numbers 1–5, comma-separated"
        )
    try:
        score = competency.score([int(p) for p in parts])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    data = {
        "score": float(score),
        "weights": [
            {"code": i.code, "level1": i.level1, "level2": i.level2, "combined": float(i.combined)}
            for i in competency.CE1
        ],
    }
    _print(args, data, f"score: {float(score):g}")
    return 0


def cmd_kendall(args) -> int:
    from kefu.quality import kendall

    try:
        matrix = [
            [float(x) for x in row.split(",")] for row in args.matrix.split(";") if row.strip()
        ]
        c = kendall.kendall_w(matrix, tie_correction=not args.no_tie_correction)
    except ValueError as exc:
        raise UsageError(f"--matrix: {exc}") from None
    data = {
        "w": c.w,
        "chi2": c.chi2,
        "df": c.df,
        "p_value": c.p_value,
        "raters": c.raters,
        "items": c.items,
    }
    _print(args, data, f"W = {c.w:.6f}, χ² = {c.chi2:.4f}, df = {c.df}, p = {c.p_value:.5f}")
    return 0


def cmd_rank(args) -> int:
    from decimal import Decimal, InvalidOperation

    from kefu.quality import ranking

    pairs = []
    for part in args.scores.split(","):
        name, sep, value = part.partition("=")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
        if not sep or not name.strip() or number is None or not number.is_finite():
            raise UsageError(f"--scores: {part!r} is not NAME=SCORE")
        pairs.append((name.strip(), number))
    if len({n for n, _v in pairs}) != len(pairs):
        raise UsageError("--scores: a name appears twice")
    ranked = ranking.rank(pairs, lower_is_better=args.lower_is_better)
    data = {
        "items": [
            {
                "name": r.name,
                "score": float(r.score),
                "rank": r.rank,
                "reward_yuan": float(r.reward_yuan),
                "improvement_plan": r.bottom_two,
            }
            for r in ranked
        ]
    }
    _print(args, data, "\n".join(f"{r.rank}\t{r.name}\t{r.score}\t{r.reward_yuan}" for r in ranked))
    return 0


def cmd_scorecard(args) -> int:
    from kefu.accounts.models import User
    from kefu.quality import selectors
    from kefu.quality.models import Scorecard

    period = _period(args.period)
    person = User.objects.filter(username=args.username).first()
    if person is None:
        raise UsageError(f"unknown user: {args.username}")
    card = Scorecard.objects.filter(user=person, period=period).first()
    if card is None:  # nothing recorded: 100, no events
        data = {
            "user": person.username,
            "period": args.period,
            "base": 100.0,
            "score": 100.0,
            "status": "open",
            "version": 0,
            "events": [],
        }
    else:
        data = selectors.scorecard_json(card)
    _print(args, data, f"{data['user']} {data['period']}: {data['score']:g} / {data['base']:g}")
    return 0


def cmd_penalties(args) -> int:
    from pathlib import Path

    from kefu.accounts.models import BusinessLine
    from kefu.quality import exports, selectors, services
    from kefu.quality.models import PenaltySummary

    period = _period(args.period)
    lines = BusinessLine.objects.order_by("id")
    line = lines.filter(code=args.line).first() if args.line else lines.first()
    if line is None:
        raise UsageError(f"unknown business line: {args.line}" if args.line else "no business line")
    summary = PenaltySummary.objects.filter(business_line=line, period=period).first()
    if summary is not None:
        data = selectors.summary_json(summary, period)
    else:  # not tabulated yet: the figures as a draft would show them (nothing is written)
        rows = selectors.penalty_rows(line, period, services.policy_for(line))
        data = {
            "period": args.period,
            "status": "draft",
            "stability_period": False,
            "rows": [
                {
                    "unit": r["unit"],
                    "head": r["head"],
                    "repeat": r["repeat"],
                    "malicious": r["malignant"],
                    "amount_yuan": float(r["amount_yuan"]),
                    "applied": True,
                }
                for r in rows
            ],
            "total_yuan": float(sum(r["amount_yuan"] for r in rows)),
        }
    if args.xlsx:
        try:
            Path(args.xlsx).write_bytes(exports.summary_xlsx(data))
        except OSError as exc:
            raise UsageError(f"cannot write {args.xlsx}: {exc.strerror}") from None
    text = "\n".join(
        f"{r['unit']}\t{r['head']}\t{r['repeat']}\t{r['malicious']}\t{r['amount_yuan']:g}"
        for r in data["rows"]
    )
    _print(args, data, (text + "\n" if text else "") + f"total: {data['total_yuan']:g}")
    return 0


def _line_filter(qs, code: str | None):
    from kefu.accounts.models import BusinessLine

    if not code:
        return qs
    line = BusinessLine.objects.filter(code=code).first()
    if line is None:
        raise UsageError(f"unknown business line: {code}")
    return qs.filter(business_line=line)


def cmd_cycles(args) -> int:
    from kefu.quality.models_cycle import AppraisalCycle
    from kefu.quality.selectors_cycle import cycle_json

    qs = _line_filter(AppraisalCycle.objects.select_related("team"), args.line)
    if args.id is not None:
        cycle = qs.filter(pk=args.id).first()
        if cycle is None:
            raise UsageError(f"unknown cycle: {args.id}")
        data = cycle_json(cycle, members=True)
        lines = [f"{data['name']} ({data['stage']})"] + [
            f"{m['user']}\t{m['score'] if m['score'] is not None else '—'}\t"
            + ",".join(n["evaluator"] for n in m["not_scored"])
            for m in data["members"]
        ]
        _print(args, data, "\n".join(lines))
        return 0
    items = [cycle_json(c) for c in qs.order_by("-starts_on", "-id")[:500]]
    text = "\n".join(
        f"{c['id']}\t{c['name']}\t{c['team_name']}\t{c['starts_on']}–{c['ends_on']}\t{c['stage']}"
        for c in items
    )
    _print(args, {"items": items}, text or "no appraisal cycle")
    return 0


def cmd_delphi(args) -> int:
    from kefu.quality.models_delphi import DelphiStudy
    from kefu.quality.selectors_delphi import study_json

    qs = _line_filter(DelphiStudy.objects.all(), args.line)
    if args.id is not None:
        study = qs.filter(pk=args.id).first()
        if study is None:
            raise UsageError(f"unknown Delphi survey: {args.id}")
        data = study_json(study, detail=True)
        lines = [data["name"]] + [
            f"round {r['round']}: {r['experts']} experts, W "
            + ", ".join(f"L{k}={v['w']:.3f}" if v else f"L{k}=—" for k, v in r["levels"].items())
            for r in data["rounds"]
        ]
        _print(args, data, "\n".join(lines))
        return 0
    items = [study_json(s) for s in qs.order_by("-id")[:500]]
    _print(
        args,
        {"items": items},
        "\n".join(f"{s['id']}\t{s['name']}" for s in items) or "no Delphi survey",
    )
    return 0
