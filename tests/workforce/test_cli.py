"""`kefu staffing erlang-c|erlang-a|sources` (issue 6 §1): the stable CLI other tools rely on."""

from __future__ import annotations

import json

import pytest

from kefu.cli import main

BASE = [
    "--arrivals",
    "100",
    "--interval-seconds",
    "1800",
    "--aht",
    "180",
    "--target-answer",
    "20",
]


def run(capsys, *argv):
    code = main(["staffing", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_erlang_c_json_solves_the_worked_example(capsys):
    """Call Centre Helper example: 14 on the queue, 20 rostered with 30 % shrinkage."""
    # when
    code, out, err = run(
        capsys, "erlang-c", *BASE, "--service-level", "0.8", "--shrinkage", "0.3", "--json"
    )
    # then
    data = json.loads(out)
    assert code == 0, err
    assert data["raw_agents"] == 14
    assert data["agents"] == 20
    assert data["traffic_erlangs"] == 10.0
    assert data["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert data["asa_seconds"] == pytest.approx(7.8359, abs=1e-4)
    assert data["occupancy"] == pytest.approx(10 / 14)
    assert data["probability_wait"] == pytest.approx(0.17413, abs=1e-5)
    assert "abandon_rate" not in data


def test_erlang_c_shrinkage_gross_up_is_exact_on_the_command_line(capsys):
    """21 on the queue with 30 % shrinkage is 30 rostered, not 31: A = 15.5 Erlangs, 80/20."""
    # when
    code, out, _err = run(
        capsys,
        "erlang-c",
        "--arrivals",
        "155",
        "--interval-seconds",
        "1800",
        "--aht",
        "180",
        "--target-answer",
        "20",
        "--agents",
        "21",
        "--shrinkage",
        "0.3",
        "--json",
    )
    # then
    data = json.loads(out)
    assert code == 0
    assert (data["raw_agents"], data["agents"]) == (21, 30)


def test_erlang_c_evaluating_an_unstable_staffing_prints_null_not_infinity(capsys):
    # when
    code, out, _err = run(capsys, "erlang-c", *BASE, "--agents", "10", "--json")
    # then
    assert code == 0
    assert "Infinity" not in out and "NaN" not in out
    data = json.loads(out)
    assert data["asa_seconds"] is None
    assert data["service_level"] == 0.0
    assert data["probability_wait"] == 1.0


def test_erlang_a_json_has_the_abandon_rate(capsys):
    # when
    code, out, err = run(
        capsys, "erlang-a", *BASE, "--service-level", "0.8", "--patience", "120", "--json"
    )
    # then
    data = json.loads(out)
    assert code == 0, err
    assert data["raw_agents"] == 12
    assert data["service_level"] >= 0.8
    assert 0 < data["abandon_rate"] < 0.1
    assert set(data) >= {
        "raw_agents",
        "agents",
        "traffic_erlangs",
        "service_level",
        "asa_seconds",
        "occupancy",
        "probability_wait",
        "abandon_rate",
    }


def test_erlang_a_max_abandon_binds(capsys):
    # when
    code, out, _err = run(
        capsys,
        "erlang-a",
        *BASE,
        "--service-level",
        "0.8",
        "--patience",
        "120",
        "--max-abandon",
        "0.01",
        "--json",
    )
    # then
    data = json.loads(out)
    assert code == 0
    assert data["raw_agents"] > 12
    assert data["abandon_rate"] <= 0.01


def test_zero_arrivals_need_zero_agents(capsys):
    # when
    code, out, _err = run(
        capsys,
        "erlang-c",
        "--arrivals",
        "0",
        "--interval-seconds",
        "1800",
        "--aht",
        "180",
        "--target-answer",
        "20",
        "--service-level",
        "0.8",
        "--shrinkage",
        "0.3",
        "--json",
    )
    # then
    assert code == 0
    data = json.loads(out)
    assert (data["raw_agents"], data["agents"]) == (0, 0)


def test_fractional_arrivals_are_accepted(capsys):
    # when
    code, out, _err = run(
        capsys,
        "erlang-c",
        "--arrivals",
        "12.75",
        "--interval-seconds",
        "1800",
        "--aht",
        "300",
        "--target-answer",
        "20",
        "--service-level",
        "0.8",
        "--json",
    )
    # then
    assert code == 0
    data = json.loads(out)
    assert data["traffic_erlangs"] == 2.125
    assert data["raw_agents"] == 4


@pytest.mark.parametrize(("model", "extra"), [("erlang-c", []), ("erlang-a", ["--patience", "60"])])
def test_hundred_percent_target_exits_2_with_a_clear_message(capsys, model, extra):
    # when
    code, out, err = run(capsys, model, *BASE, "--service-level", "1", *extra, "--json")
    # then
    assert code == 2
    assert out == ""
    assert "--service-level" in err
    assert "100%" in err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--arrivals", "-5"),
        ("--arrivals", "many"),
        ("--interval-seconds", "0"),
        ("--aht", "NaN"),
        ("--target-answer", "-1"),
        ("--service-level", "80"),
        ("--shrinkage", "1"),
        ("--max-occupancy", "0"),
        ("--agents", "2.5"),
    ],
)
def test_bad_input_exits_2_naming_the_option(capsys, option, value):
    # given
    argv = dict(zip(BASE[::2], BASE[1::2], strict=True))
    argv["--service-level"] = "0.8"
    argv[option] = value
    # when
    code, out, err = run(capsys, "erlang-c", *[x for kv in argv.items() for x in kv], "--json")
    # then
    assert code == 2
    assert out == ""
    assert option in err


def test_erlang_a_requires_patience(capsys):
    # when
    code, _out, err = run(capsys, "erlang-a", *BASE, "--service-level", "0.8", "--json")
    # then
    assert code == 2
    assert "--patience" in err


def test_human_readable_table(capsys):
    # when
    code, out, _err = run(capsys, "erlang-c", *BASE, "--service-level", "0.8")
    # then
    assert code == 0
    assert "Agents on the queue" in out
    assert "14" in out


def test_sources_compare_the_formulas(capsys):
    # when
    code, out, _err = run(
        capsys,
        "sources",
        "--daily-enquiries",
        "12000",
        "--enquiries-per-agent-day",
        "150",
        "--monthly-refunds",
        "3000",
        "--refunds-per-agent-day",
        "40",
        "--working-days",
        "22",
        "--processing-cycle-days",
        "3",
        "--json",
    )
    # then
    assert code == 0
    agents = {row["name"]: row["agents"] for row in json.loads(out)}
    assert agents == {
        "reception_agents": 80,
        "refund_specialists": 4,
        "refund_specialists_as_written": 25,
    }
