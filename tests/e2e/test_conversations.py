"""An opinion conversation in the browser: a member reacts with the three buttons, by keyboard, and reads
the map; axe-core finds no serious violation on the react page or the map, on a desktop or a phone. Staff
download the conversation in Polis's format from its page; a member is offered no such download."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from pathlib import PurePosixPath
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SEEDS = [f"Affirmation numéro {n} sur la vie de la coopérative." for n in range(1, 9)]


def _conversation(world: Any) -> Any:
    """A conversation of BE with eight seeds, and twelve members in two opinion groups who reacted to all."""
    from coopgov.accounts.models import User
    from coopgov.conversations import services
    from coopgov.members import services as members
    from coopgov.members.models import Category, Person
    from coopgov.organisation.models import Unit

    be = world.units["BE"]
    brussels = Unit.objects.get(code="BE-BRUXELLES")
    conv = services.conversation_create(
        unit=be,
        request=services.ConversationRequest(
            title="Avenir", question="Que devrait changer Smart ?", slug="avenir", seeds=SEEDS
        ),
        actor=world.staff,
    )
    statements = list(conv.statements.order_by("pk"))
    for n in range(12):
        person = Person.objects.create(
            kind="natural", first_name="V", last_name=f"Voice{n}", home_antenna=brussels
        )
        membership = members.membership_apply(
            person=person,
            cooperative=be,
            category=Category.objects.get(cooperative=be, code="A"),
            applied_on=date.today() - timedelta(days=20),
            actor="e2e",
        )
        members.membership_admit(membership=membership, on=date.today() - timedelta(days=10), actor="e2e")
        user = User.objects.create_user(email=f"voice{n}@example.org", person=person)
        for i, statement in enumerate(statements):
            services.reaction_cast(statement=statement, vote=1 if i % 2 == n % 2 else -1, actor=user)
    services.map_refresh(conversation=conv)
    return conv


def test_a_member_reacts_by_keyboard_and_reads_the_map_with_no_serious_violation(
    live_server: Any, world: Any, new_page: Any
) -> None:
    conv = _conversation(world)
    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    use_language(page, live_server.url, "en")
    url = f"{live_server.url}/conversations/{conv.slug}/"
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Avenir", use_inner_text=True)
    expect(page.get_by_text("8 statements left to react to.")).to_be_visible()
    found = {"react page": serious_violations(page)}

    # By keyboard: focus the Agree button and press Enter, as a keyboard user would.
    page.get_by_role("button", name="Agree", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text("Your reaction is recorded.", use_inner_text=True)
    expect(page.get_by_text("7 statements left to react to.")).to_be_visible()
    page.get_by_role("button", name="Disagree", exact=True).click()
    page.get_by_role("button", name="Pass / unsure", exact=True).click()
    expect(page.get_by_text("5 statements left to react to.")).to_be_visible()
    found["react page after reacting"] = serious_violations(page)

    page.get_by_role("link", name="See the opinion map").click()
    page.wait_for_load_state()
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()  # the map's text alternative
    found["map page"] = serious_violations(page)

    page.set_viewport_size(PHONE)
    for name, path in (("react page (phone)", url), ("map page (phone)", f"{url}map/")):
        page.goto(path)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, path
        found[name] = serious_violations(page)
    assert found == {key: [] for key in found}


def test_staff_download_the_conversation_in_polis_format_and_a_member_is_not_offered_it(
    live_server: Any, world: Any, new_page: Any
) -> None:
    conv = _conversation(world)
    url = f"{live_server.url}/conversations/{conv.slug}/"
    member = new_page()
    sign_in(member, live_server.url, "member@example.org")
    member.goto(url)
    expect(member.get_by_role("heading", level=1)).to_have_text("Avenir", use_inner_text=True)
    expect(member.get_by_role("link", name="Download the conversation (Polis format, zip)")).to_have_count(0)

    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.goto(url)
    expect(page.get_by_role("heading", name="Export", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    link = page.get_by_role("link", name="Download the conversation (Polis format, zip)")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("avenir-polis-")
    with zipfile.ZipFile(download.value.path()) as archive:
        files = {PurePosixPath(name).name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert sorted(files) == ["comments.csv", "participants-votes.csv", "summary.csv", "votes.csv"]
    rows = list(csv.DictReader(io.StringIO(files["participants-votes.csv"])))
    assert [row["participant"] for row in rows] == [str(p) for p in range(12)]
    assert {row["group-id"] for row in rows} == {"0", "1"}  # the map's two groups, no one named
    assert "Voice" not in "".join(files.values()) and "@example.org" not in "".join(files.values())
