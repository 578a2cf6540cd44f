"""`kefu staffing …`: Erlang C / Erlang A staffing and the sources' formulas (issue 6 §1).

    kefu staffing erlang-c --arrivals N --interval-seconds S --aht SECONDS --target-answer SECONDS
        --service-level F [--shrinkage F] [--max-occupancy F] [--max-asa SECONDS] [--agents N] --json
    kefu staffing erlang-a … the same … --patience SECONDS [--max-abandon F]
    kefu staffing sources --daily-enquiries N --enquiries-per-agent-day N
        [--monthly-refunds N --refunds-per-agent-day N --working-days N --processing-cycle-days N]

Without ``--agents`` the fewest agents meeting the targets are solved for; with it that staffing
is evaluated. Bad input or an unreachable target: a message on stderr and exit code 2. Options are
read as decimal strings, so 0.3 shrinkage is exactly 3/10. Only the pure modules are imported.
"""

from __future__ import annotations

import json

NUMBER_OPTIONS = {
    # dest: (option, rule)
    "arrivals": ("--arrivals", "non_negative"),
    "interval_seconds": ("--interval-seconds", "positive"),
    "aht": ("--aht", "positive"),
    "target_answer": ("--target-answer", "non_negative"),
    "service_level": ("--service-level", "unit"),
    "shrinkage": ("--shrinkage", "shrinkage"),
    "max_occupancy": ("--max-occupancy", "fraction"),
    "max_asa": ("--max-asa", "positive"),
    "patience": ("--patience", "positive"),
    "max_abandon": ("--max-abandon", "fraction"),
    "agents": ("--agents", "count"),
    "daily_enquiries": ("--daily-enquiries", "non_negative"),
    "enquiries_per_agent_day": ("--enquiries-per-agent-day", "positive"),
    "monthly_refunds": ("--monthly-refunds", "non_negative"),
    "refunds_per_agent_day": ("--refunds-per-agent-day", "positive"),
    "working_days": ("--working-days", "positive"),
    "processing_cycle_days": ("--processing-cycle-days", "positive"),
}


def _rule_message(rule: str, option: str, value) -> str:
    from django.utils.translation import gettext as _

    params = {"option": option, "value": value}
    messages = {
        "number": _("%(option)s must be a finite number (got %(value)r)"),
        "non_negative": _("%(option)s must be at least 0 (got %(value)s)"),
        "positive": _("%(option)s must be greater than 0 (got %(value)s)"),
        "fraction": _("%(option)s must be greater than 0 and at most 1 (got %(value)s)"),
        "unit": _("%(option)s must be at least 0 and at most 1 (got %(value)s)"),
        "shrinkage": _("%(option)s must be at least 0 and less than 1 (got %(value)s)"),
        "count": _("%(option)s must be a whole number of at least 0 (got %(value)s)"),
        "required": _("%(option)s is required"),
    }
    return messages[rule] % params


def _usage_error(rule: str, dest: str, value=None):
    from kefu.cli import UsageError

    return UsageError(_rule_message(rule, NUMBER_OPTIONS[dest][0], value))


def _number(args, dest: str):
    """The option's exact value (or None when absent); non-numbers and NaN are refused."""
    from kefu.workforce.staffing import InvalidInput, exact

    raw = getattr(args, dest, None)
    if raw is None:
        return None
    try:
        return exact(raw, dest)
    except InvalidInput:
        raise _usage_error("number", dest, raw)


def _agents(args) -> int | None:
    value = _number(args, "agents")
    if value is None:
        return None
    if value < 0 or value.denominator != 1:
        raise _usage_error("count", "agents", args.agents)
    return int(value)


FIELD_TO_DEST = {
    "arrivals": "arrivals",
    "interval_seconds": "interval_seconds",
    "aht": "aht",
    "target_answer": "target_answer",
    "service_level": "service_level",
    "shrinkage": "shrinkage",
    "max_occupancy": "max_occupancy",
    "max_asa": "max_asa",
    "patience": "patience",
    "max_abandon": "max_abandon",
}


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def _print_table(rows: list[tuple[str, object]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {_fmt(value)}")


def cmd_erlang(args) -> int:
    from django.utils.translation import gettext as _

    from kefu.cli import UsageError
    from kefu.workforce import staffing

    model = args.model
    values = {dest: _number(args, dest) for dest in FIELD_TO_DEST if hasattr(args, dest)}
    agents = _agents(args)
    for dest in ("arrivals", "interval_seconds", "aht", "target_answer"):
        if values[dest] is None:
            raise _usage_error("required", dest)
    if agents is None and values["service_level"] is None:
        raise _usage_error("required", "service_level")
    if model == "erlang-a" and values["patience"] is None:
        raise _usage_error("required", "patience")
    try:
        req = staffing.staffing_request(
            arrivals=values["arrivals"],
            interval_seconds=values["interval_seconds"],
            aht_seconds=values["aht"],
            answer_seconds=values["target_answer"],
            service_level=values["service_level"],
            shrinkage=values["shrinkage"],
            max_occupancy=values["max_occupancy"],
            max_asa_seconds=values["max_asa"],
            patience_seconds=values.get("patience"),
            max_abandon=values.get("max_abandon"),
        )
        if model == "erlang-c":
            result = (
                staffing.solve_erlang_c(req)
                if agents is None
                else staffing.evaluate_erlang_c(req, agents)
            )
        else:
            result = (
                staffing.solve_erlang_a(req)
                if agents is None
                else staffing.evaluate_erlang_a(req, agents)
            )
    except staffing.TooLarge as exc:
        from kefu.workforce.staffing_messages import too_large

        raise UsageError(too_large(exc))
    except staffing.InvalidInput as exc:
        dest = FIELD_TO_DEST.get(exc.field or "", "arrivals")
        raise _usage_error(NUMBER_OPTIONS[dest][1], dest, getattr(args, dest, None))
    except staffing.Unreachable as exc:
        if exc.field == "service_level":
            raise UsageError(
                _(
                    "--service-level %(value)s cannot be met while calls arrive: every queue "
                    "has some chance of a wait, so 100%% is unreachable; use a target below 1"
                )
                % {"value": args.service_level}
            )
        raise UsageError(
            _(
                "the targets cannot be met with any number of agents; relax --service-level, "
                "--max-asa or --max-abandon"
            )
        )
    data = result.as_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
        return 0
    rows = [
        (_("Model"), data["model"]),
        (_("Traffic (Erlangs)"), data["traffic_erlangs"]),
        (_("Agents on the queue"), data["raw_agents"]),
        (_("Agents after shrinkage"), data["agents"]),
        (_("Service level"), data["service_level"]),
        (_("Average speed of answer (s)"), data["asa_seconds"]),
        (_("Occupancy"), data["occupancy"]),
        (_("Probability of waiting"), data["probability_wait"]),
    ]
    if model == "erlang-a":
        rows.append((_("Abandon rate"), data["abandon_rate"]))
    if data["meets_target"] is not None:
        rows.append((_("Meets the targets"), _("yes") if data["meets_target"] else _("no")))
    _print_table(rows)
    return 0


def cmd_sources(args) -> int:
    from django.utils.translation import gettext as _

    from kefu.cli import UsageError
    from kefu.workforce import source_formulas

    values = {
        dest: _number(args, dest)
        for dest in (
            "daily_enquiries",
            "enquiries_per_agent_day",
            "monthly_refunds",
            "refunds_per_agent_day",
            "working_days",
            "processing_cycle_days",
        )
    }
    for dest, value in values.items():
        if value is None:
            continue
        rule = NUMBER_OPTIONS[dest][1]
        if (rule == "positive" and value <= 0) or (rule == "non_negative" and value < 0):
            raise _usage_error(rule, dest, getattr(args, dest))
    results = []
    if values["daily_enquiries"] is not None or values["enquiries_per_agent_day"] is not None:
        for dest in ("daily_enquiries", "enquiries_per_agent_day"):
            if values[dest] is None:
                raise _usage_error("required", dest)
        results.append(
            source_formulas.reception_agents(
                daily_enquiries=values["daily_enquiries"],
                enquiries_per_agent_day=values["enquiries_per_agent_day"],
            )
        )
    if values["monthly_refunds"] is not None:
        if values["refunds_per_agent_day"] is None:
            raise _usage_error("required", "refunds_per_agent_day")
        if values["working_days"] is not None:
            results.append(
                source_formulas.refund_specialists(
                    monthly_refunds=values["monthly_refunds"],
                    refunds_per_agent_day=values["refunds_per_agent_day"],
                    working_days=values["working_days"],
                )
            )
        if values["processing_cycle_days"] is not None:
            results.append(
                source_formulas.refund_specialists_as_written(
                    monthly_refunds=values["monthly_refunds"],
                    refunds_per_agent_day=values["refunds_per_agent_day"],
                    processing_cycle_days=values["processing_cycle_days"],
                )
            )
    if not results:
        raise UsageError(
            _(
                "give --daily-enquiries and --enquiries-per-agent-day, or --monthly-refunds "
                "with --refunds-per-agent-day and --working-days or --processing-cycle-days"
            )
        )
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    labels = {
        "reception_agents": _("Reception agents (daily enquiries ÷ enquiries per agent per day)"),
        "refund_specialists": _(
            "Refund specialists (monthly refunds ÷ (working days × refunds per agent per day))"
        ),
        "refund_specialists_as_written": _(
            "Refund specialists, as the source writes it "
            "(monthly refunds ÷ refunds per agent per day ÷ processing cycle)"
        ),
    }
    _print_table([(labels[r.name], r.agents) for r in results])
    return 0


def _add_erlang_options(p, *, abandonment: bool) -> None:
    p.add_argument(
        "--arrivals", metavar="N", help="calls offered in the interval (may be fractional)"
    )
    p.add_argument("--interval-seconds", metavar="S", help="length of the interval in seconds")
    p.add_argument("--aht", metavar="SECONDS", help="average handling time in seconds")
    p.add_argument("--target-answer", metavar="SECONDS", help="answer within this many seconds")
    p.add_argument("--service-level", metavar="F", help="share to answer within the target, 0–1")
    p.add_argument("--shrinkage", metavar="F", help="share of rostered time off the queue, 0–1")
    p.add_argument("--max-occupancy", metavar="F", help="highest acceptable occupancy, 0–1")
    p.add_argument(
        "--max-asa", metavar="SECONDS", help="highest acceptable average speed of answer"
    )
    if abandonment:
        p.add_argument("--patience", metavar="SECONDS", help="mean caller patience in seconds")
        p.add_argument("--max-abandon", metavar="F", help="highest acceptable abandon rate, 0–1")
    p.add_argument("--agents", metavar="N", help="evaluate this staffing instead of solving")
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub) -> None:
    """`kefu staffing erlang-c|erlang-a|sources`."""
    staffing = sub.add_parser("staffing", help="Erlang C/A staffing and the sources' formulas")
    group = staffing.add_subparsers(dest="staffing_command", required=True, metavar="MODEL")
    p = group.add_parser("erlang-c", help="Erlang C (M/M/N): fewest agents or evaluate --agents")
    _add_erlang_options(p, abandonment=False)
    p.set_defaults(func=cmd_erlang, model="erlang-c")
    p = group.add_parser("erlang-a", help="Erlang A (M/M/N+M, callers abandon)")
    _add_erlang_options(p, abandonment=True)
    p.set_defaults(func=cmd_erlang, model="erlang-a")
    p = group.add_parser("sources", help="the sources' formulas (STF-1, STF-2, decision §9.4)")
    for dest, (option, _rule) in NUMBER_OPTIONS.items():
        if dest in {
            "daily_enquiries",
            "enquiries_per_agent_day",
            "monthly_refunds",
            "refunds_per_agent_day",
            "working_days",
            "processing_cycle_days",
        }:
            p.add_argument(option, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_sources)
