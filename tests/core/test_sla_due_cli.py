"""`kefu sla due` (issue 4 §1): the due time of an SLA, with the arithmetic the tickets use.

Output and exit codes are a public interface: tests outside the repository call this command.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from kefu.cli import main
from kefu.core.business_calendar import business_line_calendar_set, calendar_day_set


def sla_due(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["sla", "due", *args])
    out, err = capsys.readouterr()
    return code, out, err


def due_json(capsys, *args: str) -> dict:
    code, out, err = sla_due(capsys, *args, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_json_output_is_exactly_the_due_time_with_its_offset(capsys, db):
    # Wed 30 Sep 2026 14:00 + 24 h: 4 h, 国庆 1–7 Oct, 8–9 Oct 18 h, 调休 Sat 10 Oct 2 h → 11:00
    assert due_json(capsys, "--start", "2026-09-30T14:00", "--hours", "24") == {
        "due": "2026-10-10T11:00:00+08:00"
    }


def test_the_end_of_the_working_day_is_the_due_time(capsys, db):
    # Mon 23 Nov 09:00 + 9 h → 18:00 the same day, not 09:00 on Tuesday; + 8 h → 17:00
    assert due_json(capsys, "--start", "2026-11-23T09:00", "--hours", "9")["due"] == (
        "2026-11-23T18:00:00+08:00"
    )
    assert due_json(capsys, "--start", "2026-11-23T09:00", "--hours", "8")["due"] == (
        "2026-11-23T17:00:00+08:00"
    )


def test_fractional_hours_and_a_start_with_another_offset(capsys, db):
    # 01:00Z is 09:00 in Shanghai; + 0.5 h → 09:30+08:00
    assert due_json(capsys, "--start", "2026-11-23T01:00:00Z", "--hours", "0.5")["due"] == (
        "2026-11-23T09:30:00+08:00"
    )


def test_start_at_night_and_on_a_holiday(capsys, db):
    # Mon 22:30 + 1 h → Tue 10:00; Sat 3 Oct (国庆) 10:00 + 1 h → Thu 8 Oct 10:00
    assert due_json(capsys, "--start", "2026-11-23T22:30", "--hours", "1")["due"] == (
        "2026-11-24T10:00:00+08:00"
    )
    assert due_json(capsys, "--start", "2026-10-03T10:00", "--hours", "1")["due"] == (
        "2026-10-08T10:00:00+08:00"
    )


def test_hours_of_day_with_two_shifts(capsys, db):
    # 07:00–14:00 + 14:00–21:00 is one 14-hour day: 07:00 + 14 h → 21:00, + 15 h → Tue 08:00
    shifts = ("--hours-of-day", "07:00-14:00,14:00-21:00")
    assert due_json(capsys, "--start", "2026-11-23T07:00", "--hours", "14", *shifts)["due"] == (
        "2026-11-23T21:00:00+08:00"
    )
    assert due_json(capsys, "--start", "2026-11-23T07:00", "--hours", "15", *shifts)["due"] == (
        "2026-11-24T08:00:00+08:00"
    )


def test_24x7_counts_calendar_time(capsys, db):
    # Thu 1 Oct (国庆) 10:00 + 30 h → Fri 2 Oct 16:00
    args = ("--start", "2026-10-01T10:00", "--hours", "30", "--calendar", "24x7")
    assert due_json(capsys, *args)["due"] == "2026-10-02T16:00:00+08:00"


def test_2027_counts_weekdays_until_an_admin_enters_new_year(capsys, admin_user):
    args = ("--start", "2026-12-31T17:00", "--hours", "2")
    # Thu 31 Dec 1 h; Fri 1 Jan 2027 is a plain weekday without data → 10:00
    assert due_json(capsys, *args)["due"] == "2027-01-01T10:00:00+08:00"
    calendar_day_set(actor=admin_user, date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    # 元旦 off, then the weekend → Mon 4 Jan 10:00
    assert due_json(capsys, *args)["due"] == "2027-01-04T10:00:00+08:00"


def test_business_line_uses_its_working_hours_and_calendar(capsys, org, admin_user):
    business_line_calendar_set(
        actor=admin_user, business_line=org.property, working_hours=["07:00-14:00", "14:00-21:00"]
    )
    line = ("--business-line", str(org.property.pk))
    assert due_json(capsys, "--start", "2026-11-23T07:00", "--hours", "14", *line)["due"] == (
        "2026-11-23T21:00:00+08:00"
    )
    # --calendar replaces the line's holiday source: 30 h from 07:00 on 国庆 Thu 1 Oct → Fri 13:00
    assert due_json(
        capsys, "--start", "2026-10-01T07:00", "--hours", "30", *line, "--calendar", "24x7"
    )["due"] == ("2026-10-02T13:00:00+08:00")


def test_readable_output_without_json(capsys, db):
    code, out, _ = sla_due(capsys, "--start", "2026-11-23T09:00", "--hours", "9")
    assert code == 0
    assert out.splitlines()[0] == "Due 2026-11-23 18:00:00 +08:00 (Monday)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "yesterday", "--hours", "1"], "not an ISO 8601"),
        (["--start", "2026-11-23T09:00", "--hours", "-1"], "must not be negative"),
        (["--start", "2026-11-23T09:00", "--hours", "two"], "must be a number"),
        (["--start", "2026-11-23T09:00", "--hours", "nan"], "finite"),
        (
            ["--start", "2026-11-23T09:00", "--hours", "1", "--hours-of-day", "18:00-09:00"],
            "ends before it starts",
        ),
        (
            [
                "--start",
                "2026-11-23T09:00",
                "--hours",
                "1",
                "--hours-of-day",
                "09:00-13:00,12:00-18:00",
            ],
            "overlap",
        ),
        (["--start", "2026-11-23T09:00", "--hours", "1", "--business-line", "9999"], "no such"),
        (["--start", "2026-11-23T09:00", "--hours", "1", "--business-line", "shop"], "no such"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, db, args, message):
    code, out, err = sla_due(capsys, *args, "--json")
    assert (code, out) == (2, "")
    assert message in err


def test_business_line_and_hours_of_day_exclude_each_other(capsys, org):
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "sla",
                "due",
                "--start",
                "2026-11-23T09:00",
                "--hours",
                "1",
                "--business-line",
                str(org.shop.pk),
                "--hours-of-day",
                "09:00-18:00",
            ]
        )
    assert exited.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_the_installed_command_answers_on_a_fresh_data_directory(tmp_path):
    """The command as outside tests run it: a new process, a database nobody migrated."""
    env = {**os.environ, "KEFU_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    args = ["--start", "2026-11-23T09:00", "--hours", "9", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "kefu", "sla", "due", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, '{"due": "2026-11-23T18:00:00+08:00"}\n')
    bad = subprocess.run(
        [sys.executable, "-m", "kefu", "sla", "due", "--start", "x", "--hours", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert "not an ISO 8601" in bad.stderr
