"""Browser tests: Debian's Chromium driven by Playwright's Python API against live_server.

`make test` installs chromium and fonts-wqy-microhei when missing (tests/e2e/ensure_chromium.sh);
the tests are skipped, with the reason, only where that was impossible (not root, no network).
Screenshots land in test-artifacts/ so a person can look at the pages.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from tickets.conftest import make_customer, make_ticket  # noqa: F401  (shared fixtures)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime:
    """On SQLite the live server's request threads share the test's one in-memory connection.
    Two pages' requests querying at once (a page and its htmx panels) deadlocked there: one
    thread inside sqlite3 waiting for the GIL to run one of Django's Python SQL functions,
    another holding the GIL and waiting for the connection. So on SQLite the live server answers
    one request at a time; each browser connection still has its own thread."""

    lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session", autouse=True)
def _sqlite_live_server_one_request_at_a_time(django_db_setup):
    from django.db import connection
    from django.test import testcases

    original = testcases.WSGIHandler
    if connection.vendor == "sqlite":
        testcases.WSGIHandler = type("OneRequestAtATime", (_OneRequestAtATime, original), {})
    yield
    testcases.WSGIHandler = original


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (tests/e2e/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(name: str, of=None) -> Path:
        """``of``: the page to shoot when the test signed in a context of its own."""
        path = ARTIFACTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    return _shot
