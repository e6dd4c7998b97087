"""Who may take part in a process by its audience (ADR 0020): the table audience × standing × act, the scope
of "the unit's stakeholders in the register", the sentences that explain it, the supports counted by
standing, and the migration that keeps existing processes members-only.

The expected answers come from the table below, written from the brief (admitted members by default; the
unit's stakeholders in the register; any signed-in account; the unit's officers always; reading open to
every account), never from the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.models import Person
from coopgov.members.selectors import current_members_in, current_stakeholders_in
from coopgov.participation import audience, services
from coopgov.participation.models import Process, Proposal, Support
from coopgov.participation.services import ParticipationRefused
from tests.organisation.world import World, user_with_role
from tests.participation.conftest import open_process

AUDIENCES = ("members", "stakeholders", "accounts")
STANDINGS = (
    "admitted member",
    "candidate",
    "client without membership",
    "account without person",
    "anonymous",
    "staff of the unit",
    "staff of another unit",
)
ACTS = {
    "participation.propose": "process",
    "participation.support": "proposal",
    "participation.comment": "proposal",
}
MAY_TAKE_PART = {
    "members": {"admitted member", "staff of the unit"},
    "stakeholders": {"admitted member", "candidate", "client without membership", "staff of the unit"},
    "accounts": set(STANDINGS) - {"anonymous"},
}


def client_person(world: World, email: str = "client@example.org", antenna: Any = None) -> Person:
    """A client (donneur d'ordre) known to the register, home antenna Bruxelles, never a member."""
    return Person.objects.create(
        kind="natural",
        first_name="Claire",
        last_name="Client",
        email=email,
        home_antenna=antenna or world.brussels,
        profiles=["client"],
    )


def people(world: World) -> dict[str, Any]:
    return {
        "admitted member": world.member_user,
        "candidate": User.objects.create_user(email="cand@example.org", person=world.candidate.person),
        "client without membership": User.objects.create_user(
            email="client@example.org", person=client_person(world)
        ),
        "account without person": User.objects.create_user(email="nobody@example.org"),
        "anonymous": AnonymousUser(),
        "staff of the unit": user_with_role(world, "staff", "antenna Bruxelles"),
        "staff of another unit": user_with_role(world, "staff", "other antenna"),
    }


@pytest.mark.parametrize(
    ("unit_name", "takes_part"),
    [
        ("group", True),
        ("cooperative BE", True),
        ("antenna Bruxelles", True),
        ("other antenna", False),
        ("other cooperative FR", False),
    ],
)
def test_a_client_of_bruxelles_is_a_stakeholder_up_the_tree_only(
    world: World, unit_name: str, takes_part: bool
) -> None:
    user = User.objects.create_user(email="client@example.org", person=client_person(world))
    process = open_process(world, unit_name)
    services.process_audience_set(process=process, audience="stakeholders", actor="t")
    assert user.has_perm("participation.support", Proposal(process=process)) is takes_part


def test_a_person_without_a_profile_or_a_membership_is_no_stakeholder(world: World) -> None:
    bare = Person.objects.create(kind="natural", last_name="Bare", home_antenna=world.brussels, profiles=[])
    assert not current_stakeholders_in(world.brussels).filter(pk=bare.pk).exists()


def test_the_stakeholders_include_every_current_member_and_the_candidates(world: World) -> None:
    members = set(current_members_in(world.be).values_list("person_id", flat=True))
    stakeholders = set(current_stakeholders_in(world.be).values_list("pk", flat=True))
    assert members <= stakeholders
    assert world.candidate.person_id in stakeholders - members


def test_a_refused_candidate_without_a_profile_is_no_longer_a_stakeholder(world: World) -> None:
    person = world.candidate.person
    person.profiles = []
    person.save()
    world.candidate.status = "refused"
    world.candidate.save()
    assert not current_stakeholders_in(world.be).filter(pk=person.pk).exists()


def test_in_an_open_community_a_joined_client_takes_part_only_when_stakeholders_are_the_audience(
    world: World,
) -> None:
    from django.utils import timezone

    from coopgov.organisation.models import CommunityMembership, Unit

    community = Unit.objects.create(
        kind=Unit.Kind.COMMUNITY, code="C-ART", name="Arts", parent=world.group, open_to_stakeholders=True
    )
    person = client_person(world)
    CommunityMembership.objects.create(community=community, person=person, joined_at=timezone.now())
    process = open_process(world, "group")
    process.unit = community
    process.save()
    assert not User.objects.create_user(email="c@example.org", person=person).has_perm(
        "participation.propose", process
    )
    services.process_audience_set(process=process, audience="stakeholders", actor="t")
    assert User.objects.get(email="c@example.org").has_perm("participation.propose", process)


# --- the explanation ---------------------------------------------------------------------------------------


def _sentences(user: Any, process: Process, language: str = "en") -> list[str]:
    with translation.override(language):
        return audience.explain(user, process).sentences


def test_a_client_reads_that_a_members_only_process_leaves_them_out(world: World, process: Process) -> None:
    client = User.objects.create_user(email="client@example.org", person=client_person(world))
    assert _sentences(client, process) == [
        "This process is open to the admitted members of Bruxelles.",
        "You are in the register of Bruxelles as Client (donneur d'ordre), without an admitted membership.",
        "So you may read this process, but not take part in it.",
    ]


def test_a_client_reads_why_an_open_process_takes_them(world: World, process: Process) -> None:
    client = User.objects.create_user(email="client@example.org", person=client_person(world))
    services.process_audience_set(process=process, audience="stakeholders", actor="t")
    sentences = _sentences(client, process)
    assert sentences[0].startswith("This process is open to the stakeholders of Bruxelles in the register")
    assert sentences[-1] == (
        "So you may take part here: propose, support and comment when the phase in force allows it."
    )


def test_a_member_a_candidate_and_an_account_read_their_own_situation(world: World, process: Process) -> None:
    candidate = User.objects.create_user(email="cand@example.org", person=world.candidate.person)
    nobody = User.objects.create_user(email="nobody@example.org")
    assert _sentences(world.member_user, process)[1] == "You are an admitted member in Bruxelles."
    assert _sentences(candidate, process)[1] == (
        "You are in the register of Bruxelles as a candidate: your admission has not been decided yet."
    )
    assert _sentences(nobody, process)[1] == "Your account is not linked to a person of the register."
    services.process_audience_set(process=process, audience="accounts", actor="t")
    assert _sentences(User.objects.get(pk=nobody.pk), process) == [
        "This process is open to anyone with an account.",
        "Your account is not linked to a person of the register.",
        "So you may take part here: propose, support and comment when the phase in force allows it.",
    ]


def test_an_officer_reads_that_their_role_lets_them_take_part(world: World, process: Process) -> None:
    staff = user_with_role(world, "staff", "cooperative BE")
    assert (
        "You hold the role Cooperative-life staff here: the unit's officers take part whatever the audience."
        in _sentences(staff, process)
    )


def test_the_explanation_is_in_the_readers_language(world: World, process: Process) -> None:
    sentences = _sentences(world.member_user, process, "fr")
    assert sentences[0] == "Ce processus est ouvert aux membres admis de Bruxelles."
    assert sentences[-1].startswith("Vous pouvez donc y prendre part")
    assert _sentences(world.member_user, process, "nl")[0] == (
        "Dit proces staat open voor de toegelaten leden van Bruxelles."
    )


# --- changing the audience, supports by standing ----------------------------------------------------------


def test_changing_the_audience_is_audited_and_a_bad_value_changes_nothing(
    world: World, process: Process
) -> None:
    staff = user_with_role(world, "staff", "antenna Bruxelles")
    services.process_audience_set(process=process, audience="stakeholders", actor=staff)
    entry = AuditEntry.objects.filter(action="participation.audience_changed").get()
    assert entry.before == {"audience": "members"} and entry.after == {"audience": "stakeholders"}
    with pytest.raises(ParticipationRefused) as refused:
        services.process_audience_set(process=process, audience="everyone", actor=staff)
    assert refused.value.field == "audience"
    process.refresh_from_db()
    assert process.audience == "stakeholders"
    assert AuditEntry.objects.filter(action="participation.audience_changed").count() == 1


def test_a_process_opened_with_an_unknown_audience_is_refused(world: World) -> None:
    with pytest.raises(ParticipationRefused) as refused:
        services.process_create(unit=world.brussels, title="X", language="fr", audience="all", actor="t")
    assert refused.value.field == "audience"
    assert not Process.objects.filter(title="X").exists()


def test_each_support_keeps_the_standing_of_its_supporter(world: World, process: Process) -> None:
    services.process_audience_set(process=process, audience="accounts", actor="t")
    proposal = services.proposal_create(
        process=process, author=world.member_user, title="x", body="y", language="fr", actor="t"
    )
    client = User.objects.create_user(email="client@example.org", person=client_person(world))
    nobody = User.objects.create_user(email="nobody@example.org")
    for user in (world.member_user, client, nobody):
        services.support_add(proposal=proposal, user=user)
    standings = dict(Support.objects.filter(proposal=proposal).values_list("user__email", "standing"))
    assert standings == {
        "member@members.example.org": "member",
        "client@example.org": "stakeholder",
        "nobody@example.org": "account",
    }
    added = AuditEntry.objects.filter(action="participation.support_added").order_by("id")
    assert [e.after["standing"] for e in added] == ["member", "stakeholder", "account"]


# --- the migration ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_processes_and_supports_members_only() -> None:
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "participation"]
    before = [*others, ("participation", "0004_process_phase_calendar")]
    after = [*others, ("participation", "0005_process_audience_support_standing")]
    executor.migrate(executor.loader.graph.leaf_nodes())  # forwards only, then backwards only
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    unit = apps.get_model("organisation", "Unit").objects.create(kind="antenna", code="X", name="X")
    old = apps.get_model("participation", "Process").objects.create(
        unit=unit, slug="old", title="Old", language="fr"
    )
    user = apps.get_model("accounts", "User").objects.create(email="old@example.org")
    proposal = apps.get_model("participation", "Proposal").objects.create(process=old, title="t", body="b")
    apps.get_model("participation", "Support").objects.create(proposal=proposal, user=user)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    assert apps.get_model("participation", "Process").objects.get(pk=old.pk).audience == "members"
    assert apps.get_model("participation", "Support").objects.get().standing == "member"
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_admin_changes_the_audience_through_the_audited_service(world: World, process: Process) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    process_admin = admin.site._registry[Process]
    staff = user_with_role(world, "staff", "group")
    request = RequestFactory().post("/")
    request.user = staff
    process.audience = "stakeholders"
    process_admin.save_model(request, process, form=None, change=True)
    assert Process.objects.get(pk=process.pk).audience == "stakeholders"
    assert AuditEntry.objects.get(action="participation.audience_changed").actor == staff
    assert not process_admin.has_add_permission(request)
    assert not process_admin.has_delete_permission(request, process)
