"""The notification kinds of the rise of orientations (texts rendered in each recipient's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopgov.notifications.kinds import register

ROLLED_UP = register(
    "orientations.rolled_up",
    _(
        "Your contribution “%(source)s” has been taken up into “%(orientation)s” at %(unit)s. "
        "You now follow it."
    ),
)
MERGED = register(
    "orientations.merged",
    _("Your proposal “%(source)s” was merged into the similar “%(orientation)s”, which you now follow."),
)
