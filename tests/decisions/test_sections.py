"""Section assemblies elect delegates; at the general assembly a delegate's vote weighs the members they
represent (DOMAIN.md §2.3), and recounting the exported file gives the stored result."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.audit.models import AuditEntry
from coopgov.decisions import sections, services
from coopgov.decisions.models import Assembly, AssemblySite, Delegate, ElectorateEntry
from coopgov.decisions.services import DecisionRefused
from coopgov.organisation.models import Unit
from coopgov.tools.tally import tally_file
from tests.decisions.builders import assembly, cast, close_and_count, convene, entry, members_in, motion
from tests.members.builders import ACTOR


def _antennas(coop: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=coop, kind=Unit.Kind.ANTENNA).order_by("pk")[:2])


def _home(members, antenna):
    for m in members:
        m.person.home_antenna = antenna
        m.person.save(update_fields=["home_antenna"])
    return members


def _section(org, ga: Assembly, antenna: Unit, members, voters: int) -> Assembly:
    """A section assembly of ``antenna`` where the first ``voters`` members vote on one motion."""
    s = assembly(
        ga.cooperative, unit=antenna, kind=Assembly.Kind.SECTION, parent=ga, title=f"Section {antenna.name}"
    )
    item = motion(s)
    convene(s)
    services.item_open(item=item, actor=ACTOR)
    for m in members[:voters]:
        cast(item, s, m, "yes")
    return s


def test_shares_are_whole_members_with_the_remainder_to_the_first_delegates():
    assert sections.share_between(10, 3) == [4, 3, 3]
    assert sections.share_between(9, 3) == [3, 3, 3]
    assert sum(sections.share_between(7, 4)) == 7
    with pytest.raises(ValueError):
        sections.share_between(3, 0)


def _two_sections(org):
    """A French general assembly (no per-person cap, as a SCOP's) with two section assemblies."""
    paris, lyon = _antennas(org.fr)
    north = _home(members_in(org, org.fr, 6), paris)
    south = _home(members_in(org, org.fr, 3), lyon)
    ga = assembly(org.fr, title="AG des délégués")
    motion(ga)
    s1 = _section(org, ga, paris, north, voters=5)
    s2 = _section(org, ga, lyon, south, voters=2)
    return ga, s1, s2, north, south


def test_a_delegates_vote_weighs_the_members_present_in_their_section_and_recounts(org, tmp_path):
    ga, s1, s2, north, south = _two_sections(org)
    d1 = sections.section_delegates_record(section=s1, memberships=[north[0], north[1]], actor=ACTOR)
    d2 = sections.section_delegates_record(section=s2, memberships=[south[0]], actor=ACTOR)
    assert [d.represents for d in d1] == [3, 2]  # 5 present in Brussels, two delegates
    assert [d.represents for d in d2] == [2]
    assert AuditEntry.objects.filter(action="section.delegates_recorded").count() == 2
    convene(ga)
    voters = ElectorateEntry.objects.filter(assembly=ga, eligible=True).order_by("weight")
    assert [int(e.weight) for e in voters] == [2, 2, 3]
    delegate = entry(ga, north[0])
    assert {"code": "delegate", "section": s1.title, "represents": 3} in delegate.reasons
    other = entry(ga, north[2])
    assert not other.eligible and other.reasons[-1] == {"code": "votes_through_section"}
    item = ga.items.get()
    services.item_open(item=item, actor=ACTOR)
    cast(item, ga, north[0], "yes")  # 3
    cast(item, ga, north[1], "no")  # 2
    cast(item, ga, south[0], "no")  # 2
    result = close_and_count(item)
    assert result.result["adopted"] is False  # 3 for, 4 against, as the members they represent
    assert result.result["explanation"]["counts"]["no"] == 4
    path = tmp_path / "ballots.json"
    path.write_text(result.ballots_file, encoding="utf-8")
    assert tally_file("motion", path, seed=result.seed)["adopted"] is False


def test_convening_a_general_assembly_waits_for_every_sections_delegates(org):
    ga, s1, _s2, north, _south = _two_sections(org)
    sections.section_delegates_record(section=s1, memberships=[north[0]], actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        convene(ga)
    assert refused.value.code == "delegates_missing"
    ga.refresh_from_db()
    assert ga.status == Assembly.Status.DRAFT
    assert not ElectorateEntry.objects.filter(assembly=ga).exists()


def test_delegates_must_be_in_the_section_and_are_frozen_once_the_assembly_is_convened(org):
    ga, s1, s2, north, south = _two_sections(org)
    with pytest.raises(DecisionRefused) as refused:
        sections.section_delegates_record(section=s1, memberships=[south[0]], actor=ACTOR)
    assert refused.value.code == "delegate_not_in_section"
    with pytest.raises(DecisionRefused) as refused:
        sections.section_delegates_record(section=s1, memberships=[north[0], north[0]], actor=ACTOR)
    assert refused.value.code == "delegate_twice"
    sections.section_delegates_record(section=s1, memberships=[north[0]], actor=ACTOR)
    sections.section_delegates_record(section=s2, memberships=[south[0]], actor=ACTOR)
    convene(ga)
    with pytest.raises(DecisionRefused) as refused:
        sections.section_delegates_record(section=s1, memberships=[north[1]], actor=ACTOR)
    assert refused.value.code == "general_assembly_convened"
    assert list(Delegate.objects.filter(section=s1).values_list("membership", flat=True)) == [north[0].pk]


def test_a_section_counts_members_present_in_its_room_and_represented(org):
    brussels, _liege = _antennas(org.be)
    people = _home(members_in(org, org.be, 4), brussels)
    ga = assembly(org.be)
    motion(ga)
    s = _section(org, ga, brussels, people, voters=1)
    from coopgov.decisions import room

    site = AssemblySite.objects.create(assembly=s, antenna=brussels)
    room.presence_record(site=site, entry=entry(s, people[1]), actor=ACTOR)
    services.proxy_give(assembly=s, giver=entry(s, people[2]), holder=entry(s, people[0]), actor=ACTOR)
    (d,) = sections.section_delegates_record(section=s, memberships=[people[0]], actor=ACTOR)
    assert d.represents == 3  # one online, one in the room, one represented; the fourth stayed away


def test_only_a_section_assembly_that_met_elects_delegates(org):
    people = members_in(org, org.be, 1)
    plain = assembly(org.be)
    motion(plain)
    convene(plain)
    with pytest.raises(DecisionRefused) as refused:
        sections.section_delegates_record(section=plain, memberships=people, actor=ACTOR)
    assert refused.value.code == "not_a_section"
    ga = assembly(org.be, title="AG")
    s = assembly(org.be, kind=Assembly.Kind.SECTION, parent=ga, title="Section")
    motion(s)
    with pytest.raises(DecisionRefused) as refused:
        sections.section_delegates_record(section=s, memberships=people, actor=ACTOR)
    assert refused.value.code == "section_not_held"


@given(members=st.integers(min_value=0, max_value=10_000), delegates=st.integers(min_value=1, max_value=50))
def test_shares_add_up_to_the_attendance_and_differ_by_at_most_one(members, delegates):
    shares = sections.share_between(members, delegates)
    assert sum(shares) == members and len(shares) == delegates
    assert max(shares) - min(shares) <= 1 and shares == sorted(shares, reverse=True)
