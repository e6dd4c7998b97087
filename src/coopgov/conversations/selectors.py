"""Reads of the opinion conversations: who is in a unit's scope, the conversations a user may see, the
next statement for a member, every reaction numbered as Polis numbers its participants, and the opinion
map as the pages show it."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import NotSupportedError
from django.db.models import BigIntegerField, Count, Func, Max, Q, QuerySet

from coopgov.conversations.models import Conversation, MapSnapshot, Reaction, Statement
from coopgov.members.models import Membership
from coopgov.members.selectors import current_members_in
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import units_where

OFFICER_ROLES = ("staff", "board", "relay", "moderator")
# Up to five groups: each has a colour (contrast ≥ 3:1 on white) and a shape, so colour is never alone.
GROUP_STYLES = (
    ("#0b5394", "circle"),
    ("#a4161a", "square"),
    ("#1d6b2f", "triangle"),
    ("#7a4f01", "diamond"),
    ("#5b2a86", "cross"),
)
NO_GROUP_STYLE = ("#6b6b6b", "circle")
SVG_SIZE = 400
SVG_PAD = 24
# Beyond this many points the drawing shows a random sample (the same for every viewer of a snapshot): a
# map of 20,000 members drawn whole is a page of 1.3 MB that a phone renders slowly; the table of groups
# gives every figure whatever is drawn.
MAX_POINTS_DRAWN = 2000


def _admitted(user: Any) -> QuerySet[Membership]:
    person_id = getattr(user, "person_id", None)
    if person_id is None or not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(person_id=person_id, status="admitted", ended_on__isnull=True)


def in_scope(user: Any, unit: Unit) -> bool:
    """The user is a current member in ``unit``'s scope (``members.selectors.current_members_in``)."""
    person_id = getattr(user, "person_id", None)
    if person_id is None or not getattr(user, "is_authenticated", False):
        return False
    return current_members_in(unit).filter(person_id=person_id).exists()


def scope_unit_ids(user: Any) -> set[int]:
    """Every unit whose conversations the user takes part in as a member (the converse of ``in_scope``):
    each cooperative they are admitted to and the units above it, and the units between that cooperative
    and their home antenna."""
    ids: set[int] = set()
    for coop_path, antenna_path in _admitted(user).values_list(
        "cooperative__path", "person__home_antenna__path"
    ):
        ids.update(int(p) for p in coop_path.strip("/").split("/") if p)
        if antenna_path and antenna_path.startswith(coop_path):
            ids.update(int(p) for p in antenna_path.strip("/").split("/") if p)
    return ids


def conversations_for(user: Any) -> QuerySet[Conversation]:
    """The conversations ``user`` may open: those in their scope as a member, and those of units where
    they are an officer (or below), with the number of accepted statements and of participants."""
    if not getattr(user, "is_authenticated", False):
        return Conversation.objects.none()
    officer = Q(pk__in=[])
    for role in OFFICER_ROLES:
        officer |= Q(unit__in=units_where(user, role).values("pk"))
    return (
        Conversation.objects.filter(officer | Q(unit_id__in=scope_unit_ids(user)))
        .select_related("unit")
        .annotate(
            accepted=Count("statements", filter=Q(statements__status="accepted"), distinct=True),
            participants=Count("statements__reactions__user", distinct=True),
        )
        .order_by("status", "-created_at", "-id")
    )


def takes_part(conversation: Conversation, user: Any) -> bool:
    """A member in the conversation's scope, or anyone who has reacted in it."""
    return (
        in_scope(user, conversation.unit)
        or Reaction.objects.filter(user_id=user.pk, statement__conversation=conversation).exists()
    )


def conversation_by_slug(slug: str) -> Conversation | None:
    return Conversation.objects.select_related("unit").filter(slug=slug).first()


def _unreacted(conversation: Conversation, user: Any) -> QuerySet[Statement]:
    return conversation.statements.filter(status=Statement.Status.ACCEPTED).exclude(
        pk__in=Reaction.objects.filter(user_id=user.pk, statement__conversation=conversation).values(
            "statement_id"
        )
    )


def next_statement(conversation: Conversation, user: Any) -> Statement | None:
    """An accepted statement the member has not reacted to: the one with the fewest reactions, then the
    oldest (then the lowest id), so every statement gathers reactions and the order is deterministic."""
    return (
        _unreacted(conversation, user)
        .annotate(n_reactions=Count("reactions"))
        .order_by("n_reactions", "created_at", "id")
        .first()
    )


def remaining(conversation: Conversation, user: Any) -> int:
    """How many accepted statements the member has not reacted to yet."""
    return _unreacted(conversation, user).count()


def reactions_of(conversation: Conversation, user: Any) -> list[Reaction]:
    """The member's reactions to the statements shown (accepted), most recent first."""
    return list(
        Reaction.objects.filter(
            user_id=user.pk, statement__conversation=conversation, statement__status="accepted"
        )
        .select_related("statement")
        .order_by("-updated_at", "-id")
    )


def shown_with_votes(conversation: Conversation, user: Any) -> list[tuple[Statement, int | None]]:
    """The accepted statements, oldest first, each with the member's vote on it (None: not yet)."""
    votes = dict(
        Reaction.objects.filter(user_id=user.pk, statement__conversation=conversation).values_list(
            "statement_id", "vote"
        )
    )
    shown = conversation.statements.filter(status=Statement.Status.ACCEPTED).order_by("created_at", "id")
    return [(s, votes.get(s.pk)) for s in shown]


def statements_by(conversation: Conversation, user: Any) -> list[Statement]:
    """The statements the member submitted, with their status and, if rejected, the reason."""
    return list(conversation.statements.filter(author_id=user.pk, is_seed=False).order_by("-created_at"))


def moderation_queue(conversation: Conversation) -> list[Statement]:
    return list(
        conversation.statements.filter(status=Statement.Status.PENDING)
        .select_related("author")
        .order_by("created_at", "id")
    )


def moderated(conversation: Conversation) -> list[Statement]:
    """Statements already accepted or rejected, most recently moderated first (a decision can be
    changed)."""
    return list(
        conversation.statements.exclude(status=Statement.Status.PENDING)
        .annotate(n_reactions=Count("reactions"))
        .order_by("-moderated_at", "-created_at", "-id")
    )


def latest_snapshot(conversation: Conversation) -> MapSnapshot | None:
    return conversation.snapshots.order_by("-computed_at", "-id").first()


def last_reaction_at(conversation: Conversation) -> datetime | None:
    result: datetime | None = Reaction.objects.filter(statement__conversation=conversation).aggregate(
        last=Max("updated_at")
    )["last"]
    return result


IntArray = npt.NDArray[np.int64]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MILLISECOND = timedelta(milliseconds=1)


class EpochMilliseconds(Func):
    """A datetime column as whole milliseconds since 1970 (UTC), computed by the database: turning
    800,000 values into Python datetimes first costs seconds (psycopg's and Django's converters)."""

    output_field = BigIntegerField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotSupportedError(
            f"EpochMilliseconds is written for SQLite and PostgreSQL, not {connection.vendor}"
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # Django stores a datetime as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]': the seconds of its first
        # 19 characters (strftime would round .999999 up to the next second), then the digits of its
        # milliseconds (none when the microseconds are 0). '%%' is a literal '%' once Django has put
        # SQLite's own placeholders in.
        sql, params = compiler.compile(self.source_expressions[0])
        seconds = f"CAST(strftime('%%s', substr({sql}, 1, 19)) AS INTEGER)"
        return f"({seconds} * 1000 + CAST(substr({sql}, 21, 3) AS INTEGER))", [*params, *params]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # EXTRACT(EPOCH …) is an exact numeric from PostgreSQL 14 on.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {sql}) * 1000) AS BIGINT)", list(params)


@dataclass(frozen=True, eq=False)
class Reactions:
    """Every reaction of a conversation as parallel arrays, one entry a reaction, its members numbered
    0, 1, 2, … in their order of arrival (their first reaction), as Polis numbers its participants.

    ``participants[i]`` is the number of the member who gave reaction ``i``; ``users[p]`` is the account
    of member number ``p`` (it stays in the platform: the Polis export writes ``p`` only). The map reads
    its rows in this order, so the export recounts to the same map. ``updated_ms`` (when asked for):
    when each reaction was last cast or changed, in milliseconds since 1970 (Polis's timestamps)."""

    participants: IntArray
    statements: IntArray
    votes: npt.NDArray[np.int8]
    users: IntArray
    reaction_ids: IntArray
    updated_ms: IntArray | None = None

    def __len__(self) -> int:
        return len(self.votes)


def reactions_by_arrival(conversation: Conversation, *, with_times: bool = False) -> Reactions:
    """Every reaction of the conversation (rejected and pending statements included), in one query.

    A member's arrival is their first reaction row: a reaction is one row per member and statement,
    inserted at the first reaction and only updated after, so the lowest row id is the first reaction,
    without reading the clock columns of hundreds of thousands of rows. Every column is an integer, the
    times too (``EpochMilliseconds``)."""
    reactions = Reaction.objects.filter(statement__conversation=conversation)
    columns = ["pk", "user_id", "statement_id", "vote"]
    if with_times:
        reactions = reactions.annotate(updated_ms=EpochMilliseconds("updated_at"))
        columns.append("updated_ms")
    rows = list(reactions.values_list(*columns))
    n, width = len(rows), len(columns)
    # One flat pass over the integers (a third of the time of transposing 800,000 tuples).
    table = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=width * n).reshape(
        n, width
    )
    ids, users = table[:, 0], table[:, 1]
    known, row_user = np.unique(users, return_inverse=True)
    first = np.full(len(known), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, row_user, ids)
    arrival = np.argsort(first, kind="stable")
    number = np.empty(len(known), dtype=np.int64)
    number[arrival] = np.arange(len(known), dtype=np.int64)
    return Reactions(
        participants=number[row_user],
        statements=table[:, 2].copy(),
        votes=table[:, 3].astype(np.int8),
        users=known[arrival],
        reaction_ids=ids.copy(),
        updated_ms=table[:, 4].copy() if with_times else None,
    )


def out_of_date(conversations: QuerySet[Conversation] | None = None) -> list[Conversation]:
    """Conversations with reactions cast (or changed) since their last map, or with no map yet."""
    rows = (Conversation.objects.all() if conversations is None else conversations).annotate(
        last_reaction=Max("statements__reactions__updated_at"), last_map=Max("snapshots__computed_at")
    )
    return [
        c
        for c in rows.order_by("pk")
        if c.last_reaction is not None and (c.last_map is None or c.last_map < c.last_reaction)
    ]


# The map as the page shows it -------------------------------------------------------------------------


def group_label(index: int) -> str:
    return chr(ord("A") + index) if index >= 0 else "-"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class StatementLine:
    """A statement of the map with the figures the sentence about it needs."""

    id: int
    text: str
    direction: str = ""  # agree or disagree
    percent: int | None = None  # of the group (or of everyone)
    others_percent: int | None = None
    most: str = ""  # divisive: the group agreeing most, and least
    least: str = ""
    most_percent: int | None = None
    least_percent: int | None = None


@dataclass(frozen=True)
class GroupView:
    index: int
    label: str
    size: int
    colour: str
    shape: str
    representative: list[StatementLine]


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    colour: str
    shape: str
    label: str

    @property
    def label_y(self) -> float:
        return round(self.y - 16, 1)


@dataclass
class MapView:
    """Everything the map page shows, for one viewer."""

    snapshot: MapSnapshot
    groups: list[GroupView]
    consensus_agree: list[StatementLine]
    consensus_disagree: list[StatementLine]
    divisive: list[StatementLine]
    points: list[Point]
    min_votes: int
    in_map: int
    drawn: int = 0
    you: Point | None = None
    your_group: GroupView | None = None
    your_votes: int = 0
    like_your_group: list[StatementLine] = field(default_factory=list)
    compared: int = 0


def _others(stats: dict[str, Any], group: int, direction: str) -> int | None:
    column = 0 if direction == "agree" else 1
    part = sum(row[column] for g, row in enumerate(stats["groups"]) if g != group)
    whole = sum(row[2] for g, row in enumerate(stats["groups"]) if g != group)
    return _percent(part, whole)


def _in_group(stats: dict[str, Any], group: int, direction: str) -> int | None:
    row = stats["groups"][group]
    return _percent(row[0] if direction == "agree" else row[1], row[2])


def _scaled(points: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """Coordinates fitted into the drawing (same scale on both axes, so distances keep their meaning)."""
    if not points:
        return {}
    xs = [p[0] for p in points.values()]
    ys = [p[1] for p in points.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = SVG_SIZE - 2 * SVG_PAD
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        key: (
            round(SVG_SIZE / 2 + (p[0] - cx) * inner / span, 1),
            round(SVG_SIZE / 2 - (p[1] - cy) * inner / span, 1),
        )
        for key, p in points.items()
    }


def _style(group: int) -> tuple[str, str]:
    return GROUP_STYLES[group % len(GROUP_STYLES)] if group >= 0 else NO_GROUP_STYLE


def map_view(snapshot: MapSnapshot, user: Any) -> MapView:
    """The latest map as the viewer sees it: groups, their representative statements with the group's
    and the others' agreement, consensus, divisive statements, the points (no one is named: only the
    viewer's own point is marked), and for a viewer in a group, why they are in it."""
    result = snapshot.result
    stats: dict[str, dict[str, Any]] = result.get("statements", {})
    groups = []
    for g in result.get("groups", []):
        colour, shape = _style(g["index"])
        lines = [
            StatementLine(
                id=r["statement"],
                text=stats[str(r["statement"])]["text"],
                direction=r["direction"],
                percent=_in_group(stats[str(r["statement"])], g["index"], r["direction"]),
                others_percent=_others(stats[str(r["statement"])], g["index"], r["direction"]),
            )
            for r in g["representative"]
        ]
        groups.append(GroupView(g["index"], group_label(g["index"]), g["size"], colour, shape, lines))

    def consensus(direction: str) -> list[StatementLine]:
        out = []
        for c in result.get("consensus", {}).get(direction, []):
            s = stats[str(c["statement"])]
            whole = s["agree"] + s["disagree"] + s["pass"]
            out.append(
                StatementLine(
                    id=c["statement"],
                    text=s["text"],
                    direction=direction,
                    percent=_percent(s[direction], whole),
                )
            )
        return out

    divisive = []
    for d in result.get("divisive", []):
        s = stats[str(d["statement"])]
        divisive.append(
            StatementLine(
                id=d["statement"],
                text=s["text"],
                most=group_label(d["most"]),
                least=group_label(d["least"]),
                most_percent=_in_group(s, d["most"], "agree"),
                least_percent=_in_group(s, d["least"], "agree"),
            )
        )
    scaled = _scaled({k: v[:2] for k, v in result.get("points", {}).items()})
    points = []
    you = None
    mine = str(getattr(user, "pk", ""))
    for key, (x, y) in sorted(scaled.items(), key=lambda kv: int(kv[0])):
        group = int(result["points"][key][2])
        colour, shape = _style(group)
        point = Point(x, y, colour, shape, group_label(group))
        if key == mine:
            you = point
        else:
            points.append(point)
    if len(points) > MAX_POINTS_DRAWN:
        points = random.Random(snapshot.pk).sample(points, MAX_POINTS_DRAWN)
    view = MapView(
        snapshot=snapshot,
        groups=groups,
        consensus_agree=consensus("agree"),
        consensus_disagree=consensus("disagree"),
        divisive=divisive,
        points=points,
        min_votes=int(result.get("min_votes", 0)),
        in_map=len(scaled),
        drawn=len(points) + (1 if you else 0),
        you=you,
    )
    if getattr(user, "pk", None) is not None:
        _explain(view, snapshot, user, result, stats)
    return view


def _explain(
    view: MapView, snapshot: MapSnapshot, user: Any, result: dict[str, Any], stats: dict[str, Any]
) -> None:
    """Why the viewer is in their group: the statements where they reacted as most of the group did."""
    votes = dict(
        Reaction.objects.filter(user_id=user.pk, statement__conversation_id=snapshot.conversation_id)
        .exclude(vote=0)
        .values_list("statement_id", "vote")
    )
    view.your_votes = len(votes)
    point = result.get("points", {}).get(str(user.pk))
    if point is None or int(point[2]) < 0:
        return
    group = int(point[2])
    view.your_group = next((g for g in view.groups if g.index == group), None)
    representative = {line.id for g in view.groups if g.index == group for line in g.representative}
    lines = []
    for key, s in stats.items():
        sid = int(key)
        if sid not in votes:
            continue
        view.compared += 1
        agree, disagree, seen = s["groups"][group]
        direction = "agree" if agree * 2 > seen else "disagree" if disagree * 2 > seen else ""
        if direction and votes[sid] == (1 if direction == "agree" else -1):
            lines.append(
                StatementLine(
                    id=sid,
                    text=s["text"],
                    direction=direction,
                    percent=_in_group(s, group, direction),
                    others_percent=_others(s, group, direction),
                )
            )
    lines.sort(key=lambda line: (line.id not in representative, -(line.percent or 0), line.id))
    view.like_your_group = lines


def reactions_since(conversation: Conversation, when: datetime) -> int:
    """Reactions cast or changed after ``when`` (what the map does not show yet)."""
    return Reaction.objects.filter(statement__conversation=conversation, updated_at__gt=when).count()
