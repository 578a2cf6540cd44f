"""ARC-12 / FEE-1: the household facts the collection desk works from: who owes, floor area,
amount and the reason for not paying, set from the arrears table and counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from testkit import make_user

from kefu.core.errors import Invalid, NotFound
from kefu.property import selectors, services
from kefu.property.models import Bill, UnitProfile

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 1)


@pytest.fixture
def owing(wy_supervisor, make_unit, fee):
    units = [make_unit(room=f"10{n}", area="80") for n in range(3)]
    services.bills_issue(
        actor=wy_supervisor, fee_code="wyf", period="2026-01-01", due_on="2026-01-31"
    )
    paid = Bill.objects.get(unit=units[2])
    services.payment_record(
        actor=wy_supervisor, bill_id=paid.pk, amount=paid.amount, paid_on="2026-01-20"
    )
    return units


def test_reason_is_kept_with_the_household_and_counted(wy_supervisor, owing):
    a, b, paid = owing
    services.arrears_reason_set(actor=wy_supervisor, unit_id=a.pk, reason="service")
    services.arrears_reason_set(actor=wy_supervisor, unit_id=paid.pk, reason="dispute")
    bills = selectors.bills_for(wy_supervisor)

    rows = selectors.with_units(selectors.arrears(bills=bills, as_of=AS_OF))
    facts = {r["unit_id"]: (r["area_m2"], r["arrears"], r["reason"]) for r in rows}
    assert facts == {a.pk: (80, 200, "service"), b.pk: (80, 200, "")}
    counts = {
        r["reason"]: r["households"] for r in selectors.arrears_reasons(bills=bills, as_of=AS_OF)
    }
    assert counts == {"service": 1, "": 1}  # the paid household's reason is not counted


def test_unknown_reason_or_another_lines_unit_is_refused(org, wy_supervisor, owing):
    with pytest.raises(Invalid):
        services.arrears_reason_set(actor=wy_supervisor, unit_id=owing[0].pk, reason="lazy")
    shop = make_user("shop_r", "agent", team=org.aftersales1)
    with pytest.raises(NotFound):
        services.arrears_reason_set(actor=shop, unit_id=owing[0].pk, reason="service")
    assert not UnitProfile.objects.exclude(arrears_reason="").exists()


def test_desk_sets_the_reason_from_the_arrears_table(wy_supervisor, owing, client):
    client.force_login(wy_supervisor)
    url = reverse("property:arrears_reason", args=[owing[0].pk])

    assert client.post(url, {"reason": "hardship"}).status_code == 302
    assert client.post(url, {"reason": "nonsense"}).status_code == 400
    page = client.get(reverse("property:desk")).content.decode()
    assert '<option value="hardship" selected' in page
    assert UnitProfile.objects.get(unit=owing[0]).arrears_reason == "hardship"
