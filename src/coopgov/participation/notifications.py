"""The notification kinds participation sends (texts rendered in each recipient's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopgov.notifications.kinds import register

PROPOSAL_ADDED = "participation.proposal_added"
COMMENT_ADDED = "participation.comment_added"
REPLY_ADDED = "participation.reply_added"
SUPPORT_MILESTONE = "participation.support_milestone"
AMENDMENT_PROPOSED = "participation.amendment_proposed"
AMENDMENT_ACCEPTED = "participation.amendment_accepted"
AMENDMENT_REJECTED = "participation.amendment_rejected"
HIDDEN = {
    "proposal": "participation.proposal_hidden",
    "comment": "participation.comment_hidden",
    "amendment": "participation.amendment_hidden",
}
PHASE_CHANGED = "participation.phase_changed.%s"
# The calendar (coopgov advance_phases) moved the process on: one kind per kind of phase, like PHASE_CHANGED.
PHASE_ADVANCED = "participation.phase_advanced.%s"

# Supports at which the author and the followers of a proposal hear about it.
SUPPORT_MILESTONES = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)

register(PROPOSAL_ADDED, _("New proposal in “%(process)s”: “%(proposal)s”."))
register(COMMENT_ADDED, _("%(actor)s commented on “%(proposal)s”."))
register(REPLY_ADDED, _("%(actor)s replied to your comment on “%(proposal)s”."))
register(SUPPORT_MILESTONE, _("“%(proposal)s” has reached %(count)s supports."))
register(AMENDMENT_PROPOSED, _("%(actor)s proposed an amendment to “%(proposal)s”."))
register(AMENDMENT_ACCEPTED, _("Your amendment to “%(proposal)s” was accepted."))
register(AMENDMENT_REJECTED, _("Your amendment to “%(proposal)s” was not accepted."))
register(HIDDEN["proposal"], _("A moderator hid your proposal “%(proposal)s”. Reason: %(reason)s"))
register(HIDDEN["comment"], _("A moderator hid your comment on “%(proposal)s”. Reason: %(reason)s"))
register(HIDDEN["amendment"], _("A moderator hid your amendment to “%(proposal)s”. Reason: %(reason)s"))
register(PHASE_CHANGED % "information", _("“%(process)s” is now in its information phase."))
register(
    PHASE_CHANGED % "contribution",
    _("“%(process)s” is now in its contribution phase: you may propose, support and comment."),
)
register(PHASE_CHANGED % "deliberation", _("“%(process)s” is now in its deliberation phase."))
register(PHASE_CHANGED % "decision", _("“%(process)s” is now in its decision phase."))
register(PHASE_CHANGED % "follow_up", _("“%(process)s” is now in its follow-up phase."))
register(
    PHASE_ADVANCED % "information",
    _("“%(process)s” has entered its information phase on the date its calendar set."),
)
register(
    PHASE_ADVANCED % "contribution",
    _("“%(process)s” has entered its contribution phase on the date its calendar set."),
)
register(
    PHASE_ADVANCED % "deliberation",
    _("“%(process)s” has entered its deliberation phase on the date its calendar set."),
)
register(
    PHASE_ADVANCED % "decision",
    _("“%(process)s” has entered its decision phase on the date its calendar set."),
)
register(
    PHASE_ADVANCED % "follow_up",
    _("“%(process)s” has entered its follow-up phase on the date its calendar set."),
)
