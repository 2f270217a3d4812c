"""Browser fixtures: Debian's chromium driven by Playwright, axe-core, and screenshots.

Why Debian's chromium and not Playwright's own download: the machines reach package
registries only, so the browser comes from apt (`apt-get install chromium`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@contextlib.contextmanager
def _chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def chromium() -> Callable[[], contextlib.AbstractContextManager[Browser]]:
    """`with chromium() as browser:` a headless Debian chromium. Open it after the ORM work.

    Why a context manager and not a browser fixture: Playwright's sync API runs an event
    loop in the test's thread, and Django refuses ORM calls from a thread with a running
    loop; the test creates its data first, then opens the browser.
    """
    return _chromium


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    """axe-core finds no violation on the page as it is now (the report is printed if it does)."""
    axe = Axe()

    def check(page: Page) -> None:
        results = axe.run(page)
        count = results.violations_count
        if count:
            print(f"axe-core violations on {page.url}:\n{results.generate_report()}")
        assert count == 0, f"{count} axe violation(s) on {page.url}"

    return check


@pytest.fixture
def assert_no_horizontal_scroll() -> Callable[[Page], None]:
    def check(page: Page) -> None:
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
        )
        assert widths["scroll"] <= widths["view"], f"{page.url} scrolls sideways: {widths}"

    return check


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)` saves a full-page PNG in artifacts/screenshots/ (CI keeps them)."""

    def save(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
