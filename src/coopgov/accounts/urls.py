"""Account pages of coopgov (beside allauth's): one's personal API tokens."""

from __future__ import annotations

from django.urls import path

from coopgov.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.token_list, name="tokens"),
    path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
