"""Issue 21 in Chromium: the property office, the lesson desk, the 4S workshop and the repair
centre walked as each demo role that works there, in Chinese and in English, on the demo data.
Every page of the desk (and each object page it links to, one per route) answers without a
server error, speaks words rather than codes (the page walk's checks: no field names, choice
values, audit codes or requirement tags; in Chinese no untranslated msgid or stray English
word), and every link on it leads somewhere (no 4xx/5xx). The More menu offers each role its own
desks only. A screenshot of every page lands in test-artifacts/desks-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from core.test_page_walk import Codes, check_page, visible
from django.urls import Resolver404, resolve

from kefu.demo.builder import DEMO_PASSWORD as PASSWORD

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_TICKETS = 120

PROPERTY = [
    "/property/",
    "/property/repairs/",
    "/property/cash/",
    "/property/visits/",
    "/property/activities/",
    "/property/archive/",
    "/property/rentals/",
]
# role → (the desks' pages to start from, the path prefixes whose links are followed, the
# More-menu entries the role sees)
ROLES = {
    "wy_agent": (PROPERTY, ("/property/",), {"nav-property"}),
    "wy_supervisor": (PROPERTY, ("/property/",), {"nav-property"}),
    "edu_agent": (["/booking/"], ("/booking/",), {"nav-booking"}),
    "edu_lead": (["/booking/"], ("/booking/",), {"nav-booking"}),
    "edu_supervisor": (["/booking/"], ("/booking/",), {"nav-booking"}),
    "agent": (["/booking/repairs/"], ("/booking/repairs/",), {"nav-repair-centre"}),
    "supervisor": (["/booking/repairs/"], ("/booking/repairs/",), {"nav-repair-centre"}),
    "4s_agent": (["/booking/workshop/"], ("/booking/workshop/",), {"nav-workshop"}),
}
DESK_NAV = ("nav-property", "nav-booking", "nav-workshop", "nav-repair-centre")
LOCALES = (("zh-CN", "zh-hans"), ("en-US", "en"))
MAX_PAGES = 25  # per role and language, one per route
LINKS_PER_ROUTE = 3  # links checked for each route a page links to


@pytest.fixture
def demo(transactional_db):
    from huey.contrib.djhuey import HUEY

    from kefu.core.i18n import compile_all
    from kefu.demo.builder import build_demo

    compile_all()
    immediate, HUEY.immediate = HUEY.immediate, False
    try:
        build_demo(tickets=DEMO_TICKETS, seed=21)
    finally:
        HUEY.immediate = immediate
    return Codes()


def _sign_in(browser, live_server, username, locale, first):
    """Signed in straight onto the desk's first page: the home page's month figures (an htmx
    fragment) take minutes for the shop's supervisor on SQLite and would hold the walk."""
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"/accounts/login/?next={first}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _local(base: str, href: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    url = urlsplit(urljoin("http://testserver" + base, href))
    if url.netloc != "testserver" or url.path.startswith(("/static/", "/media/", "/api/")):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def _slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


def _walk(page, username, lang, codes, start, follow) -> tuple[list[str], int]:
    problems: list[str] = []
    seen_routes: set[str] = set()
    checked_links: dict[str, tuple[int, bool]] = {}
    per_route: dict[str, set[str]] = {}
    queue = list(start)
    shots = 0
    while queue and len(seen_routes) < MAX_PAGES:
        url = queue.pop(0)
        route = _route(url.split("?")[0])
        if route is None or route in seen_routes:
            continue
        seen_routes.add(route)
        answer = page.goto(url)
        if answer is None or answer.status != 200:
            problems.append(f"{url} [{lang}] answered {answer.status if answer else 'nothing'}")
            continue
        page.wait_for_load_state("networkidle")
        html = page.content()
        text = page.inner_text("main")
        if "Traceback" in text or "{{" in text or "{%" in text:
            problems.append(f"{url} [{lang}] shows template or error text")
        chunks, _all_links = visible(html)
        problems.extend(check_page(url, chunks, lang, codes))
        # the page's own links (the menu's are every page's, checked by the page walk)
        links = page.eval_on_selector_all(
            "main a[href], main [hx-get]",
            "els => els.map(e => e.getAttribute('href') || e.getAttribute('hx-get'))",
        )
        page.screenshot(
            path=str(ARTIFACTS / f"desks-{username}-{lang}-{_slug(url)}.png"), full_page=True
        )
        shots += 1
        for href in links:
            target = _local(url, href)
            if target is None:
                continue
            target_route = _route(target.split("?")[0]) or target
            sampled = per_route.setdefault(target_route, set())
            if target not in checked_links and len(sampled) >= LINKS_PER_ROUTE:
                continue  # a list's hundred rows link to one route: a few of them are checked
            if target not in checked_links:  # a dead link is a 4xx or 5xx
                sampled.add(target)
                answer = page.request.get(target, max_redirects=5)
                html_page = "text/html" in answer.headers.get("content-type", "")
                checked_links[target] = (answer.status, html_page)
                if answer.status >= 400:
                    problems.append(f"{url} [{lang}] links to {target}: {answer.status}")
            status, html_page = checked_links[target]
            if target.startswith(follow) and html_page and status < 400:
                queue.append(target)  # a download (a document, a printout) is not walked
    return problems, shots


def test_each_desk_walked_by_its_roles_in_both_languages(demo, browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    shots = 0
    for username, (start, follow, menu) in ROLES.items():
        for locale, lang in LOCALES:
            context, page = _sign_in(browser, live_server, username, locale, start[0])
            try:
                shown = {n for n in DESK_NAV if page.locator(f"#{n}").count()}
                assert shown == menu, (username, shown)
                found, taken = _walk(page, username, lang, demo, start, follow)
                problems.extend(f"{username}: {p}" for p in found)
                shots += taken
            finally:
                context.close()
    (ARTIFACTS / "desks-walk.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert not problems, "\n".join(problems[:40])
    assert shots >= 2 * (2 * len(PROPERTY) + 3 + 3)
