"""Browser test of running a Smart in Progress cycle (ADR 0021): staff start a cycle with a theme and a
draft recommendation and open it for comment, a member comments, staff hand it in. Checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_staff_run_a_cycle_from_draft_to_hand_in_with_a_members_comment(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.followup.models import Recommendation
    from coopgov.organisation.models import Body

    board = Body.objects.get(unit=world.units["BE"], kind="board")
    staff = new_page()
    sign_in(staff, live_server.url, "staff@example.org", with_totp=True)
    staff.goto(f"{live_server.url}/follow-up/")
    staff.get_by_role("link", name="Start a Smart in Progress cycle").click()
    staff.get_by_label("Unit running the cycle").select_option(label="Smart Belgium")
    staff.get_by_label("Short name in the address").fill("sip-2027")
    staff.get_by_label("Title in English").fill("Smart in Progress 2027")
    staff.get_by_label("Title in French").fill("Smart in Progress 2027 (FR)")
    staff.get_by_label("Description in English").fill("Local groups on the mutualist model.")
    assert serious_violations(staff) == []
    staff.get_by_role("button", name="Create the cycle").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Running Smart in Progress 2027", use_inner_text=True
    )

    staff.get_by_text("Add a theme", exact=True).click()
    theme_form = staff.get_by_role("form", name="Add a theme")
    theme_form.get_by_label("Code of the theme").fill("economy")
    theme_form.get_by_label("Theme in English").fill("A mutualist economic model")
    assert serious_violations(staff) == []
    theme_form.get_by_role("button", name="Add the theme").click()
    expect(staff.get_by_role("status")).to_contain_text("A mutualist economic model", use_inner_text=True)

    staff.get_by_role("link", name="Write a draft recommendation").click()
    staff.get_by_label("Theme", exact=True).select_option(label="A mutualist economic model")
    staff.get_by_label("Addressed to").select_option(label=board.name)
    staff.get_by_label("Title", exact=True).fill("A common fund for travel costs")
    staff.get_by_label("Text", exact=True).fill("Members who travel to the workshops are paid back.")
    staff.get_by_label("Language of the text").select_option(label="English")
    assert serious_violations(staff) == []
    staff.get_by_role("button", name="Save the draft").click()
    facts = staff.locator("dl.facts")
    expect(facts).to_contain_text("Draft", use_inner_text=True)
    staff.get_by_role("button", name="Open for comment").click()
    expect(staff.get_by_role("status")).to_have_text(
        "The recommendation is open for comment by the members of the unit.", use_inner_text=True
    )
    expect(facts).to_contain_text("Open for comment", use_inner_text=True)
    assert serious_violations(staff) == []

    member = new_page()
    sign_in(member, live_server.url, "member@example.org")
    member.goto(f"{live_server.url}/follow-up/sip-2027/")
    preparing = member.get_by_role("table", name="Drafts and recommendations open for comment")
    preparing.get_by_role("link", name="A common fund for travel costs").click()
    member.get_by_label("Your comment").fill("Yes, and childcare during the Saturday workshops.")
    assert serious_violations(member) == []
    member.get_by_role("button", name="Publish my comment").click()
    expect(member.get_by_role("status")).to_have_text("Your comment has been published.", use_inner_text=True)
    comments = member.get_by_role("region", name="Comments")
    expect(comments.get_by_role("article", name=re.compile("Marie Lambert"))).to_contain_text(
        "childcare during the Saturday workshops", use_inner_text=True
    )
    assert serious_violations(member) == []

    staff.reload()
    hand_in = staff.get_by_role("region", name="Hand in to the body")
    expect(hand_in.get_by_label("Handed in on")).to_be_visible()
    hand_in.get_by_role("button", name="Hand it in").click()
    expect(staff.get_by_role("status")).to_have_text(
        f"The recommendation has been handed in to {board.name}: comments are closed.", use_inner_text=True
    )
    expect(facts).to_contain_text("Awaiting a response", use_inner_text=True)
    expect(staff.get_by_role("region", name="Comments")).to_contain_text("Marie Lambert", use_inner_text=True)
    assert serious_violations(staff) == []
    recommendation = Recommendation.objects.get(cycle__slug="sip-2027")
    assert (recommendation.stage, recommendation.comments.count()) == ("submitted", 1)
