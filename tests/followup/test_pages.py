"""The public follow-up pages (no account needed), the answer form, and the API of recommendations."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from coopgov.followup import services
from coopgov.followup.models import Recommendation
from tests.followup.builders import Sip, build_cycle, officer, recommend
from tests.organisation.world import World, bearer, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def sip(world: World) -> Sip:
    sip = build_cycle(world)
    board = officer(world, "board", "cooperative BE")
    statuses = ["done", "in_progress", "not_done", "rejected", "postponed", "done"]
    for i, status in enumerate(statuses):
        rec = recommend(sip, f"Recommandation {i + 1}", theme=sip.economy if i % 2 == 0 else sip.governance)
        services.recommendation_set_status(
            recommendation=rec,
            status=status,
            response=f"Réponse {i + 1}",
            on=timezone.localdate(),
            actor=board,
        )
    recommend(sip, "En attente", body=sip.ag_be)
    return sip


def test_anyone_sees_the_follow_up_with_counts_per_status_as_chart_and_table(client: Any, sip: Sip) -> None:
    response = client.get(reverse("followup:cycle", args=["sip-2025"]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Smart in Progress 2025–2026" in page
    counts = {c.status: c.count for c in response.context["counts"]}
    assert counts == {
        "submitted": 1,
        "done": 2,
        "in_progress": 1,
        "not_done": 1,
        "rejected": 1,
        "postponed": 1,
    }
    assert "<svg" in page and "The same numbers as a table" in page
    assert page.count('<tr><td class="num">') == 7


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("status=done", [1, 6]),
        ("theme=governance", [2, 4, 6]),
        ("theme=economy&status=done", [1]),
    ],
)
def test_filters_by_status_theme_and_body(client: Any, sip: Sip, query: str, numbers: list[int]) -> None:
    response = client.get(reverse("followup:cycle", args=["sip-2025"]) + "?" + query)
    assert [r.number for r in response.context["recommendations"]] == numbers


def test_the_body_filter_keeps_the_counts_of_that_body(client: Any, sip: Sip) -> None:
    response = client.get(reverse("followup:cycle", args=["sip-2025"]), {"body": sip.ag_be.pk})
    assert [r.number for r in response.context["recommendations"]] == [7]
    assert {c.status: c.count for c in response.context["counts"]}["submitted"] == 1
    assert sum(c.count for c in response.context["counts"]) == 1


def test_an_unknown_filter_value_is_reported_and_ignored(client: Any, sip: Sip) -> None:
    response = client.get(
        reverse("followup:cycle", args=["sip-2025"]) + "?status=finished", HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A filter was not understood" in page and "Status" in page
    assert len(response.context["recommendations"]) == 7


@pytest.mark.parametrize(("language", "text"), [("fr", "Réalisée"), ("nl", "Uitgevoerd"), ("en", "Done")])
def test_the_page_speaks_french_dutch_and_english(client: Any, sip: Sip, language: str, text: str) -> None:
    page = client.get(
        reverse("followup:cycle", args=["sip-2025"]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert text in page


def test_the_follow_up_page_costs_a_fixed_number_of_queries(
    client: Any, sip: Sip, django_assert_num_queries: Any
) -> None:
    for i in range(10):
        recommend(sip, f"Encore {i}")
    # cycle, bodies (filter), themes (filter), counts per status, recommendations with theme/group/body,
    # local groups with their unit, theme and process
    with django_assert_num_queries(6):
        response = client.get(reverse("followup:cycle", args=["sip-2025"]))
    assert len(response.context["recommendations"]) == 17


def test_the_cycle_page_shows_the_local_groups_and_their_process(client: Any, world: World, sip: Sip) -> None:
    from coopgov.participation.models import Process

    process = Process.objects.create(unit=world.brussels, slug="sip", title="SiP à Bruxelles")
    sip.group.process = process
    sip.group.save()
    page = client.get(
        reverse("followup:cycle", args=["sip-2025"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Groupe Bruxelles" in page and "SiP à Bruxelles" in page and process.get_absolute_url() in page


def test_a_recommendation_page_shows_the_response_and_the_dated_history(client: Any, sip: Sip) -> None:
    response = client.get(reverse("followup:recommendation", args=["sip-2025", 2]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Réponse 2" in page and "In progress" in page and "Awaiting a response" in page
    assert "Record the body&#x27;s answer" not in page


def test_the_board_records_an_answer_through_the_page(client: Any, world: World, sip: Sip) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    url = reverse("followup:answer", args=["sip-2025", 7])
    response = client.post(
        url, {"status": "in_progress", "response": "Mis à l'ordre du jour.", "on": timezone.localdate()}
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(cycle=sip.cycle, number=7).status == "in_progress"


def test_an_answer_without_a_response_is_refused_with_the_reason_beside_the_field(
    client: Any, world: World, sip: Sip
) -> None:
    client.force_login(officer(world, "board", "cooperative BE"))
    url = reverse("followup:answer", args=["sip-2025", 7])
    response = client.post(
        url, {"status": "done", "response": "", "on": "2026-13-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Enter a valid date." in page
    assert Recommendation.objects.get(cycle=sip.cycle, number=7).status == "submitted"


def test_a_member_cannot_post_an_answer(client: Any, world: World, sip: Sip) -> None:
    client.force_login(world.member_user)
    response = client.post(
        reverse("followup:answer", args=["sip-2025", 7]),
        {"status": "done", "response": "x", "on": "2026-01-20"},
    )
    assert response.status_code == 403


def test_a_member_follows_and_unfollows(client: Any, world: World, sip: Sip) -> None:
    client.force_login(world.member_user)
    client.post(reverse("followup:follow", args=["sip-2025", 7]))
    rec = Recommendation.objects.get(cycle=sip.cycle, number=7)
    assert rec.follows.filter(user=world.member_user).exists()
    client.post(reverse("followup:unfollow", args=["sip-2025", 7]))
    assert not rec.follows.exists()


def test_unknown_cycle_or_number_is_a_404(client: Any, sip: Sip) -> None:
    assert client.get(reverse("followup:cycle", args=["nope"])).status_code == 404
    assert client.get(reverse("followup:recommendation", args=["sip-2025", 99])).status_code == 404


def test_the_api_lists_recommendations_to_any_account_with_history_and_counts(
    client: Any, world: World, sip: Sip
) -> None:
    assert client.get("/api/v1/follow-up/sip-2025/recommendations").status_code == 401
    response = client.get(
        "/api/v1/follow-up/sip-2025/recommendations?status=done", **bearer(world.member_user)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["number"] for r in body["recommendations"]] == [1, 6]
    first = body["recommendations"][0]
    assert (
        first["history"][0]["to_status"] == "done" and first["addressed_to"] == "Conseil d'administration BE"
    )
    assert {c["status"]: c["count"] for c in body["counts"]}["done"] == 2


def test_the_api_refuses_an_unknown_status_with_the_uniform_error_body(
    client: Any, world: World, sip: Sip
) -> None:
    headers = bearer(world.member_user)
    response = client.get("/api/v1/follow-up/sip-2025/recommendations?status=finished", **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("status")
    assert client.get("/api/v1/follow-up/nope/recommendations", **headers).status_code == 404


def test_a_recommendation_is_shown_in_its_own_language_to_readers_of_that_language(
    client: Any, sip: Sip
) -> None:
    rec = Recommendation.objects.get(cycle=sip.cycle, number=1)
    rec.titles = {"nl": "Aanbeveling 1", "en": "Recommendation one"}
    rec.save()
    url = reverse("followup:recommendation", args=["sip-2025", 1])
    assert "Recommandation 1" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aanbeveling 1" in client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Recommendation one" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [("staff", "group", 302), ("staff", "cooperative BE", 403), ("board", "group", 403), ("member", "", 403)],
)
def test_staff_of_the_unit_running_the_cycle_record_a_recommendation(
    client: Any, world: World, sip: Sip, role: str, where: str, status: int
) -> None:
    user = world.member_user if role == "member" else officer(world, role, where)
    client.force_login(user)
    response = client.post(
        reverse("followup:recommendation_new", args=["sip-2025"]),
        {
            "theme": sip.governance.pk,
            "group": sip.group.pk,
            "addressed_to": sip.board_fr.pk,
            "title": "Un conseil binational",
            "text": "Réunir les deux conseils une fois par an.",
            "language": "fr",
            "submitted_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == status
    recorded = Recommendation.objects.filter(cycle=sip.cycle, title="Un conseil binational")
    assert recorded.exists() == (status == 302)
    if status == 302:
        assert recorded.get().number == 8 and recorded.get().addressed_to == sip.board_fr


def test_a_recommendation_without_a_title_or_with_a_foreign_body_is_refused_beside_the_field(
    client: Any, world: World, sip: Sip
) -> None:
    from coopgov.organisation.models import Body, Unit

    elsewhere = Unit.objects.create(kind="cooperative", code="XX", name="Autre")
    foreign = Body.objects.create(unit=elsewhere, kind="board", name="CA ailleurs")
    client.force_login(officer(world, "staff", "group"))
    response = client.post(
        reverse("followup:recommendation_new", args=["sip-2025"]),
        {
            "theme": sip.economy.pk,
            "addressed_to": foreign.pk,
            "title": "",
            "text": "x",
            "language": "fr",
            "submitted_on": "2026-01-01",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "addressed_to"}
    assert Recommendation.objects.filter(cycle=sip.cycle).count() == 7
