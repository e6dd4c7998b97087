"""Joining a cooperative in the browser: a visitor applies on a phone by keyboard alone, and the candidate
appears in the staff's admission queue with the shares asked for."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _type_into(page: Any, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def test_a_visitor_applies_by_keyboard_on_a_phone_and_staff_find_the_candidate(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.members.models import Membership

    cache.clear()
    page = new_page(**PHONE)
    use_language(page, live_server.url, "en")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Not a member yet? Apply to join a cooperative").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Apply to Smart Belgium").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Become a member of Smart Belgium")
    assert serious_violations(page) == []

    _type_into(page, "First name:", "Elif")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Last name:", exact=True)).to_be_focused()
    page.keyboard.type("Yilmaz")
    _type_into(page, "E-mail address:", "elif@example.org")
    _type_into(page, "Postal address:", "Rue Haute 1, 1000 Bruxelles")
    page.get_by_label("Home antenna:").focus()
    page.keyboard.type("Bruxelles")
    page.get_by_role("checkbox", name="Worker-entrepreneur").focus()
    page.keyboard.press("Space")
    page.get_by_label("Category of members:").focus()
    page.keyboard.type("A")
    shares = page.get_by_label("Number of shares:")
    shares.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    expect(page.locator("#total-eur")).to_have_text("90.00")

    # Forgetting the statutes: the error is on that field, nothing is recorded.
    page.get_by_role("button", name="Send my application").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was recorded")
    statutes = page.get_by_role("checkbox", name=re.compile("I have read and accept the statutes"))
    expect(statutes).to_have_attribute("aria-invalid", "true")
    assert not Membership.objects.filter(person__email="elif@example.org").exists()
    assert serious_violations(page) == []

    statutes.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send my application").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Application received")
    expect(page.get_by_role("main")).to_contain_text("The board of directors decides on your application")
    expect(page.get_by_role("main")).to_contain_text("A confirmation is on its way to elif@example.org.")
    assert serious_violations(page) == []

    staff = new_page()
    sign_in(staff, live_server.url, "staff@example.org", with_totp=True)
    staff.goto(f"{live_server.url}/register/BE/admissions/")
    card = staff.get_by_role("region", name=re.compile("Elif Yilmaz"))
    expect(card).to_contain_text("3 × class A at 30.00 € = 90.00 €")
    expect(card).to_contain_text("Worker-entrepreneur")
    expect(card).to_contain_text("Online application")


def test_staff_enter_a_paper_application_from_the_queue(live_server: Any, world: Any, new_page: Any) -> None:
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(f"{live_server.url}/register/BE/admissions/")
    page.get_by_role("link", name="Enter a paper application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New candidate")
    assert serious_violations(page) == []
    page.get_by_role("radio", name=re.compile("an organisation")).check()
    page.get_by_label("Legal name of the organisation:").fill("Urbike SC")
    page.get_by_label("Name of its representative:").fill("Jan Peeters")
    page.get_by_label("E-mail address:").fill("urbike@example.org")
    page.get_by_label("Postal address:").fill("Rue du Vélo 2, 1000 Bruxelles")
    page.get_by_label("Home antenna:").select_option(label="Bruxelles")
    page.get_by_role("checkbox", name="Partner").check()
    page.get_by_label("Category of members:").select_option(label="D — Partners")
    page.get_by_role("checkbox", name=re.compile("signed their acceptance")).check()
    page.get_by_role("button", name="Record the candidate").click()
    expect(page.get_by_role("status")).to_contain_text("Urbike SC is a candidate", use_inner_text=True)
    expect(page.get_by_role("region", name=re.compile("Urbike SC"))).to_contain_text("Jan Peeters")
