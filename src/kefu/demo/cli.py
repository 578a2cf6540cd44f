"""`kefu demo`: load the demo data set into an empty database."""

from __future__ import annotations

import argparse


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="load the demo data (3 business lines, staff, customers, tickets) into an empty database",
        description=(
            "Migrates the database, then builds the demo data set. Refuses (exit 2) when the "
            "database already holds users or business lines: use a fresh KEFU_DATA_DIR or "
            "DATABASE_URL."
        ),
    )
    p.add_argument(
        "--size",
        choices=["small", "large"],
        default="small",
        help="small: 10,000 tickets; large: 1,000,000 tickets",
    )
    p.add_argument("--tickets", type=_positive, help="the small shape with N tickets")
    p.add_argument("--seed", type=int, help="random seed (same seed, same data on the same day)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from django.core.management import call_command
    from django.utils.translation import gettext as _

    from kefu.cli import UsageError
    from kefu.demo import builder

    call_command("migrate", interactive=False, verbosity=0)
    if not builder.database_is_empty():
        raise UsageError(
            _(
                "The database already holds data; the demo loads only into an empty "
                "database. Point KEFU_DATA_DIR or DATABASE_URL at a new one."
            )
        )
    seed = builder.DEFAULT_SEED if args.seed is None else args.seed
    result = builder.build_demo(
        size=args.size, tickets=args.tickets, seed=seed, progress=not args.quiet
    )
    print(
        _(
            "Demo data ready: %(lines)d business lines, %(users)d staff, %(customers)d "
            "customers, %(tickets)d tickets in %(seconds).1f s."
        )
        % {
            "lines": result.business_lines,
            "users": result.users,
            "customers": result.customers,
            "tickets": result.tickets,
            "seconds": result.seconds,
        }
    )
    builder.print_logins()
    return 0
