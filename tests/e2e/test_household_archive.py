"""ARC-9 and PM-X5 in Chromium: an agent opens a household from the collection desk's arrears,
files a notice in its e-archive, finds it in the catalogue by a word of its title and downloads
it; records a tenant without a phone, sees the register flag the row and completes it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from testkit import PASSWORD

from kefu.customers import services as customers
from kefu.customers.models import PropertyUnit
from kefu.property.models import HouseholdDocument, Tenancy

_phones = itertools.count(13400000001)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_agent_files_a_document_and_completes_a_rental_row(browser, live_server, org, wy_agent):
    customer = customers.customer_create(
        actor=wy_agent, business_line=org.property, name="周业主", phone=str(next(_phones))
    )
    unit = PropertyUnit.objects.create(
        customer=customer, building="7栋", unit="2", room="1201", area_m2="98"
    )
    context, page = _sign_in(browser, live_server, wy_agent)

    page.goto(f"/property/households/{unit.pk}/")
    assert "周业主" in page.inner_text("#household-facts")
    page.select_option("#doc-kind", "notice")
    page.fill("#doc-title", "电梯更换施工通知")
    page.set_input_files(
        "#doc-file",
        files=[{"name": "电梯通知.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 lift"}],
    )
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#household-documents >> text=电梯更换施工通知")
    _shot(page, "household-archive-filed")

    page.click("#nav-archive")
    page.fill("#q", "电梯")
    page.click("#archive-search button[type=submit]")
    row = page.wait_for_selector("#archive-documents >> text=电梯更换施工通知")
    with page.expect_download() as info:
        row.click()
    assert info.value.suggested_filename == "电梯通知.pdf"
    assert HouseholdDocument.objects.get().unit_id == unit.pk

    page.click("#nav-rentals")
    page.select_option("#t-unit", str(unit.pk))
    page.fill("#t-name", "林租户")
    page.fill("#t-start", "2026-01-01")
    page.fill("#t-end", "2099-12-31")
    page.click("#tenancy-form button[type=submit]")
    page.wait_for_selector("#rentals >> text=缺联系电话")
    assert "0%" in page.inner_text("#rental-completeness")
    page.click("#rentals .tenancy-edit summary")
    page.fill("#rentals .tenancy-fix input[name=phone]", "13912345678")
    page.click("#rentals .tenancy-fix button[type=submit]")
    page.wait_for_selector("#rentals >> text=完整")
    assert "100%" in page.inner_text("#rental-completeness")
    assert Tenancy.objects.get().phone == "13912345678"
    _shot(page, "rental-register-complete")
    context.close()
