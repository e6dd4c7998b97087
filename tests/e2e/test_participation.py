"""A member takes part in a process in the browser: proposes, supports another member's proposal,
comments with a stance, replies, follows the process; the process and proposal pages pass axe-core (no
serious or critical violation) on a desktop and on a phone, and work by keyboard. (Refusals and
permissions: tests/participation.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import _person, _user
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def _process(world: Any) -> dict[str, Any]:
    """Bruxelles' bilan participatif in its contribution phase, with a proposal by another member."""
    from coopgov.organisation.models import Unit
    from coopgov.participation import services

    brussels = Unit.objects.get(code="BE-BRUXELLES")
    process = services.process_create(
        unit=brussels,
        title="Bilan participatif Bruxelles",
        slug="bilan-bxl",
        language="fr",
        phases=[services.PhasePlan(k) for k in ("information", "contribution", "deliberation")],
        current=1,
        actor=world.staff,
    )
    jonas = _user(
        "jonas@example.org", _person("Jonas", "Peeters", "jonas@example.org", brussels, [], "nl"), "nl"
    )
    other = services.proposal_create(
        process=process,
        author=jonas,
        title="Een gedeelde coworkingruimte",
        body="Een werkplek tegen kostprijs voor de leden.",
        language="nl",
        actor=jonas,
    )
    services.translation_add(
        target=other,
        language="en",
        title="A shared coworking space",
        body="A workplace at cost price for members.",
        actor=jonas,
    )
    return {"process": process, "other": other}


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_member_proposes_supports_comments_and_follows(
    live_server: Any, world: Any, new_page: Any, viewport: tuple[int, int]
) -> None:
    from coopgov.participation.models import Comment, Follow, Proposal, Support

    p = _process(world)
    page = new_page(width=viewport[0], height=viewport[1])
    sign_in(page, live_server.url, "member@example.org")

    page.goto(f"{live_server.url}/processes/")
    page.get_by_role("link", name="Bilan participatif Bruxelles").click()
    page.get_by_role("heading", name="Bilan participatif Bruxelles", level=1).wait_for()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Follow this process").click()
    page.get_by_role("button", name="Stop following this process").wait_for()

    page.get_by_role("link", name="Make a proposal").click()
    page.get_by_role("button", name="Publish my proposal").click()  # empty: refused, nothing saved
    page.get_by_text("Nothing was saved: please correct the fields marked below.").wait_for()
    assert serious_violations(page) == []
    page.get_by_label("Title").fill("Un fonds de solidarité")
    page.get_by_label("Your proposal").fill("Pour compléter les revenus des mois creux.")
    page.get_by_label("Language you write in").select_option("fr")
    page.get_by_role("button", name="Publish my proposal").click()
    page.get_by_role("heading", name="Un fonds de solidarité", level=1).wait_for()
    mine = Proposal.objects.get(title="Un fonds de solidarité")
    assert Follow.objects.filter(user=world.member, proposal=mine).exists()

    # The other member's proposal, read in English (its translation), the Dutch original marked.
    page.goto(f"{live_server.url}{p['other'].get_absolute_url()}")
    page.get_by_role("heading", name="A shared coworking space", level=1).wait_for()
    page.get_by_text("Translated — original in Dutch").first.click()
    page.locator('[lang="nl"]').get_by_text("Een werkplek tegen kostprijs voor de leden.").wait_for()
    page.get_by_role("button", name="Support this proposal").click()
    page.get_by_role("button", name="Withdraw my support").wait_for()
    assert Support.objects.filter(user=world.member, proposal=p["other"]).exists()

    page.get_by_label("Against").check()
    page.get_by_label("Your comment").fill("Le coût pèse sur les petites activités.")
    page.get_by_role("button", name="Publish my comment").click()
    page.get_by_text("Le coût pèse sur les petites activités.").wait_for()
    comment = Comment.objects.get(proposal=p["other"])
    assert comment.stance == "against" and comment.language == "en"  # the form offers the page's language

    page.get_by_text("Reply", exact=True).first.click()
    page.get_by_label("Your reply").fill("Un plafond réglerait cela.")
    page.get_by_role("button", name="Publish my reply").click()
    page.get_by_text("Un plafond réglerait cela.").wait_for()
    assert Comment.objects.get(parent=comment).body == "Un plafond réglerait cela."

    # Commenting made the member follow the proposal; they can stop, and follow again.
    page.get_by_role("button", name="Stop following").click()
    page.get_by_role("button", name="Follow this proposal").click()
    page.get_by_role("button", name="Stop following").wait_for()
    assert Follow.objects.filter(user=world.member, proposal=p["other"]).exists()
    assert Follow.objects.filter(user=world.member, process=p["process"]).exists()
    assert serious_violations(page) == []


def test_the_support_button_works_by_keyboard(live_server: Any, world: Any, new_page: Any) -> None:
    from coopgov.participation.models import Support

    p = _process(world)
    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    page.goto(f"{live_server.url}{p['other'].get_absolute_url()}")
    button = page.get_by_role("button", name="Support this proposal")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Withdraw my support").wait_for()
    assert Support.objects.filter(user=world.member, proposal=p["other"]).count() == 1
