"""The audience of a process on its pages and in the API (ADR 0020): staff choose it when opening the
process and change it on the process page; the process page says why the reader may (or may not) take
part; the proposal page and the API count the supports by standing; a client's support is refused in a
members-only process with the reason, and counted apart in an open one."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.participation import services
from coopgov.participation.models import Process, Proposal, Support
from tests.organisation.world import World, bearer, user_with_role
from tests.participation.test_audience import client_person


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _staff(world: World, where: str = "antenna Bruxelles") -> User:
    user = user_with_role(world, "staff", where)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _client_user(world: World) -> User:
    return User.objects.create_user(email="client@example.org", person=client_person(world))


def _proposal(process: Process, author: User) -> Proposal:
    return services.proposal_create(
        process=process, author=author, title="Un atelier", body="Le soir.", language="fr", actor=author
    )


def test_staff_open_a_process_for_the_stakeholders(world: World) -> None:
    client = _client(_staff(world, "cooperative BE"))
    url = reverse("participation:process_create") + "?unit=BE-BRUXELLES"
    form = client.get(url).content.decode()
    assert "The unit&#x27;s stakeholders in the register" in form
    response = client.post(
        url,
        {"title": "Bilan ouvert", "language": "fr", "phases": ["contribution"], "audience": "stakeholders"},
    )
    assert response.status_code == 302
    process = Process.objects.get()
    assert process.audience == "stakeholders"
    assert AuditEntry.objects.get(action="participation.process_created").after["audience"] == "stakeholders"


def test_an_unknown_audience_in_the_form_names_the_field_and_opens_nothing(world: World) -> None:
    client = _client(_staff(world, "cooperative BE"))
    response = client.post(
        reverse("participation:process_create") + "?unit=BE-BRUXELLES",
        {"title": "Bilan", "language": "fr", "phases": ["contribution"], "audience": "everyone"},
    )
    assert response.status_code == 200
    assert "audience" in response.context["form"].errors
    assert not Process.objects.exists()


def test_staff_change_the_audience_on_the_process_page(world: World, process: Process) -> None:
    staff = _staff(world)
    page = _client(staff).get(process.get_absolute_url()).content.decode()
    assert "Save who may take part" in page
    _client(staff).post(
        reverse("participation:process_audience", args=[process.pk]), {"audience": "accounts"}
    )
    process.refresh_from_db()
    assert process.audience == "accounts"
    assert AuditEntry.objects.filter(action="participation.audience_changed").count() == 1


def test_a_bad_audience_on_the_process_page_changes_nothing(world: World, process: Process) -> None:
    response = _client(_staff(world)).post(
        reverse("participation:process_audience", args=[process.pk]), {"audience": "all"}, follow=True
    )
    assert "Choose who may propose, support and comment." in response.content.decode()
    process.refresh_from_db()
    assert process.audience == "members"


def test_only_the_units_staff_change_the_audience(world: World, process: Process) -> None:
    url = reverse("participation:process_audience", args=[process.pk])
    for user in (
        world.member_user,
        _staff(world, "other antenna"),
        user_with_role(world, "relay", "antenna Bruxelles"),
        user_with_role(world, "moderator", "antenna Bruxelles"),
    ):
        assert _client(user).post(url, {"audience": "accounts"}).status_code == 403
    assert Client().post(url, {"audience": "accounts"}).status_code == 302  # to the sign-in page
    process.refresh_from_db()
    assert process.audience == "members"
    assert _client(_staff(world, "group")).post(url, {"audience": "accounts"}).status_code == 302
    process.refresh_from_db()
    assert process.audience == "accounts"


def test_the_process_page_tells_a_client_why_they_may_not_take_part(world: World, process: Process) -> None:
    page = _client(_client_user(world)).get(process.get_absolute_url()).content.decode()
    assert "Why you may (or may not) take part here" in page
    assert "This process is open to the admitted members of Bruxelles." in page
    assert "So you may read this process, but not take part in it." in page
    assert "Make a proposal" not in page


def test_the_process_page_speaks_the_readers_language(world: World, process: Process) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(world.member_user)
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Dit proces staat open voor de toegelaten leden van Bruxelles." in page


def test_a_client_is_refused_in_a_members_only_process_and_told_why(world: World, process: Process) -> None:
    proposal = _proposal(process, world.member_user)
    client = _client(_client_user(world))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "You may not support this proposal." in page and "Support this proposal" not in page
    assert client.post(reverse("participation:support", args=[proposal.pk])).status_code == 403
    assert not Support.objects.exists()


def test_a_clients_support_is_counted_apart_from_the_members(world: World, process: Process) -> None:
    services.process_audience_set(process=process, audience="stakeholders", actor="t")
    proposal = _proposal(process, world.member_user)
    services.support_add(proposal=proposal, user=world.member_user)
    client = _client(_client_user(world))
    response = client.post(
        reverse("participation:support", args=[proposal.pk]), {"support": "1"}, follow=True
    )
    page = response.content.decode()
    assert "You support this proposal." in page
    assert "1 admitted member" in page and "1 other stakeholder of the register" in page
    assert "account outside the register" not in page  # not an audience of this process


def test_the_api_gives_the_audience_and_the_supports_by_standing(
    client: Client, world: World, process: Process
) -> None:
    services.process_audience_set(process=process, audience="stakeholders", actor="t")
    proposal = _proposal(process, world.member_user)
    services.support_add(proposal=proposal, user=world.member_user)
    client_user = _client_user(world)
    response = client.post(
        f"/api/v1/proposals/{proposal.pk}/support", {}, content_type="application/json", **bearer(client_user)
    )
    assert response.status_code == 200 and response.json()["supports"] == 2
    row = client.get(f"/api/v1/proposals/{proposal.pk}", **bearer(world.member_user)).json()
    assert row["supports"] == 2
    assert row["supports_by_standing"] == {"members": 1, "stakeholders": 1, "accounts": 0}
    listed = client.get("/api/v1/proposals", {"process": process.pk}, **bearer(client_user)).json()
    assert listed["items"][0]["supports_by_standing"]["stakeholders"] == 1
    detail = client.get(f"/api/v1/processes/{process.pk}", **bearer(client_user)).json()
    assert detail["audience"] == "stakeholders"
    rows = client.get("/api/v1/processes", **bearer(client_user)).json()
    assert {r["id"]: r["audience"] for r in rows} == {process.pk: "stakeholders"}


def test_the_api_refuses_a_clients_support_in_a_members_only_process(
    client: Client, world: World, process: Process
) -> None:
    proposal = _proposal(process, world.member_user)
    response = client.post(
        f"/api/v1/proposals/{proposal.pk}/support",
        {},
        content_type="application/json",
        **bearer(_client_user(world)),
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not Support.objects.exists()


def test_the_rise_of_orientations_counts_a_clients_support_once_with_the_others(
    world: World, process: Process
) -> None:
    """The provenance counts every supporter once, whatever their standing (it does not read them apart:
    the proposal page and API do)."""
    from coopgov.orientations.selectors import provenance_by_proposal
    from coopgov.orientations.services import orientation_roll_up
    from tests.participation.conftest import open_process

    services.process_audience_set(process=process, audience="stakeholders", actor="t")
    local = _proposal(process, world.member_user)
    client_user = _client_user(world)
    for user in (world.member_user, client_user):
        services.support_add(proposal=local, user=user)
    national = open_process(world, "cooperative BE")
    parent = orientation_roll_up(
        actor=user_with_role(world, "staff", "cooperative BE"),
        proposals=[local],
        process=national,
        title="National",
        body="z",
        language="fr",
    )
    (source,) = provenance_by_proposal([parent.pk])[parent.pk]
    assert source.supports == 2
