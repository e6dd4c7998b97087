"""Invitation pages under the register (/register/<code>/…), beside the register's own pages."""

from __future__ import annotations

from django.urls import path

from coopgov.accounts import views_invitations

app_name = "invitations"

urlpatterns = [
    path("<str:code>/invitations/", views_invitations.invite_members, name="cooperative"),
    path("<str:code>/<int:number>/invitation/", views_invitations.invite_member, name="member"),
]
