"""The synthetic Smart-like cooperative of `make demo`: the organisation, a register, and a user per role.

Everything here is invented except the shape: the group, Smart Belgium (SC agréée entreprise sociale) and
Smart France (SCIC SA), their real antenna towns (DOMAIN.md §1.8), categories and collèges, €30 shares,
the membership policies of DOMAIN.md §1.3, and about 75 % of members in Belgium.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.members.importing import ImportRow, MovementSpec, register_import
from coopgov.members.models import Category, Membership, Person, PolicyRule, Service, ShareClass
from coopgov.organisation.models import Body, CooperativeProfile, Mandate, StatutesVersion, Unit
from coopgov.organisation.services import role_grant

DEMO_PASSWORD = "coopgov-demo-2026"
# Demo TOTP secret (base32) for the staff and board accounts, so a person can add it to an authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

BE_ANTENNAS = [
    "Bruxelles",
    "Antwerpen",
    "Gent",
    "Liège",
    "Charleroi",
    "Mons",
    "Namur",
    "Louvain-la-Neuve",
    "Eupen",
]
FR_ANTENNAS = [
    "Paris",
    "Lille",
    "Lyon",
    "Marseille",
    "Montpellier",
    "Nantes",
    "Rennes",
    "Toulouse",
    "Strasbourg",
    "Clermont-Ferrand",
    "Amiens",
    "Arras",
    "Béthune",
]
BE_ANTENNA_WEIGHTS = [40, 12, 12, 10, 6, 5, 6, 6, 3]
FR_ANTENNA_WEIGHTS = [30, 10, 12, 8, 7, 8, 6, 7, 4, 3, 2, 2, 1]

CATEGORIES: dict[str, list[tuple[str, str, dict[str, str], Decimal | None]]] = {
    "BE": [
        (
            "A",
            "Utilisateurs et utilisatrices des services",
            {"nl": "Gebruikers van de diensten", "en": "Users of the services"},
            None,
        ),
        ("B", "Clients (donneurs d'ordre)", {"nl": "Klanten (opdrachtgevers)", "en": "Clients"}, None),
        ("C", "Équipe mutualisée", {"nl": "Gemeenschappelijk team", "en": "Mutualised staff"}, None),
        ("D", "Partenaires", {"nl": "Partners", "en": "Partners"}, None),
    ],
    "FR": [
        (
            "1",
            "Coordinateurs et coordinatrices d'activités",
            {"nl": "Activiteitscoördinatoren", "en": "Activity coordinators"},
            Decimal("0.40"),
        ),
        ("2", "Salariés permanents", {"nl": "Vaste medewerkers", "en": "Permanent staff"}, Decimal("0.20")),
        (
            "3",
            "Clients et bénéficiaires",
            {"nl": "Klanten en begunstigden", "en": "Clients and beneficiaries"},
            Decimal("0.20"),
        ),
        (
            "4",
            "Partenaires et soutiens",
            {"nl": "Partners en steunende leden", "en": "Partners and supporters"},
            Decimal("0.20"),
        ),
    ],
}
PROFILE_CATEGORY = {
    "BE": {"entrepreneur": "A", "other": "A", "client": "B", "staff": "C", "partner": "D"},
    "FR": {"entrepreneur": "1", "other": "1", "staff": "2", "client": "3", "partner": "4"},
}
SERVICES = [
    ("invoice_client", "Facturer un client", {"nl": "Een klant factureren", "en": "Invoice a client"}),
    (
        "open_activity",
        "Ouvrir un budget d'activité",
        {"nl": "Een activiteitsbudget openen", "en": "Open an activity budget"},
    ),
    (
        "training",
        "Formations et ateliers",
        {"nl": "Opleidingen en workshops", "en": "Training and workshops"},
    ),
]
POLICIES = {
    # profile: (requirement, min shares, one per year of use, services reserved)
    "BE": {
        "entrepreneur": ("mandatory", 1, True, ["invoice_client", "open_activity"]),
        "client": ("optional", 1, False, []),
        "staff": ("optional", 1, False, []),
        "partner": ("optional", 1, False, []),
        "other": ("optional", 1, False, []),
    },
    "FR": {
        "entrepreneur": ("mandatory", 3, False, ["invoice_client", "open_activity"]),
        "client": ("optional", 1, False, []),
        "staff": ("optional", 1, False, []),
        "partner": ("optional", 1, False, []),
        "other": ("optional", 1, False, []),
    },
}
FIRST = [
    "Camille",
    "Lucas",
    "Emma",
    "Noah",
    "Louise",
    "Arthur",
    "Julie",
    "Hugo",
    "Sarah",
    "Thomas",
    "Lotte",
    "Jan",
    "Fien",
    "Wout",
    "Amira",
    "Youssef",
    "Inès",
    "Mehdi",
    "Chloé",
    "Maxime",
    "Elif",
    "Sofia",
    "Pieter",
    "Anouk",
    "Lena",
    "Victor",
    "Nora",
    "Bram",
    "Manon",
    "Karim",
]
LAST = [
    "Dubois",
    "Peeters",
    "Janssens",
    "Lambert",
    "Martin",
    "Maes",
    "Dupont",
    "Claes",
    "Leroy",
    "Willems",
    "Bernard",
    "Mertens",
    "Laurent",
    "Petit",
    "Wouters",
    "Moreau",
    "Goossens",
    "Fontaine",
    "El Amrani",
    "Yilmaz",
    "Garcia",
    "Rossi",
    "De Smet",
    "Vermeulen",
    "Lefèvre",
    "Michel",
    "Renard",
    "Simon",
    "Girard",
    "Diallo",
]
COMPANIES = ["Atelier", "Studio", "Collectif", "Compagnie", "Productions", "Théâtre", "Festival", "Agence"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS = (
    DemoLogin("member@example.org", "member"),
    DemoLogin("relay@example.org", "relay (Bruxelles)"),
    DemoLogin("staff@example.org", "cooperative-life staff (whole group, MFA)"),
    DemoLogin("board@example.org", "board member (Smart BE, MFA)"),
)


@transaction.atomic
def setup_organisation() -> dict[str, Unit]:
    """Create (or find) the group, the two cooperatives, their antennas, categories, shares and policies."""
    group, _ = Unit.objects.get_or_create(
        code="SMART",
        defaults={
            "kind": Unit.Kind.GROUP,
            "name": "Smart",
            "names": {"fr": "Groupe Smart", "nl": "Smart-groep", "en": "Smart group"},
        },
    )
    coops: dict[str, Unit] = {}
    for code, name, names, country, form, approvals, window, cap in (
        (
            "BE",
            "Smart Belgique",
            {"fr": "Smart Belgique", "nl": "Smart België", "en": "Smart Belgium"},
            "BE",
            CooperativeProfile.LegalForm.BE_SC,
            ["CNC", "entreprise sociale"],
            6,
            "1/10",
        ),
        (
            "FR",
            "Smart France",
            {"fr": "Smart France", "nl": "Smart Frankrijk", "en": "Smart France"},
            "FR",
            CooperativeProfile.LegalForm.FR_SCIC_SA,
            [],
            None,
            "",
        ),
    ):
        coop, created = Unit.objects.get_or_create(
            code=code, defaults={"kind": Unit.Kind.COOPERATIVE, "name": name, "names": names, "parent": group}
        )
        coops[code] = coop
        if not created:
            continue
        CooperativeProfile.objects.create(
            unit=coop,
            country=country,
            legal_form=form,
            approvals=approvals,
            financial_year_start_month=1,
            resignation_window_months=window,
            partial_resignation_allowed=False,
            capital_floor_ratio="1/4" if country == "FR" else "",
            vote_cap_ratio=cap,
            uses_colleges=country == "FR",
        )
        StatutesVersion.objects.create(
            cooperative=coop,
            adopted_on=date(2022, 6, 21) if code == "BE" else date(2021, 2, 2),
            title=f"Statuts {name}",
        )
        for antenna in BE_ANTENNAS if code == "BE" else FR_ANTENNAS:
            Unit.objects.create(
                kind=Unit.Kind.ANTENNA, code=f"{code}-{_slug(antenna)}", name=antenna, parent=coop
            )
        for cat_code, cat_name, cat_names, weight in CATEGORIES[code]:
            Category.objects.create(
                cooperative=coop,
                code=cat_code,
                name=cat_name,
                names={"fr": cat_name, **cat_names},
                college_weight=weight,
            )
        ShareClass.objects.create(
            cooperative=coop,
            code="A" if code == "BE" else "P",
            name="Part sociale",
            nominal_eur=Decimal(30),
            is_default=True,
        )
        services = {}
        for s_code, s_name, s_names in SERVICES:
            services[s_code] = Service.objects.create(
                cooperative=coop, code=s_code, name=s_name, names={"fr": s_name, **s_names}
            )
        for profile, (requirement, minimum, per_year, reserved) in POLICIES[code].items():
            rule = PolicyRule.objects.create(
                cooperative=coop,
                profile=profile,
                requirement=requirement,
                min_shares=minimum,
                shares_per_year_of_use=per_year,
            )
            rule.services.set([services[s] for s in reserved])
        Body.objects.create(unit=coop, kind=Body.Kind.GENERAL_ASSEMBLY, name=f"Assemblée générale {name}")
        Body.objects.create(unit=coop, kind=Body.Kind.BOARD, name=f"Conseil d'administration {name}")
    Unit.objects.get_or_create(
        code="COMM-CREATIVE",
        defaults={
            "kind": Unit.Kind.COMMUNITY,
            "name": "Arts vivants",
            "parent": group,
            "names": {"fr": "Arts vivants", "nl": "Podiumkunsten", "en": "Performing arts"},
        },
    )
    Unit.objects.get_or_create(
        code="COMM-DIGITAL",
        defaults={
            "kind": Unit.Kind.COMMUNITY,
            "name": "Métiers du numérique",
            "parent": group,
            "names": {"fr": "Métiers du numérique", "nl": "Digitale beroepen", "en": "Digital trades"},
        },
    )
    return {"SMART": group, **coops}


def _slug(name: str) -> str:
    table = str.maketrans("éèêëàâäîïôöûüç", "eeeeaaaiioouuc")
    return name.lower().translate(table).replace(" ", "-").upper()[:12]


def synthetic_rows(
    cooperative: Unit, count: int, rng: random.Random, start_number: int, today: date
) -> list[ImportRow]:
    """``count`` invented members with plausible profiles, statuses and several years of share history."""
    code = cooperative.code
    antennas = list(Unit.objects.filter(parent=cooperative, kind=Unit.Kind.ANTENNA).order_by("pk"))
    weights = BE_ANTENNA_WEIGHTS if code == "BE" else FR_ANTENNA_WEIGHTS
    categories = {c.code: c for c in Category.objects.filter(cooperative=cooperative)}
    rows: list[ImportRow] = []
    for i in range(count):
        number = start_number + i
        profile = rng.choices(["entrepreneur", "client", "staff", "partner", "other"], [80, 8, 4, 3, 5])[0]
        legal = profile in ("client", "partner") and rng.random() < 0.7
        first, last = rng.choice(FIRST), rng.choice(LAST)
        applied = today - timedelta(days=rng.randint(30, 9 * 365))
        status = rng.choices(["admitted", "candidate", "resigned", "excluded", "deceased"], [85, 4, 9, 1, 1])[
            0
        ]
        admitted = None if status == "candidate" else min(today, applied + timedelta(days=rng.randint(0, 40)))
        ended = None
        if status in ("resigned", "excluded", "deceased") and admitted is not None:
            # Belgian resignations fall in the first half of the financial year.
            ended = min(today, admitted + timedelta(days=rng.randint(200, 1500)))
            if code == "BE" and status == "resigned" and ended.month > 6:
                ended = date(ended.year, rng.randint(1, 6), rng.randint(1, 28))
                if ended < admitted:
                    ended = admitted
        movements: list[MovementSpec] = []
        if admitted is not None:
            first_shares = 1 if code == "BE" else (3 if profile == "entrepreneur" else 1)
            movements.append(MovementSpec("subscription", first_shares, Decimal(0), admitted))
            if code == "FR" and profile == "entrepreneur":
                # €30 deducted from pay, up to three instalments.
                for k in range(rng.randint(1, 3)):
                    movements.append(
                        MovementSpec("payment", 0, Decimal(30), admitted + timedelta(days=30 * (k + 1)))
                    )
            else:
                movements.append(MovementSpec("payment", 0, Decimal(30) * first_shares, admitted))
            last_day = ended or today
            year = admitted.year + 1
            while code == "BE" and profile == "entrepreneur" and year <= last_day.year and rng.random() < 0.8:
                when = date(year, rng.randint(1, 12), rng.randint(1, 28))
                if when > last_day:
                    break
                movements.append(MovementSpec("subscription", 1, Decimal(0), when))
                movements.append(MovementSpec("payment", 0, Decimal(30), when))
                year += 1
            if ended is not None and status != "excluded":
                held = sum(m.shares for m in movements)
                paid = sum((m.paid for m in movements), Decimal(0))
                movements.append(MovementSpec("redemption", -held, Decimal(0), ended))
                movements.append(MovementSpec("repayment", 0, -paid, ended))
        movements = [m for m in movements if m.on <= today]
        rows.append(
            ImportRow(
                line=i + 2,
                number=number,
                category=categories[PROFILE_CATEGORY[code][profile]],
                status=status,
                applied_on=applied,
                admitted_on=admitted,
                ended_on=ended,
                movements=movements,
                person={
                    "kind": "legal" if legal else "natural",
                    "first_name": "" if legal else first,
                    "last_name": "" if legal else last,
                    "legal_name": f"{rng.choice(COMPANIES)} {last} {number}" if legal else "",
                    "representative": f"{first} {last}" if legal else "",
                    "email": f"{code.lower()}.{number}@members.example.org",
                    "language": ("nl" if rng.random() < 0.45 else "fr") if code == "BE" else "fr",
                    "home_antenna": rng.choices(antennas, weights)[0],
                    "profiles": [profile],
                    "phone": "",
                    "address": f"{rng.randint(1, 200)} rue de l'Exemple, {rng.choice(antennas).name}",
                },
            )
        )
    return rows


def generate(members: int, seed: int) -> dict[str, Any]:
    """The organisation, then ``members`` synthetic members (75 % BE), demo accounts, roles and mandates.

    With ``members == 0`` only the organisation is set up (units, categories, share classes, services,
    policies, bodies): the starting point of a real installation, before its register is imported.
    """
    units = setup_organisation()
    if members == 0:
        return {"created": {}, "units": units}
    rng = random.Random(seed)
    today = timezone.localdate()
    created = {}
    if members and not Membership.objects.filter(person__email__endswith="@members.example.org").exists():
        be_count = round(members * 0.75)
        for code, count in (("BE", be_count), ("FR", members - be_count)):
            coop = units[code]
            start = (
                Membership.objects.filter(cooperative=coop)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
                or 0
            ) + 1
            rows = synthetic_rows(coop, count, rng, start, today)
            summary = register_import(cooperative=coop, rows=rows, actor="demo", source=f"demo seed {seed}")
            created[code] = summary.members
    _demo_accounts(units, today)
    return {"created": created, "units": units}


def _demo_person(
    email: str, first: str, last: str, antenna: Unit, profiles: list[str], language: str
) -> Person:
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person.objects.create(
            kind="natural",
            first_name=first,
            last_name=last,
            email=email,
            language=language,
            home_antenna=antenna,
            profiles=profiles,
        )
    return person


def _demo_member(person: Person, coop: Unit, category: str, shares: int, admitted: date) -> None:
    if Membership.objects.filter(person=person, cooperative=coop).exists():
        return
    rows = [
        ImportRow(
            line=0,
            number=(
                Membership.objects.filter(cooperative=coop)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
                or 0
            )
            + 1,
            person={},
            category=Category.objects.get(cooperative=coop, code=category),
            status="admitted",
            applied_on=admitted - timedelta(days=10),
            admitted_on=admitted,
            ended_on=None,
            movements=[
                MovementSpec("subscription", shares, Decimal(0), admitted),
                MovementSpec("payment", 0, Decimal(30) * shares, admitted),
            ],
        )
    ]
    _import_existing_person(coop, rows, person)


def _import_existing_person(coop: Unit, rows: list[ImportRow], person: Person) -> None:
    rows[0].person = {
        "kind": person.kind,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "legal_name": person.legal_name,
        "email": person.email,
        "language": person.language,
        "home_antenna": person.home_antenna,
        "profiles": person.profiles,
        "phone": person.phone,
        "address": person.address,
        "representative": person.representative,
    }
    register_import(cooperative=coop, rows=rows, actor="demo", source="demo account")


def _demo_accounts(units: dict[str, Unit], today: date) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    be, fr = units["BE"], units["FR"]
    brussels = Unit.objects.get(code="BE-BRUXELLES")
    paris = Unit.objects.get(code="FR-PARIS")
    specs = [
        ("member@example.org", "Marie", "Lambert", brussels, ["entrepreneur"], "fr"),
        ("relay@example.org", "Jonas", "Peeters", brussels, ["entrepreneur"], "nl"),
        ("staff@example.org", "Sophie", "Martin", brussels, ["staff"], "fr"),
        ("board@example.org", "Karim", "Diallo", paris, ["entrepreneur"], "fr"),
    ]
    for email, first, last, antenna, profiles, language in specs:
        person = _demo_person(email, first, last, antenna, profiles, language)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, person=person, language=language
            )
        if email == "member@example.org":
            # Complies in Belgium (one share per year of use), not yet in France (three shares required).
            _demo_member(person, be, "A", 3, date(today.year - 2, 3, 1))
            _demo_member(person, fr, "1", 1, date(today.year - 1, 9, 1))
        elif email == "relay@example.org":
            _demo_member(person, be, "A", 2, date(today.year - 1, 2, 1))
            role_grant(user=user, unit=brussels, role="relay", actor="demo")
        elif email == "staff@example.org":
            _demo_member(person, be, "C", 1, date(today.year - 5, 1, 15))
            role_grant(user=user, unit=units["SMART"], role="staff", actor="demo")
        elif email == "board@example.org":
            _demo_member(person, be, "A", 4, date(today.year - 4, 5, 10))
            _demo_member(person, fr, "1", 3, date(today.year - 4, 5, 10))
            role_grant(user=user, unit=be, role="board", actor="demo")
            role_grant(user=user, unit=fr, role="board", actor="demo")
            for coop in (be, fr):
                board = Body.objects.get(unit=coop, kind=Body.Kind.BOARD)
                Mandate.objects.get_or_create(
                    person=person,
                    body=board,
                    defaults={
                        "role": "administrateur",
                        "starts_on": date(today.year - 2, 6, 21),
                        "ends_on": date(today.year + 2, 6, 20),
                        "appointed_how": Mandate.Appointment.ELECTED,
                    },
                )
        if (
            email in ("staff@example.org", "board@example.org")
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
    # A few board mandates among synthetic members, one co-opted pending ratification.
    for coop in (be, fr):
        board = Body.objects.get(unit=coop, kind=Body.Kind.BOARD)
        if board.mandates.count() > 1:
            continue
        people = Person.objects.filter(
            memberships__cooperative=coop,
            memberships__status="admitted",
            email__endswith="@members.example.org",
        ).order_by("pk")[:6]
        for k, person in enumerate(people):
            Mandate.objects.create(
                person=person,
                body=board,
                role="président·e" if k == 0 else "administrateur·rice",
                starts_on=date(today.year - 1 - k % 3, 6, 20),
                ends_on=date(today.year + 3 - k % 3, 6, 19),
                appointed_how=Mandate.Appointment.COOPTED if k == 5 else Mandate.Appointment.ELECTED,
            )


def demo_voices(people: QuerySet[Person], n: int) -> list[User]:
    """Accounts for up to ``n`` of the synthetic members in ``people`` (first by id), created without a
    usable password: they are voices of the demo (reactions, comments, supports), not logins."""
    chosen = list(people.filter(email__endswith="@members.example.org").distinct().order_by("pk")[:n])
    existing = {u.person_id: u for u in User.objects.filter(person__in=chosen)}
    voices = []
    for person in chosen:
        user = existing.get(person.pk)
        if user is None:
            if User.objects.filter(email=person.email).exists():
                continue
            user = User.objects.create_user(
                email=person.email, password=None, person=person, language=person.language
            )
        voices.append(user)
    return voices
