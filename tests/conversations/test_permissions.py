"""Who may do what in a conversation, over role × unit level: staff of the unit or above open, close,
seed and export it; moderators and staff moderate; admitted members in the unit's scope react and submit
while it is open; they and the unit's officers read it and its map. The services re-check and refuse the
others."""

from __future__ import annotations

from typing import Any

import pytest

from coopgov.accounts.models import User
from coopgov.conversations import selectors, services
from coopgov.conversations.models import Conversation, Reaction, Statement
from tests.conversations.builders import conversation, member
from tests.followup.builders import officer
from tests.organisation.world import World

PERMISSIONS = ("create", "close", "seed", "moderate", "export", "react", "submit", "view")
CODENAMES = {
    "create": "conversations.create_conversation",
    "close": "conversations.close_conversation",
    "seed": "conversations.add_seed_statement",
    "moderate": "conversations.moderate",
    "export": "conversations.export_conversation",
    "react": "conversations.react",
    "submit": "conversations.submit_statement",
    "view": "conversations.view_conversation",
}


def _who(world: World, who: str) -> User:
    if who == "member of BE (Bruxelles)":
        return world.member_user
    if who == "member of BE (Antwerpen)":
        return member(world, 1, antenna=world.antwerp)
    if who == "member of FR":
        return member(world, 2, coop=world.fr)
    if who == "candidate of BE":
        return User.objects.create_user(email="candidate@example.org", person=world.candidate.person)
    if who == "account without a role":
        return User.objects.create_user(email="nobody@example.org")
    role, _, where = who.partition(" in ")
    return officer(world, role, where)


# What each one may do with a conversation held in cooperative BE, in antenna Bruxelles, in the group.
# Columns: create, close, seed, moderate, export (Polis's format), react, submit, view.
TABLE: list[tuple[str, str, str]] = [
    ("staff in group", "cooperative BE", "YYYYYnnY"),
    ("staff in cooperative BE", "cooperative BE", "YYYYYnnY"),
    ("staff in antenna Bruxelles", "cooperative BE", "nnnnnnnn"),
    ("staff in other cooperative FR", "cooperative BE", "nnnnnnnn"),
    ("moderator in cooperative BE", "cooperative BE", "nnnYnnnY"),
    ("moderator in other cooperative FR", "cooperative BE", "nnnnnnnn"),
    ("board in cooperative BE", "cooperative BE", "nnnnnnnY"),
    ("relay in cooperative BE", "cooperative BE", "nnnnnnnY"),
    ("member of BE (Bruxelles)", "cooperative BE", "nnnnnYYY"),
    ("member of BE (Antwerpen)", "cooperative BE", "nnnnnYYY"),
    ("member of FR", "cooperative BE", "nnnnnnnn"),
    ("candidate of BE", "cooperative BE", "nnnnnnnn"),
    ("account without a role", "cooperative BE", "nnnnnnnn"),
    ("staff in cooperative BE", "antenna Bruxelles", "YYYYYnnY"),
    ("staff in antenna Bruxelles", "antenna Bruxelles", "YYYYYnnY"),
    ("staff in other antenna", "antenna Bruxelles", "nnnnnnnn"),
    ("moderator in antenna Bruxelles", "antenna Bruxelles", "nnnYnnnY"),
    ("relay in antenna Bruxelles", "antenna Bruxelles", "nnnnnnnY"),
    ("member of BE (Bruxelles)", "antenna Bruxelles", "nnnnnYYY"),
    ("member of BE (Antwerpen)", "antenna Bruxelles", "nnnnnnnn"),
    ("staff in group", "group", "YYYYYnnY"),
    ("staff in cooperative BE", "group", "nnnnnnnn"),
    ("member of BE (Bruxelles)", "group", "nnnnnYYY"),
    ("member of FR", "group", "nnnnnYYY"),
]


@pytest.mark.parametrize(("who", "where", "expected"), TABLE)
def test_each_role_at_each_unit_level_may_do_what_the_table_says(
    world: World, who: str, where: str, expected: str
) -> None:
    unit = world.unit(where)
    conv = conversation(world, unit)
    user = _who(world, who)
    got = "".join(
        "Y" if user.has_perm(CODENAMES[p], unit if p == "create" else conv) else "n" for p in PERMISSIONS
    )
    assert got == expected
    assert (conv in selectors.conversations_for(user)) is (expected[-1] == "Y")


@pytest.mark.parametrize(("who", "where", "expected"), TABLE)
def test_the_services_refuse_whoever_the_table_refuses_and_change_nothing(
    world: World, who: str, where: str, expected: str
) -> None:
    unit = world.unit(where)
    conv = conversation(world, unit)
    user = _who(world, who)
    seed = conv.statements.first()
    assert seed is not None
    pending = services.statement_submit(conversation=conv, text="À modérer.", actor=world.member_user)
    acts: dict[str, Any] = {
        "create": lambda: services.conversation_create(
            unit=unit, request=services.ConversationRequest(title="Autre", question="Q ?"), actor=user
        ),
        "seed": lambda: services.statement_seed(conversation=conv, text="Une graine.", actor=user),
        "moderate": lambda: services.statement_moderate(statement=pending, accept=True, actor=user),
        "react": lambda: services.reaction_cast(statement=seed, vote="agree", actor=user),
        "submit": lambda: services.statement_submit(conversation=conv, text="Mon idée.", actor=user),
        "close": lambda: services.conversation_close(conversation=conv, actor=user),
    }
    for permission, act in acts.items():
        allowed = expected[PERMISSIONS.index(permission)] == "Y"
        before = (Conversation.objects.count(), Statement.objects.count(), Reaction.objects.count())
        if allowed:
            act()
            continue
        with pytest.raises(services.ConversationRefused) as refused:
            act()
        assert refused.value.code == "forbidden", permission
        assert (Conversation.objects.count(), Statement.objects.count(), Reaction.objects.count()) == before


def test_a_closed_conversation_takes_no_reaction_or_statement_but_stays_readable(world: World) -> None:
    conv = conversation(world)
    conv = services.conversation_close(conversation=conv, actor=officer(world, "staff", "cooperative BE"))
    user = world.member_user
    assert not user.has_perm("conversations.react", conv)
    assert not user.has_perm("conversations.submit_statement", conv)
    assert user.has_perm("conversations.view_conversation", conv)


def test_a_member_who_left_is_no_longer_in_the_scope(world: World) -> None:
    from datetime import date

    from coopgov.domain.governance.membership import Status
    from coopgov.members import services as members

    conv = conversation(world)
    membership = world.member_user.person.memberships.get()  # type: ignore[union-attr]
    members.membership_change_status(
        membership=membership, to_status=Status.DECEASED, on=date(2025, 1, 1), actor="t"
    )
    assert not world.member_user.has_perm("conversations.react", conv)
