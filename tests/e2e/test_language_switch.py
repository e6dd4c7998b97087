"""The language switch: on every page, it changes the language and keeps the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in, use_language

pytestmark = pytest.mark.browser


def _switch(page: Any, label: str, language_name: str, button: str) -> None:
    page.get_by_label(label, exact=True).select_option(label=language_name)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_the_language_switch_turns_the_page_to_dutch_then_english_and_stays_on_it(
    live_server: Any, world: Any, new_page: Any
) -> None:
    page = new_page(locale="fr-BE")
    sign_in(page, live_server.url, "member@example.org")
    use_language(page, live_server.url, "fr")
    page.goto(f"{live_server.url}/me/")
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon sociétariat", use_inner_text=True)

    _switch(page, "Langue", "Nederlands", "Appliquer")
    assert page.url == f"{live_server.url}/me/"
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn lidmaatschap", use_inner_text=True)
    assert page.get_by_role("heading", name="Wat ik mag gebruiken, en waarom").count() >= 1

    _switch(page, "Taal", "English", "Toepassen")
    assert page.url == f"{live_server.url}/me/"
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("My membership", use_inner_text=True)


def test_the_language_switch_keeps_the_filters_of_the_register(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from django.utils import translation
    from django.utils.translation import gettext

    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(f"{live_server.url}/register/BE/?status=admitted")

    _switch(page, "Language", "Nederlands", "Apply")

    assert page.url == f"{live_server.url}/register/BE/?status=admitted"
    with translation.override("nl"):
        title = gettext("Register of members — %(name)s") % {"name": world.units["BE"].display_name}
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(page.get_by_role("heading", level=1)).to_have_text(title, use_inner_text=True)
    assert page.get_by_label(re.compile("^Status")).input_value() == "admitted"
