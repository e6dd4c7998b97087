"""Staff edit a process's phase calendar in the browser: a mistake is named beside its field and nothing
is saved, the corrected calendar is saved by keyboard, and the process page lists the phases with the
phase in force marked (``aria-current``) on a desktop and a phone; axe-core finds no serious violation.
(Rules, permissions and the command: tests/participation/test_calendar.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def _process(world: Any) -> Any:
    """Bruxelles' process in its contribution phase (5 days ago to 4 days ahead), deliberation after."""
    from django.utils import timezone

    from coopgov.organisation.models import Unit
    from coopgov.participation import services

    today = timezone.localdate()
    return services.process_create(
        unit=Unit.objects.get(code="BE-BRUXELLES"),
        title="Bilan participatif Bruxelles",
        slug="bilan-bxl",
        language="fr",
        phases=[
            services.PhasePlan("contribution", today - timedelta(days=5), today + timedelta(days=4)),
            services.PhasePlan("deliberation", today + timedelta(days=5), today + timedelta(days=14)),
        ],
        current=0,
        actor=world.staff,
    )


def test_staff_correct_a_calendar_named_mistake_and_save_it_by_keyboard(
    live_server: Any, world: Any, new_page: Any
) -> None:
    process = _process(world)
    deliberation = process.phases.get(kind="deliberation")
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(f"{live_server.url}{process.get_absolute_url()}")
    page.get_by_role("link", name="Edit the calendar of the phases").click()
    page.get_by_role("heading", name="Calendar of the phases", level=1).wait_for()
    assert serious_violations(page) == []

    group = page.get_by_role("group", name="Deliberation")
    group.get_by_label("Starts on").fill(str(deliberation.starts_on - timedelta(days=3)))  # overlaps
    page.get_by_role("button", name="Save the calendar").click()
    page.get_by_text("Nothing was saved: please correct the fields marked below.").wait_for()
    starts = page.get_by_role("group", name="Deliberation").get_by_label("Starts on")
    assert starts.get_attribute("aria-invalid") == "true"
    page.get_by_text("This phase must start after “Contribution”").wait_for()
    assert serious_violations(page) == []
    deliberation.refresh_from_db()
    assert deliberation.starts_on == process.phases.get(kind="contribution").ends_on + timedelta(days=1)

    new_end = deliberation.ends_on + timedelta(days=7)
    ends = page.get_by_role("group", name="Deliberation").get_by_label("Ends on")
    starts.fill(str(deliberation.starts_on))
    ends.fill(str(new_end))
    page.get_by_role("group", name="Deliberation").get_by_label("Members may propose amendments").focus()
    page.keyboard.press("Space")  # switch amendments off for this phase
    page.get_by_role("button", name="Save the calendar").focus()
    page.keyboard.press("Enter")
    page.get_by_text("The calendar of the phases has been saved.").wait_for()
    deliberation.refresh_from_db()
    assert deliberation.ends_on == new_end and not deliberation.amending


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_process_page_marks_the_phase_in_force_in_its_calendar(
    live_server: Any, world: Any, new_page: Any, viewport: tuple[int, int]
) -> None:
    process = _process(world)
    page = new_page(width=viewport[0], height=viewport[1])
    sign_in(page, live_server.url, "member@example.org")
    page.goto(f"{live_server.url}{process.get_absolute_url()}")
    phases = page.get_by_role("region", name="Phases").get_by_role("list").first
    items = phases.get_by_role("listitem")
    assert items.count() == 2
    current = phases.locator('[aria-current="step"]')
    assert (
        current.count() == 1 and "Contribution" in current.inner_text() and "in force" in current.inner_text()
    )
    expect(items.nth(1)).to_contain_text("to come", use_inner_text=True)
    # Readable on a phone: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []
