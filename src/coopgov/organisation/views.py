"""The organisation page (how the group, its cooperatives and antennas are governed, open to every member)
and the thematic communities (list, page, join and leave)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.organisation import selectors, services
from coopgov.organisation.models import CommunityMembership, Unit
from coopgov.organisation.selectors import organisation_overview, user_role_units


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    data = organisation_overview()
    tree = [
        {
            "unit": group,
            "cooperatives": [
                {"unit": coop, "antennas": data["children"].get(coop.pk, [])}
                for coop in data["children"].get(group.pk, [])
                if coop.kind == "cooperative"
            ],
            "communities": [u for u in data["children"].get(group.pk, []) if u.kind == "community"],
        }
        for group in data["groups"]
    ]
    return render(
        request, "organisation/overview.html", {"tree": tree, "my_roles": user_role_units(request.user)}
    )


def _community(code: str) -> Unit:
    try:
        return selectors.community_by_code(code)
    except Unit.DoesNotExist as missing:
        raise Http404(_("No thematic community has the code %(code)s.") % {"code": code}) from missing


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    person_id = getattr(request.user, "person_id", None)
    mine = set(
        CommunityMembership.objects.filter(person_id=person_id, left_at__isnull=True).values_list(
            "community_id", flat=True
        )
        if person_id is not None
        else []
    )
    return render(
        request,
        "organisation/communities.html",
        {"communities": selectors.communities_with_counts(), "mine": mine},
    )


@login_required
def community_detail(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(code)
    person = getattr(request.user, "person", None)
    can_manage = request.user.has_perm("communities.manage", community)
    context = {
        "community": community,
        "member_count": selectors.community_member_count(community),
        "is_member": selectors.is_community_member(community, person),
        "history": selectors.community_history(community, person),
        "can_join": request.user.has_perm("communities.join", community),
        "can_manage": can_manage,
        "members": selectors.community_members(community) if can_manage else None,
        "processes": selectors.community_processes(community),
    }
    return render(request, "organisation/community.html", context)


@login_required
@require_POST
def community_join(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(code)
    if not request.user.has_perm("communities.join", community):
        raise PermissionDenied
    try:
        services.community_join(community=community, person=request.user.person, actor=request.user)  # type: ignore[union-attr]
        messages.success(request, _("You have joined %(community)s.") % {"community": community.display_name})
    except services.CommunityRefused as refused:
        messages.error(request, refused.message)
    return redirect("organisation:community", code=community.code)


@login_required
@require_POST
def community_leave(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(code)
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    try:
        services.community_leave(community=community, person=person, actor=request.user)
        messages.success(request, _("You have left %(community)s.") % {"community": community.display_name})
    except services.CommunityRefused as refused:
        messages.error(request, refused.message)
    return redirect("organisation:community", code=community.code)


@login_required
@require_POST
def community_remove(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    community = _community(code)
    if not request.user.has_perm("communities.manage", community):
        raise PermissionDenied
    membership = (
        CommunityMembership.objects.filter(pk=membership_id, community=community, left_at__isnull=True)
        .select_related("person")
        .first()
    )
    if membership is None:
        messages.error(request, _("This membership is already closed."))
    else:
        services.community_leave(community=community, person=membership.person, actor=request.user)
        messages.success(
            request, _("%(person)s no longer belongs to the community.") % {"person": membership.person}
        )
    return redirect("organisation:community", code=community.code)
