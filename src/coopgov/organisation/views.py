"""The organisation page: how the group, its cooperatives and antennas are governed, open to every member."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
