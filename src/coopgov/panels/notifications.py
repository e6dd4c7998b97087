"""The notification kinds panels send (texts rendered in each recipient's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopgov.notifications.kinds import register

SELECTED = register(
    "panels.selected",
    _("You have been drawn by lot for the panel “%(panel)s”. Please say whether you will take part."),
)
