"""The property office's pages: the collection desk shows the year's figures, a supervisor prints
a 催缴函 batch that appears in the letter register, a refused print changes nothing (4xx)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.followups.models import LetterRecord
from kefu.property import services
from kefu.property.models import Bill, LetterBatch

pytestmark = pytest.mark.django_db


def test_desk_shows_rate_and_batch_print_registers_letters(web_as, wy_supervisor, make_unit, fee):
    make_unit(room="101")
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2025-01-01", due_on="2025-01-31"
    )
    bill = Bill.objects.get()
    services.payment_record(
        actor=wy_supervisor, bill_id=bill.pk, amount="100", paid_on="2025-01-10"
    )
    client = web_as(wy_supervisor)
    page = client.get(reverse("property:desk"), {"year": 2025})
    assert page.status_code == 200
    assert "40%" in page.content.decode()  # 100 of 250
    response = client.post(reverse("property:batch_print"), {"kind": "dunning", "as_of": ""})
    assert response.status_code == 302
    batch = LetterBatch.objects.get()
    assert LetterRecord.objects.filter(kind="dunning").count() == 1
    page = client.get(reverse("property:batch", args=[batch.pk]))
    assert page.status_code == 200
    registers = client.get(reverse("followups:registers"))
    assert str(bill.unit) in registers.content.decode()


def test_a_refused_print_is_a_4xx_and_prints_nothing(web_as, wy_supervisor, wy_agent, fee):
    response = web_as(wy_supervisor).post(
        reverse("property:batch_print"), {"kind": "dunning", "as_of": "2999-01-01"}
    )
    assert response.status_code == 400
    assert not LetterBatch.objects.exists()


def test_repairs_page_records_and_completes_a_repair(web_as, wy_agent, make_unit):
    unit = make_unit()
    client = web_as(wy_agent)
    response = client.post(
        reverse("property:repair_report"),
        {"scope": "home", "size": "minor", "unit": unit.pk, "description": "厨房水管漏水"},
    )
    assert response.status_code == 302
    page = client.get(reverse("property:repairs"))
    assert "厨房水管漏水" in page.content.decode()
    bad = client.post(reverse("property:repair_report"), {"scope": "home", "size": "minor"})
    assert bad.status_code == 400


def test_the_repairs_board_pages_through_every_repair(web_as, wy_agent):
    for i in range(53):
        services.repair_report(
            actor=wy_agent, scope_="public", size="minor", description=f"路灯{i:02d}不亮"
        )
    client = web_as(wy_agent)
    first = client.get(reverse("property:repairs")).content.decode()
    assert "路灯52不亮" in first and "路灯02不亮" not in first and 'id="repairs-pages"' in first
    second = client.get(reverse("property:repairs"), {"page": 2}).content.decode()
    assert "路灯02不亮" in second and "路灯52不亮" not in second
    # a page that is not one answers a page, never an error
    assert client.get(reverse("property:repairs"), {"page": "x"}).status_code == 200
    assert "路灯00不亮" in client.get(reverse("property:repairs"), {"page": 99}).content.decode()


def test_the_household_page_takes_a_payment_into_the_days_cash(
    web_as, wy_agent, wy_supervisor, make_unit, fee
):
    from kefu.property.cash import cash_ledger

    unit = make_unit(room="301")
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2026-01-01", due_on="2026-01-31"
    )
    bill = Bill.objects.get(unit=unit)  # 250.00
    client = web_as(wy_agent)
    url = reverse("property:payment_add", args=[unit.pk])
    # more than owed: refused on the page, nothing paid
    refused = client.post(url, {"bill": bill.pk, "amount": "300", "method": "cash"})
    assert refused.status_code == 400 and "payment-form" in refused.content.decode()
    assert Bill.objects.get(pk=bill.pk).paid == 0
    # another household's page cannot pay this bill
    other = make_unit(room="302")
    assert (
        client.post(
            reverse("property:payment_add", args=[other.pk]), {"bill": bill.pk, "amount": "50"}
        ).status_code
        == 404
    )
    ok = client.post(url, {"bill": bill.pk, "amount": "250", "method": "cash"})
    assert ok.status_code == 302 and Bill.objects.get(pk=bill.pk).paid == 250
    page = client.get(reverse("property:household", args=[unit.pk])).content.decode()
    assert "payment-form" not in page  # nothing left to pay
    (today,) = cash_ledger(wy_agent)["rows"]  # the cash ledger counts it on today's line
    assert today["recorded"] == 250 and today["closed"] is None


def test_sr1_each_repair_is_called_back_once_done_and_a_stale_click_is_409(web_as, wy_agent):
    from kefu.property.models import RepairJob

    job = services.repair_report(
        actor=wy_agent, scope_="public", size="minor", description="电梯按钮失灵"
    )
    client = web_as(wy_agent)
    callback = reverse("property:repair_callback", args=[job.pk])
    # not done yet: no callback, nothing changes
    assert client.post(callback, {"version": 1, "satisfied": "yes"}).status_code == 400
    done = client.post(reverse("property:repair_done", args=[job.pk]), {"version": 1})
    assert done.status_code == 302
    job = RepairJob.objects.get(pk=job.pk)
    assert job.done_at is not None and job.done_at <= job.due_at  # on time: 小修不过夜
    # a second tab still holding version 1 is told someone changed it
    assert client.post(callback, {"version": 1, "satisfied": "yes"}).status_code == 409
    assert client.post(callback, {"version": 2, "satisfied": "yes"}).status_code == 302
    job = RepairJob.objects.get(pk=job.pk)
    assert job.called_back_at is not None and job.callback_satisfied is True
    figures = client.get(reverse("property:repairs")).context["figures"]
    assert (figures["done"], figures["on_time"], figures["called_back"]) == (1, 1, 1)


def test_fee5_standards_show_their_yearly_review_and_only_a_supervisor_sets_one(
    web_as, wy_agent, wy_supervisor, fee
):
    from kefu.property import rules
    from kefu.property.models import FeeType

    assert not rules.fee_review_due(dt.date(2026, 1, 15), dt.date(2027, 1, 14))
    assert rules.fee_review_due(dt.date(2026, 1, 15), dt.date(2027, 1, 15))
    assert rules.fee_review_due(None, dt.date(2027, 1, 15))
    # the fixture's standard was last reviewed on 2025-01-10: more than a year ago
    client = web_as(wy_supervisor)
    page = client.get(reverse("property:desk"))
    assert [(f.code, due) for f, due in page.context["fees"]] == [("wyf", True)]
    new = {
        "code": "lstcf",
        "name": "临时停车费",
        "kind": "temp_parking",
        "basis": "month",
        "unit_price": "5",
        "reviewed_on": timezone.localdate().isoformat(),
    }
    assert client.post(reverse("property:fee_save"), new).status_code == 302
    fees = {f.code: due for f, due in client.get("/property/").context["fees"]}
    assert fees == {"wyf": True, "lstcf": False}
    # an agent may not, a bad price is a 400; nothing changes either way
    refused = web_as(wy_agent).post(reverse("property:fee_save"), {**new, "unit_price": "9"})
    assert refused.status_code == 403
    bad = web_as(wy_supervisor).post(reverse("property:fee_save"), {**new, "unit_price": "-1"})
    assert bad.status_code == 400
    assert FeeType.objects.get(code="lstcf").unit_price == 5
