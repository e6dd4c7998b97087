"""The new assembly item kinds from end to end: what `coopgov list_assemblies` names, `coopgov
export_ballots` writes and `coopgov tally` recounts (For / Withhold, participatory budgets, acclamation);
For / Withhold marks checked at casting; the relay of a site opens the assembly; room presence counts for
the quorum of every item."""

from __future__ import annotations

import json
import shlex
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from coopgov.audit.models import AuditEntry
from coopgov.decisions import counting, room, services, services_manage
from coopgov.decisions.minutes import Table, minutes_build
from coopgov.decisions.models import AssemblySite, Ballot, Item, Option, Participation
from coopgov.organisation.models import Unit
from coopgov.tools import tally
from tests.decisions.builders import assembly, cast, convene, election, entry, members_in
from tests.decisions.test_pages import EN, login, officer
from tests.members.builders import ACTOR, member
from tests.organisation.world import bearer

# ann 4 For / 1 Withhold (4/5), bob 3/2 (3/5), cid 2/2 with one no opinion (1/2).
FW_VOTES = [
    {"ann": 1, "bob": 1, "cid": 0},
    {"ann": 1, "bob": 0, "cid": 0},
    {"ann": 1, "bob": 1},
    {"ann": 0, "bob": 1, "cid": 1},
    {"ann": 1, "bob": 0, "cid": 1},
]


def _fw_item(a, *, majority: str = "2/3", order: int = 1) -> Item:
    item = election(a, ["ann", "bob", "cid"], method="for-withhold", seats=2, order=order)
    item.majority = majority
    item.save(update_fields=["majority"])
    return item


def _budget_item(a, method: str, order: int = 1) -> Item:
    item = Item.objects.create(
        assembly=a,
        order=order,
        kind=Item.Kind.BUDGET,
        title="Budget participatif",
        method=method,
        budget_eur=Decimal(1000),
    )
    for i, (key, cost) in enumerate([("garden", 600), ("library", 500), ("bikes", 300), ("cafe", 200)]):
        Option.objects.create(item=item, key=key, label=key.title(), order=i, cost_eur=Decimal(cost))
    return item


def _export(item_id: int, path) -> list[str]:
    """Export the item's file and return the `coopgov tally` arguments the command prints."""
    printed = []

    class Out:
        def write(self, text: str) -> None:
            printed.append(text)

    call_command("export_ballots", "--item", str(item_id), str(path), stdout=Out())
    line = "".join(printed)
    command = line.split("`")[1]
    assert command.startswith("coopgov tally ")
    return shlex.split(command)[2:]


def _recount(args: list[str], capsys) -> dict:
    capsys.readouterr()
    assert tally.main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_every_listed_method_is_a_coopgov_tally_method(org):
    a = assembly(org.be)
    _fw_item(a)
    _budget_item(a, "greedy", order=2)
    _budget_item(a, "equal-shares", order=3)
    election(a, ["x", "y"], method="stv-meek", order=4)
    printed = []

    class Out:
        def write(self, text: str) -> None:
            printed.append(text)

    call_command("list_assemblies", "--format", "json", stdout=Out())
    methods = {i["method"] for row in json.loads("".join(printed)) for i in row["items"]}
    assert methods == {"for-withhold", "greedy", "equal-shares", "stv-meek"}
    assert methods <= set(tally.METHODS)


def test_a_for_withhold_election_exported_and_recounted_elects_the_same(org, tmp_path, capsys):
    people = members_in(org, org.be, 5)
    a = assembly(org.be)
    item = _fw_item(a, majority="2/3")
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for m, vote in zip(people, FW_VOTES, strict=True):
        cast(item, a, m, vote)
    services.item_close(item=item, actor=ACTOR)
    stored = counting.item_count(item=item, actor=ACTOR, seed="9")
    services.result_publish(item=item, actor=ACTOR)
    path = tmp_path / "fw.json"
    args = _export(item.pk, path)
    assert args == ["--method", "for-withhold", "--seed", "9", str(path)]
    head = json.loads(path.read_text(encoding="utf-8"))
    assert head["majority"] == "2/3" and head["kind"] == "score" and head["max_score"] == 1
    out = _recount(args, capsys)
    assert out["winners"] == stored.result["winners"] == ["ann"]
    assert out["explanation"] == stored.result["explanation"]


@pytest.mark.parametrize("method", ["greedy", "equal-shares"])
def test_a_budget_exported_as_pabulib_recounts_with_coopgov_tally(org, tmp_path, capsys, method):
    people = members_in(org, org.be, 5)
    a = assembly(org.be)
    item = _budget_item(a, method)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    votes = [["garden", "bikes"], ["garden", "bikes"], ["garden"], ["library", "cafe"], ["library"]]
    for m, vote in zip(people, votes, strict=True):
        cast(item, a, m, vote)
    services.item_close(item=item, actor=ACTOR)
    stored = counting.item_count(item=item, actor=ACTOR, seed="5")
    assert stored.result["recount"] == f"coopgov tally --method {method} --seed 5 budget.pb"
    services.result_publish(item=item, actor=ACTOR)
    with pytest.raises(
        CommandError, match=r"participatory budget, written as a Pabulib file.*ending in \.pb"
    ):
        call_command("export_ballots", "--item", str(item.pk), str(tmp_path / "budget.json"))
    assert not (tmp_path / "budget.json").exists()
    args = _export(item.pk, tmp_path / "budget.pb")
    out = _recount(args, capsys)
    assert out["winners"] == out["selected"] == stored.result["selected"]
    assert out["cost"] == stored.result["cost"] and out["method"] == stored.result["method"]


def test_an_acclamation_has_no_ballot_file_and_publishing_keeps_it(org, tmp_path):
    members_in(org, org.be, 2)
    a = assembly(org.be)
    acclaimed = election(a, ["ann", "bob"], method="for-withhold", seats=2)
    convene(a)
    counting.election_acclaim(item=acclaimed, actor=ACTOR)
    # Publishing the assembly counts each closed item with its own count; the acclamation stays.
    services_manage.assembly_publish(assembly=a, actor=ACTOR, seed="1")
    acclaimed.refresh_from_db()
    assert acclaimed.result.result["method"] == "acclamation"
    assert acclaimed.result.result["winners"] == ["ann", "bob"]
    path = tmp_path / "acclaimed.json"
    with pytest.raises(
        CommandError, match=r"elected by acclamation, without a ballot, so there is no ballot"
    ):
        call_command("export_ballots", "--item", str(acclaimed.pk), str(path))
    assert not path.exists()


def test_publishing_an_assembly_counts_for_withhold_with_its_majority(org):
    people = members_in(org, org.be, 5)
    a = assembly(org.be)
    item = _fw_item(a, majority="2/3")
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for m, vote in zip(people, FW_VOTES, strict=True):
        cast(item, a, m, vote)
    services_manage.assembly_close(assembly=a, actor=ACTOR)
    services_manage.assembly_publish(assembly=a, actor=ACTOR, seed="2")
    item.refresh_from_db()
    assert item.result.result["winners"] == ["ann"]  # at 2/3, not bob (3 of 5)
    assert item.result.result["explanation"]["majority"] == "2/3"


# --- For / Withhold marks at casting ---------------------------------------------------------------------


@pytest.mark.parametrize("mark", [2, -1, 0.5, "yes", True, None])
def test_the_api_refuses_a_mark_other_than_for_or_withhold_and_writes_nothing(client, org, mark):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = _fw_item(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    headers = bearer(login(client, voter))  # making the token is audited: before the count
    before = AuditEntry.objects.count()
    response = client.post(
        f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot",
        {"vote": {"ann": 1, "bob": mark}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert response.status_code == 422
    body = response.json()
    expected = f"The mark for candidate bob is {json.dumps(mark)}: give For (1) or Withhold (0)"
    assert body["errors"][0]["code"] == "invalid_mark"
    assert expected in body["errors"][0]["text"]
    assert not Ballot.objects.filter(item=item).exists()
    assert not Participation.objects.filter(item=item).exists()
    assert AuditEntry.objects.count() == before


def test_for_withhold_and_no_opinion_are_accepted_and_the_french_refusal_names_the_candidate(client, org):
    voter, other = members_in(org, org.be, 2)
    a = assembly(org.be)
    item = _fw_item(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    user = login(client, voter)
    url = f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot"
    ok = client.post(url, {"vote": {"ann": 1, "bob": 0}}, content_type="application/json", **bearer(user))
    assert ok.status_code == 200
    refused = client.post(
        url, {"vote": {"cid": 3}}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr", **bearer(user)
    )
    assert refused.status_code == 422 and "cid" in refused.json()["errors"][0]["text"]
    assert "Pour (1)" in refused.json()["errors"][0]["text"]
    # The same check applies to every way of casting (here staff entering a postal vote).
    with pytest.raises(services.DecisionRefused) as error:
        services.ballot_cast(
            item=item, entry=entry(a, other), content={"ann": 7}, actor=ACTOR, channel="postal"
        )
    assert error.value.code == "invalid_mark"
    assert Ballot.objects.filter(item=item).count() == 1


# --- who opens the assembly's page --------------------------------------------------------------------------


def _antenna(coop: Unit, n: int = 0) -> Unit:
    return Unit.objects.filter(parent=coop, kind=Unit.Kind.ANTENNA).order_by("pk")[n]


def test_a_relay_of_a_site_opens_the_assembly_and_a_relay_elsewhere_does_not(client, org):
    a = assembly(org.be)
    election(a, ["ann", "bob"], method="plurality", seats=1)
    convene(a)
    site_antenna, other_antenna = _antenna(org.be, 0), _antenna(org.be, 1)
    site = AssemblySite.objects.create(assembly=a, antenna=site_antenna)
    relay_here = officer(org, "relay", site_antenna)
    relay_elsewhere = officer(org, "relay", other_antenna)
    named = officer(org, "moderator", other_antenna)  # no relay role, but named on the site
    site.relay = named
    site.save(update_fields=["relay"])
    outsider = member(org, org.fr, shares=1)
    outsider_user = login(client, outsider)
    assert relay_here.has_perm("decisions.view_assembly", a)
    assert named.has_perm("decisions.view_assembly", a)
    assert not relay_elsewhere.has_perm("decisions.view_assembly", a)
    assert not outsider_user.has_perm("decisions.view_assembly", a)
    # The same through the pages: the site's relay reads the page, the others are refused.
    client.force_login(relay_here)
    assert client.get(f"/assemblies/{a.pk}/", **EN).status_code == 200
    client.force_login(relay_elsewhere)
    assert client.get(f"/assemblies/{a.pk}/", **EN).status_code in (403, 404)
    client.force_login(outsider_user)
    assert client.get(f"/assemblies/{a.pk}/", **EN).status_code in (403, 404)
    # Another cooperative's assembly meeting at no antenna of theirs stays closed to the relay.
    b = assembly(org.fr)
    election(b, ["ann", "bob"], method="plurality", seats=1)
    convene(b)
    assert not relay_here.has_perm("decisions.view_assembly", b)


# --- presence in the room counts for the quorum of every item -----------------------------------------------


def test_members_present_in_the_room_count_for_an_elections_quorum(client, org):
    antenna = _antenna(org.be)
    people = members_in(org, org.be, 6)
    for m in people[:2]:
        m.person.home_antenna = antenna
        m.person.save(update_fields=["home_antenna"])
    voter, silent, giver, *_absent = people
    a = assembly(org.be, preset="be-sc-statutes")  # quorum: half of the electorate present or represented
    item = election(a, ["ann", "bob"], method="plurality", seats=1)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    room.presence_record(site=site, entry=entry(a, voter), actor=ACTOR)
    room.presence_record(site=site, entry=entry(a, silent), actor=ACTOR)
    services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, silent), actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    services.ballot_cast(item=item, entry=entry(a, voter), content="ann", actor=ACTOR, channel="room")
    services.item_close(item=item, actor=ACTOR)
    result = counting.item_count(item=item, actor=ACTOR, seed="1")
    # One ballot (weight 1), the silent member present (1) and the proxy they hold (1): 3 of 6 ≥ 1/2.
    assert result.participation["present_or_represented"] == 3
    assert result.participation["present_in_room_without_vote"] == 1
    assert result.participation["voters"] == 1
    assert result.quorum_reached is True
    result.refresh_from_db()
    assert result.quorum_reached is True and result.participation["present_or_represented"] == 3
    services.result_publish(item=item, actor=ACTOR)
    # The result page and the minutes say the same.
    login(client, voter)
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert "Quorum reached." in page
    minutes = minutes_build(a, language="en")
    tables = [
        b
        for s in minutes.sections
        for b in s.blocks
        if isinstance(b, Table) and b.caption == "Participation and quorum"
    ]
    rows = dict(tables[0].rows)
    assert rows["Present or represented (weighted)"] == "3"
    assert rows["Quorum reached"] == "yes"


def test_without_the_room_the_same_election_misses_its_quorum(org):
    people = members_in(org, org.be, 6)
    a = assembly(org.be, preset="be-sc-statutes")
    item = election(a, ["ann", "bob"], method="plurality", seats=1)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, people[0], "ann")
    services.item_close(item=item, actor=ACTOR)
    result = counting.item_count(item=item, actor=ACTOR, seed="1")
    assert result.participation["present_or_represented"] == 1
    assert result.quorum_reached is False


def test_a_budgets_quorum_counts_the_room_too(org):
    antenna = _antenna(org.be)
    people = members_in(org, org.be, 4)
    for m in people[:2]:
        m.person.home_antenna = antenna
        m.person.save(update_fields=["home_antenna"])
    a = assembly(org.be, preset="be-sc-statutes")
    item = _budget_item(a, "greedy")
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    room.presence_record(site=site, entry=entry(a, people[1]), actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, people[0], ["garden"])
    services.item_close(item=item, actor=ACTOR)
    result = counting.item_count(item=item, actor=ACTOR, seed="1")
    assert result.participation["present_or_represented"] == 2
    assert result.quorum_reached is True  # 2 of 4
