"""Demo assemblies: a past general assembly of Smart France with published results (collège-weighted
motions, an STV board election), and an upcoming one of Smart Belgium open for online and room voting
(a presence list at Bruxelles, a participatory budget among its items)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopgov.audit.services import audit_record
from coopgov.decisions import presets, room, services
from coopgov.decisions.models import (
    Assembly,
    AssemblySite,
    CooperativePreset,
    ElectorateEntry,
    Item,
    Option,
)
from coopgov.organisation.models import Unit

ACTOR = "demo"
CANDIDATES = [
    ("amina", "Amina Benali"),
    ("bruno", "Bruno Lefèvre"),
    ("claire", "Claire Dubois"),
    ("david", "David Moreau"),
    ("elise", "Élise Fontaine"),
]

PROJECTS = [
    ("studio", "Studio partagé à Liège / Gedeelde studio in Luik", 9000),
    ("mentoring", "Parrainage des nouveaux membres / Peterschap voor nieuwe leden", 6000),
    ("bikes", "Vélos-cargos pour Bruxelles / Bakfietsen voor Brussel", 5000),
    ("library", "Bibliothèque d'outils / Gereedschapsbibliotheek", 4000),
]


def _at(day_offset: int, hour: int = 18) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _item(assembly: Assembly, order: int, kind: str, title: str, method: str, **fields: object) -> Item:
    return Item.objects.create(
        assembly=assembly, order=order, kind=kind, title=title, method=method, **fields
    )


def _past_assembly(fr: Unit, rng: random.Random) -> None:
    a = Assembly.objects.create(
        unit=fr,
        cooperative=fr,
        kind=Assembly.Kind.ORDINARY,
        title="Assemblée générale ordinaire — comptes de l'exercice",
        first_convocation_at=_at(-30),
        voting_opens_at=_at(-37, 9),
        voting_closes_at=_at(-30, 20),
        record_date=timezone.localdate() - timedelta(days=60),
        preset="fr-scic-sa-ago",
        max_proxies_per_holder=5,
    )
    accounts = _item(a, 1, Item.Kind.MOTION, "Approbation des comptes annuels", "motion")
    reserve = _item(a, 2, Item.Kind.MOTION, "Affectation du résultat aux réserves impartageables", "motion")
    board = _item(
        a, 3, Item.Kind.ELECTION, "Élection de trois administrateurs·rices", "stv-scottish", seats=3
    )
    for i, (key, label) in enumerate(CANDIDATES):
        Option.objects.create(item=board, key=key, label=label, order=i)
    services.assembly_convene(assembly=a, actor=ACTOR, now=_at(-50, 10))
    voters = list(ElectorateEntry.objects.filter(assembly=a, eligible=True).order_by("pk"))
    turnout = rng.sample(voters, k=max(1, len(voters) // 4))
    # Collège 1 is keener on the reserves than the others: the weighted result differs from a head count.
    lean = {"1": 0.8, "2": 0.35, "3": 0.4, "4": 0.45}
    keys = [k for k, _label in CANDIDATES]
    for item in (accounts, reserve, board):
        services.item_open(item=item, actor=ACTOR)
    for entry in turnout:
        when = _at(-rng.randint(30, 36), rng.randint(9, 19))
        accounts_vote = rng.choices(["yes", "no", "abstain"], weights=[85, 10, 5])[0]
        services.ballot_cast(item=accounts, entry=entry, content=accounts_vote, actor=ACTOR, now=when)
        p = lean.get(entry.college, 0.5)
        reserve_vote = "yes" if rng.random() < p else rng.choice(["no", "no", "abstain"])
        services.ballot_cast(item=reserve, entry=entry, content=reserve_vote, actor=ACTOR, now=when)
        ranking = rng.sample(keys, k=rng.randint(1, len(keys)))
        services.ballot_cast(item=board, entry=entry, content=ranking, actor=ACTOR, now=when)
    for item in (accounts, reserve, board):
        services.item_close(item=item, actor=ACTOR)
        services.result_compute(item=item, actor=ACTOR, seed="2026", now=_at(-29, 10))
        services.result_publish(item=item, actor=ACTOR, now=_at(-29, 11))


# An own preset of Smart Belgium (illustrative, not its deposited statutes): statute amendments need four
# fifths of the votes cast and a tenth of the members even on second convocation — more than CSA art.
# 6:85 (3/4, no quorum on the second meeting). See docs/adr/0012.
DEMO_OWN_PRESET: dict[str, Any] = {
    "key": "smart-statutes",
    "based_on": "be-sc-statutes",
    "meeting_kind": "extraordinary",
    "quorum_first": "1/2",
    "quorum_second": "1/10",
    "threshold": "4/5",
    "base": "cast",
    "statutes_article": "titre V (exemple de démonstration)",
    "labels": {
        "fr": "Modification des statuts (règle des statuts, démonstration)",
        "nl": "Statutenwijziging (regel van de statuten, demonstratie)",
        "en": "Statute amendment (rule of the statutes, demonstration)",
    },
}


def _own_preset(be: Unit) -> CooperativePreset:
    """The demo's own preset, checked against the law like one typed on the presets page."""
    problems = presets.preset_problems(be, DEMO_OWN_PRESET)
    assert not problems, problems
    now = timezone.now()
    own = CooperativePreset.objects.create(
        cooperative=be,
        label=DEMO_OWN_PRESET["labels"]["fr"],
        created_at=now,
        updated_at=now,
        **DEMO_OWN_PRESET,
    )
    audit_record(actor=ACTOR, action="preset.created", obj=own, unit=be, after={"key": own.key})
    return own


def _upcoming_assembly(be: Unit) -> None:
    a = Assembly.objects.create(
        unit=be,
        cooperative=be,
        kind=Assembly.Kind.ORDINARY,
        title="Assemblée générale ordinaire — Algemene vergadering",
        description="Vote en ligne pendant deux semaines, ou en salle dans les antennes.",
        first_convocation_at=_at(21),
        voting_opens_at=_at(-1, 9),
        voting_closes_at=_at(21, 20),
        record_date=timezone.localdate() - timedelta(days=3),
        preset="be-sc-ordinary",
        max_proxies_per_holder=2,
    )
    _item(
        a, 1, Item.Kind.MOTION, "Approbation des comptes annuels / Goedkeuring van de jaarrekening", "motion"
    )
    _item(
        a,
        2,
        Item.Kind.MOTION,
        "Modification des statuts (article 12) / Statutenwijziging (artikel 12)",
        "motion",
        preset=_own_preset(be).key,
    )
    board = _item(
        a, 3, Item.Kind.ELECTION, "Conseil d'administration / Raad van bestuur", "stv-scottish", seats=2
    )
    for i, (key, label) in enumerate(CANDIDATES[:4]):
        Option.objects.create(item=board, key=key, label=label, order=i)
    poll = _item(a, 4, Item.Kind.POLL, "Thème du prochain cycle / Thema van de volgende cyclus", "approval")
    for i, (key, label) in enumerate(
        [("housing", "Logement / Huisvesting"), ("care", "Soins / Zorg"), ("culture", "Culture / Cultuur")]
    ):
        Option.objects.create(item=poll, key=key, label=label, order=i)
    budget = _item(
        a,
        5,
        Item.Kind.BUDGET,
        "Budget participatif des antennes / Participatieve begroting van de antennes",
        "equal-shares",
        budget_eur=Decimal(20000),
    )
    for i, (key, label, cost) in enumerate(PROJECTS):
        Option.objects.create(item=budget, key=key, label=label, order=i, cost_eur=Decimal(cost))
    relay = Unit.objects.filter(code="BE-BRUXELLES").first()
    site = None
    if relay is not None:
        site = AssemblySite.objects.create(
            assembly=a, antenna=relay, place="Rue Coenraets 72, 1060 Bruxelles"
        )
    services.assembly_convene(assembly=a, actor=ACTOR, now=_at(-2, 10))
    for item in a.items.order_by("order"):
        services.item_open(item=item, actor=ACTOR)
    if site is not None:
        # A few members of Bruxelles already signed the room's presence list.
        here = ElectorateEntry.objects.filter(
            assembly=a, eligible=True, membership__person__home_antenna=relay
        ).order_by("pk")[:6]
        for entry in here:
            room.presence_record(site=site, entry=entry, actor=ACTOR)


@transaction.atomic
def generate_assemblies(seed: int = 2026) -> int:
    """Create the two demo assemblies once (a second run reuses them); returns how many were created."""
    if Assembly.objects.exists():
        return 0
    be = Unit.objects.get(code="BE", kind=Unit.Kind.COOPERATIVE)
    fr = Unit.objects.get(code="FR", kind=Unit.Kind.COOPERATIVE)
    _past_assembly(fr, random.Random(seed))
    _upcoming_assembly(be)
    return 2
