"""Duplicates across antennas: suggested by text similarity (FR/NL/EN), merged with provenance kept, and a
member who supported both counted once."""

from __future__ import annotations

from typing import Any

import pytest

from coopgov.audit.models import AuditEntry
from coopgov.notifications.models import Notification
from coopgov.orientations import services
from coopgov.orientations.selectors import duplicate_suggestions, provenance_by_proposal
from coopgov.orientations.services import RollupRefused
from coopgov.participation.models import Follow, Proposal
from tests.meetings.builders import Tree, process, proposal, support, user

FUND_BXL = (
    "Créer un fonds de solidarité pour les membres en difficulté",
    "Un fonds de solidarité alimenté par une cotisation volontaire aiderait les membres qui traversent "
    "une période sans contrat.",
)
FUND_LGE = (
    "Un fonds de solidarité pour les coopérateurs en difficulté",
    "Mettre en place une caisse de solidarité, financée par une cotisation volontaire, pour les membres "
    "sans contrat.",
)
TRAINING = (
    "Des formations à la gestion de projet",
    "Organiser chaque trimestre des ateliers de formation à la gestion de projet culturel.",
)
FUND_NL = (
    "Een solidariteitsfonds voor leden in moeilijkheden",
    "Een solidariteitsfonds, gefinancierd met een vrijwillige bijdrage, voor leden zonder contract.",
)


@pytest.fixture
def w(tree: Tree) -> dict[str, Any]:
    bxl, lge = process(tree.brussels), process(tree.liege)
    authors = [user(), user(), user()]
    return {
        "staff": user("staff", tree.be),
        "authors": authors,
        "bxl": proposal(bxl, authors[0], title=FUND_BXL[0], body=FUND_BXL[1]),
        "lge": proposal(lge, authors[1], title=FUND_LGE[0], body=FUND_LGE[1]),
        "training": proposal(lge, authors[2], title=TRAINING[0], body=TRAINING[1]),
        "same_antenna": proposal(bxl, authors[2], title=FUND_LGE[0], body=FUND_LGE[1]),
    }


def test_similar_proposals_of_two_antennas_are_suggested_with_their_score(
    tree: Tree, w: dict[str, Any]
) -> None:
    suggestions = duplicate_suggestions(tree.be)
    pairs = {(s.first.pk, s.second.pk) for s in suggestions}
    assert (min(w["bxl"].pk, w["lge"].pk), max(w["bxl"].pk, w["lge"].pk)) in pairs or (
        w["bxl"].pk,
        w["lge"].pk,
    ) in pairs
    assert all(w["training"].pk not in (s.first.pk, s.second.pk) for s in suggestions)
    # two proposals of the same antenna are not "across antennas"
    assert all(s.first.process.unit_id != s.second.process.unit_id for s in suggestions)
    assert all(0.3 <= s.score <= 1 for s in suggestions)


def test_a_translation_lets_a_dutch_proposal_meet_a_french_one(tree: Tree, w: dict[str, Any]) -> None:
    dutch = proposal(process(tree.liege), user(), title=FUND_NL[0], body=FUND_NL[1], language="nl")
    found = {frozenset((s.first.pk, s.second.pk)) for s in duplicate_suggestions(tree.be)}
    assert frozenset((w["bxl"].pk, dutch.pk)) not in found
    Proposal.objects.filter(pk=w["bxl"].pk).update(
        titles={"nl": "Een solidariteitsfonds oprichten voor leden in moeilijkheden"},
        bodies={"nl": "Een solidariteitsfonds met vrijwillige bijdragen voor leden zonder contract."},
    )
    suggestions = {frozenset((s.first.pk, s.second.pk)): s for s in duplicate_suggestions(tree.be)}
    assert suggestions[frozenset((w["bxl"].pk, dutch.pk))].language == "nl"


def test_a_dismissed_pair_is_no_longer_suggested(tree: Tree, w: dict[str, Any]) -> None:
    services.duplicate_dismiss(first=w["lge"], second=w["bxl"], actor=w["staff"])
    assert all(
        {s.first.pk, s.second.pk} != {w["bxl"].pk, w["lge"].pk} for s in duplicate_suggestions(tree.be)
    )


def test_a_merge_points_to_the_kept_proposal_and_keeps_provenance(tree: Tree, w: dict[str, Any]) -> None:
    services.duplicate_merge(kept=w["bxl"], merged=w["lge"], score=0.48, actor=w["staff"])
    w["lge"].refresh_from_db()
    assert (w["lge"].merged_into_id, w["lge"].status) == (w["bxl"].pk, Proposal.Status.MERGED)
    sources = provenance_by_proposal([w["bxl"].pk])[w["bxl"].pk]
    assert [(s.antenna.code, s.source.id, s.merged) for s in sources] == [("BE-LGE", w["lge"].pk, True)]
    assert Follow.objects.filter(user=w["authors"][1], proposal=w["bxl"]).exists()
    assert Notification.objects.filter(recipient=w["authors"][1], kind="orientations.merged").exists()
    entry = AuditEntry.objects.get(action="orientations.duplicate_merge")
    assert entry.after == {"status": "merged", "merged_into": w["bxl"].pk, "score": 0.48}
    assert all(w["lge"].pk not in (s.first.pk, s.second.pk) for s in duplicate_suggestions(tree.be))


def test_after_a_merge_a_member_who_supported_both_counts_once(tree: Tree, w: dict[str, Any]) -> None:
    both, only_bxl, only_lge = user(), user(), user()
    support(w["bxl"], both, only_bxl)
    support(w["lge"], both, only_lge)
    services.duplicate_merge(kept=w["bxl"], merged=w["lge"], actor=w["staff"])
    national = services.orientation_roll_up(
        actor=w["staff"], process=process(tree.be), title="Solidarité", body="…", proposals=[w["bxl"]]
    )
    sources = provenance_by_proposal([national.pk])[national.pk]
    # Liège's merged proposal (leaf) first, then Bruxelles' kept one: three distinct supporters in all.
    assert [(s.antenna.code, s.supports) for s in sources] == [("BE-LGE", 2), ("BE-BXL", 1)]
    assert sum(s.supports for s in sources) == 3


def test_merging_is_for_relays_or_staff_over_both_proposals(tree: Tree, w: dict[str, Any]) -> None:
    relay_bxl = user("relay", tree.brussels)
    with pytest.raises(RollupRefused, match="Liège"):
        services.duplicate_merge(kept=w["bxl"], merged=w["lge"], actor=relay_bxl)
    with pytest.raises(RollupRefused):
        services.duplicate_merge(kept=w["bxl"], merged=w["lge"], actor=user("staff", tree.fr))
    with pytest.raises(RollupRefused):
        services.duplicate_merge(kept=w["bxl"], merged=w["lge"], actor=user())
    services.duplicate_merge(kept=w["bxl"], merged=w["lge"], actor=user("relay", tree.be))
    with pytest.raises(RollupRefused, match="already merged"):
        services.duplicate_merge(kept=w["lge"], merged=w["training"], actor=w["staff"])
    with pytest.raises(RollupRefused, match="itself"):
        services.duplicate_merge(kept=w["bxl"], merged=w["bxl"], actor=w["staff"])


def test_a_national_proposal_is_not_merged_with_an_antennas_as_a_duplicate(
    tree: Tree, w: dict[str, Any]
) -> None:
    national = proposal(process(tree.be), user(), title=FUND_BXL[0], body=FUND_BXL[1])
    with pytest.raises(RollupRefused, match="same level"):
        services.duplicate_merge(kept=national, merged=w["lge"], actor=w["staff"])
    assert Proposal.objects.get(pk=w["lge"].pk).merged_into_id is None
