"""The API tokens page in Debian's Chromium: an officer signed in with TOTP creates, reads and revokes a
token by label and keyboard; axe-core finds no serious violation, on a desktop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_an_officer_creates_and_revokes_a_token_by_keyboard_on_an_accessible_page(
    live_server: Any,
    world: Any,
    new_page: Any,
) -> None:
    from coopgov.accounts.models import ApiToken

    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My API tokens", use_inner_text=True)
    assert serious_violations(page) == []

    page.get_by_label("Name (what the token is for)").fill("register export")
    days = page.get_by_label("Valid for (days)")
    days.fill("30")
    days.press("Enter")  # submits the form, as a keyboard user would
    shown = page.get_by_label("Copy it now: it will not be shown again.")
    raw = shown.input_value()
    stored = ApiToken.objects.get(user__email="staff@example.org")
    assert raw.startswith(stored.prefix) and stored.expires_at is not None
    assert serious_violations(page) == []

    revoke = page.get_by_role("button", name=f"Revoke the token {stored.prefix}…")
    revoke.focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="is revoked").wait_for()
    stored.refresh_from_db()
    assert stored.revoked_at is not None

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= client
    assert serious_violations(page) == []
