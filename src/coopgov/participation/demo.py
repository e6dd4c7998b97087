"""Demo processes: a Smart-in-Progress-like cycle — themes as processes of the group, the BE and FR
national levels and several antennas — with proposals, supports and comments in French and Dutch, and a
few translations. Deterministic (seeded), built through the services (so audited), reused on a second run.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.members.demo import demo_voices
from coopgov.members.models import Person
from coopgov.organisation.models import Unit
from coopgov.participation import services
from coopgov.participation.models import Component, Process, Proposal

ACTOR = "demo"
PHASE_KINDS = ("information", "contribution", "deliberation", "decision", "follow_up")


@dataclass(frozen=True)
class DemoProcess:
    unit: str
    slug: str
    language: str
    title: str
    description: str
    current: str
    meetings: bool = False
    translation: tuple[str, str] | None = None  # (language, title)


PROCESSES = [
    DemoProcess(
        "SMART",
        "sip-revenus",
        "fr",
        "Smart in Progress — Revenus et protection sociale",
        "Thème du cycle Smart in Progress : comment sécuriser les revenus et la protection sociale des "
        "membres dont l'activité est intermittente ? Les propositions des antennes et des coopératives "
        "nationales remontent ici.",
        "contribution",
        translation=("nl", "Smart in Progress — Inkomen en sociale bescherming"),
    ),
    DemoProcess(
        "SMART",
        "sip-outils",
        "fr",
        "Smart in Progress — Outils et services mutualisés",
        "Thème du cycle : quels outils et services mutualisés la coopérative doit-elle développer "
        "en priorité ?",
        "deliberation",
        translation=("nl", "Smart in Progress — Gedeelde tools en diensten"),
    ),
    DemoProcess(
        "BE",
        "sip-belgique",
        "fr",
        "Smart in Progress Belgique — orientations nationales",
        "Les orientations de Smart Belgique issues des bilans participatifs des antennes.",
        "contribution",
        translation=("nl", "Smart in Progress België — nationale oriëntaties"),
    ),
    DemoProcess(
        "FR",
        "sip-france",
        "fr",
        "Smart in Progress France — orientations nationales",
        "Les orientations de Smart France issues des bilans participatifs des antennes.",
        "contribution",
    ),
    DemoProcess(
        "BE-BRUXELLES",
        "bilan-bruxelles",
        "fr",
        "Bilan participatif — antenne de Bruxelles",
        "Vos propositions pour la vie de l'antenne et pour Smart in Progress.",
        "contribution",
        meetings=True,
        translation=("nl", "Participatieve balans — antenne Brussel"),
    ),
    DemoProcess(
        "BE-GENT",
        "bilan-gent",
        "nl",
        "Participatieve balans — antenne Gent",
        "Jullie voorstellen voor het leven van de antenne en voor Smart in Progress.",
        "contribution",
        meetings=True,
        translation=("fr", "Bilan participatif — antenne de Gand"),
    ),
    DemoProcess(
        "BE-LIEGE",
        "bilan-liege",
        "fr",
        "Bilan participatif — antenne de Liège",
        "Vos propositions pour la vie de l'antenne et pour Smart in Progress.",
        "deliberation",
        meetings=True,
    ),
    DemoProcess(
        "FR-PARIS",
        "bilan-paris",
        "fr",
        "Bilan participatif — antenne de Paris",
        "Vos propositions pour la vie de l'antenne et pour Smart in Progress.",
        "contribution",
        meetings=True,
    ),
    DemoProcess(
        "FR-LYON",
        "bilan-lyon",
        "fr",
        "Bilan participatif — antenne de Lyon",
        "Vos propositions pour la vie de l'antenne et pour Smart in Progress.",
        "information",
        meetings=True,
    ),
]

# Each idea in French, and in Dutch where the demo has a translation of it.
IDEAS: list[dict[str, tuple[str, str]]] = [
    {
        "fr": (
            "Un fonds de solidarité pour les mois sans contrat",
            "Créer un fonds alimenté par une petite part de chaque facture pour compléter les revenus "
            "les mois creux.",
        ),
        "nl": (
            "Een solidariteitsfonds voor maanden zonder opdracht",
            "Een fonds, gevoed door een klein deel van elke factuur, om het inkomen in stille maanden "
            "aan te vullen.",
        ),
    },
    {
        "fr": (
            "Des permanences juridiques dans chaque antenne",
            "Une permanence mensuelle avec un juriste pour les questions de droits d'auteur et de contrats.",
        ),
        "nl": (
            "Juridisch spreekuur in elke antenne",
            "Een maandelijks spreekuur met een jurist over auteursrechten en contracten.",
        ),
    },
    {
        "fr": (
            "Un espace de coworking partagé",
            "Mettre à disposition des membres un espace de travail à prix coûtant, ouvert le soir.",
        ),
        "nl": (
            "Een gedeelde coworkingruimte",
            "Een werkplek tegen kostprijs voor de leden, ook 's avonds open.",
        ),
    },
    {
        "fr": (
            "Accélérer le paiement des factures",
            "Avancer le paiement des prestations dès la validation de la facture, sans attendre le client.",
        ),
        "nl": (
            "Sneller uitbetalen van facturen",
            "De prestatie uitbetalen zodra de factuur gevalideerd is, zonder op de klant te wachten.",
        ),
    },
    {
        "fr": (
            "Parrainage des nouveaux membres",
            "Chaque nouveau membre est accompagné pendant six mois par un membre expérimenté de son antenne.",
        ),
        "nl": (
            "Peterschap voor nieuwe leden",
            "Elk nieuw lid wordt zes maanden begeleid door een ervaren lid van de antenne.",
        ),
    },
    {
        "fr": (
            "Former aux outils de facturation",
            "Des ateliers courts, en petits groupes, pour maîtriser la plateforme de facturation.",
        ),
    },
    {
        "fr": (
            "Une mutuelle de groupe négociée",
            "Négocier une complémentaire santé collective à un tarif accessible pour tous les membres.",
        ),
    },
    {
        "fr": (
            "Rendre les assemblées plus accessibles",
            "Proposer la garde d'enfants et la traduction simultanée lors des assemblées générales.",
        ),
    },
]
COMMENTS_FR = [
    ("for", "Tout à fait d'accord, c'est une demande qui revient à chaque réunion d'antenne."),
    ("for", "Oui ! Cela aiderait beaucoup les membres qui débutent."),
    ("against", "Je crains que le coût pèse sur les petites activités ; il faudrait un plafond."),
    ("question", "Qui gérerait cela concrètement, l'antenne ou la coopérative nationale ?"),
    ("question", "Existe-t-il déjà quelque chose de semblable en France ?"),
    ("", "Nous en avons parlé au bilan participatif de mars, voir le compte rendu."),
]
COMMENTS_NL = [
    ("for", "Helemaal mee eens, dit komt op elke antennevergadering terug."),
    ("against", "Ik vrees dat de kosten te zwaar wegen voor kleine activiteiten."),
    ("question", "Wie zou dit concreet beheren: de antenne of de nationale coöperatie?"),
    ("for", "Goed idee, vooral voor wie net begint."),
]
REPLIES = {
    "fr": "Bonne question : la proposition prévoit une gestion par la coopérative nationale.",
    "nl": "Goede vraag: het voorstel gaat uit van beheer door de nationale coöperatie.",
}


def _voices(unit: Unit, n: int) -> list[User]:
    """Accounts for up to ``n`` admitted synthetic members living in (or under) ``unit``."""
    return demo_voices(
        Person.objects.filter(home_antenna__path__startswith=unit.path, memberships__status="admitted"), n
    )


def _phases(today: date, current: str) -> list[services.PhasePlan]:
    """Thirty-day phases, the story's phase holding today (it began ten days ago), so the calendar and the
    phase in force agree and ``coopgov advance_phases`` moves the demo on as the days pass."""
    plans = []
    start = today - timedelta(days=30 * PHASE_KINDS.index(current) + 10)
    for kind in PHASE_KINDS:
        plans.append(services.PhasePlan(kind, starts_on=start, ends_on=start + timedelta(days=29)))
        start += timedelta(days=30)
    return plans


@transaction.atomic
def demo_participation(seed: int = 2026) -> dict[str, int]:
    """Add the demo processes (skipped if they exist); returns what was added."""
    rng = random.Random(seed)
    added = {"processes": 0, "proposals": 0, "comments": 0, "supports": 0, "translations": 0}
    staff = User.objects.filter(email="staff@example.org").first()
    relay = User.objects.filter(email="relay@example.org").first()
    member = User.objects.filter(email="member@example.org").first()
    actor = staff or ACTOR
    today = timezone.localdate()
    made: list[Process] = []
    for spec in PROCESSES:
        unit = Unit.objects.filter(code=spec.unit).first()
        if unit is None or Process.objects.filter(unit=unit, slug=spec.slug).exists():
            continue
        # Open in the contribution phase so proposals can be made, then move to the phase of the story.
        components = [Component.PROPOSALS] + ([Component.MEETINGS] if spec.meetings else [])
        process = services.process_create(
            unit=unit,
            title=spec.title,
            slug=spec.slug,
            language=spec.language,
            description=spec.description,
            components=components,
            phases=_phases(today, spec.current),
            current=1,
            actor=actor,
        )
        added["processes"] += 1
        made.append(process)
        if spec.translation and staff is not None:
            language, title = spec.translation
            services.translation_add(target=process, language=language, title=title, body="", actor=staff)
            added["translations"] += 1
        voices = _voices(unit, 24)
        if spec.current != "information" and voices:
            _fill(process, spec, voices, rng, added, member=member, relay=relay)
        if spec.current != "contribution":
            phase = process.phases.get(kind=spec.current)
            services.process_phase_switch(process=process, phase=phase, actor=actor)
    # Its own generator: the dates do not change what the seed draws for the texts and the voices.
    made_proposals = Proposal.objects.filter(process__in=made).order_by("pk")
    spread_over_the_year(made_proposals, random.Random(seed + 1), timezone.now())
    return added


def _fill(
    process: Process,
    spec: DemoProcess,
    voices: list[User],
    rng: random.Random,
    added: dict[str, int],
    *,
    member: User | None,
    relay: User | None,
) -> None:
    dutch = spec.language == "nl"
    mine = [idea for idea in IDEAS if spec.language in idea]
    ideas = rng.sample(mine, k=min(4 if process.unit.kind == "antenna" else 3, len(mine)))
    authors = list(voices)
    if process.unit.code == "BE-BRUXELLES" and member is not None:
        authors.insert(0, member)  # the demo member has a proposal of their own to look at
    proposals: list[Proposal] = []
    for k, idea in enumerate(ideas):
        title, body = idea[spec.language]
        author = authors[k % len(authors)]
        proposals.append(
            services.proposal_create(
                process=process, author=author, title=title, body=body, language=spec.language, actor=author
            )
        )
        added["proposals"] += 1
    for proposal in proposals:
        for user in rng.sample(voices, k=rng.randint(2, min(len(voices), 14))):
            if user.pk != proposal.author_id:
                services.support_add(proposal=proposal, user=user)
                added["supports"] += 1
        pool = COMMENTS_NL if dutch else COMMENTS_FR
        first = None
        for stance, text in rng.sample(pool, k=rng.randint(2, min(4, len(pool)))):
            writer = rng.choice(voices)
            comment = services.comment_add(
                proposal=proposal, author=writer, body=text, language=spec.language, stance=stance
            )
            added["comments"] += 1
            if first is None and stance == "question":
                first = comment
        if first is not None:
            services.comment_add(
                proposal=proposal,
                author=rng.choice(voices),
                body=REPLIES[spec.language],
                language=spec.language,
                parent=first,
            )
            added["comments"] += 1
    # A translation into the other national language of the first proposal that has one, by the
    # antenna's relay where they may translate there, else by its author.
    other = "fr" if dutch else "nl"
    for proposal, idea in zip(proposals, ideas, strict=True):
        if other not in idea:
            continue
        may = relay is not None and relay.has_perm("participation.translate", proposal)
        translator = relay if may else proposal.author
        if translator is not None:
            title, body = idea[other]
            services.translation_add(
                target=proposal, language=other, title=title, body=body, actor=translator
            )
            added["translations"] += 1
        break


# The services stamp every act with the time they run, so a fresh demo would hold a year's participation
# in one day and its monthly dashboards would be flat. Afterwards the demo dates its acts as they happen
# in a cooperative: proposals over the last twelve months, more of them as a cycle gathers pace, and each
# proposal's supports and comments in the weeks that follow it (a reply after the comment it answers).
# Only created_at moves: the audit log keeps the real times of the demo's run.
RECENT_FIRST = [12 - k for k in range(12)]  # weight of "k months ago" for a proposal


def spread_over_the_year(proposals: Iterable[Proposal], rng: random.Random, now: datetime) -> None:
    """Date the demo's ``proposals``, their supports and their comments over the twelve months before
    ``now`` (see above); deterministic for a given ``rng``."""
    from coopgov.participation.models import Comment, Support

    def soon_after(start: datetime) -> datetime:
        room = min((now - start).total_seconds(), 45 * 86400.0)
        return start + timedelta(seconds=rng.uniform(0, max(room, 0.0)))

    for proposal in proposals:
        months_ago = rng.choices(range(12), weights=RECENT_FIRST)[0]
        created = now - timedelta(days=30 * months_ago + rng.uniform(0, 29))
        Proposal.objects.filter(pk=proposal.pk).update(created_at=created, updated_at=created)
        for support in Support.objects.filter(proposal=proposal).order_by("pk"):
            Support.objects.filter(pk=support.pk).update(created_at=soon_after(created))
        when: dict[int, datetime] = {}
        for comment in Comment.objects.filter(proposal=proposal).order_by("pk"):  # parents before replies
            at = soon_after(when.get(comment.parent_id or 0, created))
            when[comment.pk] = at
            Comment.objects.filter(pk=comment.pk).update(created_at=at)
