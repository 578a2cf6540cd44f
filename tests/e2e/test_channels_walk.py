"""Every channels page in Chromium as a supervisor, a lead and an agent, in zh-hans and in
English (issue 17): the mailboxes, the SMS outbox and inbound messages, the IM accounts, the
auto-replies with the peak thresholds, the complaint feeds of each source and the contact
registers. Each page answers (a page above the role is a 403 in the user's language, never a
500), its links inside the channels answer too (no dead link), and its visible text has no raw
code and, in Chinese, no English left untranslated (the page walk's rules). Screenshots in
test-artifacts/channels-walk-*.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kefu.channels import services
from kefu.channels.messaging import feeds, outbox, peak
from kefu.channels.messaging.models import FeedSource

pytestmark = pytest.mark.e2e

PAGES = (
    "/mail/",
    "/messaging/",
    "/messaging/inbound/",
    "/messaging/im-accounts/",
    "/messaging/auto-replies/",
    "/messaging/complaint-feed/",
    "/messaging/complaint-feed/?source=12345",
    "/followups/registers/",
)
# links followed from the pages: the channels' own
LINK_PREFIXES = ("/mail/", "/messaging/", "/followups/registers/")


def _data(org, manager, agent):
    from channels.mailkit import eml

    mailbox = services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )
    from django.test import override_settings

    # the acknowledgement's subject is in the installation's language (zh-hans, as shipped):
    # the letter register shows it on the Chinese pages
    with override_settings(LANGUAGE_CODE="zh-hans"):
        services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    for n, source in enumerate(FeedSource.values):
        feeds.receive(
            line=org.shop,
            source=source,
            row={
                "id": f"{source if source.isdigit() else 'LF'}2026120{n}",
                "phone": f"1380013800{n}",
                "text": "报纸连续三天没送到",
                "station": org.aftersales1.name,
            },
            via="file",
        )
    outbox.send(to="13800138000", text="您的工单已受理", business_line=org.shop)
    peak.check(org.shop)


def _context(browser, live_server, user, language):
    client = Client()
    client.force_login(user)
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
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    return context


def test_every_channels_page_as_each_role_in_both_languages(
    transactional_db, browser, live_server, org, manager, supervisor, lead, agent
):
    from conftest import ARTIFACTS
    from core.test_page_walk import Codes, check_page, visible

    _data(org, manager, agent)
    codes = Codes()
    ARTIFACTS.mkdir(exist_ok=True)
    problems, statuses = [], {}
    for user in (supervisor, lead, agent):
        for language in ("zh-hans", "en"):
            context = _context(browser, live_server, user, language)
            page = context.new_page()
            page.set_default_timeout(120_000)
            links: set[str] = set()
            for path in PAGES:
                answer = page.goto(path)
                statuses[(user.username, language, path)] = answer.status
                if answer.status >= 500 or answer.status == 404:
                    problems.append(f"{path} as {user.username} [{language}]: {answer.status}")
                    continue
                html = page.content()
                assert f'lang="{language}"' in html
                chunks, hrefs = visible(html)
                problems += check_page(path, chunks, language, codes)
                links.update(
                    h.split("#")[0]
                    for h in hrefs
                    if h.startswith(LINK_PREFIXES)
                    and not h.split("?")[0].endswith((".xlsx", ".eml"))  # downloads
                )
                name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
                page.screenshot(
                    path=str(ARTIFACTS / f"channels-walk-{user.username}-{language}-{name}.png"),
                    full_page=True,
                )
            for href in sorted(links - set(PAGES))[:40]:  # bounded: the pages link few
                answer = page.goto(href)
                if answer.status >= 500 or answer.status == 404:
                    problems.append(f"dead link {href} as {user.username}: {answer.status}")
                else:
                    problems += check_page(href, visible(page.content())[0], language, codes)
            context.close()
    assert not problems, "\n".join(problems[:60])
    # what each role may open: the settings pages are the supervisor's
    for language in ("zh-hans", "en"):
        assert statuses[("supervisor", language, "/messaging/auto-replies/")] == 200
        assert statuses[("agent", language, "/messaging/complaint-feed/")] == 200
        assert statuses[("agent", language, "/followups/registers/")] == 200
