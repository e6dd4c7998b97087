"""Builders for conversation tests: members with accounts on top of the organisation test world, a
conversation in a unit with seed statements, and reactions planted in opinion groups."""

from __future__ import annotations

import random
from datetime import date

from coopgov.accounts.models import User
from coopgov.conversations import services
from coopgov.conversations.models import Conversation, Statement
from coopgov.members import services as members
from coopgov.members.models import Category, Person
from coopgov.organisation.models import Unit
from tests.followup.builders import officer
from tests.organisation.world import World

SEEDS = (
    "Les réunions d'antenne devraient se tenir aussi en soirée.",
    "La cotisation annuelle est trop élevée.",
    "Chaque antenne devrait avoir un relais formé.",
    "Les assemblées générales devraient pouvoir se suivre en ligne.",
    "Le conseil d'administration devrait publier ses comptes rendus.",
    "Les membres devraient voter le budget des antennes.",
    "Smart devrait proposer une mutuelle à ses membres.",
    "Les parts sociales devraient rapporter un dividende.",
)


def member(world: World, n: int, *, coop: Unit | None = None, antenna: Unit | None = None) -> User:
    """An admitted member with an account: of BE living in Bruxelles unless told otherwise."""
    coop = coop or world.be
    antenna = antenna or (world.brussels if coop == world.be else world.paris)
    person = Person.objects.create(
        kind="natural", first_name="M", last_name=f"Member{n:03d}", home_antenna=antenna, language="fr"
    )
    category = Category.objects.filter(cooperative=coop).order_by("code").first()
    assert category is not None
    membership = members.membership_apply(
        person=person, cooperative=coop, category=category, applied_on=date(2024, 1, 1), actor="t"
    )
    members.membership_admit(membership=membership, on=date(2024, 1, 2), actor="t")
    return User.objects.create_user(email=f"member{n:03d}@example.org", person=person)


def conversation(
    world: World,
    unit: Unit | None = None,
    *,
    seeds: tuple[str, ...] = SEEDS,
    slug: str = "avenir",
    moderate_first: bool = True,
    members_may_submit: bool = True,
) -> Conversation:
    staff = officer(world, "staff", "group")
    return services.conversation_create(
        unit=unit or world.be,
        request=services.ConversationRequest(
            title="L'avenir de la coopérative",
            question="Que devrait changer Smart ?",
            slug=slug,
            seeds=seeds,
            moderate_first=moderate_first,
            members_may_submit=members_may_submit,
        ),
        actor=staff,
    )


def plant_groups(
    world: World, conv: Conversation, sizes: tuple[int, ...], *, seed: int = 3, noise: float = 0.1
) -> dict[int, int]:
    """Members in ``len(sizes)`` planted groups: group g agrees with the statements of its own block and
    disagrees with the others, except for a share ``noise`` of reactions drawn at random. Returns each
    member's user id → planted group."""
    rng = random.Random(seed)
    statements = list(conv.statements.filter(status=Statement.Status.ACCEPTED).order_by("pk"))
    planted: dict[int, int] = {}
    n = 0
    for group, size in enumerate(sizes):
        for _ in range(size):
            n += 1
            user = member(world, 100 + n)
            planted[user.pk] = group
            for i, statement in enumerate(statements):
                vote = 1 if i % len(sizes) == group else -1
                if rng.random() < noise:
                    vote = rng.choice((-1, 0, 1))
                services.reaction_cast(statement=statement, vote=vote, actor=user)
    return planted
