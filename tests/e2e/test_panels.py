"""Browser tests of member panels drawn by lot: staff draw one from the register of Smart Belgium by
labels as a person would; a member of the pool reads the panel and their chance on a phone; axe-core."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _admitted_with_shares, _person
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _more_members(world: Any) -> None:
    """Five more admitted members of BE, in Bruxelles and Antwerpen."""
    from coopgov.organisation.models import Unit

    antennas = [Unit.objects.get(code="BE-BRUXELLES"), Unit.objects.get(code="BE-ANTWERPEN")]
    for n in range(5):
        person = _person("Membre", f"Numéro{n}", f"m{n}@example.org", antennas[n % 2], ["entrepreneur"], "fr")
        _admitted_with_shares(person, world.units["BE"], "A", 1, date(2024, 3, 1))


def test_staff_draw_a_panel_and_a_member_reads_their_chance(
    live_server: Any, world: Any, new_page: Any
) -> None:
    _more_members(world)
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Panels").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Smart Belgium").click()
    expect(page.locator("main")).to_contain_text(
        "The pool holds the 6 admitted members of this unit.", use_inner_text=True
    )
    page.get_by_label("Title").fill("Panel climat")
    page.get_by_label("Panel size").fill("3")
    page.get_by_label("Home antenna").check()
    page.get_by_label("Seed (optional").fill("5")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Draw the panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel climat", use_inner_text=True)
    expect(page.get_by_role("heading", name="Rule applied")).to_be_visible()
    expect(page.get_by_role("heading", name="Chances in the pool")).to_be_visible()
    expect(page.get_by_role("table", name="Members selected").locator("tbody tr")).to_have_count(3)
    assert serious_violations(page) == []

    member = new_page(width=PHONE["width"], height=PHONE["height"])
    sign_in(member, live_server.url, "member@example.org")
    member.goto(f"{live_server.url}/panels/")
    member.get_by_role("link", name="Panel climat").click()
    member.wait_for_load_state()
    text = member.locator("main").inner_text()
    assert "Your chance" in text
    assert "You were in the pool of 6 members." in text
    assert not member.get_by_role("heading", name="Chances in the pool").count()
    assert serious_violations(member) == []


def test_bad_quotas_are_shown_beside_the_field(live_server: Any, world: Any, new_page: Any) -> None:
    from coopgov.panels.models import Draw

    _more_members(world)
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(f"{live_server.url}/panels/new/BE/")
    page.get_by_label("Title").fill("Panel")
    page.get_by_label("Panel size").fill("3")
    page.get_by_label("Home antenna").check()
    page.get_by_label("Quotas, one a line").fill("antenna,BE-BRUXELLES,4,1")
    page.get_by_role("button", name="Draw the panel").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "line 1: the minimum (4) is above the maximum (1)", use_inner_text=True
    )
    assert not Draw.objects.exists()
    assert serious_violations(page) == []
