"""Someone without an account registers for a bilan participatif on a phone, by keyboard, and later
cancels with the link of the confirmation e-mail; axe-core finds nothing serious on the meeting page and
the cancellation page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.helpers import serious_violations, use_language

pytestmark = pytest.mark.browser


def _meeting(world: Any) -> Any:
    from django.utils import timezone

    from coopgov.meetings import services as meetings
    from coopgov.organisation.models import Unit
    from coopgov.participation import services as participation
    from coopgov.participation.models import Component

    brussels = Unit.objects.get(code="BE-BRUXELLES")
    process = participation.process_create(
        unit=brussels,
        title="Bilan participatif Bruxelles",
        slug="bilan-bxl",
        language="fr",
        components=[Component.PROPOSALS, Component.MEETINGS],
        phases=[participation.PhasePlan("contribution")],
        current=0,
        actor=world.staff,
    )
    return meetings.meeting_create(
        process=process,
        antenna=brussels,
        title="Bilan participatif de mars",
        starts_at=timezone.now() + timedelta(days=5),
        place="Rue Coenraets 72",
        capacity=20,
        agenda=["Revenus", "Services"],
        actor=world.staff,
    )


def test_a_guest_registers_on_a_phone_and_cancels_by_the_link(live_server: Any, world: Any, new_page: Any):
    from coopgov.meetings.models import Registration

    meeting = _meeting(world)
    page = new_page(width=390, height=844)
    use_language(page, live_server.url, "en")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("heading", name="Bilan participatif de mars", level=1).wait_for()
    assert serious_violations(page) == []
    page.get_by_role("textbox", name="Your name").focus()
    page.keyboard.type("Claire Martin")
    page.keyboard.press("Tab")
    page.keyboard.type("claire@example.net")
    page.get_by_label("Language of the confirmation e-mail").select_option("nl")
    page.get_by_role("button", name="Register for this meeting").press("Enter")
    page.get_by_text("You are registered.").wait_for()
    registration = Registration.objects.get(meeting=meeting, email="claire@example.net")
    assert registration.user is None and registration.language == "nl"

    page.goto(f"{live_server.url}/meetings/cancel/{registration.token}/")
    page.get_by_role("heading", name="Cancel a registration", level=1).wait_for()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration has been cancelled.").wait_for()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
