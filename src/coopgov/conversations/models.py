"""Opinion conversations: a question put to the members of a unit, short statements they react to
(agree, disagree, pass), and the opinion maps computed from the reactions (docs/methods/opinion-polis.md,
docs/adr/0016-opinion-conversations.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.organisation.models import Unit

STATEMENT_MAX_LENGTH = 280


class Conversation(models.Model):
    """A question put to the admitted members of ``unit`` (see ``selectors.in_scope``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="conversations"
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    members_may_submit = models.BooleanField(_("members may submit statements"), default=True)
    moderate_first = models.BooleanField(_("statements are moderated before they are shown"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When a map refresh was last queued: one reaction a minute queues one (services.reaction_cast).
    map_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="conversation_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.slug])

    @property
    def permission_unit(self) -> Unit:
        return self.unit

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Statement(models.Model):
    """A short statement members react to: a seed written by staff, or one a member submitted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="statements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    is_seed = models.BooleanField(_("seed statement"), default=False)
    rejection_reason = models.TextField(_("why it was rejected"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(condition=GreaterThan(Length("text"), 0), name="statement_text_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), STATEMENT_MAX_LENGTH),
                name="statement_text_at_most_280",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected", rejection_reason=""),
                name="statement_rejected_with_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "status"], name="statement_conv_status_idx")]

    def __str__(self) -> str:
        return self.text


class Reaction(models.Model):
    """One member's reaction to one statement: agree (1), disagree (-1) or pass (0). A member who
    changes their mind updates the row; there is never a second one."""

    class Vote(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    vote = models.SmallIntegerField(_("reaction"), choices=Vote.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "user"], name="one_reaction_per_member_and_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(vote__in=(-1, 0, 1)), name="reaction_vote_is_1_0_or_minus_1"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "statement"], name="reaction_user_statement_idx"),
            # "Reactions since the last map" and "the last reaction" probe each statement's range, not
            # every reaction of the conversation (0.9 s at 800,000 reactions without it).
            models.Index(fields=["statement", "updated_at"], name="reaction_statement_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.statement_id}: {self.vote}"


class MapSnapshot(models.Model):
    """The opinion map of a conversation as computed at ``computed_at``, with what the pages show
    (``result``, see ``services.map_refresh``). Pages read the latest."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="snapshots")
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    participants = models.PositiveIntegerField(_("participants"))
    statements = models.PositiveIntegerField(_("statements"))
    votes = models.PositiveIntegerField(_("reactions"))
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")
        ordering = ("-computed_at", "-id")
        indexes = [models.Index(fields=["conversation", "-computed_at"], name="snapshot_conv_computed_idx")]

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
