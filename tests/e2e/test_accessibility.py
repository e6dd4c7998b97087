"""Accessibility of the register's pages: axe-core, the keyboard, and a phone's screen.

Several checks share one signed-in page: each test costs a database flush, which is slow on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser

STAFF_PAGES = {
    "register list": "/register/BE/",
    "ledger": "/register/BE/{number}/",
    "admission queue": "/register/BE/admissions/",
    "policy editor": "/register/BE/policy/",
    "simulation report": "/register/BE/policy/simulate/",
}
PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page: Any) -> None:
    """No sideways page scroll; every table frame stays on screen (a wide table scrolls inside it)."""
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, page.url
    for frame in page.locator(".table-wrap").all():
        box = frame.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], page.url


def test_public_pages_speak_every_language_with_no_serious_accessibility_violation(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from django.utils import translation

    page = new_page()
    found = {}
    for language in ("fr", "nl", "en"):
        use_language(page, live_server.url, language)
        for name, path in (("landing", "/"), ("sign-in", "/accounts/login/")):
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == language
            found[f"{name} ({language})"] = serious_violations(page)
        with translation.override(language):
            sign_in_title = translation.gettext("Sign In")
        expect(page.get_by_role("heading", level=1)).to_have_text(sign_in_title, use_inner_text=True)
    assert found == {key: [] for key in found}


def test_the_member_page_is_accessible_in_every_language_by_keyboard_and_on_a_phone(
    live_server: Any, world: Any, new_page: Any
) -> None:
    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    found = {}
    for language in ("fr", "nl", "en"):
        use_language(page, live_server.url, language)
        page.goto(f"{live_server.url}/me/")
        found[language] = serious_violations(page)
    assert found == {"fr": [], "nl": [], "en": []}

    # The skip link is the first tab stop, and following it puts the focus on the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent.trim()]")
    assert focused == ["A", "Skip to content"]
    expect(page.locator(".skip")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.set_viewport_size(PHONE)
    page.reload()
    _fits_the_screen(page)
    # A table wider than the phone scrolls in its frame, which the keyboard can reach (axe checks it).
    assert serious_violations(page) == []


def test_staff_pages_have_no_serious_accessibility_violation_and_the_register_fits_a_phone(
    live_server: Any, world: Any, new_page: Any
) -> None:
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    number = world.member.person.memberships.get(cooperative=world.units["BE"]).number
    found = {}
    for name, path in STAFF_PAGES.items():
        response = page.goto(live_server.url + path.format(number=number))
        assert response.ok, f"{name}: HTTP {response.status}"
        found[name] = serious_violations(page)
    assert found == {key: [] for key in found}

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/register/BE/")
    _fits_the_screen(page)
    assert serious_violations(page) == []
