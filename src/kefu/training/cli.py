"""``kefu training``: ``typing-score`` (score a typing test from two text files),
``status USERNAME`` (certifications, missing queues, hours) and ``import-questions FILE.xlsx``
(the question bank; a bad row loads nothing), ``certification-from-template TEMPLATE`` (PK-4,
TRN-7) and ``leaderboard COMPETITION_ID`` (ranks, ties
shared); ``needs`` and ``chat-results`` are in ``cli_checks``. These print JSON (``--json`` is accepted too); bad
input goes to stderr with exit code 2."""

from __future__ import annotations

from pathlib import Path

from kefu.cli import UsageError, print_json


def register(sub) -> None:
    group = sub.add_parser("training", help="training: typing tests, certification, exams")
    group_sub = group.add_subparsers(dest="training_command", required=True, metavar="COMMAND")

    p = group_sub.add_parser("typing-score", help="score a typing test (characters per minute)")
    p.add_argument("--passage", required=True, help="the passage, a UTF-8 text file")
    p.add_argument("--typed", required=True, help="what was typed, a UTF-8 text file")
    p.add_argument("--seconds", required=True, help="how long the typing took, in seconds")
    p.add_argument("--min-cpm", default="60", help="characters per minute to pass (default 60)")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_typing_score)

    p = group_sub.add_parser("status", help="a person's certifications, missing queues, hours")
    p.add_argument("username", metavar="USERNAME")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_status)

    p = group_sub.add_parser("import-questions", help="load questions from an .xlsx workbook")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--business-line", help="the business line's code (default: the first line)")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_import_questions)

    p = group_sub.add_parser("leaderboard", help="a competition's leaderboard (ties share a rank)")
    p.add_argument("competition", metavar="COMPETITION_ID")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_leaderboard)

    p = group_sub.add_parser(
        "certification-from-template",
        help="make a line's certification from a template (double11, hospital-onboarding, …)",
    )
    p.add_argument("template", metavar="TEMPLATE")
    p.add_argument("--business-line", help="the business line's code (default: the first line)")
    p.add_argument("--code", default="", help="the certification's code (default: the template's)")
    p.add_argument("--name", default="", help="its name (default: the template's)")
    p.add_argument("--json", action="store_true", help="print JSON (the default)")
    p.set_defaults(func=cmd_certification_from_template)

    from kefu.training import cli_checks

    cli_checks.register(group_sub)


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what}: no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what}: cannot read {path} as UTF-8 text ({exc})") from None


def _positive(value: str, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"{what} must be a number: {value}") from None
    if not 0 < number < float("inf"):
        raise UsageError(f"{what} must be positive: {value}")
    return number


def cmd_typing_score(args) -> int:
    from kefu.training.typing_test import score

    seconds = _positive(args.seconds, "--seconds")
    min_cpm = _positive(args.min_cpm, "--min-cpm")
    passage = _read(args.passage, "--passage")
    typed = _read(args.typed, "--typed")
    if not passage.strip():
        raise UsageError("--passage: the passage is empty")
    print_json(score(passage, typed, seconds, min_cpm=min_cpm).as_dict())
    return 0


def cmd_status(args) -> int:
    from kefu.accounts.models import User
    from kefu.training.selectors import status

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise UsageError(f"unknown user: {args.username}")
    print_json(status(user))
    return 0


def cmd_import_questions(args) -> int:
    import sys

    from kefu.accounts.models import BusinessLine
    from kefu.training.services import ImportErrors, questions_import

    lines = BusinessLine.objects.order_by("id")
    line = (lines.filter(code=args.business_line) if args.business_line else lines).first()
    if line is None:
        raise UsageError(f"no such business line: {args.business_line or '(none yet)'}")
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    try:
        n = questions_import(actor=None, data=path.read_bytes(), business_line=line)
    except ImportErrors as exc:
        for row, message in exc.rows:
            print(f"row {row}: {message}", file=sys.stderr)
        raise UsageError(f"nothing imported: {len(exc.rows)} rows have problems") from None
    print_json({"imported": n, "business_line": line.code})
    return 0


def cmd_leaderboard(args) -> int:
    from kefu.training.models import Competition
    from kefu.training.selectors import board

    raw = args.competition
    comp = (
        Competition.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    )
    if comp is None:
        raise UsageError(f"no such competition: {raw}")
    rows = [
        {
            "rank": r["rank"],
            "user": r["user"].username if r["user"] else None,
            "score": r["score"],
            **({"seconds": r["seconds"]} if "seconds" in r else {}),
            **({"forms": r["forms"]} if "forms" in r else {}),
        }
        for r in board(comp)
    ]
    print_json({"competition": comp.pk, "kind": comp.kind, "state": comp.state, "rows": rows})
    return 0


def cmd_certification_from_template(args) -> int:
    from kefu.accounts.models import BusinessLine
    from kefu.core.errors import Invalid
    from kefu.training.cert_template_services import certification_from_template
    from kefu.training.cert_templates import TEMPLATES

    if args.template not in TEMPLATES:
        raise UsageError(f"unknown template: {args.template} (one of {', '.join(TEMPLATES)})")
    lines = BusinessLine.objects.order_by("id")
    line = (lines.filter(code=args.business_line) if args.business_line else lines).first()
    if line is None:
        raise UsageError(f"no such business line: {args.business_line or '(none yet)'}")
    try:
        cert = certification_from_template(
            actor=None, template=args.template, business_line=line, code=args.code, name=args.name
        )
    except Invalid as exc:
        fields = "; ".join(f"{k}: {v}" for k, v in (exc.fields or {}).items())
        raise UsageError(f"{exc.message} {fields}".strip()) from None
    print_json(
        {
            "id": cert.pk,
            "code": cert.code,
            "name": cert.name,
            "business_line": line.code,
            "threshold": float(cert.threshold),
            "training_days": cert.training_days,
            "components": cert.components,
        }
    )
    return 0
