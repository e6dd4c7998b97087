"""Demo bilans participatifs: a past meeting in each antenna whose process hosts meetings (registered
members and guests without an account, attendance with walk-ins, contributions entered by the relay for a
participant or the room, published minutes), and an upcoming one in Bruxelles open for registration.
Deterministic (seeded), built through the services (so audited), skipped on a second run."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.meetings import services
from coopgov.meetings.models import Meeting
from coopgov.participation.models import Process

# (language) → agenda, contributions for a participant, what the room said, and the minutes.
CONTENT: dict[str, dict[str, Any]] = {
    "fr": {
        "agenda": ["Revenus et protection sociale", "Outils et services", "Vie de l'antenne"],
        "participant": [
            "Un fonds de solidarité pour les mois sans contrat aiderait beaucoup les membres intermittents.",
            "Il faudrait être payé dès la validation de la facture, sans attendre le client.",
            "Des ateliers courts pour apprendre la plateforme de facturation.",
        ],
        "room": "La salle demande un fonds de solidarité alimenté par une part de chaque facture.",
        "minutes": (
            "Bilan participatif de l'antenne : une vingtaine de membres présents. Trois thèmes discutés. "
            "La demande la plus partagée : un fonds de solidarité pour les mois creux. Les contributions "
            "sont reprises ci-dessus ; le relais les fait remonter au niveau national."
        ),
        "title": "Bilan participatif — {antenna}",
        "guests": [
            ("Claire Martin", "claire.martin@example.net"),
            ("Youssef Benali", "y.benali@example.net"),
        ],
        "walk_in": "Nadia Lefèvre",
    },
    "nl": {
        "agenda": ["Inkomen en sociale bescherming", "Tools en diensten", "Leven van de antenne"],
        "participant": [
            "Een solidariteitsfonds voor maanden zonder opdracht zou veel leden helpen.",
            "Uitbetalen zodra de factuur gevalideerd is, zonder op de klant te wachten.",
            "Korte workshops om het facturatieplatform te leren gebruiken.",
        ],
        "room": "De zaal vraagt een solidariteitsfonds, gevoed door een deel van elke factuur.",
        "minutes": (
            "Participatieve balans van de antenne: een twintigtal leden aanwezig. Drie thema's besproken. "
            "De meest gedeelde vraag: een solidariteitsfonds voor stille maanden. De relais stuurt de "
            "bijdragen door naar het nationale niveau."
        ),
        "title": "Participatieve balans — {antenna}",
        "guests": [
            ("Lotte Janssens", "lotte.janssens@example.net"),
            ("Pieter De Smet", "pdesmet@example.net"),
        ],
        "walk_in": "Sara Wouters",
    },
}


def _voices(process: Process, n: int) -> list[User]:
    return list(
        User.objects.filter(person__home_antenna__path__startswith=process.unit.path, is_active=True)
        .select_related("person")
        .order_by("pk")[:n]
    )


def _runner(process: Process, relay: User | None, staff: User | None) -> User | None:
    if relay is not None and relay.has_perm("meetings.manage_meeting", process.unit):
        return relay
    return staff


@transaction.atomic
def demo_meetings(seed: int = 2026) -> dict[str, int]:
    """Add the demo meetings (skipped if any exists); returns what was added."""
    added = {"meetings": 0, "registrations": 0, "attendances": 0, "contributions": 0, "minutes": 0}
    if Meeting.objects.exists():
        return added
    rng = random.Random(seed)
    relay = User.objects.filter(email="relay@example.org").first()
    staff = User.objects.filter(email="staff@example.org").first()
    processes = [
        p
        for p in Process.objects.filter(unit__kind="antenna").select_related("unit").order_by("unit__path")
        if p.has_component("meetings")
    ]
    now = timezone.now()
    for process in processes:
        runner = _runner(process, relay, staff)
        if runner is None:
            continue
        lang = process.language if process.language in CONTENT else "fr"
        text = CONTENT[lang]
        meeting = services.meeting_create(
            process=process,
            antenna=process.unit,
            title=text["title"].format(antenna=process.unit.display_name),
            language=lang,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=3),
            place=f"Antenne {process.unit.name}",
            capacity=40,
            agenda=text["agenda"],
            actor=runner,
        )
        added["meetings"] += 1
        registrations = []
        for voice in _voices(process, rng.randint(4, 8)):
            registrations.append(
                services.registration_create(
                    meeting=meeting,
                    user=voice,
                    name=voice.person.display_name if voice.person else voice.email,
                    email=voice.email,
                    language=voice.language or lang,
                    actor=voice,
                )
            )
        for name, email in text["guests"]:
            registrations.append(
                services.registration_create(
                    meeting=meeting, name=name, email=email, language=lang, actor=None
                )
            )
        added["registrations"] += len(registrations)
        # The bilan has taken place: it was scheduled ahead, people registered, then it was held.
        held = now - timedelta(days=rng.randint(10, 40))
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=held, ends_at=held + timedelta(hours=3))
        meeting.refresh_from_db()
        present = [
            services.attendance_record(meeting=meeting, registration=r, actor=runner)
            for r in registrations
            if rng.random() < 0.8
        ]
        present.append(services.attendance_record(meeting=meeting, name=text["walk_in"], actor=runner))
        added["attendances"] += len(present)
        items = list(meeting.agenda.order_by("order"))
        for k, said in enumerate(text["participant"]):
            services.contribution_add(
                meeting=meeting,
                text=said,
                language=lang,
                agenda_item=items[k % len(items)],
                on_behalf="participant",
                attendance=present[k % len(present)],
                actor=runner,
            )
        services.contribution_add(
            meeting=meeting,
            text=text["room"],
            language=lang,
            agenda_item=items[0],
            on_behalf="room",
            actor=runner,
        )
        added["contributions"] += len(text["participant"]) + 1
        services.minutes_publish(meeting=meeting, text=text["minutes"], language=lang, actor=runner)
        added["minutes"] += 1
    brussels = next((p for p in processes if p.unit.code == "BE-BRUXELLES"), None)
    if brussels is not None and relay is not None:
        services.meeting_create(
            process=brussels,
            antenna=brussels.unit,
            title="Bilan participatif de printemps — Bruxelles",
            language="fr",
            starts_at=now + timedelta(days=21),
            ends_at=now + timedelta(days=21, hours=3),
            place="Rue Coenraets 72, 1060 Bruxelles",
            online_url="https://meet.example.org/bilan-bruxelles",
            capacity=30,
            agenda=CONTENT["fr"]["agenda"],
            actor=relay,
        )
        added["meetings"] += 1
    return added
