"""Demo opinion conversation: an open conversation of Smart Belgique with twenty seed statements, the
reactions of demo members who fall into three opinion groups, and its map, so a newcomer sees a real one.

Deterministic (seeded), and a second run leaves things as they are. The demo member (member@example.org)
has not reacted, so the conversation page offers them the first statement.
"""

from __future__ import annotations

import random

from coopgov.accounts.models import User
from coopgov.conversations import services
from coopgov.conversations.models import Conversation
from coopgov.members.demo import demo_voices
from coopgov.members.models import Person
from coopgov.organisation.models import Unit

SLUG = "avenir-smart-belgique"
# (statement, how each of the three groups leans: probability of agreeing, of disagreeing)
SEEDS: list[tuple[str, tuple[tuple[float, float], ...]]] = [
    (
        "Les antennes devraient décider elles-mêmes d'une partie du budget.",
        ((0.85, 0.1), (0.2, 0.7), (0.6, 0.3)),
    ),
    (
        "Le conseil d'administration devrait publier ses procès-verbaux.",
        ((0.9, 0.05), (0.8, 0.1), (0.85, 0.1)),
    ),
    ("La part sociale minimale devrait être baissée.", ((0.8, 0.1), (0.15, 0.8), (0.4, 0.4))),
    (
        "Les assemblées générales devraient pouvoir se suivre en ligne.",
        ((0.85, 0.1), (0.8, 0.15), (0.9, 0.05)),
    ),
    ("Smart devrait surtout investir dans ses outils numériques.", ((0.2, 0.7), (0.3, 0.6), (0.9, 0.05))),
    (
        "Les frais de gestion devraient varier selon le chiffre d'affaires.",
        ((0.8, 0.15), (0.2, 0.7), (0.3, 0.5)),
    ),
    ("Chaque antenne devrait avoir un relais formé et rémunéré.", ((0.8, 0.1), (0.5, 0.3), (0.2, 0.6))),
    (
        "Les membres devraient élire directement le conseil d'administration.",
        ((0.75, 0.15), (0.3, 0.6), (0.5, 0.3)),
    ),
    ("La coopérative grandit trop vite.", ((0.6, 0.3), (0.3, 0.6), (0.1, 0.85))),
    ("Il faut une application mobile pour déclarer ses prestations.", ((0.2, 0.5), (0.4, 0.4), (0.95, 0.05))),
    ("Les réunions d'antenne devraient se tenir aussi en soirée.", ((0.85, 0.1), (0.7, 0.2), (0.6, 0.2))),
    (
        "Les réserves devraient garantir les salaires en cas de coup dur.",
        ((0.7, 0.2), (0.9, 0.05), (0.5, 0.3)),
    ),
    ("Smart devrait s'ouvrir à d'autres pays européens.", ((0.3, 0.6), (0.4, 0.5), (0.85, 0.1))),
    (
        "Les décisions importantes devraient passer par un vote des membres.",
        ((0.9, 0.05), (0.3, 0.6), (0.6, 0.3)),
    ),
    ("La formation des membres devrait être gratuite.", ((0.85, 0.1), (0.4, 0.5), (0.5, 0.4))),
    ("Les statuts sont trop compliqués à lire.", ((0.7, 0.2), (0.3, 0.5), (0.6, 0.3))),
    ("Il faut davantage de permanences physiques dans les antennes.", ((0.85, 0.1), (0.6, 0.3), (0.1, 0.8))),
    ("La mutualisation des risques est la raison d'être de Smart.", ((0.8, 0.1), (0.85, 0.1), (0.7, 0.2))),
    (
        "Les entrepreneurs les plus actifs devraient avoir plus de voix.",
        ((0.05, 0.9), (0.6, 0.3), (0.3, 0.6)),
    ),
    ("Smart devrait proposer une assurance revenu à ses membres.", ((0.8, 0.1), (0.3, 0.5), (0.4, 0.4))),
]
GROUP_SHARES = (0.45, 0.35, 0.2)
VOICES = 60


def _voices(unit: Unit, n: int) -> list[User]:
    """Accounts for up to ``n`` admitted synthetic members of ``unit``."""
    return demo_voices(
        Person.objects.filter(memberships__cooperative=unit, memberships__status="admitted"), n
    )


def demo_conversations(seed: int = 2026) -> dict[str, int]:
    """Add the demo conversation (skipped if it exists) and compute its map; returns what was added."""
    if Conversation.objects.filter(slug=SLUG).exists():
        return {"statements": 0, "reactions": 0, "groups": 0}
    rng = random.Random(seed)
    be = Unit.objects.get(code="BE")
    staff = User.objects.get(email="staff@example.org")
    conversation = services.conversation_create(
        unit=be,
        request=services.ConversationRequest(
            title="Quelle Smart voulons-nous dans cinq ans ?",
            question="Qu'est-ce qui devrait changer dans la vie de la coopérative d'ici cinq ans ?",
            slug=SLUG,
            description=(
                "Réagissez aux affirmations (d'accord, pas d'accord, je passe) et proposez les vôtres. "
                "La carte des opinions montre les groupes qui se dessinent et ce qui nous rassemble."
            ),
            seeds=[text for text, _leanings in SEEDS],
        ),
        actor=staff,
    )
    statements = list(conversation.statements.order_by("pk"))
    voices = _voices(be, VOICES)
    reactions = 0
    for index, user in enumerate(voices):
        share = index / max(len(voices), 1)
        group = 0 if share < GROUP_SHARES[0] else 1 if share < GROUP_SHARES[0] + GROUP_SHARES[1] else 2
        for statement, (_text, leanings) in zip(statements, SEEDS, strict=True):
            if rng.random() < 0.15:
                continue  # not everyone reacts to everything
            agree, disagree = leanings[group]
            draw = rng.random()
            vote = 1 if draw < agree else -1 if draw < agree + disagree else 0
            services.reaction_cast(statement=statement, vote=vote, actor=user)
            reactions += 1
    snapshot = services.map_refresh(conversation=conversation)
    return {
        "statements": len(statements),
        "reactions": reactions,
        "groups": len(snapshot.result.get("groups", [])),
    }
