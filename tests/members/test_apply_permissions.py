"""Who may enter an application for someone else (the staff's form and the API): staff of the cooperative or
above, as for importing the register (members.import_register in tests/organisation/test_permissions.py).
Anyone may apply for themselves on the public page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from coopgov.audit.models import AuditEntry
from coopgov.members.models import Membership, Person
from tests.organisation.test_permissions import PLACES, ROLES, expected
from tests.organisation.world import World, bearer, build_world, user_with_role, with_second_factor

URL = "/api/v1/cooperatives/BE/applications"


@pytest.fixture
def world(db: None) -> World:
    cache.clear()
    return build_world()


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "natural",
        "first_name": "Amira",
        "last_name": "El Amrani",
        "email": "amira@test.example.org",
        "language": "fr",
        "address": "Rue Haute 1",
        "antenna": "BE-BRUXELLES",
        "profiles": ["entrepreneur"],
        "shares": 2,
        "accept_statutes": True,
    }
    data.update(changes)
    return data


def page_data(world: World, **changes: Any) -> dict[str, Any]:
    data = body(antenna=world.brussels.pk, accept_statutes="on", **changes)
    return data


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_the_staff_form_follows_the_permission_table(
    client: Client, world: World, role: str, place: str
) -> None:
    user = with_second_factor(user_with_role(world, role, place))
    client.force_login(user)
    allowed = expected("members.import_register", role, place)["cooperative BE"]
    page = client.get("/register/BE/admissions/new/")
    assert page.status_code == (200 if allowed else 403)
    before = Membership.objects.count()
    response = client.post("/register/BE/admissions/new/", page_data(world, applied_on="2024-03-01"))
    assert response.status_code == (302 if allowed else 403), response.content
    assert Membership.objects.count() == before + (1 if allowed else 0)


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_staff_form(client: Client, world: World) -> None:
    response = client.get("/register/BE/admissions/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_queue_offers_the_staff_form_only_to_who_may_use_it(client: Client, world: World) -> None:
    for role, shown in (("staff", True), ("board", False)):
        client.force_login(with_second_factor(user_with_role(world, role, "cooperative BE")))
        page = client.get("/register/BE/admissions/").content.decode()
        assert ('href="/register/BE/admissions/new/"' in page) is shown, role


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_the_api_follows_the_permission_table(client: Client, world: World, role: str, place: str) -> None:
    user = user_with_role(world, role, place)
    response = client.post(URL, body(), content_type="application/json", **bearer(user))
    allowed = expected("members.import_register", role, place)["cooperative BE"]
    assert response.status_code == (201 if allowed else 403), response.content
    assert Membership.objects.filter(person__email="amira@test.example.org").exists() is allowed


def test_the_api_refuses_an_anonymous_caller(client: Client, world: World) -> None:
    response = client.post(URL, body(), content_type="application/json")
    assert response.status_code == 401


def test_the_api_creates_a_candidate_with_what_was_asked(client: Client, world: World) -> None:
    staff = user_with_role(world, "staff", "cooperative BE")
    response = client.post(URL, body(shares=3), content_type="application/json", **bearer(staff))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["status"] == "candidate" and out["name"] == "Amira El Amrani"
    assert (out["requested_shares"], out["share_class"], out["amount_eur"]) == (3, "A", "90.00")
    assert out["channel"] == "api" and out["shares"] == 0
    m = Membership.objects.get(cooperative=world.be, number=out["number"])
    entry = AuditEntry.objects.get(action="membership.applied", object_id=str(m.pk))
    assert entry.actor == staff


def test_the_api_reports_every_problem_on_its_field_and_writes_nothing(client: Client, world: World) -> None:
    staff = user_with_role(world, "staff", "cooperative BE")
    people = Person.objects.count()
    response = client.post(
        URL,
        body(first_name="", email="nope", antenna="FR-PARIS", category="Z", accept_statutes=False),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(staff),
    )
    assert response.status_code == 422
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {
        "first_name": "first_name_required",
        "email": "invalid_email",
        "antenna": "antenna_not_in_cooperative",
        "category": "category_not_in_cooperative",
        "accept_statutes": "statutes_not_accepted",
    }
    assert Person.objects.count() == people


def test_the_api_refuses_a_second_candidacy_for_the_same_email(client: Client, world: World) -> None:
    staff = bearer(user_with_role(world, "staff", "cooperative BE"))
    assert client.post(URL, body(), content_type="application/json", **staff).status_code == 201
    again = client.post(URL, body(), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **staff)
    assert again.status_code == 422
    assert [(e["field"], e["code"]) for e in again.json()["errors"]] == [("email", "already_applied")]


def test_the_api_checks_its_schema_first(client: Client, world: World) -> None:
    staff = bearer(user_with_role(world, "staff", "cooperative BE"))
    response = client.post(URL, body(shares=0, profiles=["pirate"]), content_type="application/json", **staff)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"body.shares", "body.profiles.0"}
