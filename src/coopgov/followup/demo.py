"""Demo follow-up: a running Smart in Progress cycle of the group (four binational themes, local groups in
antennas and a community, recommendations to the boards and general assemblies in every status, with
responses and dated histories, and one recommendation open for comment with a member's comment), and
members in the thematic communities.

Deterministic (seeded), fast, and a second run leaves things as they are. The themes and the groups follow
the cycles described in DOMAIN.md §1.7 (Smart in Progress 2020–2021: binational themes, groups per local
office such as Bruxelles, Charleroi-Mons, Nantes, Clermont-Ferrand/Lyon, recommendations to the CA then
the AG; each classed réalisée / en cours / non réalisée / rejetée / reportée).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopgov.followup import services
from coopgov.followup.models import Cycle, Stage, Theme
from coopgov.organisation.models import Body, CommunityMembership, Unit
from coopgov.organisation.services import community_join, community_leave

SLUG = "smart-in-progress-2025"
ACTOR = "demo"

THEMES = [
    (
        "cooperative",
        "La coopérative : pourquoi, avec qui ?",
        "De coöperatie: waarom, met wie?",
        "The cooperative: why, with whom?",
    ),
    (
        "economy",
        "Un modèle économique mutualiste",
        "Een mutualistisch economisch model",
        "A mutualist economic model",
    ),
    (
        "activity",
        "Créer son activité : quels outils ?",
        "Je activiteit opstarten: welke tools?",
        "Starting one's activity: which tools?",
    ),
    (
        "participation",
        "Entreprise partagée et participative : est-ce réaliste ?",
        "Gedeelde en participatieve onderneming: is dat realistisch?",
        "A shared, participatory enterprise: is it realistic?",
    ),
]

GROUPS = [
    ("BE-BRUXELLES", "Groupe Bruxelles", "participation"),
    ("BE-CHARLEROI", "Groupe Charleroi-Mons-Eupen-Louvain-la-Neuve", "economy"),
    ("FR-NANTES", "Groupe Nantes", "activity"),
    ("FR-LYON", "Groupe Clermont-Ferrand / Lyon", "cooperative"),
    ("COMM-CREATIVE", "Communauté Arts vivants", "economy"),
]

# (group index, theme, body: (coop, kind), title, statuses with responses, oldest first)
RECOMMENDATIONS: list[tuple[int, str, tuple[str, str], str, list[tuple[str, str]]]] = [
    (
        0,
        "participation",
        ("BE", "board"),
        "Des relais humains formés dans chaque antenne",
        [
            (
                "in_progress",
                "Un parcours de formation des relais est en préparation avec trois antennes pilotes.",
            ),
            ("done", "Douze relais formés en 2026 ; le parcours est désormais ouvert à toutes les antennes."),
        ],
    ),
    (
        0,
        "participation",
        ("BE", "general_assembly"),
        "Un bilan participatif par an dans chaque antenne",
        [
            (
                "done",
                "Inscrit au calendrier de la vie coopérative : chaque antenne tient son bilan avant l'AG.",
            ),
        ],
    ),
    (
        1,
        "economy",
        ("BE", "board"),
        "Un fonds de solidarité pour les membres en difficulté",
        [
            (
                "in_progress",
                "Le CA a demandé une étude de faisabilité financière ; résultats attendus à l'automne.",
            ),
        ],
    ),
    (
        1,
        "economy",
        ("BE", "board"),
        "Publier chaque année la répartition de la contribution mutualisée",
        [
            ("done", "Publiée dans le rapport annuel et présentée à l'AG de juin."),
        ],
    ),
    (
        2,
        "activity",
        ("FR", "board"),
        "Un outil de devis partagé entre entrepreneurs·es",
        [
            ("postponed", "Reporté après la refonte de l'espace membre prévue l'an prochain."),
        ],
    ),
    (
        2,
        "activity",
        ("FR", "board"),
        "Des permanences d'accompagnement le samedi",
        [
            ("not_done", "Faute de volontaires et de budget, les permanences n'ont pas pu être organisées."),
        ],
    ),
    (
        3,
        "cooperative",
        ("FR", "general_assembly"),
        "Ouvrir le sociétariat aux donneurs d'ordre réguliers",
        [
            (
                "rejected",
                "L'AG a préféré maintenir le collège actuel ; la question sera réexaminée dans deux ans.",
            ),
        ],
    ),
    (
        3,
        "cooperative",
        ("FR", "board"),
        "Un comité d'éthique binational",
        [
            ("in_progress", "Composition en cours, avec deux membres par pays."),
            ("postponed", "Le comité sera installé après le renouvellement des deux conseils."),
        ],
    ),
    (4, "economy", ("BE", "board"), "Un tarif mutualisé pour l'assurance des tournées", []),
    (
        1,
        "participation",
        ("BE", "general_assembly"),
        "Le vote en ligne pour toutes les assemblées",
        [
            ("done", "Le vote en ligne est ouvert pour l'AG ordinaire depuis cette année."),
        ],
    ),
    (2, "economy", ("FR", "board"), "Plafonner l'écart des rémunérations dans l'équipe mutualisée", []),
    (
        0,
        "activity",
        ("BE", "board"),
        "Un annuaire des compétences des membres",
        [
            ("in_progress", "Prototype présenté au CA ; ouverture prévue dans l'espace membre."),
        ],
    ),
]


def _theme_titles(fr: str, nl: str, en: str) -> dict[str, str]:
    return {"fr": fr, "nl": nl, "en": en}


def _process_of(unit: Unit) -> Any:
    from coopgov.participation.models import Process

    return Process.objects.filter(unit=unit).order_by("pk").first()


def _source_proposal(unit: Unit) -> Any:
    from coopgov.participation.models import Proposal

    return Proposal.objects.filter(process__unit=unit, hidden_at__isnull=True).order_by("pk").first()


@transaction.atomic
def demo_followup(seed: int = 2026) -> dict[str, int]:
    """Add the follow-up and the community memberships to the demo cooperative; returns what was added."""
    existing = Cycle.objects.filter(slug=SLUG).first()
    if existing is not None:
        # A demo built before the public comment existed gets its recommendation open for comment.
        return {"recommendations": _demo_open_for_comment(existing), "community_members": 0}
    from coopgov.accounts.models import User

    rng = random.Random(seed)
    today = timezone.localdate()
    group = Unit.objects.get(code="SMART")
    answerer = User.objects.get(email="board@example.org")
    cycle = services.cycle_create(
        unit=group,
        slug=SLUG,
        title="Smart in Progress 2025–2026",
        titles={
            "fr": "Smart in Progress 2025–2026",
            "nl": "Smart in Progress 2025–2026",
            "en": "Smart in Progress 2025–2026",
        },
        description=(
            "Quatre thèmes binationaux, des groupes locaux dans les antennes et une communauté, des "
            "recommandations adressées aux conseils d'administration et aux assemblées générales."
        ),
        descriptions={
            "fr": "Quatre thèmes binationaux, des groupes locaux dans les antennes et une communauté, des "
            "recommandations adressées aux conseils d'administration et aux assemblées générales.",
            "nl": "Vier binationale thema's, lokale groepen in de antennes en een gemeenschap, aanbevelingen "
            "aan de raden van bestuur en de algemene vergaderingen.",
            "en": "Four binational themes, local groups in the antennas and a community, recommendations to "
            "the boards and the general assemblies.",
        },
        starts_on=today - timedelta(days=300),
        actor=ACTOR,
    )
    themes: dict[str, Theme] = {}
    for order, (code, fr, nl, en) in enumerate(THEMES):
        themes[code] = services.theme_add(
            cycle=cycle, code=code, title=fr, titles=_theme_titles(fr, nl, en), order=order, actor=ACTOR
        )
    groups = []
    for unit_code, name, theme in GROUPS:
        unit = Unit.objects.get(code=unit_code)
        groups.append(
            services.local_group_create(
                cycle=cycle,
                unit=unit,
                name=name,
                theme=themes[theme],
                secretary=rng.choice(["Inès", "Pieter", "Camille", "Youssef", "Lotte"]),
                facilitator=rng.choice(["Jonas Peeters", "Sophie Martin", "Nadia Haddad"]),
                process=_process_of(unit),
                actor=ACTOR,
            )
        )
    bodies = {(b.unit.code, b.kind): b for b in Body.objects.select_related("unit")}
    for i, (group_index, theme, (coop, kind), title, answers) in enumerate(RECOMMENDATIONS):
        submitted = today - timedelta(days=200 - 3 * i)
        local = groups[group_index]
        recommendation = services.recommendation_submit(
            cycle=cycle,
            theme=themes[theme],
            addressed_to=bodies[(coop, kind)],
            title=title,
            text=(
                f"Le {local.name} recommande : {title.lower()}. Proposition issue des ateliers du thème "
                f"« {themes[theme].title} »."
            ),
            submitted_on=submitted,
            due_on=submitted + timedelta(days=365),
            group=local,
            source_proposal=_source_proposal(local.unit) if i == 0 else None,
            actor=ACTOR,
        )
        for step, (status, response) in enumerate(answers):
            services.recommendation_set_status(
                recommendation=recommendation,
                status=status,
                response=response,
                on=submitted + timedelta(days=40 + 60 * step),
                actor=answerer,
            )
    member = User.objects.get(email="member@example.org")
    services.recommendation_follow(recommendation=cycle.recommendations.get(number=3), user=member)
    _demo_open_for_comment(cycle)
    members_added = _demo_communities(rng)
    _community_processes(today)
    return {"recommendations": len(RECOMMENDATIONS) + 1, "community_members": members_added}


OPEN_TITLE = "Une caisse commune pour les frais de déplacement des groupes locaux"


def _demo_open_for_comment(cycle: Cycle) -> int:
    """One draft recommendation of the Bruxelles group written by the staff, open for comment by the
    group's members, with a first comment by Marie (ADR 0021). Added once: 1 if added, else 0."""
    from coopgov.accounts.models import User

    if cycle.recommendations.filter(stage__in=(Stage.DRAFT, Stage.OPEN)).exists():
        return 0
    staff = User.objects.get(email="staff@example.org")
    member = User.objects.get(email="member@example.org")
    group = cycle.groups.filter(unit__code="BE-BRUXELLES").first()
    theme = cycle.themes.get(code="participation")
    board = Body.objects.get(unit__code="BE", kind="board")
    draft = services.recommendation_draft(
        cycle=cycle,
        theme=theme,
        group=group,
        addressed_to=board,
        title=OPEN_TITLE,
        text=(
            "Les groupes locaux se réunissent dans plusieurs villes. Le groupe Bruxelles recommande une "
            "caisse commune qui rembourse les frais de déplacement des membres qui participent aux "
            "ateliers, pour que la distance ne décide pas de qui est entendu."
        ),
        language="fr",
        actor=staff,
    )
    services.recommendation_open_for_comment(recommendation=draft, actor=staff)
    services.recommendation_comment_add(
        recommendation=draft,
        author=member,
        text="Oui, et prévoir aussi la garde d'enfants pendant les ateliers du samedi.",
        language="fr",
    )
    return 1


COMMUNITY_PROCESSES = {
    "COMM-CREATIVE": (
        "Tournées : mutualiser les frais",
        "Comment partager entre membres les frais des tournées (transport, assurance, hébergement) ?",
        [("Un contrat-cadre d'assurance des tournées", "Négocier une assurance commune pour les tournées.")],
    ),
    "COMM-DIGITAL": (
        "Outils numériques partagés",
        "Quels outils logiciels la coopérative devrait-elle mettre à disposition des métiers du numérique ?",
        [("Des licences logicielles mutualisées", "Acheter ensemble les licences dont nous avons besoin.")],
    ),
}


def _community_processes(today: Any) -> None:
    """Each thematic community runs its own process, open for proposals, with a first proposal by one of
    its members (communities are units: their processes are ordinary processes of that unit)."""
    from coopgov.participation import services as participation
    from coopgov.participation.models import Process

    for code, (title, description, proposals) in COMMUNITY_PROCESSES.items():
        community = Unit.objects.filter(code=code).first()
        if community is None or Process.objects.filter(unit=community).exists():
            continue
        process = participation.process_create(
            unit=community,
            title=title,
            language="fr",
            description=description,
            phases=[
                participation.PhasePlan("information", starts_on=today - timedelta(days=60)),
                participation.PhasePlan("contribution", starts_on=today - timedelta(days=30)),
                participation.PhasePlan("deliberation", starts_on=today + timedelta(days=30)),
            ],
            current=1,
            actor=ACTOR,
        )
        membership = (
            CommunityMembership.objects.filter(
                community=community, left_at__isnull=True, person__account__isnull=False
            )
            .select_related("person__account")
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        author = membership.person.account
        for proposal_title, body in proposals:
            participation.proposal_create(
                process=process, author=author, title=proposal_title, body=body, language="fr", actor=author
            )


def _demo_communities(rng: random.Random) -> int:
    """Some admitted members in each thematic community; one left and came back (a dated history)."""
    from coopgov.accounts.models import User
    from coopgov.members.models import Person

    communities = list(Unit.objects.filter(kind=Unit.Kind.COMMUNITY).order_by("code"))
    people = list(
        Person.objects.filter(memberships__status="admitted")
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    added = 0
    now = timezone.now()
    for community in communities:
        chosen = rng.sample(people, k=min(len(people), rng.randint(15, 40)))
        for offset, person_id in enumerate(chosen):
            person = Person.objects.get(pk=person_id)
            community_join(
                community=community, person=person, actor=ACTOR, at=now - timedelta(days=200 - offset)
            )
            added += 1
        if chosen:
            # One member left and came back: the community page shows both dated memberships.
            person = Person.objects.get(pk=chosen[0])
            community_leave(community=community, person=person, actor=ACTOR, at=now - timedelta(days=60))
            community_join(community=community, person=person, actor=ACTOR, at=now - timedelta(days=20))
    for email, code in (("member@example.org", "COMM-CREATIVE"), ("relay@example.org", "COMM-DIGITAL")):
        account = User.objects.select_related("person").get(email=email)
        community = Unit.objects.get(code=code)
        if not CommunityMembership.objects.filter(
            community=community, person=account.person, left_at__isnull=True
        ).exists():
            community_join(
                community=community, person=account.person, actor=account, at=now - timedelta(days=90)
            )
    return added
