"""Browser tests of the follow-up of recommendations (public), joining and leaving a thematic community,
and a participation dashboard: driven by role and label as a person would, checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _cycle(world: Any) -> Any:
    """A cycle of the group with recommendations to the BE board in several statuses, answered by staff."""
    from django.utils import timezone

    from coopgov.followup import services
    from coopgov.organisation.models import Body

    board = Body.objects.get(unit=world.units["BE"], kind="board")
    cycle = services.cycle_create(
        unit=world.units["SMART"],
        slug="sip",
        title="Smart in Progress 2026",
        starts_on=timezone.localdate() - timedelta(days=90),
        actor="e2e",
    )
    theme = services.theme_add(
        cycle=cycle, code="economy", title="Modèle économique", titles={"en": "Economic model"}, actor="e2e"
    )
    for i, status in enumerate(["done", "done", "rejected", "postponed", ""]):
        rec = services.recommendation_submit(
            cycle=cycle,
            theme=theme,
            addressed_to=board,
            title=f"Recommandation {i + 1}",
            text="Texte.",
            submitted_on=timezone.localdate() - timedelta(days=30),
            actor="e2e",
        )
        if status:
            services.recommendation_set_status(
                recommendation=rec,
                status=status,
                response=f"Réponse {i + 1}",
                on=timezone.localdate(),
                actor=world.staff,
            )
    return cycle


def test_a_visitor_filters_the_follow_up_and_reads_the_counts_on_a_phone(
    live_server: Any, world: Any, new_page: Any
) -> None:
    _cycle(world)
    page = new_page(locale="en-GB", width=PHONE["width"], height=PHONE["height"])
    use_language(page, live_server.url, "en")
    page.goto(f"{live_server.url}/follow-up/")
    page.get_by_role("link", name="Smart in Progress 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart in Progress 2026", use_inner_text=True)
    counts = page.get_by_role("table", name="The same numbers as a table")
    expect(counts.get_by_role("row", name="Done 2")).to_be_visible()
    expect(page.get_by_role("img", name="5 recommendations, by status")).to_be_visible()
    page.get_by_label("Status", exact=True).select_option(label="Done")
    page.get_by_role("button", name="Filter").click()
    listed = page.get_by_role("table", name="Recommendations, in the order they were handed in")
    expect(listed.locator("tbody tr")).to_have_count(2)
    assert serious_violations(page) == []
    listed.get_by_role("link", name="Recommandation 1").click()
    expect(page.locator("main")).to_contain_text("Réponse 1", use_inner_text=True)
    assert serious_violations(page) == []


def test_a_member_joins_a_community_then_leaves_it(live_server: Any, world: Any, new_page: Any) -> None:
    from coopgov.organisation.models import CommunityMembership

    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Performing arts").click()
    page.get_by_role("button", name="Join the community").click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^\s*You have joined Performing arts"), use_inner_text=True
    )
    expect(page.get_by_text("1 member", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Leave the community").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Join the community")).to_be_visible()
    expect(page.get_by_role("region", name="My membership")).to_contain_text("left on", use_inner_text=True)
    rows = CommunityMembership.objects.filter(person=world.member.person)
    assert rows.count() == 1 and rows.get().left_at is not None


def test_staff_read_who_is_not_heard_on_a_dashboard_and_answer_a_recommendation(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.followup.models import Recommendation

    _cycle(world)
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Participation dashboards").click()
    page.get_by_role("link", name="Smart Belgium").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Participation — Smart Belgium", use_inner_text=True
    )
    expect(page.get_by_role("heading", name="By collège")).to_be_visible()
    table = page.get_by_role("table", name="The same numbers as a table, with the acts of each kind").first
    assert table.locator("tbody tr").count() >= 1
    expect(page.get_by_role("region", name="How to read these figures")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/follow-up/sip/5/")
    answer = page.get_by_role("region", name="Record the body's answer")
    answer.get_by_label("New status").select_option(label="In progress")
    answer.get_by_label("Response of the body").fill("Mis à l'ordre du jour du prochain conseil.")
    assert serious_violations(page) == []
    answer.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("status")).to_have_text(
        "The answer has been recorded and the followers told.", use_inner_text=True
    )
    expect(page.get_by_role("region", name="Response of the body")).to_contain_text(
        "Mis à l'ordre du jour", use_inner_text=True
    )
    assert Recommendation.objects.get(cycle__slug="sip", number=5).status == "in_progress"
