"""Quorum and majority presets: the law's (coopgov.domain.voting.motion.PRESETS) and each cooperative's
own (CooperativePreset) — which ones a cooperative may choose, the rule an assembly or item applies, the
copy frozen at convocation, and the services that create, change and retire an own preset.

An assembly or item names its preset by key (``Assembly.preset``, ``Item.preset``): a legal preset's name
or an own preset's key (never the same: own keys may not take a legal name). Until the assembly is
convened, the key reads the preset as it stands; at convocation every preset the assembly uses is copied
into ``Assembly.presets_frozen``, and from then on only that copy is read (docs/adr/0012).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopgov.audit.services import audit_record
from coopgov.decisions.models import Assembly, CooperativePreset, Item
from coopgov.decisions.services import DecisionRefused
from coopgov.domain.voting.motion import (
    PRESETS,
    SCIC_COLLEGE_BOUNDS,
    THRESHOLDS,
    Base,
    CollegeBounds,
    MeetingPreset,
    MotionRule,
    rule_from_meeting_preset,
    weaknesses,
)
from coopgov.domain.voting.numbers import exact, to_fraction
from coopgov.i18n_text import pick
from coopgov.organisation.models import Unit
from coopgov.organisation.rules import is_staff_here

# Who keeps a cooperative's own presets: its staff (the rules of its statutes, like its membership
# policy), roles inherited down the unit tree (organisation/rules.py).
may_keep_presets = is_staff_here

# The quorum and majority preset a new assembly starts from when the cooperative has no own default for
# that kind of meeting (DOMAIN.md §2.4, §3, §6.8; docs/adr/0013).
DEFAULT_PRESETS: dict[tuple[str, str], str] = {
    ("BE", Assembly.Kind.ORDINARY): "be-sc-ordinary",
    ("BE", Assembly.Kind.EXTRAORDINARY): "be-sc-statutes",
    ("FR", Assembly.Kind.ORDINARY): "fr-scic-sa-ago",
    ("FR", Assembly.Kind.EXTRAORDINARY): "fr-scic-sa-age",
    ("BE", Assembly.Kind.BOARD): "be-sc-board",
    ("FR", Assembly.Kind.BOARD): "fr-sa-board",
}
# The law's presets of a board meeting (the others are a general meeting's): a board meeting uses one of
# them, or an own preset based on one, and a general meeting never does (docs/adr/0018).
BOARD_PRESETS = frozenset({"be-sc-board", "fr-sa-board"})


BASE_LABELS = {
    Base.CAST: gettext_lazy("votes cast (abstentions, blank and null excluded)"),
    Base.CAST_WITH_ABSTENTIONS: gettext_lazy("ballots handed in (abstentions included)"),
    Base.ELECTORATE: gettext_lazy("the whole electorate"),
}
THRESHOLD_LABELS = {
    "simple": gettext_lazy("simple: more for than against"),
    "absolute": gettext_lazy("absolute: more than half"),
    "2/3": gettext_lazy("two thirds at least"),
    "3/4": gettext_lazy("three quarters at least"),
    "4/5": gettext_lazy("four fifths at least"),
}


def base_text(base: str) -> str:
    """What a majority is a share of, in words."""
    return str(BASE_LABELS[Base(base)]) if base in {b.value for b in Base} else base


def country_of(cooperative: Unit) -> str:
    profile = getattr(cooperative, "profile", None)
    return profile.country if profile is not None else ""


def legal_presets_for(country: str) -> list[str]:
    """The legal preset names of a country (their names start with its code), in the order of PRESETS."""
    prefix = f"{country.lower()}-"
    return [name for name in PRESETS if name.startswith(prefix)]


# --- what a preset is, as pages and counts read it ----------------------------------------------------------


def legal_snapshot(name: str) -> dict[str, Any]:
    """A legal preset as the plain data an assembly keeps (the same shape as an own preset's)."""
    preset = PRESETS[name]
    return {
        "key": name,
        "own": False,
        "label": preset.description,
        "labels": {},
        "based_on": name,
        "quorum_first": exact(preset.quorum_first),
        "quorum_second": exact(preset.quorum_second),
        "threshold": preset.threshold.name,
        "base": preset.base.value,
        "source": preset.source,
        "statutes_article": "",
        "version": None,
        "college_quorum": "",
    }


def own_snapshot(own: CooperativePreset) -> dict[str, Any]:
    """An own preset as the plain data an assembly keeps, with its version and legal floor."""
    return {
        "key": own.key,
        "own": True,
        "label": own.label,
        "labels": dict(own.labels),
        "based_on": own.based_on,
        "quorum_first": own.quorum_first,
        "quorum_second": own.quorum_second,
        "threshold": own.threshold,
        "base": own.base,
        "source": own.statutes_article,
        "statutes_article": own.statutes_article,
        "version": own.version,
        "college_quorum": own.college_quorum,
    }


def meeting_preset(snapshot: dict[str, Any]) -> MeetingPreset:
    """The domain's MeetingPreset of a snapshot (legal or own)."""
    return MeetingPreset(
        name=snapshot["key"],
        description=snapshot["label"],
        quorum_first=to_fraction(snapshot["quorum_first"], what="quorum_first"),
        quorum_second=to_fraction(snapshot["quorum_second"], what="quorum_second"),
        threshold=THRESHOLDS[snapshot["threshold"]],
        base=Base(snapshot["base"]),
        source=snapshot["source"],
    )


def label_of(snapshot: dict[str, Any] | None) -> str:
    """The preset's description in the reader's language (an own preset's as its cooperative wrote it)."""
    if snapshot is None:
        return _("None: simple majority of votes cast, no quorum")
    return pick(snapshot.get("labels"), snapshot["label"])


def resolve(assembly: Assembly, key: str) -> dict[str, Any] | None:
    """The preset ``key`` of an assembly: the copy frozen at convocation, else the legal preset, else the
    cooperative's own preset as it stands now (retired or not: a draft may still name it). None for no
    preset (simple majority of votes cast, no quorum) or a key nobody knows."""
    if not key:
        return None
    frozen = (assembly.presets_frozen or {}).get(key)
    if frozen is not None:
        return dict(frozen)
    if key in PRESETS:
        return legal_snapshot(key)
    own = CooperativePreset.objects.filter(cooperative_id=assembly.cooperative_id, key=key).first()
    return own_snapshot(own) if own is not None else None


def resolve_many(assembly: Assembly, keys: set[str]) -> dict[str, dict[str, Any] | None]:
    """:func:`resolve` for several keys, the cooperative's own presets read in one query at most."""
    frozen = assembly.presets_frozen or {}
    wanted = {k for k in keys if k and k not in frozen and k not in PRESETS}
    own = (
        {
            p.key: p
            for p in CooperativePreset.objects.filter(cooperative_id=assembly.cooperative_id, key__in=wanted)
        }
        if wanted
        else {}
    )
    out: dict[str, dict[str, Any] | None] = {}
    for key in keys:
        if not key:
            out[key] = None
        elif key in frozen:
            out[key] = dict(frozen[key])
        elif key in PRESETS:
            out[key] = legal_snapshot(key)
        else:
            out[key] = own_snapshot(own[key]) if key in own else None
    return out


def item_preset(item: Item) -> dict[str, Any] | None:
    """The preset an item is decided by: its own decision type, else its assembly's preset."""
    return resolve(item.assembly, item.preset or item.assembly.preset)


def rule_for(
    snapshot: dict[str, Any] | None,
    *,
    convocation: int,
    college_weights: dict[str, Fraction] | None = None,
    college_bounds: CollegeBounds | None = SCIC_COLLEGE_BOUNDS,
    cap: Fraction | None = None,
    by_college: bool = False,
) -> MotionRule:
    """The MotionRule of a preset snapshot on the convocation held (none: simple majority, no quorum).

    ``by_college``: the count is by collège, so the preset's per-collège quorum (if any) applies too —
    each collège must reach it over its own electorate (``MotionRule.college_quorum``). A snapshot frozen
    before presets had one has none."""
    if snapshot is None:
        return MotionRule(college_weights=college_weights, college_bounds=college_bounds, cap=cap)
    rule = rule_from_meeting_preset(
        meeting_preset(snapshot),
        convocation=convocation,
        college_weights=college_weights,
        college_bounds=college_bounds,
        cap=cap,
    )
    college_quorum = college_quorum_of(snapshot)
    if by_college and college_quorum is not None:
        rule = replace(rule, college_quorum=college_quorum)
    return rule


def college_quorum_of(snapshot: dict[str, Any] | None) -> Fraction | None:
    """The per-collège quorum of a preset snapshot, or None when it has none."""
    text = (snapshot or {}).get("college_quorum") or ""
    return to_fraction(text, what="college_quorum") if text else None


def is_board_preset(cooperative: Unit, key: str) -> bool:
    """Whether a preset key is a board meeting's: a legal board preset, or an own preset based on one."""
    if key in PRESETS:
        return key in BOARD_PRESETS
    based_on = (
        CooperativePreset.objects.filter(cooperative=cooperative, key=key)
        .values_list("based_on", flat=True)
        .first()
    )
    return based_on in BOARD_PRESETS


def explanation(snapshot: dict[str, Any] | None, convocation: int) -> dict[str, Any] | None:
    """What a stored result says about the preset it was counted under (for the result page and the
    minutes): the snapshot with the quorum of the convocation held."""
    if snapshot is None:
        return None
    quorum = snapshot["quorum_first"] if convocation == 1 else snapshot["quorum_second"]
    return {**snapshot, "convocation": convocation, "quorum": quorum}


# --- what a cooperative may choose --------------------------------------------------------------------------


def own_presets(cooperative: Unit, *, active_only: bool = True) -> list[CooperativePreset]:
    presets = CooperativePreset.objects.filter(cooperative=cooperative)
    if active_only:
        presets = presets.filter(retired_at__isnull=True)
    return list(presets.order_by("key"))


def offered(cooperative: Unit) -> list[tuple[str, str]]:
    """The presets a cooperative's assemblies may use, as (key, text): the law's of its country, each
    with its source, then its own active presets, each with its article of the statutes."""
    out = [
        (name, f"{PRESETS[name].description} — {PRESETS[name].source}")
        for name in legal_presets_for(country_of(cooperative))
    ]
    for own in own_presets(cooperative):
        text = _("%(label)s — statutes, %(article)s (at least %(law)s)") % {
            "label": pick(own.labels, own.label),
            "article": own.statutes_article,
            "law": own.based_on,
        }
        out.append((own.key, text))
    return out


def default_preset(cooperative: Unit, kind: str) -> str:
    """The preset a new assembly of this kind starts from: the cooperative's own default for the kind
    of meeting, else the law's."""
    own = CooperativePreset.objects.filter(
        cooperative=cooperative, meeting_kind=kind, retired_at__isnull=True
    ).first()
    if own is not None:
        return own.key
    return DEFAULT_PRESETS.get((country_of(cooperative), kind), "")


def freeze(assembly: Assembly) -> dict[str, Any]:
    """Copy every preset the assembly and its items use into ``presets_frozen`` (at convocation): from
    then on, changing or retiring an own preset does not change the rule members were convened under.
    Refused when a preset is retired or unknown."""
    keys = {assembly.preset, *assembly.items.values_list("preset", flat=True)} - {""}
    frozen: dict[str, Any] = {}
    for key in sorted(keys):
        if key in PRESETS:
            frozen[key] = legal_snapshot(key)
            continue
        own = CooperativePreset.objects.filter(cooperative_id=assembly.cooperative_id, key=key).first()
        if own is None or own.retired_at is not None:
            raise DecisionRefused(
                "preset_retired",
                _("The preset “%(key)s” is retired: choose another one before convening.") % {"key": key},
            )
        frozen[key] = own_snapshot(own)
    assembly.presets_frozen = frozen
    assembly.save(update_fields=["presets_frozen"])
    return frozen


# --- writing a cooperative's own presets -------------------------------------------------------------------

OWN_FIELDS = (
    "key",
    "based_on",
    "meeting_kind",
    "quorum_first",
    "quorum_second",
    "threshold",
    "base",
    "statutes_article",
    "labels",
    "college_quorum",
)
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")


@dataclass(frozen=True)
class Problem:
    """A rule the submitted preset breaks: the field it concerns and the sentence for the person."""

    field: str
    message: str


class InvalidPreset(DecisionRefused):
    """Submitted values of a preset that break a rule, with a sentence per field; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("invalid_preset", "; ".join(p.message for p in problems))
        self.problems = problems


FIELD_NAMES = {
    "quorum_first": lambda: _("quorum on first convocation"),
    "quorum_second": lambda: _("quorum on second convocation"),
    "threshold": lambda: _("majority"),
    "base": lambda: _("majority of"),
    "college_quorum": lambda: _("quorum in each collège"),
}


def _quorum(text: str, field: str, problems: list[Problem]) -> Fraction | None:
    try:
        value = to_fraction(text.strip(), what=field)
    except (TypeError, ValueError):
        problems.append(Problem(field, _("Write a share such as 0, 1/5, 1/4 or 1/2.")))
        return None
    if not 0 <= value <= 1:
        problems.append(Problem(field, _("A quorum is a share of the electorate, from 0 to 1.")))
        return None
    return value


def _college_quorum(cooperative: Unit, text: str, based_on: str, problems: list[Problem]) -> None:
    """A per-collège quorum: empty for none, else a share above 0 and at most 1 of each collège's own
    electorate; only for a cooperative that votes by collège, and not at a board meeting (whose directors
    vote in no collège)."""
    if not text.strip():
        return
    field = "college_quorum"
    try:
        value = to_fraction(text.strip(), what=field)
    except (TypeError, ValueError):
        problems.append(
            Problem(field, _("Write the quorum in each collège as a share such as 1/10, or leave it empty."))
        )
        return
    if not 0 < value <= 1:
        problems.append(
            Problem(
                field,
                _(
                    "The quorum in each collège is a share of the collège's electorate, above 0 and at "
                    "most 1."
                ),
            )
        )
        return
    profile = getattr(cooperative, "profile", None)
    if profile is None or not profile.uses_colleges:
        problems.append(
            Problem(
                field, _("The cooperative does not vote by collège: leave the quorum in each collège empty.")
            )
        )
    elif based_on in BOARD_PRESETS:
        problems.append(
            Problem(
                field,
                _("Directors vote in no collège: a board meeting's preset has no quorum in each collège."),
            )
        )


def preset_problems(
    cooperative: Unit, fields: dict[str, Any], *, editing: CooperativePreset | None = None
) -> list[Problem]:
    """What is wrong with an own preset, per field (empty when nothing is).

    Rules: a key of lower-case letters, digits and dashes, unique in the cooperative and never a legal
    preset's name; a legal preset of the cooperative's country as the floor; quorums as shares of the
    electorate; an optional quorum in each collège (a share above 0 and at most 1, for a cooperative
    that votes by collège); an article of the statutes and a description in at least one language; at most one
    active default per kind of meeting; and never less demanding than the floor (the domain's
    ``weaknesses``: the statutes may ask more than the law, never less).
    """
    problems: list[Problem] = []
    key = fields.get("key", "")
    if editing is None:
        if not KEY_PATTERN.match(key):
            problems.append(
                Problem("key", _("Use 2 to 32 lower-case letters, digits and dashes, such as statutes-2022."))
            )
        elif key in PRESETS or re.match(r"^[a-z]{2}-", key):
            problems.append(
                Problem(
                    "key",
                    _("This identifier looks like a legal preset's: choose one without a country code."),
                )
            )
        elif CooperativePreset.objects.filter(cooperative=cooperative, key=key).exists():
            problems.append(Problem("key", _("The cooperative already has a preset with this identifier.")))
    country = country_of(cooperative)
    based_on = fields.get("based_on", "")
    if based_on not in legal_presets_for(country):
        problems.append(
            Problem("based_on", _("Choose the decision type in the law of the cooperative's country."))
        )
    first = _quorum(str(fields.get("quorum_first", "")), "quorum_first", problems)
    second = _quorum(str(fields.get("quorum_second", "")), "quorum_second", problems)
    _college_quorum(cooperative, str(fields.get("college_quorum") or ""), based_on, problems)
    threshold = fields.get("threshold", "")
    if threshold not in THRESHOLDS:
        problems.append(Problem("threshold", _("Choose a majority.")))
    base = fields.get("base", "")
    if base not in {b.value for b in Base}:
        problems.append(Problem("base", _("Choose what the majority is a share of.")))
    if not str(fields.get("statutes_article", "")).strip():
        problems.append(
            Problem("statutes_article", _("Name the article of the statutes that sets this rule."))
        )
    labels = {k: v.strip() for k, v in (fields.get("labels") or {}).items() if v and v.strip()}
    if not labels:
        problems.append(Problem("labels", _("Describe the preset in at least one language.")))
    kind = fields.get("meeting_kind", "")
    if kind and kind not in Assembly.Kind.values:
        problems.append(Problem("meeting_kind", _("Choose a kind of meeting.")))
    elif kind:
        others = CooperativePreset.objects.filter(
            cooperative=cooperative, meeting_kind=kind, retired_at__isnull=True
        )
        if editing is not None:
            others = others.exclude(pk=editing.pk)
        if others.exists():
            problems.append(
                Problem(
                    "meeting_kind",
                    _("Another active preset is already the default for this kind of meeting."),
                )
            )
    if problems or first is None or second is None:
        return problems
    floor = PRESETS[based_on]
    own = MeetingPreset(
        name=key,
        description="",
        quorum_first=first,
        quorum_second=second,
        threshold=THRESHOLDS[threshold],
        base=Base(base),
        source="",
    )
    for weakness in weaknesses(own, floor):
        problems.append(
            Problem(
                weakness.field,
                _(
                    "The %(field)s (%(value)s) is below the law's minimum for this decision type "
                    "(%(floor)s, %(law)s): the statutes may ask more than the law, never less."
                )
                % {
                    "field": FIELD_NAMES[weakness.field](),
                    "value": weakness.value,
                    "floor": weakness.floor,
                    "law": based_on,
                },
            )
        )
    return problems


def _may_keep_presets(actor: Any, cooperative: Unit) -> None:
    """Re-checked by the services: a cooperative's presets are its statutes' rules, kept by its staff."""
    if not getattr(actor, "is_authenticated", False) or not may_keep_presets.test(actor, cooperative):
        raise DecisionRefused("not_allowed", _("Only the cooperative's staff may change its presets."))


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    labels = {k: v.strip() for k, v in (fields.get("labels") or {}).items() if v and v.strip()}
    return {
        "based_on": fields["based_on"],
        "meeting_kind": fields.get("meeting_kind", ""),
        "quorum_first": exact(to_fraction(str(fields["quorum_first"]).strip())),
        "quorum_second": exact(to_fraction(str(fields["quorum_second"]).strip())),
        "threshold": fields["threshold"],
        "base": fields["base"],
        "statutes_article": str(fields["statutes_article"]).strip(),
        "labels": labels,
        "label": next(labels[code] for code in ("fr", "nl", "en", *labels) if code in labels),
        "college_quorum": exact(to_fraction(cq))
        if (cq := str(fields.get("college_quorum") or "").strip())
        else "",
    }


def _audited(own: CooperativePreset) -> dict[str, Any]:
    return {
        "key": own.key,
        "based_on": own.based_on,
        "meeting_kind": own.meeting_kind,
        "quorum_first": own.quorum_first,
        "quorum_second": own.quorum_second,
        "threshold": own.threshold,
        "base": own.base,
        "statutes_article": own.statutes_article,
        "labels": own.labels,
        "version": own.version,
        "college_quorum": own.college_quorum,
    }


@transaction.atomic
def own_preset_create(
    *, cooperative: Unit, fields: dict[str, Any], actor: Any, now: datetime | None = None
) -> CooperativePreset:
    """Add a preset of the cooperative's statutes, at least as strict as the law's for its decision type."""
    _may_keep_presets(actor, cooperative)
    Unit.objects.select_for_update().get(pk=cooperative.pk)  # one change of the coop's presets at a time
    problems = preset_problems(cooperative, fields)
    if problems:
        raise InvalidPreset(problems)
    now = now or timezone.now()
    own = CooperativePreset.objects.create(
        cooperative=cooperative, key=fields["key"], created_at=now, updated_at=now, **_clean(fields)
    )
    audit_record(actor=actor, action="preset.created", obj=own, unit=cooperative, after=_audited(own))
    return own


@transaction.atomic
def own_preset_update(
    *, preset: CooperativePreset, fields: dict[str, Any], actor: Any, now: datetime | None = None
) -> CooperativePreset:
    """Change an active own preset (its identifier stays). Assemblies already convened keep the copy
    they were convened with; drafts follow the change."""
    _may_keep_presets(actor, preset.cooperative)
    locked = CooperativePreset.objects.select_for_update().select_related("cooperative").get(pk=preset.pk)
    if locked.retired_at is not None:
        raise DecisionRefused("preset_retired", _("A retired preset cannot change."))
    problems = preset_problems(locked.cooperative, {**fields, "key": locked.key}, editing=locked)
    if problems:
        raise InvalidPreset(problems)
    values = _clean(fields)
    changed = {name: value for name, value in values.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    before = _audited(locked)
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_at = now or timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action="preset.updated",
        obj=locked,
        unit=locked.cooperative,
        before=before,
        after=_audited(locked),
    )
    return locked


@transaction.atomic
def own_preset_retire(
    *, preset: CooperativePreset, actor: Any, now: datetime | None = None
) -> CooperativePreset:
    """Retire an own preset: no longer offered. Refused while a draft assembly (or one of its items) uses
    it, since that draft would be convened under a rule nobody may choose any more; convened assemblies
    keep their copy."""
    _may_keep_presets(actor, preset.cooperative)
    locked = CooperativePreset.objects.select_for_update().select_related("cooperative").get(pk=preset.pk)
    if locked.retired_at is not None:
        raise DecisionRefused("preset_retired", _("This preset is already retired."))
    drafts = Assembly.objects.filter(cooperative=locked.cooperative, status=Assembly.Status.DRAFT)
    using = sorted(
        set(drafts.filter(preset=locked.key).values_list("title", flat=True))
        | set(drafts.filter(items__preset=locked.key).values_list("title", flat=True))
    )
    if using:
        raise DecisionRefused(
            "preset_in_use",
            _("Draft assemblies use this preset (%(titles)s): choose another preset for them first.")
            % {"titles": ", ".join(using)},
        )
    locked.retired_at = now or timezone.now()
    locked.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="preset.retired",
        obj=locked,
        unit=locked.cooperative,
        before={"key": locked.key, "version": locked.version},
        after={"retired_at": locked.retired_at.isoformat()},
    )
    return locked
