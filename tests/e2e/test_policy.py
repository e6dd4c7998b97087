"""The policy editor and the simulation report, as cooperative-life staff use them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.browser


def test_staff_drafts_a_stricter_rule_and_the_simulation_reports_what_it_would_call(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.members.models import PolicyRule
    from coopgov.members.simulation import simulate_draft

    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(f"{live_server.url}/register/BE/")
    page.get_by_role("link", name="Membership policy").click()

    draft = page.get_by_role("form", name="Worker-entrepreneur — draft")
    draft.get_by_label(re.compile(r"^Membership:?$")).select_option(label="Membership mandatory")
    draft.get_by_label("Minimum shares").fill("5")
    draft.get_by_label("Invoice a client").check()
    draft.get_by_role("button", name="Save this rule").click()
    page.wait_for_load_state()

    expect(page.get_by_role("status")).to_contain_text("Rule saved.", use_inner_text=True)
    rule = PolicyRule.objects.get(cooperative=world.units["BE"], profile="entrepreneur", is_draft=True)
    assert (rule.requirement, rule.min_shares) == ("mandatory", 5)

    page.get_by_role("link", name="Simulate the draft policy").click()
    page.wait_for_load_state()
    report = simulate_draft(world.units["BE"])
    expect(page.locator("dl.facts")).to_contain_text(
        f"Shares that would be called\n{report.shares_called}", use_inner_text=True
    )
    changes = page.get_by_role("region", name="Changes of status").locator("tbody tr")
    expect(changes).to_have_count(max(1, len(report.changes)))
    # Someone in the register holds fewer than five shares, so the draft calls shares.
    assert report.shares_called > 0
