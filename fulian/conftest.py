import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from fulian.core.testing import Cast, build_cast

CHROMIUM = os.environ.get("FULIAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any, request: pytest.FixtureRequest) -> None:
    """Argon2 is the real hasher; tests that do not test hashing use a fast one."""
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def api_client() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


def _require_system_part(available: bool, what: str) -> None:
    """Skip a test whose system part (a Debian package) is missing, unless REQUIRE_E2E=1
    (CI), where missing parts fail instead of hiding."""
    if available:
        return
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"REQUIRE_E2E=1 but {what} is missing")
    pytest.skip(f"needs {what}")


@pytest.fixture(scope="session")
def cjk_pdf() -> None:
    """WeasyPrint with its system libraries and a Chinese font (fonts-noto-cjk)."""
    try:
        import weasyprint  # noqa: F401

        from fulian.events.documents import cjk_font_family

        cjk_font_family()
    except (OSError, ImportError, RuntimeError):
        _require_system_part(
            False, "WeasyPrint's Pango and a CJK font (apt-get install fonts-noto-cjk)"
        )


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """LibreOffice Calc (headless) to print a spreadsheet as a user would, and poppler's
    pdfinfo/pdftotext to read the result."""
    office = shutil.which("libreoffice") or shutil.which("soffice") or ""
    _require_system_part(
        bool(office) and bool(shutil.which("pdftotext")) and bool(shutil.which("pdfinfo")),
        "LibreOffice and poppler (apt-get install libreoffice-calc poppler-utils)",
    )
    return office


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright. Skips without Chromium, unless REQUIRE_E2E=1."""
    _require_system_part(
        os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
