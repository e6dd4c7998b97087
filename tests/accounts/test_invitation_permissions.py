"""Who may open accounts for the register: staff of the cooperative or above, on the member's page, the
cooperative's invitation page, the API and the command — the same table everywhere (ADR 0017)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from tests.organisation.test_permissions import PLACES, ROLES
from tests.organisation.world import World, bearer, build_world, user_with_role, with_second_factor


@pytest.fixture
def world(db: None) -> World:
    return build_world()


# Written from the rule, not from the code: staff, in BE or above it. The board admits members but does
# not open accounts; staff of an antenna act for their antenna, not for the cooperative's register.
ALLOWED = {("staff", "group"), ("staff", "cooperative BE")}


def test_the_rule_is_staff_of_the_cooperative_or_above(world: World) -> None:
    for role in ROLES:
        for place in PLACES:
            user = user_with_role(world, role, place)
            assert user.has_perm("accounts.invite_member", world.be) is ((role, place) in ALLOWED)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_the_pages_the_api_and_the_command_follow_the_table(
    client: Any, world: World, role: str, place: str
) -> None:
    user = with_second_factor(user_with_role(world, role, place))
    allowed = (role, place) in ALLOWED
    client.force_login(user)
    admitted, candidate = world.admitted, world.candidate

    page = client.get("/register/BE/invitations/")
    assert page.status_code == (200 if allowed else 403)

    one = client.post(f"/register/BE/{admitted.number}/invitation/")
    assert one.status_code == (302 if allowed else 403)
    assert User.objects.filter(person=admitted.person).exists() is allowed

    api = client.post(f"/api/v1/cooperatives/BE/members/{candidate.number}/invitation", **bearer(user))
    assert api.status_code == (201 if allowed else 403), api.content
    assert User.objects.filter(person=candidate.person).exists() is allowed

    out = StringIO()
    if allowed:
        call_command("invite_members", "BE", "--dry-run", "--actor", user.email, stdout=out)
        assert "dry run" in out.getvalue()
    else:
        with pytest.raises(CommandError, match="--actor"):
            call_command("invite_members", "BE", "--actor", user.email, stdout=out)
    assert AuditEntry.objects.filter(action="account.invited").count() == (2 if allowed else 0)


def test_an_anonymous_visitor_is_sent_to_sign_in_and_the_api_asks_for_credentials(client: Any, world: World):
    assert client.get("/register/BE/invitations/").status_code == 302
    response = client.post(f"/register/BE/{world.admitted.number}/invitation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    api = client.post(f"/api/v1/cooperatives/BE/members/{world.admitted.number}/invitation")
    assert api.status_code == 401
    assert not User.objects.filter(person=world.admitted.person).exists()
