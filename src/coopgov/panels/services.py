"""Writes of the panels: requesting a draw (checked, audited, queued) and carrying it out.

The draw itself is ``coopgov.domain.sortition.select_panel`` (LEXIMIN after Flanigan et al., Nature 2021,
or the legacy greedy) on the pool the register gives (``selectors.pool``). Requesting checks every input
and the quotas' feasibility at once, so a bad request changes nothing; the draw runs as a background task
because LEXIMIN on a pool of thousands takes tens of seconds.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.accounts.models import User
from coopgov.audit.services import audit_record
from coopgov.domain.sortition import (
    InfeasibleQuotasError,
    PanelDraw,
    Person,
    Quota,
    SortitionError,
    select_panel,
)
from coopgov.domain.sortition.instance import build_instance, check_quotas
from coopgov.notifications.services import notify
from coopgov.organisation.models import Unit
from coopgov.panels import selectors
from coopgov.panels.models import FEATURES, Candidate, Draw, Response
from coopgov.panels.notifications import SELECTED

MAX_SEED = 2**63 - 1
# With households separated, members of shared households are grouped by household composition, and
# LEXIMIN first tries the optimum of the pool without households, which settles the usual case in seconds
# (Smart Belgique's demo register: 359 types, about 2 s). When the households do move the optimum, the
# level loop runs on all the types, and its time grows steeply with them (ADR 0015): beyond this many
# types the request is refused with the way out, never left to run for hours.
MAX_LEXIMIN_TYPES = 400


class PanelRefused(Exception):
    """A request the rules or the data do not allow; the message says what and where."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DrawRequest:
    title: str
    panel_size: int
    features: tuple[str, ...]
    quotas_text: str = ""
    algorithm: str = Draw.Algorithm.LEXIMIN
    separate_households: bool = False
    seed: int | None = None
    purpose: str = ""


def parse_quotas(
    text: str, features: tuple[str, ...], known: dict[str, set[str]] | None = None
) -> list[dict[str, Any]]:
    """Quotas written one a line as ``feature,value,min,max`` (blank lines and ``#`` comments skipped).
    Raises ``PanelRefused`` naming the line and the field at the first mistake; with ``known`` (the
    values each feature takes in the pool), a value no pool member holds is one."""
    quotas: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 4:
            raise PanelRefused(
                "quota_line",
                _("Quotas, line %(n)s: write feature,value,minimum,maximum (four fields, not %(k)s).")
                % {"n": number, "k": len(parts)},
            )
        feature, value, low, high = parts
        if feature not in features:
            raise PanelRefused(
                "quota_feature",
                _("Quotas, line %(n)s: %(feature)s is not one of the features chosen (%(chosen)s).")
                % {"n": number, "feature": feature, "chosen": ", ".join(features) or "-"},
            )
        if not value:
            raise PanelRefused("quota_value", _("Quotas, line %(n)s: the value is empty.") % {"n": number})
        if known is not None and value not in known.get(feature, set()):
            raise PanelRefused(
                "quota_value",
                _("Quotas, line %(n)s: no member of the pool has %(feature)s=%(value)s.")
                % {"n": number, "feature": feature, "value": value},
            )
        bounds = []
        for name, field in ((_("minimum"), low), (_("maximum"), high)):
            if not field.isdigit():
                raise PanelRefused(
                    "quota_number",
                    _("Quotas, line %(n)s: the %(name)s must be a whole number of members, not “%(got)s”.")
                    % {"n": number, "name": name, "got": field},
                )
            bounds.append(int(field))
        if bounds[0] > bounds[1]:
            raise PanelRefused(
                "quota_order",
                _("Quotas, line %(n)s: the minimum (%(lo)s) is above the maximum (%(hi)s).")
                % {"n": number, "lo": bounds[0], "hi": bounds[1]},
            )
        if (feature, value) in seen:
            raise PanelRefused(
                "quota_twice",
                _("Quotas, line %(n)s: %(feature)s=%(value)s already has a quota.")
                % {"n": number, "feature": feature, "value": value},
            )
        seen.add((feature, value))
        quotas.append({"feature": feature, "value": value, "min": bounds[0], "max": bounds[1]})
    return quotas


def proportional_quotas(
    members: list[selectors.PoolMember], features: tuple[str, ...], panel_size: int
) -> list[dict[str, Any]]:
    """For each chosen feature and each of its values in the pool: at least the panel's share of that
    value rounded down, at most rounded up (a panel that mirrors the pool)."""
    quotas = []
    counts = selectors.pool_counts(members)
    for feature in features:
        for value, count in sorted(counts[feature]):
            share = panel_size * count / len(members)
            quotas.append(
                {"feature": feature, "value": value, "min": math.floor(share), "max": math.ceil(share)}
            )
    return quotas


def _domain_pool(members: list[selectors.PoolMember], separate_households: bool) -> list[Person]:
    return [
        Person(
            id=str(m.person_id),
            features=m.features,
            household=(m.household or None) if separate_households else None,
        )
        for m in members
    ]


def _domain_quotas(quotas: list[dict[str, Any]]) -> list[Quota]:
    return [Quota(q["feature"], q["value"], int(q["min"]), int(q["max"])) for q in quotas]


def infeasible_message(error: InfeasibleQuotasError) -> str:
    """The quotas in conflict and the smallest change that would allow a panel, in the reader's language."""
    message = _("No panel of this size meets every quota. In conflict: %(conflicts)s.") % {
        "conflicts": ", ".join(error.conflicts)
    }
    if error.relaxations:
        changes = ", ".join(
            f"{r.feature}={r.value} {r.bound} {r.current} → {r.feasible}" for r in error.relaxations
        )
        message += " " + _("The smallest change that allows a panel: %(changes)s.") % {"changes": changes}
    return message


@transaction.atomic
def draw_request(*, unit: Unit, request: DrawRequest, actor: Any) -> Draw:
    """Check and record a draw, then queue it. Nothing is recorded if anything is wrong: the permission,
    the size, the features, a quota line, or quotas no panel can meet (named, with the smallest change
    that would make them possible)."""
    if not actor.has_perm("panels.request_draw", unit):
        raise PanelRefused("forbidden", _("Only staff of this unit may draw a panel from its register."))
    if unit.kind not in (Unit.Kind.GROUP, Unit.Kind.COOPERATIVE, Unit.Kind.ANTENNA):
        raise PanelRefused(
            "unit_kind", _("A panel is drawn from the register of a group, cooperative or antenna.")
        )
    title = request.title.strip()
    if not title:
        raise PanelRefused("title", _("Give the panel a title."))
    if request.algorithm not in Draw.Algorithm.values:
        raise PanelRefused("algorithm", _("Choose LEXIMIN or the legacy greedy."))
    unknown = [f for f in request.features if f not in FEATURES]
    if unknown:
        raise PanelRefused("feature", _("Unknown feature: %(names)s.") % {"names": ", ".join(unknown)})
    features = tuple(f for f in FEATURES if f in request.features)
    if not features:
        raise PanelRefused("feature", _("Choose at least one feature the panel must mirror."))
    members = selectors.pool(unit)
    if request.panel_size < 1:
        raise PanelRefused("size", _("A panel has at least one member."))
    if request.panel_size > len(members):
        raise PanelRefused(
            "size",
            _("The pool holds %(pool)s admitted members; a panel of %(k)s cannot be drawn from it.")
            % {"pool": len(members), "k": request.panel_size},
        )
    if request.quotas_text.strip():
        counts = selectors.pool_counts(members)
        known = {f: {v for v, _n in counts[f]} for f in features}
        quotas = parse_quotas(request.quotas_text, features, known)
        # A value the organiser wrote no quota for may take any number of seats.
        given = {(q["feature"], q["value"]) for q in quotas}
        quotas += [
            {"feature": f, "value": v, "min": 0, "max": request.panel_size}
            for f in features
            for v in sorted(known[f])
            if (f, v) not in given
        ]
    else:
        quotas = proportional_quotas(members, features, request.panel_size)
    seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
    if not 0 <= seed <= MAX_SEED:
        raise PanelRefused("seed", _("The seed is a whole number from 0 to %(max)s.") % {"max": MAX_SEED})
    try:
        instance = build_instance(
            _domain_pool(members, request.separate_households), _domain_quotas(quotas), request.panel_size
        )
        check_quotas(instance)
    except InfeasibleQuotasError as error:
        raise PanelRefused("infeasible", infeasible_message(error)) from error
    except SortitionError as error:
        raise PanelRefused("unusable", str(error)) from error
    shared = instance.shared_members
    if request.algorithm == Draw.Algorithm.LEXIMIN and shared and instance.n_types > MAX_LEXIMIN_TYPES:
        raise PanelRefused(
            "too_many_types",
            _(
                "Separating households makes each of the %(shared)s members who share an address a type of "
                "their own (%(types)s types in all): LEXIMIN would take too long beyond %(max)s types. Draw "
                "without separating households, or with the legacy greedy."
            )
            % {"shared": shared, "types": instance.n_types, "max": MAX_LEXIMIN_TYPES},
        )
    draw = Draw.objects.create(
        unit=unit,
        title=title,
        purpose=request.purpose.strip(),
        panel_size=request.panel_size,
        algorithm=request.algorithm,
        seed=seed,
        features=list(features),
        quotas=quotas,
        separate_households=request.separate_households,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="panel.requested",
        obj=draw,
        unit=unit,
        after={
            "panel_size": draw.panel_size,
            "algorithm": draw.algorithm,
            "seed": draw.seed,
            "features": draw.features,
            "quotas": draw.quotas,
            "separate_households": draw.separate_households,
            "pool_size": len(members),
        },
    )
    from coopgov.panels import tasks

    transaction.on_commit(lambda: tasks.run_draw.enqueue(draw.pk))
    return draw


def draw_run(*, draw_id: int, actor: Any = "coopgov") -> Draw:
    """Carry out a requested draw on the register as it is now: the pool, each member's probability, the
    panel. Run once: a draw already carried out (or failed) is returned unchanged. The computation runs
    outside any transaction (LEXIMIN may take a minute); the result is written under a lock on the draw,
    only if no other run wrote it first."""
    draw = Draw.objects.select_related("unit").get(pk=draw_id)
    if draw.status != Draw.Status.REQUESTED:
        return draw
    members = selectors.pool(draw.unit)
    try:
        result = select_panel(
            _domain_pool(members, draw.separate_households),
            _domain_quotas(draw.quotas),
            draw.panel_size,
            seed=draw.seed,
            algorithm=draw.algorithm,
        )
    except InfeasibleQuotasError as error:
        return _fail(draw.pk, infeasible_message(error), actor)
    except SortitionError as error:
        return _fail(draw.pk, str(error), actor)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().select_related("unit").get(pk=draw_id)
        if draw.status != Draw.Status.REQUESTED:
            return draw
        return _record(draw, members, result, actor)


def _record(draw: Draw, members: list[selectors.PoolMember], result: PanelDraw, actor: Any) -> Draw:
    chosen = set(result.selected)
    Candidate.objects.bulk_create(
        [
            Candidate(
                draw=draw,
                person_id=m.person_id,
                features={f: m.features[f] for f in FEATURES},
                probability=min(max(result.probabilities[str(m.person_id)], 0.0), 1.0),
                selected=str(m.person_id) in chosen,
            )
            for m in members
        ],
        batch_size=2000,
    )
    draw.status = Draw.Status.DRAWN
    draw.pool_size = len(members)
    draw.min_probability = result.min_probability
    # The same seed gives the same panel on the same solver versions (docs/methods/sortition-leximin.md).
    draw.explanation = {**result.explanation, "versions": _versions()}
    draw.drawn_at = timezone.now()
    draw.save(update_fields=["status", "pool_size", "min_probability", "explanation", "drawn_at"])
    audit_record(
        actor=actor,
        action="panel.drawn",
        obj=draw,
        unit=draw.unit,
        after={
            "pool_size": len(members),
            "selected_person_ids": sorted(int(p) for p in result.selected),
            "min_probability": result.min_probability,
            "seed": draw.seed,
            "algorithm": draw.algorithm,
        },
    )
    # Each selected member with an account is invited to answer (by e-mail or digest, as they chose).
    notify(
        recipients=User.objects.filter(person_id__in=[int(p) for p in result.selected]),
        kind=SELECTED.name,
        target=draw,
        params={"panel": draw.title},
    )
    return draw


@transaction.atomic
def panel_respond(*, draw: Draw, user: Any, accept: bool) -> Candidate:
    """A selected member says whether they will sit on the panel; they may change their answer (each answer
    is audited). Only the selected member answers, under a lock on their row."""
    person_id = getattr(user, "person_id", None)
    candidate = (
        Candidate.objects.select_for_update().filter(draw=draw, person_id=person_id, selected=True).first()
        if person_id
        else None
    )
    if candidate is None or draw.status != Draw.Status.DRAWN:
        raise PanelRefused("not_selected", _("Only a member this draw selected answers its invitation."))
    response = Response.ACCEPTED if accept else Response.DECLINED
    before = candidate.response
    candidate.response = response
    candidate.responded_at = timezone.now()
    candidate.save(update_fields=["response", "responded_at"])
    audit_record(
        actor=user,
        action=f"panel.{response}",
        obj=draw,
        unit=draw.unit,
        before={"response": before},
        after={"person_id": candidate.person_id, "response": response},
    )
    return candidate


def _versions() -> dict[str, str]:
    found = {}
    for package in ("coopgov", "numpy", "scipy", "highspy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "-"
    return found


@transaction.atomic
def _fail(draw_id: int, message: str, actor: Any) -> Draw:
    draw = Draw.objects.select_for_update().select_related("unit").get(pk=draw_id)
    if draw.status != Draw.Status.REQUESTED:
        return draw
    draw.status = Draw.Status.FAILED
    draw.error = message
    draw.save(update_fields=["status", "error"])
    audit_record(actor=actor, action="panel.failed", obj=draw, unit=draw.unit, after={"error": message})
    return draw
