"""Reads of the follow-up (cycles, recommendations with counts per status) and of the participation
dashboards (acts of participation per collège, profile and antenna by month, against the register)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from fractions import Fraction
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from coopgov.domain.governance.representation import (
    DEFAULT_RULE,
    Act,
    Activity,
    DimensionFigures,
    GroupRow,
    UnderRepresentationRule,
    fold_acts,
    group_participation,
    months_between,
)
from coopgov.followup.models import (
    Cycle,
    DashboardSnapshot,
    LocalGroup,
    Recommendation,
    RecommendationComment,
    Stage,
    Status,
    StatusChange,
)
from coopgov.organisation.models import Body, CommunityMembership, Unit

# --- the follow-up of recommendations ---------------------------------------------------------------------


def cycles() -> list[Cycle]:
    """Every cycle, newest first, with how many recommendations it has (one query)."""
    return list(Cycle.objects.select_related("unit").annotate(recommendation_count=Count("recommendations")))


def cycle_by_slug(slug: str) -> Cycle:
    return Cycle.objects.select_related("unit").get(slug=slug)


def local_groups(cycle: Cycle) -> list[LocalGroup]:
    """The cycle's local groups with their unit, theme and process (one query)."""
    return list(cycle.groups.select_related("unit", "theme", "process").order_by("name", "pk"))


def bodies_for(cycle: Cycle) -> QuerySet[Body]:
    """The bodies a recommendation of the cycle may be addressed to: those of the unit running it, of the
    units above it and of the units below it."""

    path = cycle.unit.path
    above = [int(p) for p in path.strip("/").split("/") if p]
    return (
        Body.objects.filter(Q(unit_id__in=above) | Q(unit__path__startswith=path))
        .select_related("unit")
        .order_by("unit__path", "kind", "name")
    )


@dataclass(frozen=True)
class Filters:
    status: str = ""
    theme: str = ""  # a theme code
    body: int | None = None  # a body id


def recommendations(
    cycle: Cycle, filters: Filters = Filters(), stages: Sequence[str] = (Stage.SUBMITTED,)
) -> QuerySet[Recommendation]:
    """The cycle's recommendations matching the filters, in number order, with theme, group and body:
    by default those handed in (the public follow-up; drafts and those open for comment are not public)."""
    qs = Recommendation.objects.filter(cycle=cycle, stage__in=list(stages)).select_related(
        "cycle", "theme", "group__unit", "addressed_to__unit"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.theme:
        qs = qs.filter(theme__code=filters.theme)
    if filters.body is not None:
        qs = qs.filter(addressed_to_id=filters.body)
    return qs.order_by("number")


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    width: float  # 0–100, share of the largest count (for the bar chart)


def status_counts(cycle: Cycle, filters: Filters = Filters()) -> list[StatusCount]:
    """How many recommendations stand in each status (every status listed, zero included), under the theme
    and body filters (the status filter would leave one bar: it does not apply here). One query."""
    qs = recommendations(cycle, Filters(theme=filters.theme, body=filters.body))
    found = dict(qs.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
    top = max(found.values(), default=0) or 1
    return [
        StatusCount(s.value, str(s.label), found.get(s.value, 0), round(100 * found.get(s.value, 0) / top, 2))
        for s in Status
    ]


def recommendation_detail(cycle: Cycle, number: int) -> Recommendation:
    return (
        Recommendation.objects.select_related(
            "theme", "group__unit", "addressed_to__unit", "cycle", "source_proposal"
        )
        .prefetch_related(Prefetch("history", queryset=StatusChange.objects.order_by("on", "pk")))
        .get(cycle=cycle, number=number)
    )


def visible_recommendations(
    cycle: Cycle, user: Any, filters: Filters = Filters(), stages: Sequence[str] = tuple(Stage.values)
) -> list[Recommendation]:
    """The cycle's recommendations at the given stages that the user may see (drafts: staff and the local
    group; open for comment: the unit's members and officers; handed in: everyone), in number order.
    The rights are read once for the user (roles and member places are cached on the account)."""
    rows = recommendations(cycle, filters, stages)
    if not getattr(user, "is_authenticated", False):
        return list(rows.filter(stage=Stage.SUBMITTED))
    return [r for r in rows if user.has_perm("followup.view_recommendation", r)]


def in_preparation(cycle: Cycle, user: Any) -> list[Recommendation]:
    """The drafts and the recommendations open for comment the user may see, with their comment counts
    (no query for an anonymous visitor: the public page costs what it did)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = recommendations(cycle, stages=(Stage.DRAFT, Stage.OPEN)).annotate(
        comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True))
    )
    return [r for r in rows if user.has_perm("followup.view_recommendation", r)]


def comments(recommendation: Recommendation) -> list[RecommendationComment]:
    """A recommendation's comments, oldest first, with their authors' names (one query)."""
    return list(
        recommendation.comments.select_related("author__person", "hidden_by__person").order_by(
            "created_at", "pk"
        )
    )


def cycle_for_staff(slug: str) -> Cycle:
    """A cycle with its themes and local groups read in advance for its management page."""
    return (
        Cycle.objects.select_related("unit")
        .prefetch_related(
            "themes", Prefetch("groups", queryset=LocalGroup.objects.select_related("unit", "theme"))
        )
        .get(slug=slug)
    )


def cycle_units(user: Any) -> QuerySet[Unit]:
    """Where the user may start a cycle: the group and cooperatives where they are staff (or above)."""
    from coopgov.organisation.selectors import units_where

    return (
        units_where(user, "staff").filter(kind__in=(Unit.Kind.GROUP, Unit.Kind.COOPERATIVE)).order_by("path")
    )


def group_units(cycle: Cycle) -> QuerySet[Unit]:
    """Where a local group of the cycle may work: the antennas under the unit running it, and the
    thematic communities."""
    return Unit.objects.filter(
        Q(kind=Unit.Kind.ANTENNA, path__startswith=cycle.unit.path) | Q(kind=Unit.Kind.COMMUNITY)
    ).order_by("kind", "name")


def follows(recommendation: Recommendation, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return recommendation.follows.filter(user=user).exists()


# --- participation dashboards -----------------------------------------------------------------------------

KIND_PROPOSAL = "proposal"
KIND_COMMENT = "comment"
KIND_SUPPORT = "support"
KIND_ATTENDANCE = "attendance"
KIND_VOTE = "vote"
KINDS = (KIND_PROPOSAL, KIND_COMMENT, KIND_SUPPORT, KIND_ATTENDANCE, KIND_VOTE)


@dataclass(frozen=True)
class Register:
    """The members of a dashboard's scope and their groups in each dimension."""

    colleges: dict[int, list[str]]
    profiles: dict[int, list[str]]
    antennas: dict[int, list[str]]
    college_names: dict[str, str]
    antenna_names: dict[str, str]
    # What each collège's name is made of, before it is picked in the reader's language (stored in
    # snapshots): {"cooperative": code shown before the name or None, "names": by language, "name": default}
    college_texts: dict[str, dict[str, Any]]


def college_label(text: Mapping[str, Any]) -> str:
    """A collège's name in the active language, prefixed by its cooperative's code on the dashboards that
    span both cooperatives."""
    from coopgov.i18n_text import pick

    name = pick(text["names"], text["name"])
    return f"{text['cooperative']} · {name}" if text["cooperative"] else name


def dashboard_units(user: Any) -> list[Unit]:
    """The group, cooperatives and antennas whose dashboard the user may read, in tree order."""
    from coopgov.organisation.selectors import units_where

    wanted = (Unit.Kind.GROUP, Unit.Kind.COOPERATIVE, Unit.Kind.ANTENNA, Unit.Kind.COMMUNITY)
    ids = set(units_where(user, "staff").values_list("pk", flat=True)) | set(
        units_where(user, "board").values_list("pk", flat=True)
    )
    return list(Unit.objects.filter(pk__in=ids, kind__in=wanted).order_by("path"))


def scope_register(unit: Unit) -> Register:
    """Admitted members of the unit (two queries: the memberships, their collèges): a cooperative's own
    members; an antenna's members are those of its cooperative living there; the group's are everyone's;
    a community's, its current members. A person in two cooperatives counts once, in both cooperatives'
    collèges."""
    from coopgov.members.models import Membership

    qs = Membership.objects.filter(status="admitted")
    if unit.kind == Unit.Kind.COOPERATIVE:
        qs = qs.filter(cooperative=unit)
    elif unit.kind == Unit.Kind.ANTENNA:
        qs = qs.filter(cooperative_id=unit.parent_id, person__home_antenna=unit)
    elif unit.kind == Unit.Kind.COMMUNITY:
        members = CommunityMembership.objects.filter(community=unit, left_at__isnull=True).values("person_id")
        qs = qs.filter(person_id__in=members)
    profiles: dict[int, list[str]] = {}
    antennas: dict[int, list[str]] = {}
    antenna_names: dict[str, str] = {}
    two_countries = unit.kind in (Unit.Kind.GROUP, Unit.Kind.COMMUNITY)
    # Profiles are read as text and decoded once per distinct value (there are few), and the collèges'
    # names come from their own small query: decoding JSON on every one of 30,000 rows costs a second.
    rows = qs.annotate(profiles_text=Cast("person__profiles", TextField())).values_list(
        "person_id",
        "category_id",
        "profiles_text",
        "person__home_antenna__code",
        "person__home_antenna__name",
    )
    decoded: dict[str | None, list[str]] = {None: []}
    category_of: dict[int, list[int]] = {}
    for person, category_id, profiles_text, antenna_code, antenna_name in rows:
        category_of.setdefault(person, []).append(category_id)
        if profiles_text not in decoded:
            decoded[profiles_text] = [str(p) for p in json.loads(profiles_text or "[]")]
        profiles[person] = decoded[profiles_text]
        antennas[person] = [antenna_code] if antenna_code else []
        if antenna_code:
            antenna_names[antenna_code] = antenna_name
    from coopgov.members.models import Category

    ids = {i for found in category_of.values() for i in found}
    key_of: dict[int, str] = {}
    college_texts: dict[str, dict[str, Any]] = {}
    for category in Category.objects.filter(pk__in=ids).select_related("cooperative"):
        coop = category.cooperative.code
        key = f"{coop} {category.code}" if two_countries else category.code
        key_of[category.pk] = key
        college_texts[key] = {
            "cooperative": coop if two_countries else None,
            "names": dict(category.names or {}),
            "name": category.name,
        }
    colleges = {person: [key_of[i] for i in found] for person, found in category_of.items()}
    college_names = {key: college_label(text) for key, text in college_texts.items()}
    return Register(colleges, profiles, antennas, college_names, antenna_names, college_texts)


def _month_start(today: date, months: int) -> date:
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def participation_acts(first_days: Sequence[date]) -> list[Act]:
    """Every act of participation in the months starting on ``first_days`` (consecutive first days of
    months, local time), as (person, month, kind, count): one grouped query per kind of act, whatever the
    volume. The month of an act is found by comparing its time with the months' local boundaries in SQL
    (no per-row date function: SQLite would call back into Python for each row). Acts entered by a relay
    count for the person they were entered for."""
    from coopgov.decisions.models import Participation
    from coopgov.meetings.models import Attendance
    from coopgov.participation.models import Comment, Proposal, Support

    if not first_days:
        return []
    edges = [timezone.make_aware(datetime.combine(d, time.min)) for d in first_days]
    edges.append(timezone.make_aware(datetime.combine(_next_month(first_days[-1]), time.min)))
    acts: list[Act] = []

    def grouped(kind: str, qs: QuerySet[Any], person: str, at: str) -> None:
        month = Case(
            *[
                When(**{f"{at}__gte": edges[i], f"{at}__lt": edges[i + 1]}, then=Value(i))
                for i in range(len(first_days))
            ],
            output_field=IntegerField(),
        )
        rows = (
            qs.filter(**{f"{at}__gte": edges[0], f"{at}__lt": edges[-1]})
            .annotate(month=month)
            .values_list(person, "month")
            .annotate(n=Count("pk"))
            .values_list(person, "month", "n")
            .order_by()
        )
        acts.extend(
            Act(who, first_days[index], kind, count)
            for who, index, count in rows
            if who is not None and index is not None
        )

    proposals = Proposal.objects.annotate(person=Coalesce("author_person_id", "author__person_id"))
    grouped(KIND_PROPOSAL, proposals, "person", "created_at")
    grouped(KIND_COMMENT, Comment.objects.all(), "author__person_id", "created_at")
    grouped(KIND_SUPPORT, Support.objects.all(), "user__person_id", "created_at")
    attendances = Attendance.objects.annotate(
        person=Coalesce("user__person_id", "registration__user__person_id")
    )
    grouped(KIND_ATTENDANCE, attendances, "person", "meeting__starts_at")
    grouped(KIND_VOTE, Participation.objects.all(), "entry__membership__person_id", "cast_at")
    return acts


@dataclass(frozen=True)
class Dashboard:
    unit: Unit
    months: tuple[str, ...]
    colleges: DimensionFigures
    profiles: DimensionFigures
    antennas: DimensionFigures
    labels: dict[str, dict[str, str]]  # dimension → group key → label


def dashboard(unit: Unit, *, months: int = 12, today: date | None = None) -> Dashboard:
    """Participation of the unit's members over the last ``months`` months (this month included), by
    collège, stakeholder profile and antenna, with the under-represented groups flagged
    (``coopgov.domain.governance.representation``). Acts anywhere in the platform count: the question is
    whether the members of a group are heard at all. A fixed number of queries (two for the register, one
    per kind of act). The page reads a stored copy of these figures (``stored_dashboard``)."""
    buckets = dashboard_months(months, today or timezone.localdate())
    acts = participation_acts(first_days(buckets))
    return dashboard_figures(unit, scope_register(unit), fold_acts(acts, buckets))


def dashboard_months(months: int, today: date) -> list[str]:
    """The month buckets of a dashboard of ``months`` months ending with ``today``'s month."""
    return months_between(_month_start(today, months), today)


def first_days(buckets: Sequence[str]) -> list[date]:
    return [date(int(m[:4]), int(m[5:]), 1) for m in buckets]


def dashboard_figures(unit: Unit, register: Register, activity: Activity) -> Dashboard:
    """The three dimensions of a dashboard from the unit's register and the acts already folded over the
    period (folded once, they serve every unit: the acts do not depend on the unit)."""
    from coopgov.members.models import Profile

    buckets = list(activity.months)
    profile_labels = {p.value: str(p.label) for p in Profile}
    return Dashboard(
        unit=unit,
        months=tuple(buckets),
        colleges=group_participation(register.colleges, activity, buckets, DEFAULT_RULE),
        profiles=group_participation(register.profiles, activity, buckets, DEFAULT_RULE),
        antennas=group_participation(register.antennas, activity, buckets, DEFAULT_RULE),
        labels={
            "colleges": register.college_names,
            "profiles": profile_labels,
            "antennas": register.antenna_names,
        },
    )


@dataclass(frozen=True)
class StoredDashboard:
    """A dashboard read from its snapshot, and when its figures were computed."""

    dashboard: Dashboard
    computed_at: datetime


def stored_dashboard(unit: Unit, *, months: int = 12, today: date | None = None) -> StoredDashboard | None:
    """The snapshot of the unit's dashboard over the last ``months`` months as of this month, or None if
    none was computed this month (``services.dashboard_snapshot_refresh`` computes it). One query."""
    month = _month_start(today or timezone.localdate(), 1)
    snapshot = DashboardSnapshot.objects.filter(unit=unit, month=month, months=months).first()
    if snapshot is None:
        return None
    snapshot.unit = unit  # already loaded: no query
    return StoredDashboard(snapshot_dashboard(snapshot), snapshot.computed_at)


def snapshot_dashboard(snapshot: DashboardSnapshot) -> Dashboard:
    """The dashboard a snapshot holds, with its labels in the active language (no query)."""
    from coopgov.members.models import Profile

    data = snapshot.figures
    rule = UnderRepresentationRule(Fraction(data["rule"]["floor"]), data["rule"]["min_size"])
    months = tuple(data["months"])

    def dimension(raw: Mapping[str, Any]) -> DimensionFigures:
        rows = tuple(
            GroupRow(
                group=row["group"],
                size=row["size"],
                participants=row["participants"],
                acts_by_kind=dict(row["acts_by_kind"]),
                participants_by_month=tuple(row["participants_by_month"]),
                register_share=Fraction(row["register_share"]),
                participant_share=Fraction(row["participant_share"]),
                under_represented=row["under_represented"],
            )
            for row in raw["rows"]
        )
        return DimensionFigures(
            months=months,
            rows=rows,
            members=raw["members"],
            participants=raw["participants"],
            acts_outside_register=raw["acts_outside_register"],
            rule=rule,
        )

    return Dashboard(
        unit=snapshot.unit,
        months=months,
        colleges=dimension(data["colleges"]),
        profiles=dimension(data["profiles"]),
        antennas=dimension(data["antennas"]),
        labels={
            "colleges": {key: college_label(text) for key, text in data["college_texts"].items()},
            "profiles": {p.value: str(p.label) for p in Profile},
            "antennas": dict(data["antenna_names"]),
        },
    )


def snapshot_figures(data: Dashboard, register: Register) -> dict[str, Any]:
    """The JSON a snapshot stores for ``data`` (computed from ``register``): every figure, exact shares as
    "n/d", and the collèges' names in all their languages."""

    def dimension(figures: DimensionFigures) -> dict[str, Any]:
        return {
            "members": figures.members,
            "participants": figures.participants,
            "acts_outside_register": figures.acts_outside_register,
            "rows": [
                {
                    "group": row.group,
                    "size": row.size,
                    "participants": row.participants,
                    "acts_by_kind": dict(row.acts_by_kind),
                    "participants_by_month": list(row.participants_by_month),
                    "register_share": str(row.register_share),
                    "participant_share": str(row.participant_share),
                    "under_represented": row.under_represented,
                }
                for row in figures.rows
            ],
        }

    rule = data.colleges.rule
    return {
        "months": list(data.months),
        "rule": {"floor": str(rule.floor), "min_size": rule.min_size},
        "colleges": dimension(data.colleges),
        "profiles": dimension(data.profiles),
        "antennas": dimension(data.antennas),
        "college_texts": register.college_texts,
        "antenna_names": register.antenna_names,
    }
