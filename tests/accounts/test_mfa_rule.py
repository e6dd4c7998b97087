"""Staff and board members must set up a second factor (TOTP) before they reach any page or the API."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from coopgov.accounts.models import User
from coopgov.members.demo import DEMO_TOTP_SECRET, setup_organisation
from coopgov.organisation.services import role_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return setup_organisation()


def _user(email: str) -> User:
    return User.objects.create_user(email=email, password="a-long-test-password")


@pytest.mark.parametrize("role", ["staff", "board"])
def test_an_officer_without_totp_is_sent_to_set_it_up(client, units, role):
    user = _user(f"{role}@test.example")
    role_grant(user=user, unit=units["BE"], role=role, actor="test")
    client.force_login(user)
    response = client.get(reverse("members:me"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_setup_page_itself_stays_reachable(client, units):
    user = _user("staff@test.example")
    role_grant(user=user, unit=units["SMART"], role="staff", actor="test")
    client.force_login(user)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    # allauth may first ask for the password again (recent authentication); no redirect loop either way.
    assert response.status_code == 200
    assert response.redirect_chain == [] or "/accounts/reauthenticate/" in response.redirect_chain[-1][0]


def test_an_officer_with_totp_reaches_the_register(client, units):
    user = _user("staff@test.example")
    role_grant(user=user, unit=units["SMART"], role="staff", actor="test")
    TOTP.activate(user, DEMO_TOTP_SECRET)
    client.force_login(user)
    assert client.get(reverse("members:register", args=["BE"])).status_code == 200


@pytest.mark.parametrize("role", ["relay", "moderator"])
def test_relays_and_moderators_are_not_forced_to_use_mfa(client, units, role):
    user = _user(f"{role}@test.example")
    role_grant(user=user, unit=units["BE"], role=role, actor="test")
    client.force_login(user)
    assert client.get(reverse("members:me")).status_code == 200


def test_a_plain_member_is_not_asked_for_mfa(client, units):
    client.force_login(_user("member@test.example"))
    assert client.get(reverse("members:me")).status_code == 200


def test_the_api_refuses_an_officer_session_without_totp(client, units):
    user = _user("board@test.example")
    role_grant(user=user, unit=units["BE"], role="board", actor="test")
    client.force_login(user)
    assert client.get("/api/v1/cooperatives").status_code == 401


def test_django_admin_signs_in_through_the_site_login(client, units):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]
