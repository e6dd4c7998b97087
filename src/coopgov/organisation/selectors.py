"""Reads on the organisation: units, and which roles a user holds where."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from coopgov.organisation.models import RoleAssignment, Unit


def user_role_units(user: Any) -> list[tuple[str, Unit]]:
    """Every (role, unit) the user holds directly, cached on the user object for the request."""
    cached = getattr(user, "_coopgov_roles", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            cached = []
        else:
            cached = [
                (ra.role, ra.unit) for ra in RoleAssignment.objects.filter(user=user).select_related("unit")
            ]
        user._coopgov_roles = cached
    return cached


def user_holds_role_anywhere(user: Any, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(role in wanted for role, _unit in user_role_units(user))


def user_has_role_in(user: Any, role: str, unit: Unit | None) -> bool:
    """True if the user holds ``role`` in ``unit`` or in any unit above it (roles inherit downward)."""
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    for held_role, held_unit in user_role_units(user):
        if held_role == role and unit.path.startswith(held_unit.path):
            return True
    return False


def units_where(user: Any, role: str) -> QuerySet[Unit]:
    """Every unit in which the user holds ``role``, directly or by inheritance."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.all()
    paths = [u.path for r, u in user_role_units(user) if r == role]
    if not paths:
        return Unit.objects.none()
    from django.db.models import Q

    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return Unit.objects.filter(query)


def cooperatives() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=Unit.Kind.COOPERATIVE).select_related("profile").order_by("code")


def cooperative_by_code(code: str) -> Unit:
    return Unit.objects.select_related("profile").get(kind=Unit.Kind.COOPERATIVE, code=code)


def antennas_of(cooperative: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(kind=Unit.Kind.ANTENNA, path__startswith=cooperative.path).order_by("name")


def organisation_overview() -> dict[str, Any]:
    """The whole tree for the public organisation page: units, legal profiles, bodies, current mandates.

    A fixed number of queries whatever the size of the tree; member counts per antenna come from one
    aggregate over admitted memberships.
    """
    from django.db.models import Count, Prefetch, Q
    from django.utils import timezone

    from coopgov.members.models import Membership
    from coopgov.organisation.models import Body, Mandate, StatutesVersion

    today = timezone.localdate()
    current = Mandate.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)
    units = list(
        Unit.objects.select_related("profile")
        .prefetch_related(
            Prefetch(
                "bodies",
                queryset=Body.objects.prefetch_related(
                    Prefetch("mandates", queryset=current.select_related("person").order_by("starts_on"))
                ),
            ),
            Prefetch("statutes_versions", queryset=StatutesVersion.objects.order_by("-adopted_on")),
        )
        .order_by("path")
    )
    members_by_antenna = dict(
        Membership.objects.filter(status="admitted")
        .values("person__home_antenna")
        .annotate(n=Count("id"))
        .values_list("person__home_antenna", "n")
    )
    members_by_coop = dict(
        Membership.objects.filter(status="admitted")
        .values("cooperative")
        .annotate(n=Count("id"))
        .values_list("cooperative", "n")
    )
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
        unit.admitted_members = members_by_coop.get(unit.pk) or members_by_antenna.get(unit.pk, 0)  # type: ignore[attr-defined]
    groups = children.get(None, [])
    return {"groups": groups, "children": children}


def communities_with_counts() -> list[Unit]:
    """Every thematic community with ``current_members`` (open memberships) — two queries in all."""
    from django.db.models import Count, Q

    return list(
        Unit.objects.filter(kind=Unit.Kind.COMMUNITY)
        .annotate(
            current_members=Count(
                "community_memberships", filter=Q(community_memberships__left_at__isnull=True)
            )
        )
        .select_related("parent")
        .order_by("name")
    )


def community_by_code(code: str) -> Unit:
    return Unit.objects.get(kind=Unit.Kind.COMMUNITY, code=code)


def community_member_count(community: Unit) -> int:
    from coopgov.organisation.models import CommunityMembership

    return CommunityMembership.objects.filter(community=community, left_at__isnull=True).count()


def community_history(community: Unit, person: Any) -> list[Any]:
    """The person's dated memberships of the community, oldest first."""
    from coopgov.organisation.models import CommunityMembership

    if person is None:
        return []
    return list(CommunityMembership.objects.filter(community=community, person=person).order_by("joined_at"))


def is_community_member(community: Unit, person: Any) -> bool:
    from coopgov.organisation.models import CommunityMembership

    if person is None:
        return False
    return CommunityMembership.objects.filter(
        community=community, person=person, left_at__isnull=True
    ).exists()


def community_members(community: Unit) -> list[Any]:
    """The open memberships of the community with their persons, for staff (one query)."""
    from coopgov.organisation.models import CommunityMembership

    return list(
        CommunityMembership.objects.filter(community=community, left_at__isnull=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def community_processes(community: Unit) -> list[Any]:
    """The participatory processes held by the community itself (its own space), newest first."""
    from django.apps import apps

    # The participation app is installed in every configuration; looked up by name so that the
    # organisation (a lower layer) does not import it.
    process_model = apps.get_model("participation", "Process")
    return list(process_model.objects.filter(unit=community).order_by("-pk"))
