"""Fees, collection rate, arrears and dunning letters on a real database (FEE-2, FEE-3, FEE-4,
RPT-7, LOG-5)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kefu.cli import main
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.followups.models import LetterRecord
from kefu.property import selectors, services
from kefu.property.models import Bill, LetterBatch

pytestmark = pytest.mark.django_db


def test_fee4_collection_rate_is_recomputed_from_bill_and_payment_rows(
    wy_supervisor, make_unit, fee
):
    a, b = make_unit(building="1栋", room="101"), make_unit(building="2栋", room="202", area="80")
    assert (
        services.bills_issue(
            actor=wy_supervisor, fee_code="wyf", period="2026-01-01", due_on="2026-01-31"
        )
        == 2
    )
    # issuing twice bills once
    assert (
        services.bills_issue(
            actor=wy_supervisor, fee_code="wyf", period="2026-01-15", due_on="2026-01-31"
        )
        == 0
    )
    bill_a = Bill.objects.get(unit=a)  # 250.00
    bill_b = Bill.objects.get(unit=b)  # 200.00
    assert (bill_a.amount, bill_b.amount) == (Decimal("250.00"), Decimal("200.00"))
    services.payment_record(
        actor=wy_supervisor, bill_id=bill_a.pk, amount="250", paid_on="2026-01-20"
    )
    services.payment_record(
        actor=wy_supervisor, bill_id=bill_b.pk, amount="50", paid_on="2026-01-20"
    )
    report = selectors.collection_rate(bills=selectors.bills_for(wy_supervisor), year=2026)
    assert report["billed_yuan"] == Decimal("450.00")
    assert report["collected_yuan"] == Decimal("300.00")
    assert report["rate"] == Decimal("0.6667")
    assert not report["meets_target"]
    assert [(r["building"], r["rate"]) for r in report["by_building"]] == [
        ("1栋", Decimal("1.0000")),
        ("2栋", Decimal("0.2500")),
    ]
    assert report["by_fee_type"][0]["code"] == "wyf"


def test_payment_more_than_owed_is_refused_and_changes_nothing(wy_supervisor, make_unit, fee):
    make_unit()
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2026-01-01", due_on="2026-01-31"
    )
    bill = Bill.objects.get()
    for bad in ("250.01", "-1", "abc", "0"):
        with pytest.raises(Invalid):
            services.payment_record(actor=wy_supervisor, bill_id=bill.pk, amount=bad)
    bill.refresh_from_db()
    assert bill.paid == 0 and not bill.payments.exists()


def test_agent_may_not_set_fee_standards_and_other_lines_see_no_bill(
    wy_agent, agent, wy_supervisor, make_unit, fee
):
    with pytest.raises(PermissionDenied):
        services.fee_type_save(
            actor=wy_agent, code="x", name="x", kind="parking", basis="month", unit_price=1
        )
    make_unit()
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2026-01-01", due_on="2026-01-31"
    )
    with pytest.raises(NotFound):
        services.payment_record(actor=agent, bill_id=Bill.objects.get().pk, amount=1)


def _old_arrears(wy_supervisor, make_unit):
    late = make_unit(room="101")
    make_unit(room="102")  # pays
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2025-11-01", due_on="2025-11-23"
    )
    paid = Bill.objects.get(unit__room="102")
    services.payment_record(
        actor=wy_supervisor, bill_id=paid.pk, amount=paid.amount, paid_on="2025-11-20"
    )
    return late


def test_fee2_dunning_list_starts_the_day_after_a_full_year(wy_supervisor, make_unit, fee):
    late = _old_arrears(wy_supervisor, make_unit)
    bills = selectors.bills_for(wy_supervisor)
    assert selectors.dunning_households(bills=bills, as_of=dt.date(2026, 11, 23)) == []
    rows = selectors.dunning_households(bills=bills, as_of=dt.date(2026, 11, 24))
    assert [(r["unit_id"], r["arrears"], r["oldest_due"]) for r in rows] == [
        (late.pk, Decimal("250.00"), dt.date(2025, 11, 23))
    ]


def test_fee2_dunning_batch_is_entered_in_the_letter_register(wy_supervisor, make_unit, fee):
    late = _old_arrears(wy_supervisor, make_unit)
    with pytest.raises(Invalid):  # nobody qualifies yet: nothing printed
        services.letter_batch_print(actor=wy_supervisor, kind="dunning", as_of="2026-11-23")
    assert not LetterBatch.objects.exists() and not LetterRecord.objects.exists()
    batch = services.letter_batch_print(actor=wy_supervisor, kind="dunning", as_of="2026-11-24")
    record = LetterRecord.objects.get()
    assert record.kind == "dunning" and record.customer_id == late.customer_id
    assert record.sent_on == dt.date(2026, 11, 24)
    assert batch.letters.get().record_id == record.pk


def test_fee2_collection_letter_goes_to_units_not_taken_possession(wy_supervisor, make_unit, fee):
    late = _old_arrears(wy_supervisor, make_unit)
    with pytest.raises(Invalid):
        services.letter_batch_print(actor=wy_supervisor, kind="collection", as_of="2026-01-05")
    services.unit_possession_set(actor=wy_supervisor, unit_id=late.pk, possession="not_taken")
    batch = services.letter_batch_print(actor=wy_supervisor, kind="collection", as_of="2026-01-05")
    assert batch.letters.get().unit_id == late.pk
    # a unit not taken gets a 催收函, never a 催缴函
    assert (
        selectors.dunning_households(
            bills=selectors.bills_for(wy_supervisor), as_of=dt.date(2026, 11, 24)
        )
        == []
    )


def test_log5_a_batch_is_tracked_to_the_households_that_paid_after_it(
    web_as, wy_supervisor, make_unit, fee
):
    silent = make_unit(room="103")  # owes, gets a letter, never pays
    late = _old_arrears(wy_supervisor, make_unit)
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2026-11-01", due_on="2026-11-30"
    )
    old = Bill.objects.get(unit=late, due_on=dt.date(2025, 11, 23))
    new = Bill.objects.get(unit=late, due_on=dt.date(2026, 11, 30))
    pay = services.payment_record
    pay(actor=wy_supervisor, bill_id=old.pk, amount="100", paid_on="2026-11-20")  # before: no
    batch = services.letter_batch_print(actor=wy_supervisor, kind="dunning", as_of="2026-11-24")
    assert set(batch.letters.values_list("unit_id", flat=True)) == {late.pk, silent.pk}
    (row,) = selectors.with_results(selectors.batches_for(wy_supervisor))
    assert (row.paid_households, row.paid_yuan) == (0, Decimal("0.00"))
    pay(actor=wy_supervisor, bill_id=old.pk, amount="100", paid_on="2026-11-24")  # the day: yes
    pay(actor=wy_supervisor, bill_id=old.pk, amount="50", paid_on="2026-11-30")  # after: yes
    pay(actor=wy_supervisor, bill_id=new.pk, amount="250", paid_on="2026-11-30")  # not named: no
    (row,) = selectors.with_results(selectors.batches_for(wy_supervisor))
    assert (row.paid_households, row.paid_yuan) == (1, Decimal("150.00"))
    page = web_as(wy_supervisor).get("/property/").content.decode()
    assert "150.00" in page.split('id="batches"')[1]


def _kefu(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_fees_collection_rate_and_dunning(capsys, wy_supervisor, make_unit, fee):
    late = _old_arrears(wy_supervisor, make_unit)
    code, out, err = _kefu(capsys, "fees", "collection-rate", "--year", "2025", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["billed_yuan"], data["collected_yuan"], data["rate"]) == (500.0, 250.0, 0.5)
    assert data["by_fee_type"][0]["code"] == "wyf"
    code, out, err = _kefu(capsys, "fees", "dunning", "--as-of", "2026-11-24", "--json")
    assert json.loads(out) == {
        "households": [{"unit": str(late), "arrears_yuan": 250.0, "oldest_due": "2025-11-23"}]
    }
    code, out, err = _kefu(capsys, "fees", "dunning", "--as-of", "2026-11-23", "--json")
    assert json.loads(out) == {"households": []}


def test_cli_fees_bad_input_exits_2(capsys, db):
    code, out, err = _kefu(capsys, "fees", "dunning", "--as-of", "2026-13-01", "--json")
    assert code == 2 and "2026-13-01" in err and out == ""
    code, out, err = _kefu(capsys, "fees", "collection-rate", "--year", "twenty", "--json")
    assert code == 2 and "twenty" in err
    code, out, err = _kefu(
        capsys, "fees", "collection-rate", "--year", "2026", "--fee-type", "nope", "--json"
    )
    assert code == 2 and "nope" in err and out == ""


def test_cli_repairs_due_and_quota(capsys, db):
    code, out, err = _kefu(
        capsys,
        "repairs",
        "due",
        "--kind",
        "minor",
        "--reported-at",
        "2026-11-21T10:00:00+08:00",
        "--json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {"due": "2026-11-21T23:59:59+08:00"}
    code, out, err = _kefu(
        capsys, "repairs", "due", "--kind", "major", "--reported-at", "2026-11-21T10:00", "--json"
    )
    assert json.loads(out) == {"due": "2026-11-24T10:00:00+08:00"}
    code, out, err = _kefu(
        capsys,
        "repairs",
        "quota",
        "--sales",
        "12000,13000",
        "--fault-rate",
        "0.03",
        "--repairers",
        "5",
        "--json",
    )
    assert json.loads(out) == {"quota": 100}
    code, out, err = _kefu(
        capsys, "repairs", "due", "--kind", "huge", "--reported-at", "2026-11-21T10:00"
    )
    assert code == 2 and "huge" in err
    code, out, err = _kefu(
        capsys, "repairs", "quota", "--sales", "12000,x", "--fault-rate", "0.03", "--repairers", "5"
    )
    assert code == 2


def test_cli_repairs_quota_with_the_commission_above_it(capsys, db):
    base = ["repairs", "quota", "--fault-rate", "0.03", "--repairers", "5", "--json"]
    code, out, err = _kefu(capsys, *base, "--sales", "12000,13000", "--done", "130")
    assert code == 2 and "--per-unit" in err and out == ""
    code, out, err = _kefu(
        capsys, *base, "--sales", "12000,13000", "--done", "130", "--per-unit", "8"
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {"quota": 100, "above_quota": 30, "commission_yuan": 240.0}
    for bad in (
        ["--sales", "12000"],  # one month: the rule takes the last two
        ["--sales", "12000,13000", "--offset", "-5"],
        ["--sales", "12000,13000", "--done", "-1", "--per-unit", "8"],
    ):
        code, out, err = _kefu(capsys, *base, *bad)
        assert code == 2 and err.startswith("kefu: error:") and out == ""
