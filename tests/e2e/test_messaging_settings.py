"""The IM accounts and auto-replies pages in Chromium (issue 17 §4, §5; CH-2/3/4): a supervisor
adds an IM account, edits it, and an edit made from a page another supervisor had already saved
over is refused with the 409 message (nothing changed); the same for an auto-reply text."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kefu.channels.messaging import auto_texts
from kefu.channels.messaging.models import ImAccount

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    from conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def signed_in(browser, live_server, supervisor):
    client = Client()
    client.force_login(supervisor)
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url},
        ]
    )
    # no network: anything not served by this server is refused
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_im_accounts_add_edit_and_a_stale_edit_is_refused(
    transactional_db, signed_in, org, supervisor
):
    page = signed_in
    page.goto("/messaging/im-accounts/")
    page.fill("#account-new", "网店旗舰店:退款")
    page.fill("#name-new", "退款")
    page.select_option("#purpose-new", "refund")
    page.select_option("#team-new", str(org.aftersales2.pk))
    page.select_option("#type-new", "refund")
    page.click("#im-account-form button")
    page.wait_for_selector(".alert-success")
    account = ImAccount.objects.get(account="网店旗舰店:退款")
    assert (account.team_id, account.purpose, account.ticket_type) == (
        org.aftersales2.pk,
        "refund",
        "refund",
    )
    row = f"#im-account-{account.pk}"
    assert "退款" in page.inner_text(row)

    # the same account twice is refused and what was typed stays in the form
    page.fill("#account-new", "网店旗舰店:退款")
    page.fill("#name-new", "又一个")
    page.click("#im-account-form button")
    page.wait_for_selector(".alert-danger")
    assert page.input_value("#name-new") == "又一个"
    assert ImAccount.objects.count() == 1

    # edit: the topic changes
    page.click(f"{row} summary")
    page.fill(f"#name-{account.pk}", "退款售后")
    page.click(f"{row} form button")
    page.wait_for_selector(".alert-success")
    account.refresh_from_db()
    assert account.name == "退款售后"

    # a second supervisor's page still holds the old version: its save is refused (409)
    page.click(f"{row} summary")
    ImAccount.objects.filter(pk=account.pk).update(name="别人改的", version=account.version + 1)
    page.fill(f"#name-{account.pk}", "我的修改")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(f"{row} form button")
    assert answer.value.status == 409
    assert "其他人已同时修改了这条记录" in page.inner_text(".alert-danger")
    assert "别人改的" in page.inner_text(row)  # the page shows the account as it is now
    _shot(page, "messaging-im-accounts-stale")
    account.refresh_from_db()
    assert account.name == "别人改的"


def test_auto_reply_text_saved_and_a_stale_save_is_refused(
    transactional_db, signed_in, org, supervisor
):
    page = signed_in
    page.goto("/messaging/auto-replies/")
    row = "#auto-im-peak"
    page.click(f"{row} summary")
    page.fill("#text-im-peak", "咨询的人较多，常见问题请先看帮助中心：{help}")
    page.click(f"{row} form button")
    page.wait_for_selector(".alert-success")
    assert "咨询的人较多" in page.inner_text(row)
    assert auto_texts.template_for(org.shop, "peak", "im")[0].startswith("咨询的人较多")

    # another supervisor saves a new text meanwhile; this page's save is refused
    page.click(f"{row} summary")
    auto_texts.text_save(
        actor=supervisor, line=org.shop, channel="im", kind="peak", text="高峰期间请稍候"
    )
    page.fill("#text-im-peak", "我的版本")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(f"{row} form button")
    assert answer.value.status == 409
    assert "其他人已同时修改了这条记录" in page.inner_text(".alert-danger")
    assert "高峰期间请稍候" in page.inner_text(row)  # the page shows the text now saved
    _shot(page, "messaging-auto-replies-stale")
    assert auto_texts.template_for(org.shop, "peak", "im")[0] == "高峰期间请稍候"
