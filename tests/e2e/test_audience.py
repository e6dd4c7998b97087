"""A client of the Bruxelles antenna (a person of the register with an account, never a member) supports a
proposal in a process open to the antenna's stakeholders, and is refused in a members-only one with the
reason shown; both pages pass axe-core (no serious or critical violation). ADR 0020."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import _person, _user
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def _processes(world: Any) -> dict[str, Any]:
    """Two processes of Bruxelles in their contribution phase, each with a proposal by a member."""
    from coopgov.organisation.models import Unit
    from coopgov.participation import services

    brussels = Unit.objects.get(code="BE-BRUXELLES")
    made: dict[str, Any] = {}
    for audience, title in (("stakeholders", "Bilan ouvert"), ("members", "Bilan des membres")):
        process = services.process_create(
            unit=brussels,
            title=title,
            language="fr",
            phases=[services.PhasePlan(k) for k in ("information", "contribution")],
            current=1,
            audience=audience,
            actor=world.staff,
        )
        made[audience] = services.proposal_create(
            process=process,
            author=world.member,
            title=f"Un atelier partagé ({audience})",
            body="Un lieu commun le soir.",
            language="fr",
            actor=world.member,
        )
    _user(
        "claire@example.org",
        _person("Claire", "Dubois", "claire@example.org", brussels, ["client"], "en"),
        "en",
    )
    return made


def test_a_client_supports_in_an_open_process_and_is_told_why_not_in_a_members_only_one(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from playwright.sync_api import expect

    from coopgov.participation.models import Support

    proposals = _processes(world)
    page = new_page()
    sign_in(page, live_server.url, "claire@example.org")

    page.goto(f"{live_server.url}/processes/")
    page.get_by_role("link", name="Bilan ouvert").click()
    expect(page.get_by_role("heading", name="Bilan ouvert", level=1)).to_be_visible()
    why = page.get_by_role("list", name="Why you may (or may not) take part here")
    expect(why).to_contain_text("This process is open to the stakeholders of Bruxelles in the register")
    expect(why).to_contain_text("You are in the register of Bruxelles as Client (donneur d'ordre)")
    expect(why).to_contain_text("So you may take part here")
    page.get_by_role("link", name="Un atelier partagé (stakeholders)").click()
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
    standings = page.locator("#supports-by-standing")
    expect(standings).to_contain_text("0 admitted members")
    expect(standings).to_contain_text("1 other stakeholder of the register")
    assert Support.objects.get(proposal=proposals["stakeholders"]).standing == "stakeholder"
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}{proposals['members'].get_absolute_url()}")
    expect(page.get_by_role("heading", name="Un atelier partagé (members)", level=1)).to_be_visible()
    refused = page.get_by_role("note").filter(has_text="You may not support this proposal.")
    expect(refused).to_contain_text("This process is open to the admitted members of Bruxelles.")
    expect(refused).to_contain_text("So you may read this process, but not take part in it.")
    expect(page.get_by_role("button", name="Support this proposal")).to_have_count(0)
    assert not Support.objects.filter(proposal=proposals["members"]).exists()
    assert serious_violations(page) == []
