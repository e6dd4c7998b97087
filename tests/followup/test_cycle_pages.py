"""The pages of running a cycle (ADR 0021): staff create it, add themes and groups, write a draft, open
it for comment and hand it in; members comment; moderators hide; the public pages show only what was
handed in; the API gives the stage as far as the caller may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from coopgov.audit.models import AuditEntry
from coopgov.followup import services
from coopgov.followup.models import Cycle, LocalGroup, Recommendation, RecommendationComment, Theme
from tests.followup.builders import officer
from tests.followup.cycle_world import BeCycle, build_be_cycle, draft, french_member, opened
from tests.organisation.world import World, bearer, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def be(world: World) -> BeCycle:
    return build_be_cycle(world)


def test_staff_create_a_cycle_with_titles_in_three_languages(client: Any, world: World) -> None:
    staff = officer(world, "staff", "cooperative BE")
    client.force_login(staff)
    page = client.get(reverse("followup:cycles"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("followup:cycle_new") in page
    response = client.post(
        reverse("followup:cycle_new"),
        {
            "unit": world.be.pk,
            "slug": "sip-2027",
            "title_fr": "Smart in Progress 2027",
            "title_nl": "Smart in Progress 2027 (NL)",
            "title_en": "Smart in Progress 2027 (EN)",
            "description_fr": "Un cycle.",
            "starts_on": "2027-01-10",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "followup:manage", args=["sip-2027"]
    )
    cycle = Cycle.objects.get(slug="sip-2027")
    assert cycle.unit == world.be and cycle.title == "Smart in Progress 2027"
    assert cycle.titles == {
        "fr": "Smart in Progress 2027",
        "nl": "Smart in Progress 2027 (NL)",
        "en": "Smart in Progress 2027 (EN)",
    }
    assert cycle.descriptions == {"fr": "Un cycle."}
    assert AuditEntry.objects.filter(action="followup.cycle_created", actor=staff).exists()


def test_a_cycle_without_a_title_or_ending_before_it_starts_is_refused_beside_the_field(
    client: Any, world: World
) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    response = client.post(
        reverse("followup:cycle_new"),
        {"unit": world.be.pk, "slug": "sip-x", "starts_on": "2027-01-10", "ends_on": "2026-01-10"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Give it in at least one language." in response.context["form"].errors["title_fr"]
    response = client.post(
        reverse("followup:cycle_new"),
        {
            "unit": world.be.pk,
            "slug": "sip-x",
            "title_en": "X",
            "starts_on": "2027-01-10",
            "ends_on": "2026-01-10",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "A cycle cannot end before it starts." in response.context["form"].errors["ends_on"]
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("name", ["member", "staff of other cooperative FR", "board of cooperative BE"])
def test_who_is_not_staff_cannot_start_or_run_a_cycle(
    client: Any, world: World, be: BeCycle, name: str
) -> None:
    user = world.member_user if name == "member" else officer(world, *name.split(" of ", 1))
    client.force_login(user)
    # Staff of France may start a cycle in France, not run one of Belgium.
    assert client.get(reverse("followup:cycle_new")).status_code == (200 if name.startswith("staff") else 403)
    assert client.get(reverse("followup:manage", args=["sip-be"])).status_code == 403
    response = client.post(reverse("followup:theme_add", args=["sip-be"]), {"code": "x", "title_fr": "X"})
    assert response.status_code == 403 and not Theme.objects.filter(code="x").exists()


def test_staff_may_not_start_a_cycle_in_a_unit_outside_their_own(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    response = client.post(
        reverse("followup:cycle_new"),
        {"unit": world.fr.pk, "slug": "sip-fr", "title_fr": "SiP FR", "starts_on": "2027-01-10"},
    )
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert not Cycle.objects.exists()


def test_staff_add_a_theme_and_a_local_group_on_the_management_page(
    client: Any, world: World, be: BeCycle
) -> None:
    client.force_login(be.staff)
    response = client.post(
        reverse("followup:theme_add", args=["sip-be"]),
        {"code": "governance", "title_fr": "Gouvernance", "title_nl": "Bestuur"},
    )
    assert response.status_code == 302
    theme = Theme.objects.get(cycle=be.cycle, code="governance")
    assert theme.titles == {"fr": "Gouvernance", "nl": "Bestuur"}
    response = client.post(
        reverse("followup:group_add", args=["sip-be"]),
        {"unit": world.antwerp.pk, "theme": theme.pk, "name": "Groep Antwerpen", "facilitator": "Jonas"},
    )
    assert response.status_code == 302
    group = LocalGroup.objects.get(name="Groep Antwerpen")
    assert (group.unit, group.theme, group.facilitator) == (world.antwerp, theme, "Jonas")
    page = client.get(reverse("followup:manage", args=["sip-be"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Gouvernance" in page and "Groep Antwerpen" in page


def test_a_theme_code_used_twice_is_refused_beside_the_field(client: Any, be: BeCycle) -> None:
    client.force_login(be.staff)
    response = client.post(
        reverse("followup:theme_add", args=["sip-be"]),
        {"code": "economy", "title_en": "Again"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The cycle already has a theme economy." in response.context["theme_form"].errors["code"]


def test_staff_write_a_draft_that_the_public_does_not_see(client: Any, world: World, be: BeCycle) -> None:
    client.force_login(be.staff)
    response = client.post(
        reverse("followup:draft_new", args=["sip-be"]),
        {
            "theme": be.theme.pk,
            "group": be.group.pk,
            "addressed_to": be.board.pk,
            "title": "Une caisse commune",
            "text": "Pour les déplacements.",
            "language": "fr",
        },
    )
    rec = Recommendation.objects.get(cycle=be.cycle)
    assert response.status_code == 302 and rec.stage == "draft"
    page = client.get(rec.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Draft" in page and "Open for comment" in page
    client.logout()
    public = client.get(reverse("followup:cycle", args=["sip-be"]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Une caisse commune" not in public.content.decode()
    assert sum(c.count for c in public.context["counts"]) == 0
    response = client.get(rec.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_elsewhere_is_refused_a_recommendation_open_for_comment(
    client: Any, world: World, be: BeCycle
) -> None:
    rec = opened(be)
    client.force_login(french_member(world))
    assert client.get(rec.get_absolute_url()).status_code == 403
    response = client.post(
        reverse("followup:comment", args=["sip-be", rec.number]), {"text": "Non.", "language": "fr"}
    )
    assert response.status_code == 403 and not RecommendationComment.objects.exists()


def test_staff_open_for_comment_and_a_member_comments_with_their_name(
    client: Any, world: World, be: BeCycle
) -> None:
    rec = draft(be)
    client.force_login(be.staff)
    response = client.post(reverse("followup:open_for_comment", args=["sip-be", rec.number]))
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.stage == "open"
    client.force_login(world.member_user)
    cycle_page = client.get(
        reverse("followup:cycle", args=["sip-be"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Recommendations in preparation" in cycle_page and "Une caisse commune" in cycle_page
    for text in ("Oui.", "Et pour les trains aussi."):
        response = client.post(
            reverse("followup:comment", args=["sip-be", rec.number]), {"text": text, "language": "fr"}
        )
        assert response.status_code == 302
    page = client.get(rec.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Test Member") >= 2 and "Et pour les trains aussi." in page
    assert "Publish my comment" in page


def test_an_empty_comment_is_refused_beside_the_field(client: Any, world: World, be: BeCycle) -> None:
    rec = opened(be)
    client.force_login(world.member_user)
    response = client.post(
        reverse("followup:comment", args=["sip-be", rec.number]),
        {"text": "", "language": "fr"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"] == ["This field is required."]
    assert not RecommendationComment.objects.exists()


def test_a_moderator_hides_a_comment_on_the_page_and_members_see_only_that_it_was_hidden(
    client: Any, world: World, be: BeCycle
) -> None:
    rec = opened(be)
    comment = services.recommendation_comment_add(
        recommendation=rec, author=world.member_user, text="Hors sujet."
    )
    client.force_login(officer(world, "moderator", "cooperative BE"))
    url = reverse("followup:comment_hide", args=["sip-be", rec.number, comment.pk])
    response = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, {"reason": "Sans rapport."})
    assert response.status_code == 302
    client.force_login(world.member_user)
    own = client.get(rec.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hidden by a moderator: Sans rapport." in own
    client.force_login(officer(world, "relay", "cooperative BE"))
    other = client.get(rec.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This comment was hidden by a moderator." in other and "Hors sujet." not in other


def test_a_member_may_not_hide_a_comment(client: Any, world: World, be: BeCycle) -> None:
    rec = opened(be)
    comment = services.recommendation_comment_add(recommendation=rec, author=be.staff, text="Texte.")
    client.force_login(world.member_user)
    response = client.post(
        reverse("followup:comment_hide", args=["sip-be", rec.number, comment.pk]), {"reason": "Non."}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_staff_hand_it_in_and_it_joins_the_public_follow_up(client: Any, world: World, be: BeCycle) -> None:
    rec = opened(be)
    services.recommendation_comment_add(recommendation=rec, author=world.member_user, text="Oui.")
    client.force_login(be.staff)
    response = client.post(
        reverse("followup:hand_in", args=["sip-be", rec.number]),
        {"on": "2999-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The hand-in date cannot be in the future." in response.context["hand_in_form"].errors["on"]
    response = client.post(
        reverse("followup:hand_in", args=["sip-be", rec.number]), {"on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    client.logout()
    public = client.get(reverse("followup:cycle", args=["sip-be"]), HTTP_ACCEPT_LANGUAGE="en")
    assert [r.number for r in public.context["recommendations"]] == [rec.number]
    page = client.get(rec.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Awaiting a response" in page and "Oui." not in page  # comments carry names: not public
    client.force_login(world.member_user)
    page = client.get(rec.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Oui." in page and "Publish my comment" not in page
    response = client.post(
        reverse("followup:comment", args=["sip-be", rec.number]), {"text": "Tard.", "language": "fr"}
    )
    assert response.status_code == 403


def test_the_api_gives_the_stage_as_far_as_the_caller_may_see(client: Any, world: World, be: BeCycle) -> None:
    draft(be, "Un projet")
    opened(be, "En commentaire")
    handed = opened(be, "Remise")
    services.recommendation_hand_in(recommendation=handed, on=timezone.localdate(), actor=be.staff)
    url = "/api/v1/follow-up/sip-be/recommendations"

    def stages(user: Any, query: str = "") -> list[tuple[int, str]]:
        response = client.get(url + query, **bearer(user))
        assert response.status_code == 200, response.content
        return [(r["number"], r["stage"]) for r in response.json()["recommendations"]]

    assert stages(be.staff) == [(1, "draft"), (2, "open"), (3, "submitted")]
    assert stages(be.staff, "?stage=open") == [(2, "open")]
    assert stages(french_member(world)) == [(3, "submitted")]
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **bearer(be.staff)).json()
    assert body["recommendations"][0]["submitted_on"] is None
    assert [r["stage_label"] for r in body["recommendations"]] == ["Draft", "Open for comment", "Handed in"]
    assert sum(c["count"] for c in body["counts"]) == 1  # counts per status: handed in only
    assert client.get(url + "?stage=finished", **bearer(be.staff)).status_code == 422
