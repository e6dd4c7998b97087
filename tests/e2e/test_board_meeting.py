"""A board meeting's page says who may vote and why, in the browser: a member who is not a director reads
that only the directors on the record date vote, and sees them listed; a director reads why they vote.
axe-core finds nothing serious on either page (docs/adr/0018)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _admitted_with_shares, _person, _user
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def board_meeting(world: Any) -> Any:
    """Smart Belgium's board meeting, convened: Pieter, elected director since 18 June 2024, is its only
    voter; Marie (the world's member) holds no mandate on the board."""
    from coopgov.decisions import services
    from coopgov.organisation.models import Body, Mandate, Unit
    from tests.decisions.builders import assembly, motion

    be = world.units["BE"]
    pieter = _person("Pieter", "Claes", "pieter@example.org", Unit.objects.get(code="BE-BRUXELLES"), [], "nl")
    _user("pieter@example.org", pieter, "nl")
    _admitted_with_shares(pieter, be, "A", 3, date.today() - timedelta(days=700))
    Mandate.objects.create(
        person=pieter,
        body=Body.objects.get(unit=be, kind=Body.Kind.BOARD),
        starts_on=date(2024, 6, 18),
        appointed_how=Mandate.Appointment.ELECTED,
    )
    a = assembly(be, kind="board", title="Conseil d'administration de décembre", preset="be-sc-board")
    motion(a)
    services.assembly_convene(assembly=a, actor="e2e")
    return a


def test_a_member_reads_who_votes_at_a_board_meeting_and_a_director_reads_why_they_do(
    live_server: Any, world: Any, new_page: Any, board_meeting: Any
) -> None:
    seen: dict[str, list[str]] = {}
    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    page.get_by_role("link", name="Assemblies", exact=True).click()
    page.get_by_role("link", name="Conseil d'administration de décembre").click()
    expect(page.get_by_role("heading", name="Who may vote")).to_be_visible()
    directors = page.get_by_role("list", name="Directors who may vote")
    expect(directors.get_by_role("listitem")).to_have_count(1)
    expect(directors).to_contain_text("Pieter Claes — on the board since June 18, 2024 (elected)")
    expect(page.get_by_text("No, you are not in the electorate.")).to_be_visible()
    expect(page.get_by_text("you held no mandate on the board that day")).to_be_visible()
    expect(page.get_by_role("button", name="Give my proxy")).to_have_count(0)
    seen["member"] = serious_violations(page)

    director = new_page()
    sign_in(director, live_server.url, "pieter@example.org")
    director.goto(f"{live_server.url}/assemblies/{board_meeting.pk}/")
    expect(director.get_by_text("Yes, you may vote.")).to_be_visible()
    expect(
        director.get_by_text("You sit on the board of directors since June 18, 2024 (elected)")
    ).to_be_visible()
    expect(director.get_by_label("Register number of the director who will vote for me")).to_be_visible()
    seen["director"] = serious_violations(director)
    assert seen == {"member": [], "director": []}
