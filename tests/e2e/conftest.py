"""Real-browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser: /usr/bin/chromium only. Without it the tests skip with the reason,
unless E2E_REQUIRED=1 (CI sets it), when a missing browser fails them instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in the main thread, which makes Django refuse ORM
# calls from fixtures and tests as "async unsafe". Nothing here is really async. Set only while a
# browser runs (see `browser`): left in os.environ it would leak into other tests' subprocesses,
# where `manage.py check --deploy` rightly rejects it.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
DEMO_PASSWORD = "demo12345"


def _unavailable(reason: str):
    """Skip, or fail when the run insists on real-browser tests (E2E_REQUIRED=1, as in CI)."""
    if os.environ.get("E2E_REQUIRED", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"E2E_REQUIRED is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def browser(portal):
    """Chromium, started for each test after the database is set up and stopped before it is flushed.

    Not session-scoped on purpose: Playwright's sync API runs the test inside a greenlet with its own
    context variables, where Django sees a different database connection. A test database restored
    by serialized rollback must be set up before Playwright starts, or the Wagtail root page is lost.
    """
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -e '.[dev]')")
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken browser install must say so plainly
        manager.stop()
        _restore(previous)
        _unavailable(f"Chromium at {CHROMIUM} would not start: {exc}")
    try:
        yield chromium
    finally:
        chromium.close()
        # Close the connections Django opened inside Playwright's context, or the flush and the
        # test database's removal would wait on them.
        connections.close_all()
        manager.stop()
        _restore(previous)


def _restore(previous: str | None) -> None:
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test, in Chinese, on a desktop-sized window."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def portal(live_server, street, roles):
    """The demo street served on loopback: Wagtail site, home and chart pages, demo users."""
    from portal.site import ensure_site

    ensure_site(street["street"])
    return live_server


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/e2e/, named after the test and a label."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")

    def take(tab, label: str) -> Path:
        path = ARTIFACTS / f"{test_name}--{label}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(tab, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Open the portal (public since the notices issue), follow the menu's log-in link, fill in the
    form like a person and submit."""
    tab.goto(base_url + "/")
    tab.click(".site-nav .nav-account a")
    tab.wait_for_url(re.compile(r"/accounts/login/"))
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    tab.click("form.form button[type=submit]")
    tab.wait_for_url(base_url + "/")
