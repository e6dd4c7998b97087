"""Reads of the panels: the pool a unit's register gives, and the draws a user may see."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from coopgov.members.selectors import current_members_in
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import units_where
from coopgov.panels.models import FEATURES, Candidate, Draw

NO_ANTENNA = "-"


@dataclass(frozen=True)
class PoolMember:
    """A person of the pool with the value of each feature, and their address key (empty if none)."""

    person_id: int
    features: dict[str, str]
    household: str


def _household(address: str) -> str:
    """Addresses compared without case, punctuation or repeated spaces ("Rue X 1" = "rue x, 1")."""
    return " ".join(re.sub(r"[^\w]+", " ", address.casefold()).split())


def pool(unit: Unit) -> list[PoolMember]:
    """The admitted members in ``unit``: of a cooperative under it (group, cooperative), or, for an
    antenna, the members of its cooperative whose home antenna is the antenna or below it. A person with
    memberships in two cooperatives is one pool member; their cooperatives and collèges are joined."""
    # Plain values, not model objects: a register of 30,000 members is read in a fraction of a second.
    rows = (
        current_members_in(unit)
        .order_by("person_id", "cooperative__code")
        .values_list(
            "person_id",
            "cooperative__code",
            "category__code",
            "person__home_antenna__code",
            "person__profiles",
            "person__language",
            "person__address",
        )
    )
    people: dict[int, dict[str, Any]] = {}
    for person_id, coop, college, antenna, profiles, language, address in rows:
        entry = people.setdefault(
            person_id,
            {
                "cooperative": [],
                "college": [],
                "antenna": antenna or NO_ANTENNA,
                "profile": "+".join(sorted(profiles)) if profiles else NO_ANTENNA,
                "language": language,
                "household": _household(address),
            },
        )
        entry["cooperative"].append(coop)
        entry["college"].append(f"{coop}:{college}")
    out = []
    for person_id, entry in people.items():
        features = {
            "cooperative": "+".join(entry["cooperative"]),
            "antenna": entry["antenna"],
            "college": "+".join(entry["college"]),
            "profile": entry["profile"],
            "language": entry["language"],
        }
        out.append(PoolMember(person_id=person_id, features=features, household=entry["household"]))
    return out


def pool_counts(members: list[PoolMember]) -> dict[str, list[tuple[str, int]]]:
    """For each feature, how many pool members hold each value (most frequent first)."""
    return {
        feature: sorted(Counter(m.features[feature] for m in members).items(), key=lambda kv: (-kv[1], kv[0]))
        for feature in FEATURES
    }


def draws_for(user: Any) -> QuerySet[Draw]:
    """The draws ``user`` may open: those of units where they are staff, board or relay (or below), and
    those whose pool they were in."""
    if not getattr(user, "is_authenticated", False):
        return Draw.objects.none()
    officer_units = (
        units_where(user, "staff") | units_where(user, "board") | units_where(user, "relay")
    ).values("pk")
    mine = Q(candidates__person_id=user.person_id) if user.person_id else Q(pk__in=[])
    return Draw.objects.filter(Q(unit__in=officer_units) | mine).distinct().select_related("unit")


def candidate_of(draw: Draw, user: Any) -> Candidate | None:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return Candidate.objects.filter(draw=draw, person_id=person_id).first()


def selected(draw: Draw) -> QuerySet[Candidate]:
    return (
        draw.candidates.filter(selected=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__legal_name")
    )


def answer_counts(panel: list[Candidate]) -> dict[str, int]:
    """How many selected members accepted, declined, or have not answered yet."""
    counts = {"accepted": 0, "declined": 0, "waiting": 0}
    for candidate in panel:
        counts[candidate.response or "waiting"] += 1
    return counts


@dataclass(frozen=True)
class TypeRow:
    """Pool members with the same values on the draw's features: they share one probability."""

    values: tuple[str, ...]
    members: int
    selected: int
    probability: float


def types(draw: Draw) -> list[TypeRow]:
    """The pool grouped by the values of the draw's features (what the probabilities depend on)."""
    grouped: dict[tuple[str, ...], list[Candidate]] = {}
    for c in draw.candidates.only("features", "probability", "selected"):
        key = tuple(str(c.features.get(f, "")) for f in draw.features)
        grouped.setdefault(key, []).append(c)
    rows = [
        TypeRow(
            values=key,
            members=len(cs),
            selected=sum(c.selected for c in cs),
            probability=sum(c.probability for c in cs) / len(cs),
        )
        for key, cs in grouped.items()
    ]
    return sorted(rows, key=lambda r: (r.probability, r.values))


def quota_outcome(draw: Draw) -> list[dict[str, Any]]:
    """Each quota with the number of selected members who hold its value."""
    chosen = Counter(
        (f, str(c.features.get(f, ""))) for c in draw.candidates.filter(selected=True) for f in draw.features
    )
    return [{**q, "selected": chosen[(q["feature"], q["value"])]} for q in draw.quotas]
