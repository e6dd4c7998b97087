"""The invitation as staff use it: the member's record, the cooperative's page, the API and the command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.models import Membership
from coopgov.members.services import membership_admit, membership_apply
from tests.organisation.world import World, bearer, build_world, user_with_role, with_second_factor


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def staff(world: World) -> User:
    return with_second_factor(user_with_role(world, "staff", "cooperative BE"))


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    """The pages are read in English (the site's default language is French)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def staff_client(client: Any, staff: User) -> Any:
    client.force_login(staff)
    return client


def _admitted(world: World, email: str, last: str) -> Membership:
    from coopgov.members.models import Category, Person

    person = Person.objects.create(kind="natural", first_name="T", last_name=last, email=email)
    m = membership_apply(
        person=person,
        cooperative=world.be,
        category=Category.objects.get(cooperative=world.be, code="A"),
        applied_on=world.admitted.applied_on,
        actor="test",
    )
    return membership_admit(membership=m, on=world.admitted.admitted_on, actor="test")


# --- The member's record


def test_the_record_of_a_member_without_an_account_offers_the_invitation(staff_client: Any, world: World):
    page = staff_client.get(f"/register/BE/{world.admitted.number}/")
    assert "No account yet." in page.content.decode()
    assert "Invite to coopgov" in page.content.decode()


def test_inviting_from_the_record_opens_the_account_and_the_record_says_since_when(
    staff_client: Any, world: World, django_capture_on_commit_callbacks: Any
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/register/BE/{world.admitted.number}/invitation/", follow=True)

    text = response.content.decode()
    assert "the invitation is on its way to admitted@members.example.org" in text
    assert "Has an account since" in text
    assert "Invite to coopgov" not in text
    assert [m.to for m in mail.outbox] == [["admitted@members.example.org"]]


def test_the_board_reads_the_record_but_is_offered_no_invitation(client: Any, world: World):
    client.force_login(with_second_factor(user_with_role(world, "board", "cooperative BE")))
    page = client.get(f"/register/BE/{world.admitted.number}/")
    assert page.status_code == 200
    assert "Invite to coopgov" not in page.content.decode()
    assert "Invite members to coopgov" not in client.get("/register/BE/").content.decode()


def test_a_refused_invitation_says_why_on_the_record_and_writes_nothing(staff_client: Any, world: World):
    User.objects.create_user(email="admitted@members.example.org", person=world.candidate.person)

    response = staff_client.post(f"/register/BE/{world.admitted.number}/invitation/", follow=True)

    assert "admitted@members.example.org is already used by the account of another person" in (
        response.content.decode()
    )
    assert not User.objects.filter(person=world.admitted.person).exists()
    assert not AuditEntry.objects.filter(action="account.invited").exists()


def test_inviting_someone_not_in_the_register_is_not_found(staff_client: Any, world: World):
    assert staff_client.post("/register/BE/9999/invitation/").status_code == 404
    assert staff_client.post("/register/XX/1/invitation/").status_code == 404
    assert staff_client.get(f"/register/BE/{world.admitted.number}/invitation/").status_code == 405


# --- The cooperative's page


def test_the_cooperatives_page_counts_who_would_be_invited_and_who_has_no_address(
    staff_client: Any, world: World
):
    no_email = _admitted(world, "", "Sansmail")
    assert no_email.person.email == ""
    _admitted(world, "second@example.org", "Second")

    text = staff_client.get("/register/BE/invitations/").content.decode()

    # admitted@ and second@ have no account; member@ has one; the candidate is not admitted.
    assert "2 members will be invited." in text
    assert "1 member has no e-mail address" in text
    assert "1 member already has an account." in text


def test_confirming_invites_them_all_and_returns_to_the_register(
    staff_client: Any, world: World, staff: User, django_capture_on_commit_callbacks: Any
):
    second = _admitted(world, "second@example.org", "Second")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/register/BE/invitations/")

    assert response.status_code == 302
    assert response["Location"] == "/register/BE/"
    assert User.objects.filter(person__in=[world.admitted.person, second.person]).count() == 2
    entries = AuditEntry.objects.filter(action="account.invited")
    assert {(e.actor_id, e.after["via"]) for e in entries} == {(staff.pk, "bulk")}
    assert "Nobody is left to invite." in staff_client.get("/register/BE/invitations/").content.decode()


# --- The API


def test_the_api_opens_the_account_once_and_then_says_it_exists(client: Any, world: World, staff: User):
    url = f"/api/v1/cooperatives/BE/members/{world.admitted.number}/invitation"
    headers = bearer(staff)

    first = client.post(url, **headers)
    again = client.post(url, **headers)

    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == "created"
    assert first.json()["email"] == "admitted@members.example.org"
    assert again.status_code == 200
    assert again.json()["outcome"] == "existing"
    assert AuditEntry.objects.filter(action="account.invited").count() == 1


def test_the_api_refuses_an_address_already_taken_with_a_conflict_naming_it(
    client: Any, world: World, staff: User
):
    User.objects.create_user(email="admitted@members.example.org", person=world.candidate.person)

    response = client.post(
        f"/api/v1/cooperatives/BE/members/{world.admitted.number}/invitation", **bearer(staff)
    )

    assert response.status_code == 409
    body = response.json()
    assert body["errors"][0]["code"] == "email_in_use"
    assert "admitted@members.example.org" in body["detail"]


def test_the_api_says_what_is_not_found(client: Any, world: World, staff: User):
    headers = bearer(staff)
    missing = client.post("/api/v1/cooperatives/BE/members/9999/invitation", **headers)
    assert missing.status_code == 404
    assert "9999" in missing.json()["detail"]
    assert client.post("/api/v1/cooperatives/XX/members/1/invitation", **headers).status_code == 404


# --- The command


def test_the_command_counts_without_inviting_on_a_dry_run(world: World):
    out = StringIO()
    call_command("invite_members", "BE", "--dry-run", stdout=out)
    assert "BE: 1 to invite, 0 without e-mail, 0 with an address another account uses, 1 with an account" in (
        out.getvalue()
    )
    assert not User.objects.filter(person=world.admitted.person).exists()


def test_the_command_invites_and_prints_what_it_did(world: World, django_capture_on_commit_callbacks: Any):
    out, err = StringIO(), StringIO()
    _admitted(world, "member@members.example.org", "Duplicate")  # the address of member_user's account

    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite_members", "BE", stdout=out, stderr=err)

    assert "invited 1, linked 0, refused 1" in out.getvalue()
    assert "email_in_use" in err.getvalue()
    entry = AuditEntry.objects.get(action="account.invited")
    assert (entry.actor_label, entry.after["via"]) == ("command invite_members", "command")
    assert [m.to for m in mail.outbox] == [["admitted@members.example.org"]]


def test_the_command_names_an_unknown_cooperative(db: None):
    with pytest.raises(CommandError, match="no cooperative with code 'XX'"):
        call_command("invite_members", "XX")


# --- /me/ for an account linked to nobody


def test_an_account_linked_to_nobody_is_told_staff_can_link_it_from_the_register(client: Any, db: None):
    client.force_login(User.objects.create_user(email="alone@example.org"))
    text = client.get("/me/").content.decode()
    assert "Cooperative-life staff can link it from your record in the register," in text
