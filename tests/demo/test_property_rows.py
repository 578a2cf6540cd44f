"""The demo's property office (issue 21): a supervisor's first page of fee collection shows true,
non-zero figures recomputed from the rows, households in arrears, a 催缴函 batch in the letter
register, and repairs done and called back."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.customers import services as customers
from kefu.customers.models import PropertyUnit
from kefu.demo.property_rows import build_property_rows
from kefu.property import selectors
from kefu.property.models import Bill, Payment, RepairJob

pytestmark = pytest.mark.django_db
_phones = itertools.count(13300000001)


def test_demo_property_rows_give_true_figures(org, wy_agent):
    sup = make_user("wy_supervisor", "supervisor", department=org.wy_front.department)
    for i in range(60):
        customer = customers.customer_create(
            actor=None, business_line=org.property, name=f"业主{i}", phone=str(next(_phones))
        )
        PropertyUnit.objects.create(customer=customer, building=f"{i % 4 + 1}栋", room=f"{i}")
    now = timezone.now()
    assert build_property_rows(now=now, seed=7) > 0
    year = timezone.localdate(now).year
    report = selectors.collection_rate(bills=selectors.bills_for(sup), year=year)
    assert report["billed_yuan"] > 0 and 0 < report["rate"] < 1
    paid = sum(p.amount for p in Payment.objects.filter(bill__year=year))
    assert report["collected_yuan"] == paid
    assert selectors.arrears(bills=Bill.objects.all(), as_of=timezone.localdate(now)).exists()
    # LOG-5: the 催缴函 batch is tracked to results, some households paid after it
    (batch,) = selectors.with_results(selectors.batches_for(sup))
    assert batch.letter_count > 0 and batch.paid_households >= 1 and batch.paid_yuan > 0
    jobs = selectors.repairs_for(sup)
    figures = selectors.repair_figures(jobs)
    assert figures["done"] > 0 and figures["called_back"] > 0
    assert not RepairJob.objects.filter(reported_at__gt=now).exists()
    assert not Bill.objects.filter(period__gt=timezone.localdate(now)).exists()


def test_demo_archive_and_rental_register_have_true_figures(org, wy_agent):
    from kefu.property import activities, archive, rentals
    from kefu.property.models import HouseholdDocument

    make_user("wy_supervisor", "supervisor", department=org.wy_front.department)
    for i in range(80):
        customer = customers.customer_create(
            actor=None, business_line=org.property, name=f"业主{i}", phone=str(next(_phones))
        )
        PropertyUnit.objects.create(customer=customer, building=f"{i % 4 + 1}栋", room=f"{i}")
    now = timezone.now()
    build_property_rows(now=now, seed=7)

    found = archive.catalogue(wy_agent)
    kinds = {value: n for value, _label, n in found["kinds"]}
    assert kinds["owner_info"] == 80 and kinds["fee_record"] == 80
    assert kinds["notice"] > 0  # the 催缴函 batch's copies at least
    assert found["total"] == HouseholdDocument.objects.count()
    doc = HouseholdDocument.objects.filter(kind="fee_record").first()
    text = doc.file.read().decode()
    assert text.startswith("账期,费用") and str(timezone.localdate(now).year - 1) in text
    reg = rentals.register(wy_agent)
    assert reg["rented"] > 0 and 0 < reg["complete"] <= reg["rented"]
    assert reg["completeness"] == rentals.rules.completeness(reg["complete"], reg["rented"])
    assert activities.centre_fees_for(wy_agent).count() == 6
    from kefu.demo.archive_rows import build_archive_rows

    again = build_archive_rows(
        line=org.property, supervisor=None, agent=None, units=[], now=now, rng=None
    )
    assert again == 0  # a second run files nothing twice
