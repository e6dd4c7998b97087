"""Staff keep the cooperative's own quorum and majority preset in the browser: one below the law is refused
on its field, a stricter one is saved and offered first on the convocation of an extraordinary meeting.
axe-core finds nothing serious on any page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_staff_add_a_preset_of_the_statutes_that_the_convocation_then_offers(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.audit.models import AuditEntry
    from coopgov.decisions.models import CooperativePreset

    seen: dict[str, list[str]] = {}
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(f"{live_server.url}/assemblies/new/")
    # One link per cooperative the staff member keeps, in the order of their codes: BE, then FR.
    page.get_by_role("link", name=re.compile(r"^Quorum and majority presets of ")).first.click()
    assert page.url.endswith("/assemblies/presets/BE/")
    seen["list"] = serious_violations(page)
    expect(page.get_by_role("table", name="Minimum quorum and majority per decision type")).to_be_visible()

    page.get_by_label("Identifier").fill("smart-statutes")
    page.get_by_label("Decision type in law (the minimum)").select_option("be-sc-statutes")
    page.get_by_label("Default for the kind of meeting").select_option("extraordinary")
    page.get_by_label("Quorum on first convocation").fill("1/3")
    page.get_by_label("Quorum on second convocation").fill("1/10")
    page.get_by_label(re.compile(r"^Majority:?$")).select_option("4/5")
    page.get_by_label("Article of the statutes").fill("art. 32")
    page.get_by_label("Description in French").fill("Modification des statuts (statuts)")
    page.get_by_role("button", name="Save the preset").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(
        page.get_by_text("is below the law's minimum for this decision type (1/2, be-sc-statutes)")
    ).to_be_visible()
    assert page.get_by_label("Quorum on first convocation").get_attribute("aria-invalid") == "true"
    seen["refused"] = serious_violations(page)
    assert not CooperativePreset.objects.exists()

    page.get_by_label("Quorum on first convocation").fill("2/3")
    page.get_by_role("button", name="Save the preset").click()
    expect(page.get_by_role("status")).to_contain_text("The preset is saved", use_inner_text=True)
    own = page.get_by_role("table", name="From the statutes")
    expect(own).to_contain_text("Modification des statuts (statuts)", use_inner_text=True)
    expect(own).to_contain_text("in force (version 1)", use_inner_text=True)
    seen["saved"] = serious_violations(page)
    assert AuditEntry.objects.filter(action="preset.created").count() == 1

    page.goto(f"{live_server.url}/assemblies/new/BE/?kind=extraordinary")
    preset = page.get_by_label("Quorum and majority preset")
    assert preset.input_value() == "smart-statutes"
    seen["convocation"] = serious_violations(page)
    assert seen == {name: [] for name in seen}
