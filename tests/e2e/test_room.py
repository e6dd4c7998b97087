"""A relay runs the room of a hybrid assembly in the browser: records who is present, one member's vote,
and the show-of-hands totals of a collège; the count then matches a hand count. axe-core finds nothing
serious on the room page, on a desktop and on a phone. (Refusals of the server: tests/decisions.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _admitted_with_shares, _person, _user
from tests.e2e.helpers import TOTP_SECRET, serious_violations, sign_in

pytestmark = pytest.mark.browser


def _sitting(world: Any) -> tuple[Any, Any, list[Any]]:
    """Smart Belgium's open assembly with one public motion; Marie and two more members of Bruxelles."""
    from django.utils import timezone

    from coopgov.decisions import services
    from coopgov.decisions.models import Assembly, AssemblySite, Item
    from coopgov.organisation.models import Unit

    be = world.units["BE"]
    brussels = Unit.objects.get(code="BE-BRUXELLES")
    admitted = date.today() - timedelta(days=400)
    others = [
        _admitted_with_shares(
            _person(f"Membre{i}", "Salle", f"salle{i}@example.org", brussels, [], "fr"), be, "A", 3, admitted
        )
        for i in range(2)
    ]
    marie = world.member.person.memberships.get(cooperative=be)
    a = Assembly.objects.create(
        unit=be,
        cooperative=be,
        kind=Assembly.Kind.ORDINARY,
        title="Assemblée hybride",
        first_convocation_at=timezone.now() + timedelta(days=20),
        record_date=date.today() - timedelta(days=1),
    )
    item = Item.objects.create(
        assembly=a,
        order=1,
        kind=Item.Kind.MOTION,
        title="Approbation des comptes",
        method="motion",
        secret=False,
    )
    services.assembly_convene(assembly=a, actor="e2e")
    services.item_open(item=item, actor="e2e")
    site = AssemblySite.objects.create(assembly=a, antenna=brussels)
    return a, site, [marie, *others]


def test_a_relay_records_presence_a_vote_and_the_show_of_hands(live_server: Any, world: Any, new_page: Any):
    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.decisions import services
    from coopgov.decisions.models import Ballot, HandCount, Presence
    from coopgov.organisation.services import role_grant

    a, site, (marie, first, second) = _sitting(world)
    relay_person = _person("Rita", "Relais", "relay@example.org", site.antenna, ["staff"], "fr")
    relay = _user("relay@example.org", relay_person, "fr")
    role_grant(user=relay, unit=site.antenna, role="relay", actor="e2e")
    TOTP.activate(relay, TOTP_SECRET)

    page = new_page()
    sign_in(page, live_server.url, "relay@example.org", with_totp=True)
    # A relay of an antenna holds no role at the cooperative's level: the assembly list shows their room.
    page.get_by_role("link", name="Assemblies", exact=True).click()
    page.get_by_role("link", name="Room at Bruxelles — Assemblée hybride").click()
    page.get_by_role("heading", name="Room at Bruxelles", level=1).wait_for()
    assert serious_violations(page) == []

    for m in (marie, first, second):
        page.get_by_label("Register number of the member arriving").fill(str(m.number))
        page.get_by_role("button", name="Record as present").click()
        page.get_by_text(f"Member {m.number} recorded as present.").wait_for()
    presence = page.get_by_role("table", name="3 members present")
    expect(presence.get_by_role("row")).to_have_count(4)  # the header and three members

    # Marie votes on her own, recorded by the relay; the two others vote by a show of hands.
    page.get_by_label("Register number of the member present").fill(str(marie.number))
    page.get_by_role("group", name="Approbation des comptes").get_by_label("For").check()
    page.get_by_role("button", name="Record this member's vote").click()
    page.get_by_text(f"Vote of member {marie.number} recorded.").wait_for()

    hands = page.get_by_role("group", name="Collège A: 2 present without another vote")
    hands.get_by_label("For").fill("1")
    hands.get_by_label("Against").fill("1")
    hands.get_by_label("Abstain").fill("0")
    page.get_by_role("button", name="Record the hands of collège A").click()
    page.get_by_text("Show of hands of collège A recorded.").wait_for()
    page.get_by_text("counted: 1 for, 1 against, 0 abstain").wait_for()
    expect(page.get_by_text("Quorum reached.")).to_have_count(1)
    assert serious_violations(page) == []

    # More hands than members present: the form says so before sending (the server refuses it too).
    hands = page.get_by_role("group", name="Collège A: 2 present without another vote")
    hands.get_by_label("For").fill("3")
    page.get_by_role("button", name="Record the hands of collège A").click()
    assert hands.get_by_label("For").evaluate("e => e.validity.rangeOverflow") is True

    phone = new_page(width=390, height=844)
    sign_in(phone, live_server.url, "relay@example.org", with_totp=True)
    phone.goto(f"{live_server.url}/assemblies/{a.pk}/sites/{site.pk}/room/")
    assert serious_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    assert Presence.objects.filter(site=site).count() == 3
    count = HandCount.objects.get()
    assert (count.votes_for, count.votes_against, count.votes_abstain) == (1, 1, 0)
    item = a.items.get()
    services.item_close(item=item, actor="e2e")
    result = services.result_compute(item=item, actor="e2e", seed="1")
    # Hand count: For = Marie + one hand = 2, Against = one hand = 1: adopted by simple majority (the
    # Belgian cap of 1/10 of the votes present weighs each of the three alike).
    counts = result.result["explanation"]["counts"]
    assert counts["yes"] == 2 * counts["no"]
    assert result.result["adopted"] is True
    assert Ballot.objects.filter(item=item, receipt__regex=r"^H[0-9]+-[0-9]+$").count() == 2
