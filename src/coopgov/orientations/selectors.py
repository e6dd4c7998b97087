"""Reads of orientations: the provenance of roll-up proposals (where each came from, with supports),
provenance by antenna for the national and group views, and suggested duplicates across antennas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from django.db.models import Q

from coopgov.meetings.models import Contribution
from coopgov.organisation.models import Unit
from coopgov.orientations.models import RollupSource
from coopgov.participation.models import Proposal, Support


@dataclass(frozen=True)
class SourceUnit:
    """The unit a source came from: an antenna (or, for a national proposal rolled up to the group, the
    national cooperative)."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class SourceItem:
    kind: str  # "proposal" or "contribution"
    id: int
    title: str
    url: str


@dataclass(frozen=True)
class Source:
    """One source of a roll-up proposal.

    ``supports`` is live: the distinct members supporting the source now, each member counted once over
    the whole provenance (at the first source they supported, in roll-up order). ``supports_at_rollup``
    is the count stored when the item was bundled (``None`` for items that arrived by a merge or through
    an intermediate roll-up). A meeting contribution has no supports (0). ``via`` is the id of the
    intermediate proposal it came through (a national proposal rolled up to the group; a merged
    duplicate), ``None`` for a direct source.
    """

    antenna: SourceUnit
    source: SourceItem
    supports: int
    supports_at_rollup: int | None = None
    meeting: str = ""
    via: int | None = None
    merged: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Node:
    """A child in the provenance tree: a proposal or a contribution, how it arrived, with its unit."""

    kind: str
    obj: Any
    unit: Unit
    supports_at_rollup: int | None
    merged: bool
    children: list[_Node] = field(default_factory=list)


def _children_of(proposal_ids: set[int]) -> dict[int, list[_Node]]:
    """The direct sources of each proposal: its roll-up sources, then the duplicates merged into it."""
    out: dict[int, list[_Node]] = defaultdict(list)
    # Bodies are not shown in a provenance: leave them in the database (a page may list thousands of sources).
    rows = (
        RollupSource.objects.filter(parent_id__in=proposal_ids)
        .select_related("unit", "proposal", "contribution__meeting")
        .defer("proposal__body", "proposal__bodies", "contribution__meeting__description")
    )
    for row in rows.order_by("added_at", "id"):
        if row.kind == RollupSource.Kind.PROPOSAL:
            out[row.parent_id].append(
                _Node("proposal", row.proposal, row.unit, row.supports_at_rollup, merged=False)
            )
        else:
            out[row.parent_id].append(
                _Node("contribution", row.contribution, row.unit, row.supports_at_rollup, merged=False)
            )
    merged = (
        Proposal.objects.filter(merged_into_id__in=proposal_ids)
        .select_related("process__unit")
        .defer("body", "bodies", "process__description", "process__descriptions")
    )
    for proposal in merged.order_by("id"):
        assert proposal.merged_into_id is not None
        out[proposal.merged_into_id].append(
            _Node("proposal", proposal, proposal.process.unit, None, merged=True)
        )
    return out


def _build_trees(proposal_ids: list[int]) -> dict[int, list[_Node]]:
    """Expand level by level: one pair of queries per level of roll-ups, not per proposal."""
    expanded: dict[int, list[_Node]] = {}
    waiting: dict[int, list[_Node]] = defaultdict(list)
    frontier = set(proposal_ids)
    while frontier:
        children = _children_of(frontier)
        next_frontier: set[int] = set()
        for pid in frontier:
            nodes = children.get(pid, [])
            expanded[pid] = nodes
            for node in waiting.pop(pid, []):
                node.children = nodes
            for node in nodes:
                if node.kind != "proposal":
                    continue
                if node.obj.pk in expanded:
                    node.children = expanded[node.obj.pk]
                else:
                    waiting[node.obj.pk].append(node)
                    next_frontier.add(node.obj.pk)
        frontier = next_frontier
    return {pid: expanded.get(pid, []) for pid in proposal_ids}


def _flatten(
    nodes: list[_Node], via: int | None, path: frozenset[int] = frozenset()
) -> Iterable[tuple[_Node, int | None]]:
    """Leaves first, then the intermediate proposal they came through (it may have supporters of its own).
    ``path`` stops a cycle, which the services refuse to create anyway."""
    for node in nodes:
        key = node.obj.pk if node.kind == "proposal" else -node.obj.pk
        if key in path:
            continue
        if node.children:
            yield from _flatten(node.children, node.obj.pk, path | {key})
        yield node, via


def _unique(nodes: Iterable[tuple[_Node, int | None]]) -> list[tuple[_Node, int | None]]:
    """Each item once, where it first appears (an item both bundled and merged in is one source)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for node, via in nodes:
        key = (node.kind, node.obj.pk)
        if key not in seen:
            seen.add(key)
            out.append((node, via))
    return out


def provenance_by_proposal(proposal_ids: Iterable[int]) -> dict[int, list[Source]]:
    """For each proposal id, its sources (an empty list when it was not rolled up from anything).

    A number of queries that depends on the depth of roll-ups (antenna → cooperative → group: three
    levels), not on how many proposals are asked for.
    """
    ids = list(dict.fromkeys(int(i) for i in proposal_ids))
    if not ids:
        return {}
    trees = _build_trees(ids)
    flat = {pid: _unique(_flatten(trees[pid], None, frozenset({pid}))) for pid in ids}
    proposal_source_ids = {n.obj.pk for items in flat.values() for n, _via in items if n.kind == "proposal"}
    supporters: dict[int, set[int]] = defaultdict(set)
    for proposal_id, user_id in Support.objects.filter(proposal_id__in=proposal_source_ids).values_list(
        "proposal_id", "user_id"
    ):
        supporters[proposal_id].add(user_id)
    result: dict[int, list[Source]] = {}
    for pid in ids:
        counted: set[int] = set()
        sources = []
        for node, via in flat[pid]:
            if node.kind == "proposal":
                fresh = supporters.get(node.obj.pk, set()) - counted
                counted |= fresh
                item = SourceItem(
                    "proposal", node.obj.pk, node.obj.display_title, node.obj.get_absolute_url()
                )
                meeting = ""
            else:
                fresh = set()
                item = SourceItem("contribution", node.obj.pk, node.obj.title, node.obj.get_absolute_url())
                meeting = node.obj.meeting.title
            sources.append(
                Source(
                    antenna=SourceUnit(node.unit.pk, node.unit.code, node.unit.display_name),
                    source=item,
                    supports=len(fresh),
                    supports_at_rollup=node.supports_at_rollup if via is None else None,
                    meeting=meeting,
                    via=via,
                    merged=node.merged,
                )
            )
        result[pid] = sources
    return result


@dataclass(frozen=True)
class AntennaTotal:
    """One row of the by-antenna view: how many sources and (deduplicated) supports came from a unit."""

    unit: SourceUnit
    proposals: int
    contributions: int
    supports: int


def totals_by_antenna(sources: Iterable[Source]) -> list[AntennaTotal]:
    """Group sources by the unit they came from, the largest supports first (then by code)."""
    acc: dict[int, list[int]] = {}
    units: dict[int, SourceUnit] = {}
    for s in sources:
        units[s.antenna.id] = s.antenna
        row = acc.setdefault(s.antenna.id, [0, 0, 0])
        row[0 if s.source.kind == "proposal" else 1] += 1
        row[2] += s.supports
    rows = [AntennaTotal(units[k], v[0], v[1], v[2]) for k, v in acc.items()]
    return sorted(rows, key=lambda r: (-r.supports, -(r.proposals + r.contributions), r.unit.code))


def orientations_of(unit: Unit) -> list[Proposal]:
    """The roll-up proposals (orientations) in the processes of ``unit``: proposals with at least one source
    (bundled items or merged duplicates), newest first."""
    return list(
        Proposal.objects.filter(process__unit=unit, hidden_at__isnull=True)
        .filter(Q(rollup_sources__isnull=False) | Q(merged_from__isnull=False))
        .exclude(status=Proposal.Status.MERGED)
        .select_related("process")
        .distinct()
        .order_by("-created_at", "-id")
    )


def roll_up_targets(unit: Unit, most_supported: int = 100) -> list[Proposal]:
    """Proposals of ``unit`` that items may be added to: its orientations, then its most supported other
    open proposals (a unit may hold thousands; the list stays short)."""
    existing = orientations_of(unit)
    others = (
        Proposal.objects.filter(process__unit=unit, hidden_at__isnull=True)
        .exclude(status__in=[Proposal.Status.MERGED, Proposal.Status.WITHDRAWN])
        .exclude(pk__in=[o.pk for o in existing])
        .order_by("-support_count", "-id")[:most_supported]
    )
    return [*existing, *others]


def levels() -> list[tuple[Unit, int]]:
    """The units orientations rise to (the group, the national cooperatives), each with its number of
    orientations (roll-up proposals not merged away)."""
    units = list(Unit.objects.filter(kind__in=[Unit.Kind.GROUP, Unit.Kind.COOPERATIVE]).order_by("path"))
    counts: dict[int, int] = defaultdict(int)
    rows = (
        Proposal.objects.filter(process__unit__in=units, hidden_at__isnull=True)
        .filter(Q(rollup_sources__isnull=False) | Q(merged_from__isnull=False))
        .exclude(status=Proposal.Status.MERGED)
        .values_list("process__unit_id", "pk")
        .distinct()
    )
    for unit_id, _pk in rows:
        counts[unit_id] += 1
    return [(u, counts[u.pk]) for u in units]


# The roll-up page shows at most this many items of each kind (the most supported proposals, the latest
# contributions); choosing one antenna narrows the list.
CANDIDATES_SHOWN = 300


def rollup_candidates(unit: Unit, source: Unit | None = None) -> tuple[list[Proposal], list[Contribution]]:
    """What may be rolled up into ``unit``: open, visible proposals of the units below it (or of ``source``
    and below) — the most supported first — and meeting contributions, the latest first."""
    where = source if source is not None and _strictly_below(source, unit) else unit
    proposals = list(
        Proposal.objects.filter(process__unit__path__startswith=where.path, hidden_at__isnull=True)
        .exclude(status__in=[Proposal.Status.MERGED, Proposal.Status.WITHDRAWN])
        .exclude(process__unit=unit)
        .select_related("process__unit")
        .order_by("-support_count", "id")[:CANDIDATES_SHOWN]
    )
    contributions = list(
        Contribution.objects.filter(meeting__antenna__path__startswith=where.path)
        .select_related("meeting__antenna")
        .order_by("-meeting__starts_at", "id")[:CANDIDATES_SHOWN]
    )
    return proposals, contributions


def _strictly_below(unit: Unit, target: Unit) -> bool:
    return unit.pk != target.pk and unit.path.startswith(target.path)


# Suggested duplicates: pairs at or above this similarity are shown (ADR 0010). On the FR/NL examples of
# the tests and demo, rewordings score 0.45–0.7 and unrelated texts stay below 0.2.
DUPLICATE_THRESHOLD = 0.3


@dataclass(frozen=True)
class Suggestion:
    """Two proposals of different units whose texts are alike; ``language`` is the language in which
    they were compared (a translation may bridge two languages)."""

    first: Proposal
    second: Proposal
    score: float
    language: str

    @property
    def choices(self) -> list[tuple[Proposal, Proposal]]:
        """(kept, merged) for each way of merging the pair."""
        return [(self.first, self.second), (self.second, self.first)]


def _texts(proposal: Proposal) -> dict[str, str]:
    """The proposal's text in each language it exists in (the original and its translations)."""
    titles = dict(proposal.titles or {})
    bodies = dict(proposal.bodies or {})
    titles[proposal.language] = proposal.title
    bodies[proposal.language] = proposal.body
    return {lang: f"{titles.get(lang, '')}. {bodies.get(lang, '')}" for lang in set(titles) | set(bodies)}


def duplicate_pairs(unit: Unit, *, threshold: float = DUPLICATE_THRESHOLD) -> list[Suggestion]:
    """Every pair of open proposals of two units below ``unit`` (two antennas, or two cooperatives)
    whose texts are alike: compared by ``coopgov.domain.similarity`` in each language both exist in
    (original or translation), the best language kept. The vocabulary is that of these proposals, so the
    scores depend on all of them. Dismissed pairs and pairs bundled into one orientation are kept here:
    ``duplicate_suggestions`` and ``stored_duplicate_suggestions`` leave them out."""
    from coopgov.domain.similarity import Document, similar_pairs

    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(process__unit__path__startswith=unit.path, hidden_at__isnull=True)
        .exclude(process__unit=unit)
        .exclude(status__in=[Proposal.Status.MERGED, Proposal.Status.WITHDRAWN])
        .select_related("process__unit")
    }
    documents = [
        Document((pk, lang), text, lang) for pk, p in proposals.items() for lang, text in _texts(p).items()
    ]
    best: dict[tuple[int, int], tuple[float, str]] = {}
    for pair in similar_pairs(documents, threshold) if len(documents) > 1 else []:
        a, lang_a = cast(tuple[int, str], pair.a)
        b, lang_b = cast(tuple[int, str], pair.b)
        if a == b or lang_a != lang_b:
            continue
        first, second = proposals[a], proposals[b]
        if first.process.unit_id == second.process.unit_id:
            continue
        if first.process.unit.kind != second.process.unit.kind:
            continue
        key = (min(a, b), max(a, b))
        if key not in best or pair.score > best[key][0]:
            best[key] = (pair.score, lang_a)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [Suggestion(proposals[a], proposals[b], score, lang) for (a, b), (score, lang) in ranked]


def _still_suggested(suggestions: list[Suggestion], limit: int) -> list[Suggestion]:
    """Leave out the pairs dismissed and the pairs already bundled into the same orientation."""
    from coopgov.orientations.models import DismissedDuplicate

    firsts = {s.first.pk for s in suggestions}
    dismissed = set(
        DismissedDuplicate.objects.filter(first_id__in=firsts).values_list("first_id", "second_id")
    )
    kept = [
        s
        for s in suggestions
        if (s.first.pk, s.second.pk) not in dismissed
        and not (s.first.parent_id is not None and s.first.parent_id == s.second.parent_id)
    ]
    return kept[:limit]


def duplicate_suggestions(
    unit: Unit, *, threshold: float = DUPLICATE_THRESHOLD, limit: int = 100
) -> list[Suggestion]:
    """Likely duplicates below ``unit`` computed now (``duplicate_pairs``), best score first; pairs
    already dismissed are left out. The page reads the stored ones (``stored_duplicate_suggestions``)."""
    return _still_suggested(duplicate_pairs(unit, threshold=threshold), limit)


def stored_duplicate_suggestions(unit: Unit, *, limit: int = 100) -> list[Suggestion]:
    """The likely duplicates below ``unit`` as stored when the proposals were last written, best score
    first, without the pairs dismissed or bundled since and the proposals merged, withdrawn or hidden
    since (two queries)."""
    from coopgov.orientations.models import DuplicateSuggestion

    rows = (
        DuplicateSuggestion.objects.filter(
            scope=unit, first__hidden_at__isnull=True, second__hidden_at__isnull=True
        )
        .exclude(first__status__in=[Proposal.Status.MERGED, Proposal.Status.WITHDRAWN])
        .exclude(second__status__in=[Proposal.Status.MERGED, Proposal.Status.WITHDRAWN])
        .select_related("first__process__unit", "second__process__unit")
        .order_by("-score", "first_id", "second_id")
    )
    return _still_suggested([Suggestion(r.first, r.second, r.score, r.language) for r in rows], limit)
