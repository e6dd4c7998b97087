"""Demo rise of orientations: a national orientation in BE and one in FR, each bundling the antennas'
proposals and bilan contributions about a solidarity fund, a group orientation bundling the two national
ones (provenance by antenna all the way down), and a pair of reworded proposals in two Belgian antennas
left as a suggested duplicate. Deterministic, built through the services (so audited and notified)."""

from __future__ import annotations

from django.db import transaction

from coopgov.accounts.models import User
from coopgov.meetings.models import Contribution
from coopgov.orientations import services
from coopgov.orientations.models import RollupSource
from coopgov.participation import services as participation_services
from coopgov.participation.models import Process, Proposal

# Words that mark the solidarity-fund idea in the demo's proposals and contributions (FR and NL).
SOLIDARITY = ("solidarit",)

ORIENTATIONS = {
    "BE": (
        "sip-belgique",
        "Un fonds de solidarité pour les mois sans contrat",
        "Les antennes de Smart Belgique demandent un fonds, alimenté par une petite part de chaque facture, "
        "pour compléter les revenus des membres les mois sans contrat. Cette orientation rassemble les "
        "propositions et les contributions des bilans participatifs.",
    ),
    "FR": (
        "sip-france",
        "Un fonds de solidarité pour les périodes creuses",
        "Les antennes de Smart France proposent un fonds de solidarité pour les membres dont l'activité "
        "s'interrompt. Cette orientation rassemble leurs propositions et contributions.",
    ),
    "SMART": (
        "sip-revenus",
        "Un fonds de solidarité commun au groupe",
        "Les orientations de Smart Belgique et de Smart France convergent : un fonds de solidarité pour "
        "les mois sans contrat. Le groupe étudie un mécanisme commun.",
    ),
}
# Two rewordings of one ask in two antennas — one in French, one in Dutch with a French translation — the
# duplicate suggestion of the demo (left for staff to merge or dismiss).
DUPLICATE_PAIR = (
    (
        "BE-BRUXELLES",
        "fr",
        (
            "Garde d'enfants pendant les assemblées",
            "Organiser une garde d'enfants gratuite pendant les "
            "assemblées générales et les bilans participatifs, pour que les parents puissent participer.",
        ),
        None,
    ),
    (
        "BE-GENT",
        "nl",
        (
            "Kinderopvang tijdens de algemene vergaderingen",
            "Gratis kinderopvang voorzien tijdens de algemene "
            "vergaderingen en de balansen, zodat ouders kunnen deelnemen.",
        ),
        (
            "Une garde d'enfants lors des assemblées générales",
            "Prévoir une garde d'enfants gratuite lors des "
            "assemblées générales et des bilans, afin que les parents puissent y participer.",
        ),
    ),
)


def _about_solidarity(text: str) -> bool:
    folded = text.casefold()
    return any(word in folded for word in SOLIDARITY)


def _roll_up_country(code: str, staff: User) -> Proposal | None:
    slug, title, body = ORIENTATIONS[code]
    target = Process.objects.filter(unit__code=code, slug=slug).first()
    if target is None:
        return None
    proposals = [
        p
        for p in Proposal.objects.filter(process__unit__parent__code=code, hidden_at__isnull=True)
        .exclude(status__in=services.CLOSED)
        .order_by("process__unit__path", "id")
        if _about_solidarity(p.title + " " + p.body)
    ]
    contributions = [
        c
        for c in Contribution.objects.filter(meeting__antenna__parent__code=code).order_by(
            "meeting__antenna__path", "id"
        )
        if _about_solidarity(c.text)
    ]
    if not proposals and not contributions:
        return None
    return services.orientation_roll_up(
        actor=staff,
        process=target,
        title=title,
        body=body,
        language="fr",
        proposals=proposals,
        contributions=contributions,
    )


@transaction.atomic
def demo_orientations(seed: int = 2026) -> dict[str, int]:
    """Add the demo roll-ups (skipped if any exists); returns what was added. ``seed`` is accepted for
    symmetry with the other demos; the choices here follow from the data, not from chance."""
    added = {"orientations": 0, "sources": 0, "duplicate_pairs": 0}
    staff = User.objects.filter(email="staff@example.org").first()
    if staff is None or RollupSource.objects.exists():
        return added
    for unit_code, language, (title, body), french in DUPLICATE_PAIR:
        process = Process.objects.filter(unit__code=unit_code, unit__kind="antenna").first()
        author = User.objects.filter(person__home_antenna__code=unit_code).order_by("pk").first()
        if process is None or author is None or not process.feature_on("proposing"):
            break
        proposal = participation_services.proposal_create(
            process=process, author=author, title=title, body=body, language=language, actor=author
        )
        if french is not None:
            participation_services.translation_add(
                target=proposal, language="fr", title=french[0], body=french[1], actor=author
            )
    else:
        added["duplicate_pairs"] = 1
    national = [p for p in (_roll_up_country("BE", staff), _roll_up_country("FR", staff)) if p is not None]
    added["orientations"] += len(national)
    group = Process.objects.filter(unit__code="SMART", slug=ORIENTATIONS["SMART"][0]).first()
    if group is not None and national:
        _slug, title, body = ORIENTATIONS["SMART"]
        services.orientation_roll_up(
            actor=staff, process=group, title=title, body=body, language="fr", proposals=national
        )
        added["orientations"] += 1
    added["sources"] = RollupSource.objects.count()
    return added
