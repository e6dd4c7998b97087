"""A member takes part in an assembly in the browser: gives and revokes a proxy, votes, changes their vote,
keeps the receipt and finds it in the published ballot file. axe-core finds nothing serious on any page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _admitted_with_shares, _person, _user
from tests.e2e.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def open_assembly(world: Any) -> Any:
    """Smart Belgium's AG, convened and open on one secret motion; Pieter is another member of the
    electorate, who may hold Marie's proxy."""
    from coopgov.decisions import services
    from coopgov.organisation.models import Unit
    from tests.decisions.builders import assembly, motion

    be = world.units["BE"]
    pieter = _person("Pieter", "Claes", "pieter@example.org", Unit.objects.get(code="BE-BRUXELLES"), [], "nl")
    _user("pieter@example.org", pieter, "nl")
    holder = _admitted_with_shares(pieter, be, "A", 3, date.today() - timedelta(days=700))
    a = assembly(be, title="Assemblée générale 2027")
    item = motion(a)
    item.title = "Approbation des comptes annuels"
    item.save()
    services.assembly_convene(assembly=a, actor="e2e")
    services.item_open(item=item, actor="e2e")
    return a, item, holder


def _clean(page: Any, seen: dict[str, list[str]]) -> None:
    """axe-core's serious violations of the page as it is now (each visit kept, in order)."""
    seen[f"{len(seen) + 1}. {page.url}"] = serious_violations(page)


def test_a_member_proxies_then_votes_changes_their_vote_and_finds_the_receipt_in_the_ballot_file(
    live_server: Any, world: Any, new_page: Any, open_assembly: Any
) -> None:
    from coopgov.decisions import services
    from coopgov.decisions.models import Proxy

    a, item, holder = open_assembly
    seen: dict[str, list[str]] = {}
    page = new_page()
    sign_in(page, live_server.url, "member@example.org")
    page.get_by_role("link", name="Assemblies", exact=True).click()
    _clean(page, seen)
    page.get_by_role("link", name="Assemblée générale 2027").click()
    expect(page.get_by_text("Yes, you may vote.")).to_be_visible()
    _clean(page, seen)

    # A proxy to Pieter, then revoked: Marie will vote herself.
    page.get_by_label("Register number of the member who will vote for me").fill(str(holder.number))
    page.get_by_role("button", name="Give my proxy").click()
    expect(page.get_by_role("status")).to_contain_text("Your proxy has been given.", use_inner_text=True)
    expect(page.get_by_text("You gave your proxy to Pieter Claes")).to_be_visible()
    _clean(page, seen)
    page.get_by_role("button", name="Revoke my proxy").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your proxy has been revoked; you may vote yourself.", use_inner_text=True
    )
    assert Proxy.objects.get().revoked_at is not None
    _clean(page, seen)

    # A first vote, then a change of mind: only the last receipt stays.
    page.get_by_role("link", name="Vote", exact=True).click()
    _clean(page, seen)
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_load_state()
    first = page.locator(".receipt").inner_text()
    _clean(page, seen)
    page.get_by_role("link", name="Back to the assembly").click()
    expect(
        page.get_by_text(re.compile("You voted .*; you may change your vote until closing."))
    ).to_be_visible()
    _clean(page, seen)
    page.get_by_role("link", name="Change my vote").click()
    _clean(page, seen)
    page.get_by_label("Against", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_load_state()
    receipt = page.locator(".receipt").inner_text()
    _clean(page, seen)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt) and receipt != first

    # Staff close, count and publish; the member downloads the file and finds their receipt in it.
    services.item_close(item=item, actor="e2e")
    services.result_compute(item=item, actor="e2e", seed="5")
    services.result_publish(item=item, actor="e2e")
    page.goto(f"{live_server.url}/assemblies/{a.pk}/")
    _clean(page, seen)
    page.get_by_role("link", name="Result", exact=True).click()
    _clean(page, seen)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the anonymised ballot file").click()
    ballots = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))["ballots"]
    mine = [b for b in ballots if b.get("voter") == receipt]
    assert [b["vote"] for b in mine] == ["no"]
    assert all(b.get("voter") != first for b in ballots)
    assert seen == {url: [] for url in seen}
