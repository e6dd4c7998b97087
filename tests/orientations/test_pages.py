"""Pages and API of orientations: the national view by antenna (table and SVG), one orientation's
provenance, the roll-up page for a relay, suggested duplicates for staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coopgov.orientations import services
from coopgov.orientations.models import RollupSource
from coopgov.participation.models import Proposal
from tests.meetings.builders import Tree, contribution, meeting, process, proposal, support, user
from tests.orientations.test_duplicates import FUND_BXL, FUND_LGE


def signed_in(account: Any) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(account)
    return c


@pytest.fixture
def w(tree: Tree) -> dict[str, Any]:
    staff = user("staff", tree.be)
    bxl = proposal(process(tree.brussels), user(), title=FUND_BXL[0], body=FUND_BXL[1])
    lge = proposal(process(tree.liege), user(), title=FUND_LGE[0], body=FUND_LGE[1])
    support(bxl, user(), user())
    parent = services.orientation_roll_up(
        actor=staff, process=process(tree.be), title="Fonds national", body="…", proposals=[bxl]
    )
    return {"staff": staff, "bxl": bxl, "lge": lge, "parent": parent}


def test_the_national_view_shows_each_antenna_as_a_chart_and_a_table(tree: Tree, w: dict[str, Any]) -> None:
    page = signed_in(user()).get("/orientations/BE/").content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Bruxelles" in page and "Fonds national" in page
    assert '<td class="num">2</td>' in page


def test_one_orientation_lists_its_sources_with_supports(tree: Tree, w: dict[str, Any]) -> None:
    page = signed_in(user()).get(f"/orientations/proposals/{w['parent'].pk}/").content.decode()
    assert FUND_BXL[0] in page and "Supports when rolled up" in page


def test_a_relay_rolls_up_a_meeting_contribution_from_the_page(tree: Tree, w: dict[str, Any]) -> None:
    relay = user("relay", tree.liege)
    said = contribution(meeting(process(tree.liege), tree.liege, relay), relay, "La salle veut un fonds.")
    client = signed_in(relay)
    page = client.get("/orientations/BE/roll-up/").content.decode()
    assert "La salle veut un fonds." in page and FUND_BXL[0] not in page  # only Liège's items
    response = client.post(
        "/orientations/BE/roll-up/", {"contributions": [said.pk], "into": w["parent"].pk, "language": "fr"}
    )
    assert response.status_code == 302
    assert RollupSource.objects.filter(parent=w["parent"], contribution=said).exists()


def test_the_roll_up_form_says_what_is_missing(tree: Tree, w: dict[str, Any]) -> None:
    response = signed_in(w["staff"]).post("/orientations/BE/roll-up/", {"language": "fr"})
    assert "Choose at least one proposal or contribution" in response.content.decode()


def test_a_member_may_not_roll_up_nor_see_duplicates(tree: Tree, w: dict[str, Any]) -> None:
    member = signed_in(user())
    assert member.get("/orientations/BE/roll-up/").status_code == 403
    assert member.get("/orientations/BE/duplicates/").status_code == 403


def test_staff_see_a_suggested_duplicate_and_merge_it(tree: Tree, w: dict[str, Any]) -> None:
    from django.utils import timezone

    services.duplicate_suggestions_refresh(unit=tree.be, now=timezone.now())
    client = signed_in(w["staff"])
    page = client.get("/orientations/BE/duplicates/").content.decode()
    assert "Similarity" in page and FUND_LGE[0] in page
    client.post(
        "/orientations/BE/duplicates/merge/", {"kept": w["bxl"].pk, "merged": w["lge"].pk, "score": "0.48"}
    )
    assert Proposal.objects.get(pk=w["lge"].pk).merged_into_id == w["bxl"].pk


def test_the_api_gives_the_provenance_with_totals(tree: Tree, w: dict[str, Any]) -> None:
    body = signed_in(user()).get(f"/api/v1/orientations/{w['parent'].pk}/provenance").json()
    assert body["supports"] == 2
    assert body["sources"][0]["antenna"]["code"] == "BE-BXL"
    assert body["sources"][0]["source"] == {
        "kind": "proposal",
        "id": w["bxl"].pk,
        "title": FUND_BXL[0],
        "url": w["bxl"].get_absolute_url(),
    }
    assert body["by_antenna"] == [
        {"code": "BE-BXL", "name": "Bruxelles", "proposals": 1, "contributions": 0, "supports": 2}
    ]
    assert signed_in(user()).get("/api/v1/orientations/999999/provenance").status_code == 404


def test_the_index_lists_the_group_and_cooperatives_with_their_orientations(
    tree: Tree, w: dict[str, Any]
) -> None:
    page = signed_in(user()).get("/orientations/").content.decode()
    assert 'href="/orientations/BE/"' in page and 'href="/orientations/SMART/"' in page
    assert "1 orientation" in page and "0 orientations" in page


def test_the_national_view_takes_the_same_queries_for_more_orientations(
    tree: Tree, w: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = signed_in(user())
    client.get("/orientations/BE/")  # warm the session
    with django_assert_num_queries(12) as first:
        client.get("/orientations/BE/")
    for _ in range(5):
        services.orientation_roll_up(
            actor=w["staff"], process=w["parent"].process, title="Encore", body="…", proposals=[w["lge"]]
        )
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get("/orientations/BE/").status_code == 200


def test_the_roll_up_page_narrows_to_one_antenna(tree: Tree, w: dict[str, Any]) -> None:
    client = signed_in(w["staff"])
    both = client.get("/orientations/BE/roll-up/").content.decode()
    assert FUND_BXL[0] in both and FUND_LGE[0] in both
    liege = client.get("/orientations/BE/roll-up/?from=BE-LGE").content.decode()
    assert FUND_LGE[0] in liege and FUND_BXL[0] not in liege
