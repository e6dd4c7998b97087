"""Who may see and mark a notice: its recipient, nobody else (permission table)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from coopgov.notifications import services
from coopgov.notifications.models import Notification


@pytest.mark.parametrize("perm", ["notifications.view_notification", "notifications.read_notification"])
@pytest.mark.parametrize(("who", "allowed"), [("anne", True), ("bram", False), ("anonymous", False)])
def test_only_the_recipient_holds_the_permissions(perm, who, allowed, anne, bram):
    services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    user = {"anne": anne, "bram": bram, "anonymous": AnonymousUser()}[who]
    assert user.has_perm(perm, notice) is allowed
