"""``kefu booking check-cancel`` (issue 21; a stable interface): may a lesson still be cancelled
without a leader? ``kefu workshop slots|book`` (issue 21 §3): a 4S advisor's day from the command
line. ``slots`` prints the day's slots with their load and places left and the quietest to offer
first (SR-5); ``book`` books a vehicle through the same service as the page (capacity, bay,
promise = start + estimate × 1.5). Both act as ``--user`` (their line and scope). Bad input, an
unknown user or vehicle, a full slot: a message on stderr, exit code 2."""

from __future__ import annotations

import datetime as dt

from kefu.cli import UsageError


def register(sub) -> None:
    group = sub.add_parser("booking", help="lesson booking: the 12-hour cancellation cut-off")
    group_sub = group.add_subparsers(dest="booking_command", required=True, metavar="COMMAND")
    check = group_sub.add_parser(
        "check-cancel", help="may a lesson starting at --start be cancelled at --at?"
    )
    check.add_argument("--start", required=True, help="the lesson's start, ISO time")
    check.add_argument("--at", required=True, help="the moment of the cancellation, ISO time")
    check.add_argument("--by", default="student", help="student (default), teacher or company")
    check.add_argument("--json", action="store_true", help="print machine-readable output")
    check.set_defaults(func=cmd_check_cancel)
    register_workshop(sub)


def _time(text: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a time: {text} (use e.g. 2026-11-24T19:00:00+08:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def cmd_check_cancel(args) -> int:
    from kefu.booking import rules
    from kefu.cli import print_json

    try:
        check = rules.check_cancel(_time(args.start), _time(args.at), by=args.by)
    except rules.RuleError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json(check.as_dict())
    else:
        for key, value in check.as_dict().items():
            print(f"{key}: {value}")
    return 0


def register_workshop(sub) -> None:
    group = sub.add_parser("workshop", help="4S maintenance booking: slots and bookings")
    group_sub = group.add_subparsers(dest="workshop_command", required=True, metavar="COMMAND")
    slots = group_sub.add_parser("slots", help="a day's slots, load, places left, quiet first")
    slots.add_argument("--user", required=True, help="the advisor (a username of the 4S line)")
    slots.add_argument("--day", help="YYYY-MM-DD (default: today)")
    slots.add_argument("--json", action="store_true", help="print machine-readable output")
    slots.set_defaults(func=cmd_slots)
    book = group_sub.add_parser("book", help="book a vehicle into a slot")
    book.add_argument("--user", required=True, help="the advisor booking (a username)")
    book.add_argument("--vehicle", required=True, help="the vehicle's id or plate")
    book.add_argument("--kind", required=True, help="first_service, maintenance, repair, bodywork")
    book.add_argument("--start", required=True, help="the slot, ISO time (Asia/Shanghai if bare)")
    book.add_argument("--estimate", required=True, help="the job's estimate in hours, e.g. 1.5")
    book.add_argument("--comeback-of", help="the delivered appointment it comes back for (id)")
    book.add_argument("--note", default="")
    book.add_argument("--json", action="store_true", help="print machine-readable output")
    book.set_defaults(func=cmd_book)


def _user(username: str):
    from kefu.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UsageError(f"unknown user: {username}")
    if user.business_line_id is None:
        raise UsageError(f"{username} belongs to no business line")
    return user


def _domain(exc) -> UsageError:
    fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    return UsageError(f"{exc.message} {fields}".strip())


def _slot(slot) -> dict:
    return {
        "start": slot.start.isoformat(),
        "arrivals": slot.arrivals,
        "in_workshop": slot.in_workshop,
        "free": slot.free,
        "load": slot.load,
        "quiet": slot.quiet,
        "peak": slot.peak,
    }


def cmd_slots(args) -> int:
    from django.utils import timezone

    from kefu.booking.workshop_selectors import day_board
    from kefu.cli import print_json

    user = _user(args.user)
    try:
        day = dt.date.fromisoformat(args.day) if args.day else timezone.localdate()
    except ValueError:
        raise UsageError(f"not a date: {args.day} (use e.g. 2026-12-08)") from None
    board = day_board(user, day)
    data = {
        "day": day.isoformat(),
        "booked": board["booked"],
        "slots": [_slot(s) for s in board["slots"]],
        "quietest": [s.start.isoformat() for s in board["suggestions"]],
    }
    if args.json:
        print_json(data)
    else:
        for s in data["slots"]:
            print(f"{s['start'][11:16]}  free {s['free']}  load {s['load']:.0%}")
        print("quietest: " + ", ".join(t[11:16] for t in data["quietest"]))
    return 0


def cmd_book(args) -> int:
    from kefu.booking import workshop_services
    from kefu.booking.workshop_selectors import vehicles_for
    from kefu.cli import print_json
    from kefu.core.errors import DomainError

    user = _user(args.user)
    vehicles = vehicles_for(user)
    vehicle = (
        vehicles.filter(pk=int(args.vehicle)).first()
        if args.vehicle.isdigit()
        else vehicles.filter(plate=args.vehicle.strip().upper()).first()
    )
    if vehicle is None:
        raise UsageError(f"no vehicle {args.vehicle} on {args.user}'s business line")
    comeback = args.comeback_of
    if comeback is not None and not comeback.isdigit():
        raise UsageError(f"--comeback-of must be an appointment id, not {comeback!r}")
    try:
        appointment = workshop_services.appointment_book(
            actor=user,
            customer_id=vehicle.customer_id,
            vehicle_id=vehicle.pk,
            kind=args.kind,
            start_at=args.start,
            estimate_hours=args.estimate,
            comeback_of_id=int(comeback) if comeback else None,
            note=args.note,
        )
    except DomainError as exc:
        raise _domain(exc) from None
    data = {
        "id": appointment.pk,
        "vehicle": vehicle.plate,
        "kind": appointment.kind,
        "start_at": appointment.start_at.isoformat(),
        "bay": appointment.bay,
        "quoted_ready_at": appointment.quoted_ready_at.isoformat(),
        "status": appointment.status,
        "version": appointment.version,
    }
    if args.json:
        print_json(data)
    else:
        print(
            f"booked #{data['id']} {data['vehicle']} bay {data['bay']}, ready {data['quoted_ready_at']}"
        )
    return 0
