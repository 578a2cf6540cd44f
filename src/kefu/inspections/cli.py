"""``kefu qa``: quality inspection (质检) from the command line.

``kefu qa sample --period YYYY-MM [--seed N] [--line CODE] [--per-agent N] [--json]`` draws a
month's sample (random N per agent plus every 重复/恶性 complaint and 不满意 callback, assigned
across teams); ``kefu qa forms --line CODE [--json]`` lists the forms in use with their item
ids; ``kefu qa score --line CODE --form CODE --answers "ID=VALUE,…" [--review ID --user NAME]``
scores an answer sheet (and records it on a review as that reviewer). Bad input → stderr, 2."""

from __future__ import annotations

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("qa", help="quality inspection: monthly samples, forms, scoring")
    g = group.add_subparsers(dest="qa_command", required=True, metavar="COMMAND")
    sample = g.add_parser("sample", help="draw a month's QA sample")
    sample.add_argument("--period", required=True, help="the month, YYYY-MM")
    sample.add_argument("--seed", help="the seed of the random draw (default: a new one)")
    sample.add_argument("--line", help="the business line's code (default: every line)")
    sample.add_argument("--per-agent", default="5", help="random contacts per agent (5)")
    sample.add_argument("--json", action="store_true", help="print machine-readable output")
    sample.set_defaults(func=cmd_sample)
    forms = g.add_parser("forms", help="the inspection forms in use and their items")
    forms.add_argument("--line", required=True, help="the business line's code")
    forms.add_argument("--json", action="store_true", help="print machine-readable output")
    forms.set_defaults(func=cmd_forms)
    score = g.add_parser("score", help="score an answer sheet on a form")
    score.add_argument("--line", required=True, help="the business line's code")
    score.add_argument("--form", required=True, help="the form's code (the version in use)")
    score.add_argument("--answers", required=True, help='item=value pairs, "12=5,13=na"')
    score.add_argument("--review", help="record the score on this review (its id)")
    score.add_argument("--user", help="the assigned reviewer's username (with --review)")
    score.add_argument("--comment", default="", help="the reviewer's comment")
    score.add_argument("--json", action="store_true", help="print machine-readable output")
    score.set_defaults(func=cmd_score)


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a whole number, not {value!r}") from None


def _line(code):
    from kefu.accounts.models import BusinessLine

    line = BusinessLine.objects.filter(code=code).first()
    if line is None:
        raise UsageError(f"no such business line: {code}")
    return line


def _domain(exc) -> UsageError:
    fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    return UsageError(f"{exc.message} {fields}".strip())


def cmd_sample(args) -> int:
    from kefu.accounts.models import BusinessLine
    from kefu.cli import print_json
    from kefu.core.errors import DomainError
    from kefu.inspections import services
    from kefu.inspections.models import InspectionForm, Target

    seed = None if args.seed is None else _int(args.seed, "--seed")
    per_agent = _int(args.per_agent, "--per-agent")
    try:
        services.parse_month(args.period)
    except DomainError as exc:
        raise _domain(exc) from None
    if args.line:
        lines = [_line(args.line)]
    else:
        with_forms = InspectionForm.objects.filter(target=Target.CONTACT).values("business_line")
        lines = list(BusinessLine.objects.filter(is_active=True, pk__in=with_forms))
    out = []
    for line in lines:
        try:
            s = services.sample_create(
                actor=None, business_line=line, period=args.period, seed=seed, per_agent=per_agent
            )
        except DomainError as exc:
            raise _domain(exc) from None
        reviews = list(
            s.reviews.select_related("agent", "reviewer", "ticket").order_by("agent_id", "id")
        )
        out.append(
            {
                "line": line.code,
                "period": args.period,
                "seed": s.seed,
                "per_agent": s.per_agent,
                "reviews": len(reviews),
                "random": sum(r.source == "random" for r in reviews),
                "mandatory": sum(r.source != "random" for r in reviews),
                "items": [
                    {
                        "id": r.pk,
                        "agent": r.agent.username,
                        "source": r.source,
                        "ticket": r.ticket.number if r.ticket else None,
                        "reviewer": r.reviewer.username,
                        "language_flags": r.language_flags,
                    }
                    for r in reviews
                ],
            }
        )
    if args.json:
        print_json({"samples": out})
    else:
        for s in out:
            print(
                f"{s['line']} {s['period']} seed {s['seed']}: {s['reviews']} reviews "
                f"({s['random']} random, {s['mandatory']} mandatory)"
            )
    return 0


def cmd_forms(args) -> int:
    from kefu.cli import print_json
    from kefu.inspections import services
    from kefu.inspections.models import FormStatus, InspectionForm

    line = _line(args.line)
    data = []
    for form in InspectionForm.objects.filter(business_line=line, status=FormStatus.ACTIVE):
        d = services.form_definition(form)
        data.append(
            {
                "id": form.pk,
                "code": form.code,
                "version": form.number,
                "name": form.name,
                "target": form.target,
                "mode": form.mode,
                "pass_mark": str(form.pass_mark),
                "categories": [
                    {**c, "items": [{**i, "points": str(i["points"])} for i in c["items"]]}
                    for c in d["categories"]
                ],
            }
        )
    if args.json:
        print_json({"forms": data})
    else:
        for f in data:
            print(f"{f['code']} v{f['version']} {f['name']} ({f['mode']})")
            for c in f["categories"]:
                print(f"  {c['name']} {c['weight']}%")
                for i in c["items"]:
                    flag = " critical" if i["critical"] else ""
                    print(f"    {i['id']}: {i['text']} ({i['points']}){flag}")
    return 0


def cmd_score(args) -> int:
    from kefu.accounts.models import User
    from kefu.cli import print_json
    from kefu.core.errors import DomainError
    from kefu.inspections import scoring, services
    from kefu.inspections.models import FormStatus, InspectionForm, Review

    line = _line(args.line)
    form = InspectionForm.objects.filter(
        business_line=line, code=args.form, status=FormStatus.ACTIVE
    ).first()
    if form is None:
        raise UsageError(f"no form in use with code {args.form}")
    try:
        answers = scoring.parse_answers(args.answers)
    except scoring.ScoreError:
        raise UsageError('write the answers as "ITEM=VALUE,ITEM=na"') from None
    try:
        result = services.score_answers(form, answers)
        review_id = None
        if args.review is not None:
            if not args.user:
                raise UsageError("--review needs --user (the assigned reviewer)")
            user = User.objects.filter(username=args.user, is_active=True).first()
            review = (
                Review.objects.select_related("form", "agent", "business_line")
                .filter(pk=_int(args.review, "--review"), form=form)
                .first()
            )
            if user is None or review is None:
                raise UsageError("no such user, or no such review on this form")
            services.review_score(actor=user, review=review, answers=answers, comment=args.comment)
            review_id = review.pk
    except DomainError as exc:
        raise _domain(exc) from None
    data = {
        "form": form.code,
        "version": form.number,
        "score": str(result.score),
        "failed": result.failed,
        "passed": result.passed(form.pass_mark),
        "categories": {
            str(k): (None if v is None else str(v)) for k, v in result.categories.items()
        },
        "critical_missed": list(result.critical_missed),
        "review": review_id,
    }
    if args.json:
        print_json(data)
    else:
        print(f"{data['score']}{' (failed)' if data['failed'] else ''}")
    return 0
