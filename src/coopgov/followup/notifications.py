"""The notification kinds the follow-up sends (texts rendered in each recipient's language).

One kind per status a body may answer with, so that the status itself is translated for each recipient
(a parameter would be stored in the sender's language).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopgov.notifications.kinds import register

STATUS_KINDS = {
    "done": register("followup.done", _("The recommendation “%(recommendation)s” has been carried out.")),
    "in_progress": register(
        "followup.in_progress", _("The recommendation “%(recommendation)s” is being carried out.")
    ),
    "not_done": register(
        "followup.not_done", _("The recommendation “%(recommendation)s” has not been carried out.")
    ),
    "rejected": register(
        "followup.rejected", _("The recommendation “%(recommendation)s” has been rejected.")
    ),
    "postponed": register(
        "followup.postponed", _("The recommendation “%(recommendation)s” has been postponed.")
    ),
}

# The stages before the body answers (ADR 0021).
OPENED_KIND = "followup.open_for_comment"
HANDED_IN_KIND = "followup.handed_in"
COMMENT_HIDDEN_KIND = "followup.comment_hidden"
register(OPENED_KIND, _("The recommendation “%(recommendation)s” is open for comment."))
register(HANDED_IN_KIND, _("The recommendation “%(recommendation)s” has been handed in to its body."))
register(
    COMMENT_HIDDEN_KIND,
    _("A moderator hid your comment on the recommendation “%(recommendation)s”: %(reason)s"),
)
