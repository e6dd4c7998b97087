"""Notifications (one row per recipient) and each member's delivery preferences."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a member receives notices by e-mail. Every notice is also listed in the app, whatever this is."""

    IMMEDIATE = "immediate", _("one e-mail per notice, right away")
    DAILY = "daily", _("a daily digest")
    WEEKLY = "weekly", _("a weekly digest")
    NONE = "none", _("no e-mail (in the app only)")


# A member with no preference gets a daily digest: one e-mail a day at most, nothing lost.
DEFAULT_DELIVERY = Delivery.DAILY


class Notification(models.Model):
    """A notice to one member. The text is not stored: the kind and its params are, and the text is rendered
    in the recipient's language when shown or e-mailed (see ``kinds``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The target's address, taken when the notice is created: the list page needs no query per target.
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # How this notice goes by e-mail, from the recipient's preference when it was created (and re-routed
    # when the member changes the preference before it is sent).
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            # The header's unread count and the list page (unread first).
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            # The digest run: notices of one delivery not yet sent.
            models.Index(fields=["delivery", "digest_sent_at"], name="notif_delivery_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """A member's delivery for one group of kinds (``group`` empty: every group without its own choice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    group = models.CharField(_("group"), max_length=50, blank=True, default="")
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "group"], name="notif_preference_unique_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.group or '*'}: {self.delivery}"
