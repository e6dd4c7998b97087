"""Writes on the organisation: units and roles (every role granted or revoked is audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.audit.services import audit_record
from coopgov.organisation.models import CommunityMembership, RoleAssignment, Unit


@transaction.atomic
def unit_create(
    *, kind: str, code: str, name: str, parent: Unit | None, names: dict[str, str] | None = None
) -> Unit:
    return Unit.objects.create(kind=kind, code=code, name=name, parent=parent, names=names or {})


@transaction.atomic
def role_grant(*, user: Any, unit: Unit, role: str, actor: Any) -> RoleAssignment:
    """Give ``user`` the ``role`` in ``unit`` (and so in every unit below it)."""
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(
            actor=actor,
            action="role.granted",
            obj=assignment,
            unit=unit,
            after={"user": user.email, "role": role, "unit": unit.code},
        )
    user.__dict__.pop("_coopgov_roles", None)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Any) -> None:
    audit_record(
        actor=actor,
        action="role.revoked",
        obj=assignment,
        unit=assignment.unit,
        before={"user": assignment.user.email, "role": assignment.role, "unit": assignment.unit.code},
    )
    assignment.delete()


class CommunityRefused(Exception):
    """A join or leave the rules do not allow; the message says why, for the person who tried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _community_locked(community: Unit) -> Unit:
    # Locking the community row serialises joins and leaves of one community, so a double click cannot
    # open two memberships (the partial unique constraint is the last line of defence).
    locked = Unit.objects.select_for_update().get(pk=community.pk)
    if locked.kind != Unit.Kind.COMMUNITY:
        raise CommunityRefused(
            "not_a_community", _("%(unit)s is not a thematic community.") % {"unit": locked}
        )
    return locked


@transaction.atomic
def community_join(
    *, community: Unit, person: Any, actor: Any, at: datetime | None = None
) -> CommunityMembership:
    """Open ``person``'s membership of ``community`` (a new dated row; the earlier ones stay as history)."""
    community = _community_locked(community)
    if CommunityMembership.objects.filter(community=community, person=person, left_at__isnull=True).exists():
        raise CommunityRefused(
            "already_member",
            _("%(person)s is already a member of %(community)s.")
            % {"person": person, "community": community},
        )
    membership = CommunityMembership.objects.create(
        community=community, person=person, joined_at=at or timezone.now()
    )
    audit_record(
        actor=actor,
        action="community.joined",
        obj=membership,
        unit=community,
        after={"person": person.pk, "community": community.code, "joined_at": membership.joined_at},
    )
    return membership


@transaction.atomic
def community_leave(
    *, community: Unit, person: Any, actor: Any, at: datetime | None = None
) -> CommunityMembership:
    """Close ``person``'s open membership of ``community``; the row stays, dated, in the history."""
    community = _community_locked(community)
    membership = (
        CommunityMembership.objects.select_for_update()
        .filter(community=community, person=person, left_at__isnull=True)
        .first()
    )
    if membership is None:
        raise CommunityRefused(
            "not_a_member",
            _("%(person)s is not a member of %(community)s.") % {"person": person, "community": community},
        )
    left_at = at or timezone.now()
    if left_at < membership.joined_at:
        raise CommunityRefused("left_before_joined", _("A membership cannot end before it began."))
    membership.left_at = left_at
    membership.save(update_fields=["left_at"])
    audit_record(
        actor=actor,
        action="community.left",
        obj=membership,
        unit=community,
        before={"person": person.pk, "community": community.code, "joined_at": membership.joined_at},
        after={"left_at": left_at},
    )
    return membership
