"""``kefu workshop slots|book --json``: the advisor's day and a booking from the command line,
by the same rules as the page (bay, promise = estimate × 1.5, a full slot refused); bad input on
stderr with exit code 2 and nothing written."""

from __future__ import annotations

import json

import pytest
from testkit import make_user

from kefu.booking import workshop_services
from kefu.booking.models import Appointment
from kefu.cli import main
from kefu.customers import assets
from kefu.customers import services as customers

pytestmark = pytest.mark.django_db
DAY = "2031-03-04"  # a Tuesday, far enough ahead to stay bookable


@pytest.fixture
def advisor(org):
    advisor = make_user("cli_advisor", "agent", team=org.s4_front)
    boss = make_user("cli_boss", "supervisor", department=org.s4_front.department)
    workshop_services.workshop_set(actor=boss, bays=1, mechanics=1, advisors=1)
    for n, plate in enumerate(("粤A11111", "粤A22222")):
        customer = customers.customer_create(
            actor=advisor, business_line=org.auto, name="车主", phone=f"1390000000{n}"
        )
        assets.vehicle_add(
            actor=advisor, customer=customer, data={"model_name": "凯美瑞", "plate": plate}
        )
    return advisor


def run(capsys, *args):
    code = main(["workshop", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_book_then_the_slot_is_full_and_the_board_says_so(advisor, capsys):
    code, out, err = run(
        capsys,
        "book",
        "--user",
        "cli_advisor",
        "--vehicle",
        "粤a11111",
        "--kind",
        "maintenance",
        "--start",
        f"{DAY}T09:30",
        "--estimate",
        "2",
        "--json",
    )
    assert (code, err) == (0, "")
    booked = json.loads(out)
    assert (booked["vehicle"], booked["bay"], booked["status"]) == ("粤A11111", 1, "booked")
    assert booked["quoted_ready_at"] == f"{DAY}T12:30:00+08:00"  # 2 h × 1.5

    # one bay, one mechanic: the second vehicle at 10:30 finds no bay (409 → exit 2)
    code, out, err = run(
        capsys,
        *("book", "--user", "cli_advisor", "--vehicle", "粤A22222", "--kind", "repair"),
        *("--start", f"{DAY}T10:30", "--estimate", "1", "--json"),
    )
    assert code == 2 and out == "" and err
    assert Appointment.objects.count() == 1

    code, out, err = run(capsys, "slots", "--user", "cli_advisor", "--day", DAY, "--json")
    board = json.loads(out)
    by_start = {s["start"][11:16]: s for s in board["slots"]}
    assert board["booked"] == 1
    assert by_start["09:30"]["free"] == by_start["10:30"]["free"] == 0
    assert by_start["11:30"]["free"] == 1 and by_start["11:30"]["quiet"]
    assert f"{DAY}T09:30:00+08:00" not in board["quietest"]


@pytest.mark.parametrize(
    "args",
    [
        ("slots", "--user", "nobody"),
        ("slots", "--user", "cli_advisor", "--day", "2031-02-30"),
        ("book", "--user", "cli_advisor", "--vehicle", "粤B99999", "--kind", "repair"),
        ("book", "--user", "cli_advisor", "--vehicle", "粤A11111", "--kind", "wash"),
        ("book", "--user", "cli_advisor", "--vehicle", "粤A11111", "--kind", "repair"),
    ],
)
def test_bad_input_exits_2_on_stderr_and_writes_nothing(advisor, capsys, args):
    extra = ("--start", f"{DAY}T09:30", "--estimate", "1")
    if args[-1] == "repair":  # the last: a start that is not a time
        extra = ("--start", "tomorrow", "--estimate", "1")
    code, out, err = run(capsys, *args, *(extra if args[0] == "book" else ()), "--json")

    assert code == 2 and out == "" and err.strip()
    assert Appointment.objects.count() == 0
