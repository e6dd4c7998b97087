"""Pages and API of the room, delegation to relays, section delegates and the results of For / Withhold,
acclamation and participatory budgets: who may act (scoped by site and unit), what is recorded, what
the pages show."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopgov.accounts.models import User
from coopgov.decisions import counting, sections, services
from coopgov.decisions.models import (
    Assembly,
    AssemblySite,
    Delegate,
    HandCount,
    Item,
    Option,
    Presence,
    Proxy,
)
from coopgov.organisation.models import Unit
from tests.decisions.builders import assembly, cast, convene, election, entry, members_in, motion
from tests.decisions.test_pages import EN, login, officer
from tests.members.builders import ACTOR
from tests.organisation.world import bearer


def _antenna(coop: Unit, n: int = 0) -> Unit:
    return Unit.objects.filter(parent=coop, kind=Unit.Kind.ANTENNA).order_by("pk")[n]


def _home(members, antenna):
    for m in members:
        m.person.home_antenna = antenna
        m.person.save(update_fields=["home_antenna"])
    return members


@pytest.fixture
def sitting(org):
    """A Belgian assembly with a public motion open and a site at the first antenna, with 3 members there."""
    antenna = _antenna(org.be)
    people = _home(members_in(org, org.be, 3), antenna)
    a = assembly(org.be, title="AG hybride", allow_delegation_to_relays=True)
    item = motion(a, secret=False)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    return a, item, site, people


def test_the_relay_of_the_site_records_presence_and_hands_from_the_room_page(client, org, sitting):
    a, item, site, people = sitting
    client.force_login(officer(org, "relay", site.antenna))
    url = f"/assemblies/{a.pk}/sites/{site.pk}/room/"
    for m in people:
        client.post(url, {"action": "presence", "member_number": m.number})
    assert Presence.objects.filter(site=site).count() == 3
    response = client.post(
        url,
        {
            "action": "hands",
            "item": item.pk,
            "college": "A",
            "votes_for": "2",
            "votes_against": "1",
            "votes_abstain": "",
        },
        follow=True,
        **EN,
    )
    assert "Show of hands of collège A recorded." in response.content.decode()
    count = HandCount.objects.get()
    assert (count.votes_for, count.votes_against, count.votes_abstain) == (2, 1, 0)
    page = client.get(url, **EN).content.decode()
    assert "Collège A: 3 present without another vote" in page
    assert "counted: 2 for, 1 against, 0 abstain" in page
    assert "Quorum reached." in page


def test_a_wrong_count_of_hands_is_refused_with_its_reason_and_changes_nothing(client, org, sitting):
    a, item, site, people = sitting
    client.force_login(officer(org, "relay", site.antenna))
    url = f"/assemblies/{a.pk}/sites/{site.pk}/room/"
    client.post(url, {"action": "presence", "member_number": people[0].number})
    page = client.post(
        url,
        {"action": "hands", "item": item.pk, "college": "A", "votes_for": "3", "votes_against": "x"},
        follow=True,
        **EN,
    ).content.decode()
    assert "Each count of hands is a whole number from 0." in page
    page = client.post(
        url,
        {"action": "hands", "item": item.pk, "college": "A", "votes_for": "3", "votes_against": "0"},
        follow=True,
        **EN,
    ).content.decode()
    assert "only 1 members of that collège are present here" in page
    assert not HandCount.objects.exists()
    page = client.post(url, {"action": "presence", "member_number": "999999"}, follow=True, **EN)
    assert "No member with register number 999999 is in the electorate." in page.content.decode()


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        ("relay", "site", True),
        ("relay", "cooperative", True),
        ("relay", "other antenna", False),
        ("staff", "other cooperative", False),
        ("board", "site", False),
    ],
)
def test_only_a_relay_of_the_site_or_above_opens_the_room(client, org, sitting, role, where, allowed):
    a, _item, site, people = sitting
    unit = {
        "site": site.antenna,
        "cooperative": org.be,
        "other antenna": _antenna(org.be, 1),
        "other cooperative": org.fr,
    }[where]
    client.force_login(officer(org, role, unit))
    url = f"/assemblies/{a.pk}/sites/{site.pk}/room/"
    assert client.get(url).status_code == (200 if allowed else 403)
    response = client.post(url, {"action": "presence", "member_number": people[0].number})
    assert response.status_code == (302 if allowed else 403)
    assert Presence.objects.exists() is allowed


def test_a_member_cannot_open_the_room(client, org, sitting):
    a, _item, site, people = sitting
    login(client, people[0])
    assert client.get(f"/assemblies/{a.pk}/sites/{site.pk}/room/").status_code == 403


def test_the_room_page_reads_in_a_fixed_number_of_queries(client, org, sitting, django_assert_num_queries):
    a, _item, site, people = sitting
    client.force_login(officer(org, "relay", site.antenna))
    url = f"/assemblies/{a.pk}/sites/{site.pk}/room/"
    client.post(url, {"action": "presence", "member_number": people[0].number})
    client.get(url)
    with django_assert_num_queries(18):
        client.get(url)
    for m in people[1:]:
        client.post(url, {"action": "presence", "member_number": m.number})
    with django_assert_num_queries(18):
        client.get(url)


def _relay_member_site(org, sitting):
    a, item, site, people = sitting
    relay = User.objects.create_user(email="relay-member@example.org", person=people[0].person)
    site.relay = relay
    site.save(update_fields=["relay"])
    return a, item, site, people


def test_a_member_delegates_to_the_relay_of_their_site_from_the_assembly_page(client, org, sitting):
    a, _item, site, people = _relay_member_site(org, sitting)
    login(client, people[1])
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "Delegate my vote to the relay of my antenna" in page
    response = client.post(f"/assemblies/{a.pk}/delegate-to-relay/", follow=True, **EN)
    assert "Your vote is delegated to the relay at" in response.content.decode()
    proxy = Proxy.objects.get()
    assert proxy.to_site == site and proxy.holder == entry(a, people[0])


def test_someone_outside_the_electorate_cannot_delegate(client, org, sitting):
    a, *_rest = _relay_member_site(org, sitting)
    client.force_login(officer(org, "staff", org.be))
    assert client.post(f"/assemblies/{a.pk}/delegate-to-relay/").status_code == 403
    assert not Proxy.objects.exists()


def test_the_api_delegates_to_the_relay_and_refuses_when_the_assembly_does_not_allow_it(client, org, sitting):
    a, _item, _site, people = _relay_member_site(org, sitting)
    user = User.objects.create_user(email="api-member@example.org", person=people[2].person)
    url = f"/api/v1/assemblies/{a.pk}/delegation-to-relay"
    response = client.post(url, **bearer(user))
    assert response.status_code == 200
    assert response.json()["holder_number"] == people[0].number
    Proxy.objects.all().delete()
    Assembly.objects.filter(pk=a.pk).update(allow_delegation_to_relays=False)
    response = client.post(url, **bearer(user))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "no_relay_delegation"
    assert not Proxy.objects.exists()


# --- section delegates ------------------------------------------------------------------------------------


@pytest.fixture
def section(org):
    antenna = _antenna(org.fr)
    people = _home(members_in(org, org.fr, 3), antenna)
    ga = assembly(org.fr, title="AG des délégués")
    motion(ga)
    s = assembly(org.fr, unit=antenna, kind=Assembly.Kind.SECTION, parent=ga, title="Section Paris")
    item = motion(s)
    convene(s)
    services.item_open(item=item, actor=ACTOR)
    for m in people:
        cast(item, s, m, "yes")
    return ga, s, people


def test_staff_record_a_sections_delegates_and_the_general_assembly_shows_them(client, org, section):
    ga, s, people = section
    client.force_login(officer(org, "staff", org.fr))
    numbers = f"{people[0].number}, {people[1].number}"
    page = client.post(f"/assemblies/{s.pk}/delegates/", {"numbers": numbers}, follow=True, **EN)
    assert "Delegates recorded." in page.content.decode()
    assert [d.represents for d in Delegate.objects.order_by("id")] == [2, 1]
    overview = client.get(f"/assemblies/{ga.pk}/delegates/", **EN).content.decode()
    assert "Section Paris: 3 members present or represented" in overview
    page = client.post(f"/assemblies/{s.pk}/delegates/", {"numbers": "12a"}, follow=True, **EN)
    assert "Give the register numbers of the delegates" in page.content.decode()
    assert Delegate.objects.count() == 2


def test_the_board_reads_delegates_but_does_not_record_them_and_a_member_does_neither(client, org, section):
    ga, s, people = section
    client.force_login(officer(org, "board", org.fr))
    assert client.get(f"/assemblies/{ga.pk}/delegates/").status_code == 200
    assert (
        client.post(f"/assemblies/{s.pk}/delegates/", {"numbers": str(people[0].number)}).status_code == 403
    )
    login(client, people[0])
    assert client.get(f"/assemblies/{ga.pk}/delegates/").status_code == 403
    assert not Delegate.objects.exists()


def test_a_delegates_electorate_entry_says_whom_they_represent(client, org, section):
    ga, s, people = section
    sections.section_delegates_record(section=s, memberships=[people[0]], actor=ACTOR)
    convene(ga)
    login(client, people[0])
    page = client.get(f"/assemblies/{ga.pk}/", **EN).content.decode()
    assert "your vote weighs the 3 members you represent" in page
    login(client, people[1])
    page = client.get(f"/assemblies/{ga.pk}/", **EN).content.decode()
    assert "you vote through your section&#x27;s delegates" in page


# --- results counted outside `coopgov tally` ---------------------------------------------------------------


def test_staff_elect_by_acclamation_and_a_member_cannot(client, org):
    members_in(org, org.be, 1)
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = election(a, ["ann", "bob"], seats=2)
    convene(a)
    login(client, voter)
    assert (
        client.post(f"/assemblies/{a.pk}/manage/", {"action": "acclaim", "item": item.pk}).status_code == 403
    )
    client.force_login(officer(org, "staff", org.be))
    client.post(f"/assemblies/{a.pk}/manage/", {"action": "acclaim", "item": item.pk})
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSED
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert "Elected by acclamation, without a ballot" in page
    assert "Candidate ANN, Candidate BOB" in page


def test_the_for_withhold_result_page_shows_each_candidate_with_the_same_numbers(client, org):
    people = members_in(org, org.be, 3)
    a = assembly(org.be, preset="be-sc-ordinary")
    item = election(a, ["ann", "bob"], method="for-withhold", seats=1)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for m, vote in zip(people, [{"ann": 1, "bob": 0}, {"ann": 1}, {"ann": 0, "bob": 1}], strict=True):
        cast(item, a, m, vote)
    services.item_close(item=item, actor=ACTOR)
    client.force_login(officer(org, "staff", org.be))
    client.post(f"/assemblies/{a.pk}/manage/", {"action": "count", "item": item.pk})
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert "Elected: <strong>Candidate ANN</strong>" in page
    assert '<th scope="row">Candidate ANN</th><td class="num">2</td><td class="num">1</td>' in page
    assert "<svg" in page
    # The statutory rule it was counted under, as on every result page: its quorum, not a motion's majority.
    assert "Rule applied:" in page
    assert "who is elected or what is chosen follows the method of the item" in page
    assert "(convocation 1); majority" not in page


def test_the_budget_result_page_shows_the_funded_projects(client, org):
    people = members_in(org, org.be, 3)
    a = assembly(org.be, preset="be-sc-ordinary")
    item = Item.objects.create(
        assembly=a,
        order=1,
        kind=Item.Kind.BUDGET,
        title="Budget participatif",
        method="greedy",
        budget_eur=Decimal(500),
    )
    for i, (key, cost) in enumerate([("garden", 400), ("cafe", 200)]):
        Option.objects.create(item=item, key=key, label=key.title(), order=i, cost_eur=Decimal(cost))
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for m, vote in zip(people, [["garden"], ["garden", "cafe"], ["garden"]], strict=True):
        cast(item, a, m, vote)
    services.item_close(item=item, actor=ACTOR)
    counting.item_count(item=item, actor=ACTOR, seed="1")
    services.result_publish(item=item, actor=ACTOR)
    login(client, people[0])
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert "Funded projects: <strong>Garden</strong>" in page
    assert "They cost 400 € of a budget of 500 €." in page
    assert '<th scope="row">Cafe</th><td class="num">200.00</td><td class="num">1</td><td>no</td>' in page
    assert "Rule applied:" in page and "follows the method of the item" in page


def test_a_member_votes_for_or_withhold_on_each_candidate_from_the_vote_page(client, org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = election(a, ["ann", "bob"], method="for-withhold", seats=1)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    login(client, voter)
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/vote/", **EN).content.decode()
    assert "For or Withhold on each candidate" in page and "No opinion" in page
    client.post(f"/assemblies/{a.pk}/items/{item.pk}/vote/", {"score-ann": "1", "score-bob": "0"})
    services.item_close(item=item, actor=ACTOR)
    result = counting.item_count(item=item, actor=ACTOR, seed="1")
    rows = {r["candidate"]: (r["for"], r["withhold"]) for r in result.result["explanation"]["candidates"]}
    assert rows == {"ann": (1, 0), "bob": (0, 1)}


def test_a_relay_of_an_antenna_finds_their_room_from_the_assembly_list(client, org, sitting):
    a, _item, site, people = sitting
    client.force_login(officer(org, "relay", site.antenna))
    page = client.get("/assemblies/", **EN).content.decode()
    assert f'href="/assemblies/{a.pk}/sites/{site.pk}/room/"' in page
    room_page = client.get(f"/assemblies/{a.pk}/sites/{site.pk}/room/", **EN).content.decode()
    assert f'href="/assemblies/{a.pk}/"' in room_page  # the relay of the site opens the assembly's page
    assert client.get(f"/assemblies/{a.pk}/", **EN).status_code == 200
    login(client, people[0])
    assert "Rooms you run" not in client.get("/assemblies/", **EN).content.decode()
