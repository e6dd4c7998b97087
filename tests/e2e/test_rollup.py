"""A relay records a bilan participatif in the browser — attendance (a registered guest and a walk-in) and
contributions entered on behalf of a participant and of the room — then rolls them up with a local
proposal into a national orientation; staff then read the provenance by antenna (table and chart).
axe-core finds nothing serious on these pages, on a desktop and on a phone. (Refusals: tests/meetings,
tests/orientations.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _person, _user
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def _bilan(world: Any) -> dict[str, Any]:
    """Bruxelles' process hosting meetings, a meeting with a guest registered, a supported local proposal,
    BE's national process, and the Bruxelles relay."""
    from django.utils import timezone

    from coopgov.meetings import services as meetings
    from coopgov.organisation.models import Unit
    from coopgov.organisation.services import role_grant
    from coopgov.participation import services as participation
    from coopgov.participation.models import Component

    brussels = Unit.objects.get(code="BE-BRUXELLES")
    relay = _user(
        "relay@example.org", _person("Rita", "Relais", "relay@example.org", brussels, [], "fr"), "fr"
    )
    role_grant(user=relay, unit=brussels, role="relay", actor="e2e")
    phases = [participation.PhasePlan("contribution")]
    local = participation.process_create(
        unit=brussels,
        title="Bilan participatif Bruxelles",
        slug="bilan-bxl",
        language="fr",
        components=[Component.PROPOSALS, Component.MEETINGS],
        phases=phases,
        current=0,
        actor=world.staff,
    )
    national = participation.process_create(
        unit=world.units["BE"],
        title="Orientations Belgique",
        slug="orientations-be",
        language="fr",
        phases=phases,
        current=0,
        actor=world.staff,
    )
    proposal = participation.proposal_create(
        process=local,
        author=world.member,
        title="Un fonds de solidarité",
        body="Pour les mois creux.",
        language="fr",
        actor=world.member,
    )
    participation.support_add(proposal=proposal, user=relay)
    meeting = meetings.meeting_create(
        process=local,
        antenna=brussels,
        title="Bilan participatif de mars",
        starts_at=timezone.now() + timedelta(days=2),
        place="Rue Coenraets 72",
        agenda=["Revenus", "Services"],
        actor=relay,
    )
    meetings.registration_create(
        meeting=meeting, name="Claire Martin", email="claire@example.net", language="fr", actor=None
    )
    return {"relay": relay, "meeting": meeting, "national": national, "proposal": proposal}


def test_a_relay_records_a_meeting_and_rolls_its_contributions_up(
    live_server: Any, world: Any, new_page: Any
):
    from coopgov.orientations.models import RollupSource

    b = _bilan(world)
    meeting = b["meeting"]
    page = new_page()
    sign_in(page, live_server.url, "relay@example.org")

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/attendance/")
    page.get_by_role("heading", name="Attendance", level=1).wait_for()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Record Claire Martin present").click()
    page.get_by_text("Claire Martin is recorded present.").wait_for()
    page.get_by_label("Name of a person present without registration").fill("Fatou Diallo")
    page.get_by_role("button", name="Record present").click()
    page.get_by_text("Fatou Diallo is recorded present.").wait_for()

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_label("On behalf of").select_option("participant")
    page.get_by_label("Participant").select_option(label="Fatou Diallo")
    page.get_by_label("Agenda item").select_option(label="1. Revenus")
    page.get_by_role("textbox", name="Contribution").fill(
        "Un fonds de solidarité alimenté par chaque facture."
    )
    page.get_by_role("button", name="Add the contribution").click()
    page.get_by_text("Entered by relay Rita Relais for Fatou Diallo").wait_for()
    page.get_by_label("On behalf of").select_option("room")
    page.get_by_role("textbox", name="Contribution").fill("La salle veut un fonds commun.")
    page.get_by_role("button", name="Add the contribution").click()
    page.get_by_text("Entered by relay Rita Relais for the room").wait_for()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/orientations/BE/roll-up/")
    page.get_by_role("heading", name="Roll local items up", level=1).wait_for()
    assert serious_violations(page) == []
    page.get_by_label("Bruxelles — Un fonds de solidarité (1)").check()
    page.get_by_label(
        "Bruxelles — Bilan participatif de mars: Un fonds de solidarité alimenté par chaque facture."
    ).check()
    page.get_by_label("Bruxelles — Bilan participatif de mars: La salle veut un fonds commun.").check()
    page.get_by_label("…or create a new orientation in the process").select_option(
        label="Orientations Belgique"
    )
    page.get_by_label("Title of the new orientation").fill("Un fonds de solidarité national")
    page.get_by_label("Text of the new orientation").fill("Les antennes demandent un fonds de solidarité.")
    page.get_by_role("button", name="Roll up").click()
    page.get_by_role("heading", name="Provenance — Un fonds de solidarité national", level=1).wait_for()
    assert RollupSource.objects.filter(parent__title="Un fonds de solidarité national").count() == 3
    assert serious_violations(page) == []


def test_staff_see_the_provenance_by_antenna(live_server: Any, world: Any, new_page: Any):
    from coopgov.meetings import services as meetings
    from coopgov.orientations import services

    b = _bilan(world)
    present = meetings.attendance_record(meeting=b["meeting"], name="Fatou Diallo", actor=b["relay"])
    said = meetings.contribution_add(
        meeting=b["meeting"],
        text="Un fonds commun.",
        on_behalf="participant",
        attendance=present,
        actor=b["relay"],
    )
    services.orientation_roll_up(
        actor=world.staff,
        process=b["national"],
        title="Fonds de solidarité",
        body="…",
        proposals=[b["proposal"]],
        contributions=[said],
    )
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    # One sign-in (a TOTP code is accepted once), then the same page on a desktop and on a phone.
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/orientations/BE/")
        page.get_by_role("heading", name="By antenna", level=2).wait_for()
        table = page.get_by_role("table", name="The same numbers as a table, with the sources")
        row = table.get_by_role("row", name="Bruxelles")
        assert row.get_by_role("cell").all_inner_texts() == ["1", "1", "1"]
        expect(page.get_by_role("img", name="Supports by antenna, all orientations")).to_be_visible()
        assert serious_violations(page) == []
