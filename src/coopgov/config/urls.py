"""The URL map: pages, accounts, language switch, admin, API."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from coopgov.api.urls import api

# The admin signs in through the site's login, so MFA applies there too.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "coopgov"

urlpatterns = [
    path("", include("coopgov.members.urls")),
    path("register/", include("coopgov.accounts.urls_invitations")),
    path("organisation/", include("coopgov.organisation.urls")),
    path("assemblies/", include("coopgov.decisions.urls")),
    path("processes/", include("coopgov.participation.urls")),
    path("notifications/", include("coopgov.notifications.urls")),
    path("meetings/", include("coopgov.meetings.urls")),
    path("orientations/", include("coopgov.orientations.urls")),
    path("follow-up/", include("coopgov.followup.urls")),
    path("panels/", include("coopgov.panels.urls")),
    path("conversations/", include("coopgov.conversations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/tokens/", include("coopgov.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
