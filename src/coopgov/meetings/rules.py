"""Permissions of meetings: the antenna's relays and the staff above them run a meeting; anyone present
contributes; registering needs no account. Tested over role × unit level in tests/meetings."""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.rules import is_relay_here, is_staff_here


@rules.predicate
def is_attendee(user: Any, meeting: Any = None) -> bool:
    """The user was recorded present at the meeting (by a relay)."""
    if meeting is None or not getattr(user, "is_authenticated", False) or not hasattr(meeting, "attendances"):
        return False
    return bool(meeting.attendances.filter(user_id=user.pk).exists())


# The object is a meeting (its antenna) or, to create one, the antenna.
runs_meeting = is_relay_here | is_staff_here
rules.add_perm("meetings.manage_meeting", runs_meeting)
rules.add_perm("meetings.record_attendance", runs_meeting)
rules.add_perm("meetings.enter_on_behalf", runs_meeting)
rules.add_perm("meetings.publish_minutes", runs_meeting)
rules.add_perm("meetings.view_registrations", runs_meeting)
rules.add_perm("meetings.contribute", is_attendee | runs_meeting)
