"""The SMS composer counts as the outbox bills (issue 17 §4: "SMS length shown while writing"):
the line's signature in front, 回复TD退订 at the end of a notice or reminder, 70 characters one
message, 67 a part when split; what it shows is what the sent row records."""

from __future__ import annotations

import pytest
from testkit import PASSWORD

from kefu.channels.messaging.models import OutboundMessage

pytestmark = pytest.mark.e2e


def test_the_composer_counts_signature_and_opt_out_as_the_outbox_bills(
    transactional_db, page, screenshot, org, supervisor, settings
):
    settings.KEFU_SMS_BACKEND = "log"
    page.goto("/accounts/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/messaging/")
    page.fill("#sms-to", "13800138000")
    page.select_option("#sms-kind", "message")
    page.fill("#sms-text", "您" * 64)  # 【网店】 + 64 = 68 characters: one message
    assert page.get_attribute("#sms-count", "data-parts") == "1"
    assert " 68 " in page.inner_text("#sms-count")
    page.select_option("#sms-kind", "notice")  # + " 回复TD退订" = 75: two parts of 67
    assert page.get_attribute("#sms-count", "data-parts") == "2"
    assert " 75 " in page.inner_text("#sms-count")
    screenshot("sms-composer")
    page.click("#sms-text ~ div button")
    page.wait_for_selector("#outbox-table tbody tr")
    row = OutboundMessage.objects.get()
    assert (row.kind, row.parts, len(row.text)) == ("notice", 2, 75)
    assert row.text.startswith("【网店】") and row.text.endswith(" 回复TD退订")
