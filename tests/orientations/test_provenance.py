"""Provenance of roll-up proposals: which antennas, which proposals and meetings, how many supports."""

from __future__ import annotations

from typing import Any

import pytest

from coopgov.audit.models import AuditEntry
from coopgov.notifications.models import Notification
from coopgov.orientations import services
from coopgov.orientations.selectors import provenance_by_proposal, totals_by_antenna
from coopgov.participation.models import Follow, Proposal
from tests.meetings.builders import Tree, contribution, meeting, process, proposal, support, user


@pytest.fixture
def national(tree: Tree) -> dict[str, Any]:
    """Two antennas of BE with a proposal each, a meeting contribution in Liège, and BE's staff."""
    staff = user("staff", tree.be)
    members = [user() for _ in range(5)]
    bxl, lge = process(tree.brussels), process(tree.liege)
    p_bxl = proposal(bxl, members[0], title="Un fonds de solidarité")
    p_lge = proposal(lge, members[1], title="Une caisse de solidarité")
    support(p_bxl, *members[:3])
    support(p_lge, members[2], members[3])
    relay = user("relay", tree.liege)
    c = contribution(meeting(lge, tree.liege, relay), relay, "La salle veut un fonds commun.")
    return {
        "staff": staff,
        "members": members,
        "be_process": process(tree.be),
        "p_bxl": p_bxl,
        "p_lge": p_lge,
        "contribution": c,
        "relay": relay,
    }


def roll_up(w: dict[str, Any]) -> Proposal:
    return services.orientation_roll_up(
        actor=w["staff"],
        process=w["be_process"],
        title="Un fonds de solidarité national",
        body="Regroupe les propositions des antennes.",
        proposals=[w["p_bxl"], w["p_lge"]],
        contributions=[w["contribution"]],
    )


def test_a_roll_up_lists_each_source_with_its_antenna_and_supports(
    tree: Tree, national: dict[str, Any]
) -> None:
    parent = roll_up(national)
    sources = provenance_by_proposal([parent.pk])[parent.pk]
    assert [(s.antenna.code, s.source.kind, s.source.id) for s in sources] == [
        ("BE-BXL", "proposal", national["p_bxl"].pk),
        ("BE-LGE", "proposal", national["p_lge"].pk),
        ("BE-LGE", "contribution", national["contribution"].pk),
    ]
    assert sources[0].supports == 3
    assert sources[2].meeting == "Bilan participatif Liège"
    assert sources[0].source.url == national["p_bxl"].get_absolute_url()


def test_a_member_who_supported_two_sources_counts_once(tree: Tree, national: dict[str, Any]) -> None:
    parent = roll_up(national)
    sources = provenance_by_proposal([parent.pk])[parent.pk]
    # member 2 supported both: counted at Bruxelles (the first source), not again at Liège.
    assert [s.supports for s in sources] == [3, 1, 0]
    assert sum(s.supports for s in sources) == 4  # four distinct supporters
    assert [s.supports_at_rollup for s in sources] == [3, 2, 0]


def test_supports_are_live_and_the_count_at_roll_up_is_kept(tree: Tree, national: dict[str, Any]) -> None:
    parent = roll_up(national)
    support(national["p_lge"], national["members"][4])
    sources = provenance_by_proposal([parent.pk])[parent.pk]
    assert (sources[1].supports, sources[1].supports_at_rollup) == (2, 2)
    support(national["p_lge"], user())
    assert provenance_by_proposal([parent.pk])[parent.pk][1].supports == 3


def test_by_antenna_totals_add_the_deduplicated_supports(tree: Tree, national: dict[str, Any]) -> None:
    parent = roll_up(national)
    rows = totals_by_antenna(provenance_by_proposal([parent.pk])[parent.pk])
    assert [(r.unit.code, r.proposals, r.contributions, r.supports) for r in rows] == [
        ("BE-BXL", 1, 0, 3),
        ("BE-LGE", 1, 1, 1),
    ]


def test_local_authors_are_notified_and_follow_the_orientation(tree: Tree, national: dict[str, Any]) -> None:
    parent = roll_up(national)
    for author in national["members"][:2]:
        assert Follow.objects.filter(user=author, proposal=parent).exists()
        assert Notification.objects.filter(recipient=author, kind="orientations.rolled_up").exists()
    national["p_bxl"].refresh_from_db()
    assert national["p_bxl"].parent_id == parent.pk


def test_a_roll_up_is_audited_with_its_sources(tree: Tree, national: dict[str, Any]) -> None:
    parent = roll_up(national)
    entry = AuditEntry.objects.get(action="orientations.roll_up")
    assert entry.object_id == str(parent.pk)
    assert [s["unit"] for s in entry.after["sources"]] == ["BE-BXL", "BE-LGE", "BE-LGE"]


def test_a_group_orientation_shows_the_antennas_behind_a_national_one(
    tree: Tree, national: dict[str, Any]
) -> None:
    be_orientation = roll_up(national)
    support(be_orientation, national["members"][0], national["members"][4])
    group_staff = user("staff", tree.group)
    fr_member = user()
    fr_proposal = proposal(process(tree.fr), fr_member, title="Une mutuelle commune")
    support(fr_proposal, fr_member)
    group = services.orientation_roll_up(
        actor=group_staff,
        process=process(tree.group),
        title="Solidarité dans le groupe",
        body="…",
        proposals=[be_orientation, fr_proposal],
    )
    sources = provenance_by_proposal([group.pk])[group.pk]
    assert [(s.antenna.code, s.source.id, s.via) for s in sources] == [
        ("BE-BXL", national["p_bxl"].pk, be_orientation.pk),
        ("BE-LGE", national["p_lge"].pk, be_orientation.pk),
        ("BE-LGE", national["contribution"].pk, be_orientation.pk),
        ("BE", be_orientation.pk, None),
        ("FR", fr_proposal.pk, None),
    ]
    # member 0 supported Bruxelles and the BE orientation: counted once; member 4 only the orientation.
    assert [s.supports for s in sources] == [3, 1, 0, 1, 1]


def test_a_proposal_without_sources_has_an_empty_provenance(tree: Tree, national: dict[str, Any]) -> None:
    assert provenance_by_proposal([national["p_bxl"].pk]) == {national["p_bxl"].pk: []}
    assert provenance_by_proposal([]) == {}


def test_provenance_of_many_proposals_takes_a_fixed_number_of_queries(
    tree: Tree, national: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    parents = [roll_up(national)]
    for _ in range(5):
        parents.append(
            services.orientation_roll_up(
                actor=national["staff"],
                process=national["be_process"],
                title="Encore",
                body="…",
                proposals=[national["p_bxl"]],
            )
        )
    # two queries per level (sources, merges) for two levels and one for a third empty level, + supports
    with django_assert_max_num_queries(7):
        result = provenance_by_proposal([p.pk for p in parents])
    assert len(result) == 6
