"""The notification kinds meetings send (texts rendered in each recipient's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopgov.notifications.kinds import register

REGISTERED = register(
    "meetings.registered", _("You are registered for the meeting “%(meeting)s” on %(when)s.")
)
MINUTES_PUBLISHED = register(
    "meetings.minutes_published", _("The minutes of the meeting “%(meeting)s” have been published.")
)
