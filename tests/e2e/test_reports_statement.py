"""The cockpit and the monthly statement in Chromium with no network (issue 22 "Must show"):
the home page's ECharts charts draw on a canvas from the static files, the statement ranks the
units, a figure drills down to its rows, the manager signs the month and downloads .xlsx and PDF.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kefu.reports import services, statement
from kefu.tickets import complaints
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.e2e

PAINTED = """(sel) => {
  const c = document.querySelector(sel + ' canvas');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


@pytest.fixture
def last_month(transactional_db, org, manager, agent, make_ticket):
    month = statement.month_of(timezone.localdate()).previous()
    units = {
        n: complaints.unit_create(actor=manager, business_line=org.shop, name=n, kind="station")
        for n in ("站点甲", "站点乙", "站点丙")
    }
    for name, count in (("站点甲", 4), ("站点乙", 2), ("站点丙", 1)):
        for _ in range(count):
            t = make_ticket(agent, type="complaint")
            complaints.handoff_create(
                actor=agent,
                ticket=t,
                unit=units[name],
                due_at=timezone.now() + dt.timedelta(days=1),
            )
    at = timezone.make_aware(dt.datetime.combine(month.start + dt.timedelta(days=9), dt.time(10)))
    Ticket.objects.update(created_at=at)
    for name, base in (("站点甲", 1000), ("站点乙", 500)):
        services.set_unit_base(user=manager, unit_id=units[name].pk, period=month.label, base=base)
    return month


def _context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, accept_downloads=True
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
    return context


def test_cockpit_charts_render_offline_and_the_statement_is_signed_and_exported(
    browser, live_server, last_month, manager, tmp_path
):
    from conftest import ARTIFACTS

    context = _context(browser, live_server, manager)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto("/", wait_until="domcontentloaded")
    page.wait_for_selector("#chart-type canvas")
    assert page.evaluate(PAINTED, "#chart-type") > 100  # ECharts drew bars, offline

    page.goto(f"/reports/monthly/?period={last_month.label}", wait_until="domcontentloaded")
    page.wait_for_selector("#chart-unit-ratio canvas")
    assert page.evaluate(PAINTED, "#chart-unit-ratio") > 100
    table = page.locator("#unit-ranking").inner_text()
    assert "无基数" in table and "0.40 %" in table  # 4 on 1,000 and 2 on 500 share rank 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-monthly.png"), full_page=True)

    page.click("#fig-complaints")
    page.wait_for_selector("#drill-rows")
    assert page.locator("#drill-rows tbody tr").count() == 7
    page.go_back()

    page.fill("#summary", "本月投诉集中在站点甲，已约谈整改。")
    page.click("#sign-form button")
    page.wait_for_selector("#signed")
    assert "站点甲" in page.locator("#signed").inner_text()

    with page.expect_download() as xlsx:
        page.click("#export-xlsx")
    assert xlsx.value.path().read_bytes()[:2] == b"PK"
    with page.expect_download() as pdf:
        page.click("#export-pdf")
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    context.close()


def test_the_cockpit_draws_offline_and_a_figure_drills_down_to_its_tickets(
    browser, live_server, last_month, manager, agent, make_ticket
):
    """Issue 22 §1: the manager's cockpit (also on the home page) draws its charts from the
    static files, and the figure 'received' opens exactly the tickets it counts."""
    from pathlib import Path

    for _ in range(3):
        make_ticket(agent, type="consult", channel="im")
    shots = Path("/tmp/shots-rep")
    shots.mkdir(exist_ok=True)
    context = _context(browser, live_server, manager)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto("/", wait_until="domcontentloaded")
    page.wait_for_selector("#cockpit-panel #chart-cockpit-type canvas")  # loaded after the page
    assert page.evaluate(PAINTED, "#chart-cockpit-type") > 100
    page.goto("/reports/cockpit/?days=7", wait_until="domcontentloaded")
    page.wait_for_selector("#chart-backlog canvas")
    assert page.evaluate(PAINTED, "#chart-backlog") > 100
    page.screenshot(path=str(shots / "cockpit-manager.png"), full_page=True)
    received = page.locator('[data-figure="received"] [data-value]').get_attribute("data-value")
    assert received == "3"  # last month's complaints are outside the 7 days
    page.click('[data-figure="received"]')
    page.wait_for_selector("#drill-rows")
    assert page.locator("#drill-rows tbody tr").count() == 3
    assert page.locator("#drill-total").get_attribute("data-count") == "3"
    page.screenshot(path=str(shots / "cockpit-drill.png"), full_page=True)
    page.goto("/reports/targets/", wait_until="domcontentloaded")
    page.wait_for_selector("#targets")
    page.screenshot(path=str(shots / "targets.png"), full_page=True)
    context.close()
