"""Staff create, convene, open, close and publish an assembly in the browser, and the result page shows the
quorum and the collège weighting of a case computed by hand. axe-core finds nothing serious on any page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _admitted_with_shares, _person
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def _clean(page: Any, seen: dict[str, list[str]]) -> None:
    """axe-core's serious violations of the page as it is now (each visit kept, in order)."""
    seen[f"{len(seen) + 1}. {page.url}"] = serious_violations(page)


def _french_members(world: Any) -> dict[str, list[Any]]:
    """Smart France's electorate: collège 1 has Marie (in the world already) and three more members,
    collèges 2, 3 and 4 two members each: ten in all."""
    from coopgov.organisation.models import Unit

    fr = world.units["FR"]
    paris = Unit.objects.filter(parent=fr).order_by("code").first()
    admitted = date.today() - timedelta(days=400)
    out: dict[str, list[Any]] = {}
    for college, n in (("1", 3), ("2", 2), ("3", 2), ("4", 2)):
        out[college] = [
            _admitted_with_shares(
                _person(f"Membre{college}{i}", "Test", f"m{college}{i}@example.org", paris, [], "fr"),
                fr,
                college,
                3,
                admitted,
            )
            for i in range(n)
        ]
    return out


def test_staff_create_convene_open_close_and_publish_and_the_result_matches_a_hand_count(
    live_server: Any, world: Any, new_page: Any
) -> None:
    """Smart France, ordinary general meeting, first convocation: preset fr-scic-sa-ago (quorum 1/5 of
    the electorate; absolute majority of the votes cast, abstentions excluded); collège weights of the
    statutes 40 % (collège 1), 20 %, 20 %, 20 %.

    Electorate 10: collège 1 four members, collèges 2, 3, 4 two each.
    Ballots (7): collège 1 For, For, Against; collège 2 For; collège 3 Against, Against; collège 4 Abstain.

    Quorum: 7 present ≥ 1/5 × 10 = 2 → reached.
    Share For within each collège (For ÷ (For + Against)): collège 1 2/3, collège 2 1/1, collège 3 0/2;
    collège 4 has no vote For or Against, so its 20 % is shared among the three others in proportion:
    applied weights 0.4/0.8 = 1/2, 0.2/0.8 = 1/4, 1/4, and 0 for collège 4.
    Weighted share For = 1/2 × 2/3 + 1/4 × 1 + 1/4 × 0 = 1/3 + 1/4 = 7/12 ≈ 0.5833 > 1/2 → adopted
    (a head count, 3 For and 3 Against, would not have adopted it).
    """
    from coopgov.decisions.models import Assembly, ElectorateEntry, Item, Result
    from coopgov.decisions.services import ballot_cast

    members = _french_members(world)
    seen: dict[str, list[str]] = {}
    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.get_by_role("link", name="Assemblies", exact=True).click()
    _clean(page, seen)
    page.get_by_role("link", name="Create an assembly").click()
    _clean(page, seen)
    page.get_by_role("region", name="Smart France").get_by_role(
        "link", name="Ordinary general assembly", exact=True
    ).click()
    _clean(page, seen)

    # A first attempt with too short a notice is refused on its field, and nothing is saved.
    first = date.today() + timedelta(days=10)
    page.get_by_label("Title").fill("Assemblée générale ordinaire 2027")
    page.get_by_label("First convocation").fill(f"{first.isoformat()}T18:00")
    page.get_by_label("Record date of the electorate").fill(date.today().isoformat())
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("The first convocation must be at least 15 days from today")).to_be_visible()
    assert page.get_by_label("First convocation").get_attribute("aria-invalid") == "true"
    _clean(page, seen)
    assert not Assembly.objects.exists()

    first = date.today() + timedelta(days=20)
    page.get_by_label("First convocation").fill(f"{first.isoformat()}T18:00")
    page.get_by_label("Second convocation").fill(f"{(first + timedelta(days=15)).isoformat()}T18:00")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The assembly is created as a draft", use_inner_text=True
    )
    assembly = Assembly.objects.get()
    assert (assembly.cooperative.code, assembly.preset, assembly.kind) == ("FR", "fr-scic-sa-ago", "ordinary")
    _clean(page, seen)

    # The agenda: one motion of the assembly's decision type.
    page.get_by_label("Title").fill("Affectation du résultat aux réserves impartageables")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The item is on the agenda.", use_inner_text=True)
    _clean(page, seen)

    page.get_by_role("button", name="Convene: freeze the electorate and send the convocation").click()
    expect(page.get_by_role("status")).to_contain_text("The assembly is convened", use_inner_text=True)
    assert ElectorateEntry.objects.filter(assembly=assembly, eligible=True).count() == 10
    _clean(page, seen)
    page.get_by_role("button", name="Open voting on every item").click()
    expect(page.get_by_role("status")).to_contain_text("Voting is open on every item.", use_inner_text=True)
    _clean(page, seen)

    # Seven members vote (online, through the same service as the vote page).
    item = Item.objects.get(assembly=assembly)
    marie_fr = ElectorateEntry.objects.get(assembly=assembly, membership__person__email="member@example.org")
    votes = [
        (marie_fr.membership, "yes"),
        (members["1"][0], "yes"),
        (members["1"][1], "no"),
        (members["2"][0], "yes"),
        (members["3"][0], "no"),
        (members["3"][1], "no"),
        (members["4"][0], "abstain"),
    ]
    for membership, choice in votes:
        entry = ElectorateEntry.objects.get(assembly=assembly, membership=membership)
        ballot_cast(item=item, entry=entry, content=choice, actor="e2e")

    page.get_by_role("button", name="Close voting on every item").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Voting is closed on every open item.", use_inner_text=True
    )
    _clean(page, seen)
    page.get_by_role("button", name="Count and publish the results").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The results are counted and published.", use_inner_text=True
    )
    assembly.refresh_from_db()
    assert assembly.status == "published"
    _clean(page, seen)

    page.get_by_role("link", name="The assembly as members see it").click()
    _clean(page, seen)
    page.get_by_role("link", name="Result", exact=True).click()
    _clean(page, seen)
    main = page.get_by_role("main")
    expect(main.get_by_text("Adopted", exact=True)).to_be_visible()
    expect(main).to_contain_text("Quorum reached.", use_inner_text=True)
    expect(main).to_contain_text("7 voters out of an electorate of 10.", use_inner_text=True)
    expect(main).to_contain_text(
        "Weighted share for, Σ collège weight × share for within the collège: 0.5833", use_inner_text=True
    )
    table = page.get_by_role("table", name="Tally per collège")
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [c.strip() for c in row.locator("th, td").all_inner_texts()]
            for row in table.locator("tbody tr").all()
        )
    }
    # collège: For, Against, Share for, Weight applied — as computed in the docstring.
    assert rows == {
        "1": ["2", "1", "0.6667", "1/2"],
        "2": ["1", "0", "1", "1/4"],
        "3": ["0", "2", "0", "1/4"],
        "4": ["0", "0", "—", "0"],
    }
    assert Result.objects.get(item=item).result["explanation"]["decision"]["weighted_yes_exact"] == "7/12"

    # The minutes say the same, and are there to print or download.
    page.goto(f"{live_server.url}/assemblies/{assembly.pk}/minutes/?language=en")
    _clean(page, seen)
    minutes = page.get_by_role("main").inner_text()
    assert "Weighted share for (Σ weight applied × share for): 7/12." in minutes
    assert re.search(r"Quorum reached\s+yes", minutes)
    assert seen == {url: [] for url in seen}


PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page: Any) -> None:
    """No sideways page scroll; every table frame stays on screen (a wide table scrolls inside it)."""
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, page.url
    for frame in page.locator(".table-wrap").all():
        box = frame.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], page.url


def test_the_staff_pages_work_on_a_phone_and_by_keyboard(live_server: Any, world: Any, new_page: Any) -> None:
    from coopgov.decisions import services
    from tests.decisions.builders import assembly, election, motion

    a = assembly(world.units["BE"], title="Assemblée générale 2027", preset="be-sc-ordinary")
    motion(a)
    election(a, ["amina", "bruno", "claire"], order=2)
    services.assembly_convene(assembly=a, actor="e2e")
    page = new_page(**PHONE)
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    seen: dict[str, list[str]] = {}
    for path in (
        "/assemblies/new/",
        "/assemblies/new/BE/",
        f"/assemblies/{a.pk}/prepare/",
        f"/assemblies/{a.pk}/minutes/",
    ):
        page.goto(live_server.url + path)
        _fits_the_phone(page)
        _clean(page, seen)
    assert seen == {url: [] for url in seen}

    # By keyboard: the language of the minutes is chosen and the page shown without a mouse.
    page.goto(f"{live_server.url}/assemblies/{a.pk}/minutes/")
    page.get_by_role("combobox", name="Language of the minutes").focus()
    page.keyboard.press("End")  # the last language, English
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("article.minutes").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Minutes — Assemblée générale 2027", use_inner_text=True
    )
