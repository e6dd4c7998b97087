"""Permissions of the rise of orientations. The object is the unit an item comes from (or the item).

Roll-up: a relay or staff member may bundle items of the units where their role reaches — so the relays
and staff of the parent unit bundle any antenna's items (roles inherit downward), and an antenna's relay
sends up the items of their own antenna only. Merging duplicates needs the role over both proposals.
"""

from __future__ import annotations

import rules

from coopgov.organisation.rules import is_relay_here, is_staff_here

rules.add_perm("orientations.roll_up", is_relay_here | is_staff_here)
rules.add_perm("orientations.merge_duplicates", is_relay_here | is_staff_here)
rules.add_perm("orientations.view_duplicates", is_relay_here | is_staff_here)
