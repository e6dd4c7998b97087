"""Accessibility of the register's pages: axe-core, the keyboard, and a phone's screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser

STAFF_PAGES = {
    "register list": "/register/BE/",
    "ledger": "/register/BE/{number}/",
    "admission queue": "/register/BE/admissions/",
    "policy editor": "/register/BE/policy/",
    "simulation report": "/register/BE/policy/simulate/",
}


def test_public_pages_have_no_serious_accessibility_violation_in_any_language(
    live_server: Any, world: Any, new_page: Any
) -> None:
    page = new_page()
    found = {}
    for language in ("fr", "nl", "en"):
        use_language(page, live_server.url, language)
        for name, path in (("landing", "/"), ("login", "/accounts/login/")):
            page.goto(live_server.url + path)
            found[f"{name} ({language})"] = serious_violations(page)
    assert found == {key: [] for key in found}


def test_the_member_page_has_no_serious_accessibility_violation_in_any_language(
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


def test_staff_pages_have_no_serious_accessibility_violation(
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


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    live_server: Any, world: Any, new_page: Any
) -> None:
    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    page.goto(f"{live_server.url}/me/")

    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent.trim()]")
    assert focused == ["A", "Skip to content"]
    assert page.locator(".skip").is_visible()

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("who, path", [("member", "/me/"), ("staff", "/register/BE/")])
def test_on_a_phone_the_page_never_scrolls_sideways_and_tables_scroll_in_their_frame(
    live_server: Any, world: Any, new_page: Any, who: str, path: str
) -> None:
    page = new_page(width=390, height=844)
    sign_in(page, live_server.url, f"{who}@example.org", with_totp=who == "staff")
    page.goto(live_server.url + path)

    page_width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert page_width[0] <= page_width[1]
    for frame in page.locator(".table-wrap").all():
        box = frame.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # A table wider than the screen scrolls inside its frame, which the keyboard can reach.
    assert serious_violations(page) == []
