"""The room of a hybrid assembly: presence lists, show-of-hands totals per collège, the quorum counted on
presence, and delegation to the relay of one's site (coopgov.decisions.room)."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from django.utils import translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.decisions import room, services
from coopgov.decisions.models import AssemblySite, Ballot, HandCount, Item, Presence, Proxy
from coopgov.decisions.services import DecisionRefused
from coopgov.domain.formats.json_ballots import loads_ballot_file
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit
from coopgov.tools.tally import tally_file
from tests.decisions.builders import assembly, cast, convene, entry, members_in, motion
from tests.members.builders import ACTOR

# Receipts of room ballots: H<site>-<n> for a hand, P<site>-<n> for a member present who did not vote. An
# online receipt is random and may begin with the same letter, so the whole shape is matched.
ROOM_RECEIPT = r"^{kind}[0-9]+-[0-9]+$"


def _antenna(coop: Unit, n: int = 0) -> Unit:
    return Unit.objects.filter(parent=coop, kind=Unit.Kind.ANTENNA).order_by("pk")[n]


def _at(members: list[Membership], antenna: Unit) -> list[Membership]:
    for m in members:
        m.person.home_antenna = antenna
        m.person.save(update_fields=["home_antenna"])
    return members


def _open_motion(a, *, secret: bool = False, order: int = 1, preset: str = "") -> Item:
    item = motion(a, order=order, secret=secret, preset=preset)
    return item


def _present(site, members):
    for m in members:
        room.presence_record(site=site, entry=entry(site.assembly, m), actor=ACTOR)


def test_the_relay_records_presence_once_per_member_and_it_is_audited(org):
    antenna = _antenna(org.be)
    people = _at(members_in(org, org.be, 2), antenna)
    a = assembly(org.be)
    _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    before = AuditEntry.objects.filter(action="presence.recorded").count()
    room.presence_record(site=site, entry=entry(a, people[0]), actor=ACTOR)
    assert Presence.objects.filter(site=site).count() == 1
    assert AuditEntry.objects.filter(action="presence.recorded").count() == before + 1
    other = AssemblySite.objects.create(assembly=a, antenna=_antenna(org.be, 1))
    with pytest.raises(DecisionRefused) as refused:
        room.presence_record(site=other, entry=entry(a, people[0]), actor=ACTOR)
    assert refused.value.code == "already_present"
    assert Presence.objects.count() == 1


def test_a_member_who_voted_online_is_not_recorded_in_the_room(org):
    people = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = _open_motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, people[0], "yes")
    site = AssemblySite.objects.create(assembly=a, antenna=_antenna(org.be))
    with pytest.raises(DecisionRefused) as refused:
        room.presence_record(site=site, entry=entry(a, people[0]), actor=ACTOR)
    assert refused.value.code == "voted_online"
    assert not Presence.objects.exists()


def test_presence_is_refused_outside_the_electorate_and_before_convening(org):
    people = members_in(org, org.be, 1)
    a = assembly(org.be)
    _open_motion(a)
    site = AssemblySite.objects.create(assembly=a, antenna=_antenna(org.be))
    convene(a)
    b = assembly(org.be, title="Autre")
    _open_motion(b)
    convene(b)
    with pytest.raises(DecisionRefused) as refused:
        room.presence_record(site=site, entry=entry(b, people[0]), actor=ACTOR)
    assert refused.value.code == "not_in_electorate"
    draft = assembly(org.be, title="Brouillon")
    draft_site = AssemblySite.objects.create(assembly=draft, antenna=_antenna(org.be))
    with pytest.raises(DecisionRefused) as refused:
        room.presence_record(site=draft_site, entry=entry(a, people[0]), actor=ACTOR)
    assert refused.value.code == "assembly_not_sitting"


def test_hands_cannot_exceed_the_members_of_the_college_present_without_a_vote(org):
    antenna = _antenna(org.be)
    people = _at(members_in(org, org.be, 3), antenna)
    a = assembly(org.be)
    item = _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    _present(site, people)
    services.item_open(item=item, actor=ACTOR)
    services.ballot_cast(item=item, entry=entry(a, people[0]), content="no", actor=ACTOR, channel="room")
    with pytest.raises(DecisionRefused) as refused, translation.override("en"):
        room.hands_record(
            item=item, site=site, college="A", votes_for=2, votes_against=1, votes_abstain=0, actor=ACTOR
        )
    assert refused.value.code == "more_hands_than_present"
    assert "only 2 members" in refused.value.message
    assert not HandCount.objects.exists()
    room.hands_record(
        item=item, site=site, college="A", votes_for=1, votes_against=1, votes_abstain=0, actor=ACTOR
    )
    # A recount replaces the count, and the audit keeps both.
    room.hands_record(
        item=item, site=site, college="A", votes_for=2, votes_against=0, votes_abstain=0, actor=ACTOR
    )
    count = HandCount.objects.get()
    assert (count.votes_for, count.votes_against) == (2, 0)
    last = AuditEntry.objects.filter(action="hands.counted").order_by("-pk").first()
    assert last.before["for"] == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"secret": True}, "hands_secret"),
        ({"kind": Item.Kind.ELECTION}, "hands_motion_only"),
    ],
)
def test_a_show_of_hands_is_only_for_open_public_motions(org, change, code):
    antenna = _antenna(org.be)
    people = _at(members_in(org, org.be, 1), antenna)
    a = assembly(org.be)
    item = _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    _present(site, people)
    with pytest.raises(DecisionRefused) as refused:
        room.hands_record(
            item=item, site=site, college="A", votes_for=1, votes_against=0, votes_abstain=0, actor=ACTOR
        )
    assert refused.value.code == "item_not_open"
    services.item_open(item=item, actor=ACTOR)
    Item.objects.filter(pk=item.pk).update(**change)
    with pytest.raises(DecisionRefused) as refused:
        room.hands_record(
            item=item, site=site, college="A", votes_for=1, votes_against=0, votes_abstain=0, actor=ACTOR
        )
    assert refused.value.code == code


def _weighted_case(org):
    """FR (collèges 1: 40 %, 2: 20 %, 3: 20 %, 4: 20 %). In the Paris room: three of collège 1 and two of
    collège 2, who vote by a show of hands; one of collège 3 votes online; one of collège 1 is present
    and silent in the Lyon room."""
    paris, lyon = _antenna(org.fr, 0), _antenna(org.fr, 1)
    c1 = _at(members_in(org, org.fr, 3, category="1"), paris)
    c2 = _at(members_in(org, org.fr, 2, category="2"), paris)
    c3 = members_in(org, org.fr, 1, category="3")
    quiet = _at(members_in(org, org.fr, 1, category="1"), lyon)
    absent = members_in(org, org.fr, 3, category="4")
    a = assembly(org.fr)
    item = _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=paris)
    lyon_site = AssemblySite.objects.create(assembly=a, antenna=lyon)
    _present(site, c1 + c2)
    _present(lyon_site, quiet)
    services.item_open(item=item, actor=ACTOR)
    room.hands_record(
        item=item, site=site, college="1", votes_for=1, votes_against=2, votes_abstain=0, actor=ACTOR
    )
    room.hands_record(
        item=item, site=site, college="2", votes_for=2, votes_against=0, votes_abstain=0, actor=ACTOR
    )
    cast(item, a, c3[0], "no")
    return a, item, absent


def test_show_of_hands_totals_are_counted_with_the_college_weights_and_recount_the_same(org, tmp_path):
    _a, item, _absent = _weighted_case(org)
    services.item_close(item=item, actor=ACTOR)
    result = services.result_compute(item=item, actor=ACTOR, seed="1")
    rows = {row["college"]: row["counts"] for row in result.result["explanation"]["colleges"]}
    # Hand-computed: collège 1 yes 1, no 2 (Lyon's silent member abstains), collège 2 yes 2 of 2,
    # collège 3 no 1; collège 4 has no vote, so its 20 % is shared: yes weighs
    # (2/5 × 1/3 + 1/5 × 1 + 1/5 × 0) / (4/5) = 5/12.
    assert (rows["1"]["yes"], rows["1"]["no"], rows["1"]["abstain"]) == (1, 2, 1)
    assert (rows["2"]["yes"], rows["2"]["no"]) == (2, 0)
    assert (rows["3"]["yes"], rows["3"]["no"]) == (0, 1)
    weighted_yes = (Fraction(2, 5) * Fraction(1, 3) + Fraction(1, 5)) / Fraction(4, 5)
    assert result.result["explanation"]["decision"]["weighted_yes_exact"] == str(weighted_yes)
    assert result.result["adopted"] is False
    # Present: 5 in Paris + 1 in Lyon + 1 online = 7 of 10 members.
    assert Fraction(result.participation["present_or_represented"]) == 7
    path = tmp_path / "ballots.json"
    path.write_text(result.ballots_file, encoding="utf-8")
    recount = tally_file("motion", path, seed="1")
    assert recount["adopted"] == result.result["adopted"]
    assert recount["explanation"] == json.loads(json.dumps(result.result["explanation"]))


def test_the_quorum_counts_members_present_in_the_room_who_did_not_vote(org):
    antenna = _antenna(org.be)
    present = _at(members_in(org, org.be, 2), antenna)
    members_in(org, org.be, 2)  # absent
    a = assembly(org.be, preset="be-sc-statutes")
    item = _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    _present(site, present)
    services.item_open(item=item, actor=ACTOR)
    services.ballot_cast(item=item, entry=entry(a, present[0]), content="yes", actor=ACTOR, channel="room")
    services.item_close(item=item, actor=ACTOR)
    result = services.result_compute(item=item, actor=ACTOR, seed="1")
    # Quorum 1/2 of 4: the voter and the silent member present make 2, so it is reached; the silent
    # member is not a vote cast (3/4 of votes cast: 1 yes of 1).
    assert result.quorum_reached is True
    assert result.result["adopted"] is True
    silent = Ballot.objects.get(item=item, receipt__regex=ROOM_RECEIPT.format(kind="P"))
    assert silent.content == "abstain" and silent.weight == 1


def test_closing_is_refused_when_a_member_counted_by_hands_voted_online_afterwards(org):
    antenna = _antenna(org.be)
    people = _at(members_in(org, org.be, 2), antenna)
    a = assembly(org.be)
    item = _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    _present(site, people)
    services.item_open(item=item, actor=ACTOR)
    room.hands_record(
        item=item, site=site, college="A", votes_for=2, votes_against=0, votes_abstain=0, actor=ACTOR
    )
    cast(item, a, people[0], "no")
    with pytest.raises(DecisionRefused) as refused:
        services.item_close(item=item, actor=ACTOR)
    assert refused.value.code == "recount_hands"
    item.refresh_from_db()
    assert item.status == Item.Status.OPEN
    assert not Ballot.objects.filter(item=item, receipt__regex=ROOM_RECEIPT.format(kind="H")).exists()


def test_attendance_counts_room_online_and_represented_once_each(org):
    antenna = _antenna(org.be)
    roomers = _at(members_in(org, org.be, 2), antenna)
    online, giver, _absent = members_in(org, org.be, 3)
    a = assembly(org.be)
    item = _open_motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna)
    _present(site, roomers)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, online, "yes")
    services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, roomers[0]), actor=ACTOR)
    seen = room.attendance(a)
    assert (seen.in_room_total, seen.online, seen.represented) == (2, 1, 1)
    assert seen.present_weight == 4 and seen.electorate == 5


# --- delegation to relays ---------------------------------------------------------------------------------


def _relay_setup(org, *, allow: bool = True, cap: int | None = None):
    antenna = _antenna(org.be)
    relay_member, *givers = _at(members_in(org, org.be, 4), antenna)
    a = assembly(org.be, allow_delegation_to_relays=allow, max_proxies_per_holder=cap)
    item = _open_motion(a)
    convene(a)
    relay_user = User.objects.create_user(email=relay_member.person.email, person=relay_member.person)
    site = AssemblySite.objects.create(assembly=a, antenna=antenna, relay=relay_user)
    return a, item, site, relay_member, givers


def test_delegation_to_relays_is_off_unless_the_assembly_allows_it(org):
    a, _item, site, _relay, givers = _relay_setup(org, allow=False)
    with pytest.raises(DecisionRefused) as refused:
        room.relay_delegate(assembly=a, giver=entry(a, givers[0]), site=site, actor=ACTOR)
    assert refused.value.code == "no_relay_delegation"
    assert not Proxy.objects.exists()


def test_a_member_delegates_to_the_relay_of_their_site_with_the_proxy_caps(org):
    a, item, site, relay_member, givers = _relay_setup(org, cap=2)
    room.relay_delegate(assembly=a, giver=entry(a, givers[0]), site=site, actor=ACTOR)
    room.relay_delegate(assembly=a, giver=entry(a, givers[1]), site=site, actor=ACTOR)
    proxy = Proxy.objects.get(giver=entry(a, givers[0]))
    assert proxy.to_site == site and proxy.holder == entry(a, relay_member)
    assert AuditEntry.objects.filter(action="proxy.delegated_to_relay").count() == 2
    with pytest.raises(DecisionRefused) as refused:
        room.relay_delegate(assembly=a, giver=entry(a, givers[2]), site=site, actor=ACTOR)
    assert refused.value.code == "holder_full"
    # Voting online overrides the delegation: the relay's ballot weighs their own vote and one proxy.
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, relay_member, "yes")
    cast(item, a, givers[0], "no")
    services.item_close(item=item, actor=ACTOR)
    weights = sorted(Ballot.objects.filter(item=item).values_list("weight", flat=True))
    assert [int(w) for w in weights] == [1, 2]


def test_a_member_cannot_delegate_to_the_relay_of_another_site(org):
    a, _item, _site, _relay, givers = _relay_setup(org)
    other = AssemblySite.objects.create(assembly=a, antenna=_antenna(org.be, 1))
    with pytest.raises(DecisionRefused) as refused:
        room.relay_delegate(assembly=a, giver=entry(a, givers[0]), site=other, actor=ACTOR)
    assert refused.value.code == "not_your_site"


def test_a_relay_outside_the_electorate_cannot_hold_a_delegation(org):
    a, _item, site, _relay, givers = _relay_setup(org)
    site.relay = None
    site.save()
    with pytest.raises(DecisionRefused) as refused:
        room.relay_delegate(assembly=a, giver=entry(a, givers[0]), site=site, actor=ACTOR)
    assert refused.value.code == "relay_not_in_electorate"


def test_the_ballot_file_of_a_room_vote_reads_back(org):
    _a, item, _absent = _weighted_case(org)
    services.item_close(item=item, actor=ACTOR)
    result = services.result_compute(item=item, actor=ACTOR, seed="1")
    parsed = loads_ballot_file(result.ballots_file)
    hand = ROOM_RECEIPT.format(kind="H")
    hands = sorted((b.college, b.vote) for b in parsed.ballots if re.match(hand, str(b.voter)))
    assert hands == [("1", "no"), ("1", "no"), ("1", "yes"), ("2", "yes"), ("2", "yes")]
    assert all(b.weight == 1 for b in parsed.ballots)
