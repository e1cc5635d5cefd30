"""The page in headless Chromium (Debian's, through Playwright: no browser download), against
the embedded default with a worker for every queue. Screenshots go to `artifacts/ui/`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.conftest import API_KEY, ROOT, Service, base_env

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "ui"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("ui")
    with Service(base_env(folder / "data"), folder, queues="ocr,face") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (make browser)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def open_page(browser: Browser, service: Service, locale: str = "en-US") -> Page:
    """The page with the API key entered and kept, as a user does once."""
    context = browser.new_context(
        locale=locale, accept_downloads=True, viewport={"width": 1280, "height": 1600}
    )
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{service.port}/")
    page.fill("#api-key", API_KEY)
    page.click("#key-form button[type=submit]")
    return page


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts() -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
