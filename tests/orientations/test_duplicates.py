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


# --- stored suggestions -------------------------------------------------------------------------------------


def _pairs(suggestions: list[Any]) -> list[tuple[int, int, float, str]]:
    return [(s.first.pk, s.second.pk, s.score, s.language) for s in suggestions]


def test_stored_suggestions_are_those_of_the_live_comparison(tree: Tree, w: dict[str, Any]) -> None:
    from django.utils import timezone

    from coopgov.orientations.selectors import stored_duplicate_suggestions

    proposal(process(tree.lille), user(), title=FUND_LGE[0], body=FUND_LGE[1])
    dutch = proposal(process(tree.liege), user(), title=FUND_NL[0], body=FUND_NL[1], language="nl")
    Proposal.objects.filter(pk=w["bxl"].pk).update(titles={"nl": FUND_NL[0]}, bodies={"nl": FUND_NL[1]})
    services.duplicate_dismiss(first=w["lge"], second=w["same_antenna"], actor=w["staff"])
    for unit in (tree.be, tree.group):
        assert stored_duplicate_suggestions(unit) == []  # nothing stored yet
        services.duplicate_suggestions_refresh(unit=unit, now=timezone.now())
        assert _pairs(stored_duplicate_suggestions(unit)) == _pairs(duplicate_suggestions(unit))
    assert frozenset((w["bxl"].pk, dutch.pk)) in {
        frozenset((s.first.pk, s.second.pk)) for s in stored_duplicate_suggestions(tree.be)
    }
    assert len(stored_duplicate_suggestions(tree.group)) > len(stored_duplicate_suggestions(tree.be))


def test_a_dismissed_or_merged_pair_leaves_the_stored_suggestions_at_once(
    tree: Tree, w: dict[str, Any]
) -> None:
    from django.utils import timezone

    from coopgov.orientations.selectors import stored_duplicate_suggestions

    third = proposal(process(tree.lille), user(), title=FUND_LGE[0], body=FUND_LGE[1])
    services.duplicate_suggestions_refresh(unit=tree.group, now=timezone.now())
    found = {frozenset((s.first.pk, s.second.pk)) for s in stored_duplicate_suggestions(tree.group)}
    assert {frozenset((w["bxl"].pk, w["lge"].pk)), frozenset((w["lge"].pk, third.pk))} <= found
    services.duplicate_dismiss(first=w["bxl"], second=w["lge"], actor=w["staff"])
    services.duplicate_merge(kept=w["bxl"], merged=third, actor=user("staff", tree.group))
    left = {frozenset((s.first.pk, s.second.pk)) for s in stored_duplicate_suggestions(tree.group)}
    assert frozenset((w["bxl"].pk, w["lge"].pk)) not in left
    assert all(third.pk not in pair for pair in left)


def test_writing_editing_or_translating_a_proposal_recomputes_the_suggestions_after_commit(
    tree: Tree, w: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from coopgov.orientations.models import DuplicateSuggestion
    from coopgov.participation import services as participation

    author = user()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        lille = participation.proposal_create(
            process=process(tree.lille),
            author=author,
            title=FUND_BXL[0],
            body=FUND_BXL[1],
            language="fr",
            actor=author,
        )
    assert not DuplicateSuggestion.objects.exists()  # nothing before the commit
    for callback in pending:
        callback()
    # Lille is in France: its text is compared at the group's level, not at Smart Belgium's.
    stored = set(DuplicateSuggestion.objects.values_list("scope__code", "first_id", "second_id"))
    assert ("SMART", min(w["bxl"].pk, lille.pk), max(w["bxl"].pk, lille.pk)) in stored
    assert {scope for scope, _a, _b in stored} == {"SMART"}  # France has no other antenna to compare with
    with django_capture_on_commit_callbacks(execute=True):
        participation.proposal_edit(
            proposal=lille,
            title="Un potager sur le toit",
            body="Cultiver des légumes sur le toit de l'atelier.",
            actor=author,
        )
    assert not DuplicateSuggestion.objects.filter(first=lille).exists()
    assert not DuplicateSuggestion.objects.filter(second=lille).exists()
    dutch = proposal(process(tree.liege), user(), title=FUND_NL[0], body=FUND_NL[1], language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        participation.translation_add(
            target=w["bxl"], language="nl", title=FUND_NL[0], body=FUND_NL[1], actor=w["authors"][0]
        )
    row = DuplicateSuggestion.objects.get(
        scope=tree.be, first_id=min(w["bxl"].pk, dutch.pk), second_id=max(w["bxl"].pk, dutch.pk)
    )
    assert row.language == "nl"


def test_the_page_reads_the_stored_suggestions(tree: Tree, w: dict[str, Any]) -> None:
    from django.test import Client
    from django.utils import timezone

    client = Client()
    client.force_login(w["staff"])
    page = client.get("/orientations/BE/duplicates/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No likely duplicates right now." in page  # nothing computed yet: the page compares nothing
    services.duplicate_suggestions_refresh(unit=tree.be, now=timezone.now())
    page = client.get("/orientations/BE/duplicates/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Similarity" in page and FUND_LGE[0] in page and TRAINING[0] not in page


def test_the_command_recomputes_every_level_and_the_task_skips_a_deleted_proposal(
    tree: Tree, w: dict[str, Any]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from coopgov.orientations.models import DuplicateSuggestion
    from coopgov.orientations.tasks import refresh_duplicate_suggestions

    out = StringIO()
    call_command("refresh_duplicates", stdout=out)
    assert "BE: 2 suggested pairs" in out.getvalue() and "SMART:" in out.getvalue()
    assert DuplicateSuggestion.objects.filter(scope=tree.be).count() == 2
    call_command("refresh_duplicates", stdout=out)
    assert DuplicateSuggestion.objects.filter(scope=tree.be).count() == 2  # replaced, not added
    assert refresh_duplicate_suggestions.enqueue(10**9).return_value == 0
