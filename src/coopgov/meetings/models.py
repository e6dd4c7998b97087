"""Meetings of an antenna (bilans participatifs): agenda, registrations (with or without an account),
attendance, contributions (some entered by a relay on someone's behalf) and minutes."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coopgov.organisation.models import Unit


def user_label(user: Any) -> str:
    """How an account is named on pages: its person's name, else its e-mail address."""
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.display_name if person is not None else user.email


class Meeting(models.Model):
    """A bilan participatif held by an antenna, attached to a participatory process."""

    process = models.ForeignKey(
        "participation.Process", verbose_name=_("process"), on_delete=models.PROTECT, related_name="meetings"
    )
    antenna = models.ForeignKey(Unit, verbose_name=_("antenna"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("-starts_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="meeting_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def permission_unit(self) -> Unit:
        return self.antenna


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ("order", "id")
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agenda_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Registration(models.Model):
    """A seat asked for: by a member with an account, or by a guest (name + e-mail, no account).

    ``token`` is the secret of the cancellation link sent by e-mail.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=Q(status="registered"),
                name="one_active_registration_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.meeting}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None


class Attendance(models.Model):
    """Someone present, recorded by a relay: a registered person or a walk-in (name only)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """Something said or written at a meeting, on an agenda item.

    Written by a participant (``author``), or entered by a relay (``entered_by``) on behalf of a
    participant (``attendance``) or of the whole room; the page shows "entered by relay X for Y".
    """

    class For(models.TextChoices):
        SELF = "self", _("Themselves")
        PARTICIPANT = "participant", _("A participant")
        ROOM = "room", _("The room")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    on_behalf = models.CharField(_("on behalf of"), max_length=12, choices=For.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance = models.ForeignKey(
        Attendance, null=True, blank=True, on_delete=models.PROTECT, related_name="contributions"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(on_behalf="self") & Q(entered_by__isnull=True) & Q(author__isnull=False))
                | (Q(on_behalf="participant") & Q(entered_by__isnull=False) & Q(attendance__isnull=False))
                | (Q(on_behalf="room") & Q(entered_by__isnull=False) & Q(attendance__isnull=True)),
                name="contribution_behalf_consistent",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.meeting_id]) + f"#contribution-{self.pk}"

    @property
    def permission_unit(self) -> Unit:
        return self.meeting.antenna

    @property
    def entered_by_label(self) -> str:
        return user_label(self.entered_by)

    @property
    def for_label(self) -> str:
        """Whom the contribution speaks for: the participant's name, the room, or its author."""
        if self.on_behalf == self.For.ROOM:
            return str(_("the room"))
        if self.on_behalf == self.For.PARTICIPANT and self.attendance is not None:
            return self.attendance.name
        return user_label(self.author)

    @property
    def title(self) -> str:
        """A short title for lists of sources (the first words of the text)."""
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first if len(first) <= 80 else first[:79] + "…"


class Minutes(models.Model):
    """The minutes of a meeting, published on the process page once ``published_at`` is set."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting}"


class MinutesAttachment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="meetings/minutes/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("uploaded_at", "id")

    def __str__(self) -> str:
        return self.title
