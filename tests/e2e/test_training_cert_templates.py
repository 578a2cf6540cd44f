"""Certification templates in a real browser (PK-4): a lead makes the 双11 certification from its
template, makes role-play a must-pass component and saves; the page shows the six components
in Chinese and in English."""

from __future__ import annotations

import pytest
from testkit import PASSWORD

from kefu.training.models import Certification

pytestmark = pytest.mark.e2e


def _signed_in(browser, live_server, user, locale):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def test_a_lead_makes_the_double11_certification_and_edits_it(
    browser, live_server, org, lead, screenshot
):
    context, page = _signed_in(browser, live_server, lead, "zh-CN")
    page.goto("/training/certifications/")
    page.check("#tpl-double11")
    page.click("#cert-template-form button[type=submit]")
    page.wait_for_selector("text=双11上岗认证")
    assert page.locator("#certifications tbody tr").count() == 6
    page.check("input[name=must_roleplay]")
    page.fill("input[name=threshold]", "80")
    page.click("#certifications button[type=submit]")
    page.wait_for_selector("text=认证已保存")
    cert = Certification.objects.get()
    assert float(cert.threshold) == 80 and cert.version == 2
    assert next(c for c in cert.components if c["code"] == "roleplay")["must_pass"]
    screenshot("training-certifications-zh", of=page)
    context.close()
    context, page = _signed_in(browser, live_server, lead, "en-GB")
    page.goto("/training/certifications/")
    page.wait_for_selector("text=Live drill")
    screenshot("training-certifications-en", of=page)
    context.close()
