"""The agent's daily pages at phone width, and the English navigation at 1,400 px (issue 15).

At 390 × 844 the callback workbench, the customer list, my promises and tasks, the
notifications and the knowledge list must not scroll sideways in either language: their table
rows become cards. At 1,400 px the English navigation stays on one line. Screenshots go to
test-artifacts/ so a person can look at them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kefu.accounts.models import User
from kefu.followups.models import CallbackTask
from kefu.followups.services.policies import policies_seed
from kefu.knowledge.seed import seed_demo_knowledge
from kefu.tickets import complaints
from kefu.tickets.models_sla import Notification
from kefu.tickets.notify import notify
from kefu.tickets.services import ticket_update

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DAILY_PAGES = {
    "callbacks": "/followups/",
    "customers": "/customers/",
    "tasks": "/sla/tasks/",
    "notifications": "/sla/notifications/",
    "knowledge": "/kb/",
}
LONG_TITLE = "客户反映快递三天未更新物流信息要求尽快核实并回电说明具体原因和预计到货时间"


@pytest.fixture
def agents_day(transactional_db, org, agent, make_customer, make_ticket):
    """What an agent's pages hold on a working day: customers, tickets, callbacks due after a
    resolution, a promise, notifications and the knowledge base."""
    policies_seed(org.shop)
    seed_demo_knowledge(org.shop)
    for n in range(4):
        customer = make_customer(
            name=f"欧阳{n}号客户", phone=f"1390000{n:04d}", address="上海市浦东新区张江路1000弄88号"
        )
        ticket = make_ticket(agent, customer=customer, title=f"{LONG_TITLE}{n}", type="return")
        ticket = ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
        )
        ticket = ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )
        # as if resolved five days ago: the first callback's window (days 3–7) is open today
        today = timezone.localdate()
        CallbackTask.objects.filter(ticket_id=ticket.pk).update(
            window_start=today - dt.timedelta(days=2), window_end=today + dt.timedelta(days=2)
        )
        complaints.promise_create(
            actor=agent, ticket=ticket, title="半小时内回电说明处理进度", minutes=30
        )
        notify([agent], kind=Notification.Kind.TASK, ticket=ticket, text=f"{LONG_TITLE}{n}")
    return agent


def _signed_in_context(browser, live_server, user, language, viewport):
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_agents_daily_pages_fit_a_phone(browser, live_server, agents_day, language):
    from conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    context = _signed_in_context(browser, live_server, agents_day, language, PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    too_wide = {}
    try:
        for name, path in DAILY_PAGES.items():
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            page.screenshot(path=str(ARTIFACTS / f"phone-{name}-{language}.png"), full_page=True)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[path] = width
    finally:
        context.close()

    assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"


@pytest.mark.parametrize("width", [1400, 1280])
def test_english_navigation_is_one_line_at_1400_px(browser, live_server, org, admin_user, width):
    from conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    # the demo administrator's name, as long as the button will have to show
    User.objects.filter(pk=admin_user.pk).update(display_name="系统管理员")
    context = _signed_in_context(
        browser, live_server, admin_user, "en", {"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.screenshot(
            path=str(ARTIFACTS / f"nav-{width}-en.png"),
            clip={"x": 0, "y": 0, "width": width, "height": 120},
        )
        # every link and control of the bar: its text on one line, all of them on one row
        lines = page.evaluate(
            """() => [...document.querySelectorAll(
                     '#nav .nav-link, #nav .btn, #nav select, #nav input[type=search]')]
                 .filter(el => el.offsetParent !== null)
                 .map(el => {
                   const range = document.createRange();
                   range.selectNodeContents(el);
                   const rows = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                   const box = el.getBoundingClientRect();
                   return {text: el.innerText || el.value || el.tagName, rows: rows.size,
                           middle: Math.round(box.top + box.height / 2), width: box.width,
                           right: box.right};
                 })"""
        )
        toggler_shown = page.evaluate(
            "getComputedStyle(document.querySelector('.navbar-toggler')).display !== 'none'"
        )
        bar_height = page.evaluate(
            "document.querySelector('nav.navbar').getBoundingClientRect().height"
        )
    finally:
        context.close()

    assert not toggler_shown, "the navigation is collapsed at 1,400 px"
    wrapped = [item["text"] for item in lines if item["rows"] > 1]
    assert not wrapped, f"labels broken over lines: {wrapped}"
    middles = [item["middle"] for item in lines]
    assert max(middles) - min(middles) <= 6, f"the bar wraps: {lines}"
    squeezed = [item["text"] for item in lines if item["width"] < 40]
    assert not squeezed, f"squeezed controls: {squeezed}"
    assert bar_height <= 64
    cut = [item["text"] for item in lines if item["right"] > width]
    assert not cut, f"beyond the right edge: {cut}"
