"""The role assignments API: list, grant and revoke roles, by role of the caller × place in the unit tree.

Only staff of a unit (or of a unit above it) manage the roles held there; every grant and revocation is
audited by the services; errors have the uniform body and name their field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.organisation.models import RoleAssignment
from coopgov.organisation.services import role_grant
from tests.organisation.world import World, bearer, build_world, user_with_role

pytestmark = pytest.mark.django_db

CODES = {"cooperative BE": "BE", "antenna Bruxelles": "BE-BRUXELLES"}

# Who calls: (role, where). Which target units each reaches, as staff (only staff manage roles).
CALLERS = [
    ("staff", "group"),
    ("staff", "cooperative BE"),
    ("staff", "antenna Bruxelles"),
    ("staff", "other antenna"),
    ("staff", "other cooperative FR"),
    ("board", "group"),
    ("board", "cooperative BE"),
    ("relay", "antenna Bruxelles"),
    ("moderator", "cooperative BE"),
    ("member", "none"),
    ("none", "group"),
]
MAY_MANAGE = {
    ("staff", "group"): {"cooperative BE", "antenna Bruxelles"},
    ("staff", "cooperative BE"): {"cooperative BE", "antenna Bruxelles"},
    ("staff", "antenna Bruxelles"): {"antenna Bruxelles"},
}
TARGETS = ["cooperative BE", "antenna Bruxelles"]
TABLE = [(role, where, target) for role, where in CALLERS for target in TARGETS]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def someone(world: World) -> User:
    return User.objects.create_user(email="someone@example.org")


def _caller(world: World, role: str, where: str) -> User:
    return user_with_role(world, role, "group" if role == "none" else where)


def _url(target: str) -> str:
    return f"/api/v1/units/{CODES[target]}/roles"


def _post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _last_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


@pytest.mark.parametrize(("role", "where", "target"), TABLE)
def test_who_may_list_the_roles_of_a_unit(
    client: Client, world: World, role: str, where: str, target: str
) -> None:
    allowed = target in MAY_MANAGE.get((role, where), set())
    response = client.get(_url(target), **bearer(_caller(world, role, where)))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize(("role", "where", "target"), TABLE)
def test_who_may_grant_a_role_in_a_unit(
    client: Client, world: World, someone: User, role: str, where: str, target: str
) -> None:
    allowed = target in MAY_MANAGE.get((role, where), set())
    auth = bearer(_caller(world, role, where))
    since = _last_seq()
    response = _post(client, _url(target), {"email": someone.email, "role": "relay"}, auth)
    assert response.status_code == (201 if allowed else 403)
    held = RoleAssignment.objects.filter(user=someone, unit=world.unit(target), role="relay").exists()
    assert held is allowed
    assert len(_new_entries(since)) == (1 if allowed else 0)


@pytest.mark.parametrize(("role", "where", "target"), TABLE)
def test_who_may_revoke_a_role_held_in_a_unit(
    client: Client, world: World, someone: User, role: str, where: str, target: str
) -> None:
    allowed = target in MAY_MANAGE.get((role, where), set())
    assignment = role_grant(user=someone, unit=world.unit(target), role="moderator", actor="fixture")
    auth = bearer(_caller(world, role, where))
    since = _last_seq()
    response = client.delete(f"/api/v1/roles/{assignment.pk}", **auth)
    assert response.status_code == (204 if allowed else 403)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists() is not allowed
    assert len(_new_entries(since)) == (1 if allowed else 0)


def test_granting_a_role_is_audited_with_actor_unit_and_what_was_granted(
    client: Client, world: World, someone: User
) -> None:
    staff = user_with_role(world, "staff", "cooperative BE")
    auth = bearer(staff)
    since = _last_seq()
    response = _post(
        client, _url("antenna Bruxelles"), {"email": "SOMEONE@example.org", "role": "board"}, auth
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["user"], body["role"], body["unit"]) == ("someone@example.org", "board", "BE-BRUXELLES")
    [entry] = _new_entries(since)
    assert (entry.actor, entry.unit, entry.action) == (staff, world.brussels, "role.granted")
    assert entry.after == {"user": "someone@example.org", "role": "board", "unit": "BE-BRUXELLES"}


def test_granting_a_role_already_held_changes_nothing(client: Client, world: World, someone: User) -> None:
    auth = bearer(user_with_role(world, "staff", "cooperative BE"))
    first = _post(client, _url("cooperative BE"), {"email": someone.email, "role": "relay"}, auth)
    since = _last_seq()
    again = _post(client, _url("cooperative BE"), {"email": someone.email, "role": "relay"}, auth)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert _new_entries(since) == []


def test_revoking_a_role_is_audited_with_what_was_held(client: Client, world: World, someone: User) -> None:
    staff = user_with_role(world, "staff", "group")
    assignment = role_grant(user=someone, unit=world.be, role="board", actor="fixture")
    auth = bearer(staff)
    since = _last_seq()
    assert client.delete(f"/api/v1/roles/{assignment.pk}", **auth).status_code == 204
    [entry] = _new_entries(since)
    assert (entry.actor, entry.unit, entry.action) == (staff, world.be, "role.revoked")
    assert entry.before == {"user": "someone@example.org", "role": "board", "unit": "BE"}


def test_the_list_shows_the_roles_held_in_the_unit_and_below_only(
    client: Client, world: World, someone: User
) -> None:
    role_grant(user=someone, unit=world.brussels, role="relay", actor="fixture")
    role_grant(user=someone, unit=world.paris, role="relay", actor="fixture")
    role_grant(user=someone, unit=world.group, role="moderator", actor="fixture")
    auth = bearer(user_with_role(world, "staff", "cooperative BE"))
    body = client.get(_url("cooperative BE"), **auth).json()
    assert {(r["user"], r["role"], r["unit"]) for r in body["items"]} == {
        ("staff.cooperative-be@example.org", "staff", "BE"),
        ("someone@example.org", "relay", "BE-BRUXELLES"),
    }
    relays = client.get(_url("cooperative BE"), {"role": "relay"}, **auth).json()
    assert [r["unit"] for r in relays["items"]] == ["BE-BRUXELLES"]
    assert relays["count"] == 1


def test_the_list_reads_in_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    auth = bearer(user_with_role(world, "staff", "group"))
    for n in range(6):
        user = User.objects.create_user(email=f"relay{n}@example.org")
        role_grant(user=user, unit=world.brussels if n % 2 else world.antwerp, role="relay", actor="fixture")
    # The token (with its user), its last use, the caller's roles, the unit, the page, the count.
    with django_assert_num_queries(6):
        assert len(client.get(_url("cooperative BE"), **auth).json()["items"]) == 6


# Errors


def test_an_unknown_account_is_named_on_its_field(client: Client, world: World) -> None:
    auth = bearer(user_with_role(world, "staff", "cooperative BE"))
    since = _last_seq()
    response = _post(client, _url("cooperative BE"), {"email": "nobody@example.org", "role": "relay"}, auth)
    assert response.status_code == 422
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("unknown", "email")]
    assert "nobody@example.org" in response.json()["detail"]
    assert _new_entries(since) == []


def test_an_unknown_role_is_refused_on_its_field(client: Client, world: World, someone: User) -> None:
    auth = bearer(user_with_role(world, "staff", "cooperative BE"))
    response = _post(client, _url("cooperative BE"), {"email": someone.email, "role": "king"}, auth)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.role"]
    assert not RoleAssignment.objects.filter(user=someone).exists()


def test_nobody_grants_themselves_a_role(client: Client, world: World) -> None:
    staff = user_with_role(world, "staff", "cooperative BE")
    response = _post(
        client, _url("antenna Bruxelles"), {"email": staff.email, "role": "board"}, bearer(staff)
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["own_role"]
    assert not RoleAssignment.objects.filter(user=staff, role="board").exists()


def test_nobody_revokes_their_own_role(client: Client, world: World) -> None:
    staff = user_with_role(world, "staff", "group")
    own = RoleAssignment.objects.get(user=staff)
    assert client.delete(f"/api/v1/roles/{own.pk}", **bearer(staff)).status_code == 403
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_an_unknown_unit_or_assignment_is_404(client: Client, world: World) -> None:
    auth = bearer(user_with_role(world, "staff", "group"))
    response = client.get("/api/v1/units/NOWHERE/roles", **auth)
    assert response.status_code == 404
    assert "NOWHERE" in response.json()["detail"]
    assert client.delete("/api/v1/roles/999999", **auth).status_code == 404


def test_without_a_token_the_roles_are_not_shown(client: Client, world: World) -> None:
    assert client.get(_url("cooperative BE")).status_code == 401


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Vous ne pouvez pas gérer les rôles de BE."),
        ("nl", "U mag de rollen van BE niet beheren."),
        ("en", "You may not manage the roles of BE."),
    ],
)
def test_a_refusal_reads_in_the_callers_language(
    client: Client, world: World, language: str, expected: str
) -> None:
    auth = bearer(user_with_role(world, "board", "cooperative BE"))
    response = client.get(_url("cooperative BE"), HTTP_ACCEPT_LANGUAGE=language, **auth)
    assert response.json() == {"detail": expected, "errors": []}
