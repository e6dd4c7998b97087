"""The Smart in Progress cycle: themes, local groups at work, recommendations addressed to a body, the
body's response and each recommendation's dated status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coopgov.i18n_text import pick
from coopgov.organisation.models import Body, Unit


class Cycle(models.Model):
    """One cycle of Smart in Progress (e.g. 2025–2026), run by a unit (the group or a cooperative)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(_("short name in the address"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    titles = models.JSONField(_("titles by language"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("descriptions by language"), default=dict, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ("-starts_on", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="cycle_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("followup:cycle", args=[self.slug])

    @property
    def display_title(self) -> str:
        return pick(self.titles, self.title)

    @property
    def display_description(self) -> str:
        return pick(self.descriptions, self.description)

    @property
    def permission_unit(self) -> Unit:
        return self.unit


class Theme(models.Model):
    """A theme chosen for the cycle (e.g. "the mutualist economic model")."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="themes")
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    titles = models.JSONField(_("titles by language"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ("order", "pk")
        constraints = [models.UniqueConstraint(fields=["cycle", "code"], name="theme_code_unique")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return pick(self.titles, self.title)


class LocalGroup(models.Model):
    """A group at work on a theme in an antenna or a community, with its secretary and facilitator, and the
    participatory process where it works when there is one."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups")
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("antenna or community"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    secretary = models.CharField(_("secretary"), max_length=200, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    process = models.ForeignKey(
        "participation.Process",
        verbose_name=_("participatory process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("local group")
        verbose_name_plural = _("local groups")
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def permission_unit(self) -> Unit:
        return self.unit


class Status(models.TextChoices):
    """Where a recommendation stands: waiting for the body's answer, then one of the five classes Smart in
    Progress reports (réalisée, en cours, non réalisée, rejetée, reportée — DOMAIN.md §1.7)."""

    SUBMITTED = "submitted", _("Awaiting a response")
    DONE = "done", _("Done")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_DONE = "not_done", _("Not done")
    REJECTED = "rejected", _("Rejected")
    POSTPONED = "postponed", _("Postponed")


# The status a body answers with; "submitted" is the state before any answer.
ANSWERS = [s for s in Status if s != Status.SUBMITTED]


class Stage(models.TextChoices):
    """Where a recommendation stands before the body has it (DOMAIN.md §6.10, ADR 0021): a draft seen by
    staff and its local group, then open for comment by the members of the unit running the cycle, then
    handed in to the body, where the follow-up statuses start. Recorded before this stage existed,
    every recommendation was handed in."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comment")
    SUBMITTED = "submitted", _("Handed in")


class Recommendation(models.Model):
    """A recommendation of the cycle, addressed to a body (board, general assembly…), with its response."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField(_("number"))
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="recommendations"
    )
    group = models.ForeignKey(
        LocalGroup,
        verbose_name=_("local group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    addressed_to = models.ForeignKey(
        Body, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="recommendations"
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(_("titles by language"), default=dict, blank=True)
    text = models.TextField(_("text"))
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.SUBMITTED)
    comment_opened_at = models.DateTimeField(_("opened for comment at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    response = models.TextField(_("response"), blank=True)
    # Empty while the recommendation is a draft or open for comment: the day it is handed in.
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    source_proposal = models.ForeignKey(
        "participation.Proposal",
        verbose_name=_("proposal it came from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ("cycle", "number")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="recommendation_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="recommendation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="recommendation_stage_valid"
            ),
            # Handed in means dated; before that, no body has answered.
            models.CheckConstraint(
                condition=~Q(stage=Stage.SUBMITTED) | Q(submitted_on__isnull=False),
                name="recommendation_handed_in_dated",
            ),
            models.CheckConstraint(
                condition=Q(stage=Stage.SUBMITTED) | Q(status=Status.SUBMITTED),
                name="recommendation_answered_once_handed_in",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="followup_rec_status_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("followup:recommendation", args=[self.cycle.slug, self.number])

    # The original text counts as the version in the recommendation's language (ADR 0003): a reader of
    # that language sees it even when translations into other languages exist.
    @property
    def display_title(self) -> str:
        return pick({self.language: self.title, **self.titles}, self.title)

    @property
    def display_text(self) -> str:
        return pick({self.language: self.text, **self.texts}, self.text)

    @property
    def permission_unit(self) -> Unit:
        """The unit of the body it is addressed to: staff and board there answer it."""
        return self.addressed_to.unit

    @property
    def is_handed_in(self) -> bool:
        return self.stage == Stage.SUBMITTED

    @property
    def is_open_for_comment(self) -> bool:
        return self.stage == Stage.OPEN


class RecommendationComment(models.Model):
    """A member's comment on a recommendation open for comment, shown with the author's name; a moderator
    may hide it with a reason the author reads. Comments stop when the recommendation is handed in."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        verbose_name = _("comment on a recommendation")
        verbose_name_plural = _("comments on recommendations")
        ordering = ("created_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""), name="hidden_comment_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id} → {self.recommendation_id}"

    @property
    def permission_unit(self) -> Unit:
        """The unit running the cycle: its moderators and staff moderate the comments."""
        return self.recommendation.cycle.unit


class StatusChange(models.Model):
    """One dated change of a recommendation's status, with the response given then (append-only)."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    on = models.DateField(_("date"))
    response = models.TextField(_("response"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ("on", "pk")

    def __str__(self) -> str:
        return f"{self.on} {self.from_status} → {self.to_status}"


class RecommendationFollow(models.Model):
    """An account following a recommendation: told of each change of its status."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "user"], name="one_follow_per_recommendation")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.recommendation_id}"


class DashboardSnapshot(models.Model):
    """The figures of one unit's "who is heard" dashboard over the ``months`` months ending with ``month``,
    as computed at ``computed_at`` (ADR 0011). A stored copy, not a record: the dashboard page reads it
    instead of folding a year of acts on every request; ``coopgov refresh_dashboards`` rewrites it."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("last month shown"))  # its first day
    months = models.PositiveSmallIntegerField(_("months shown"))
    computed_at = models.DateTimeField(_("computed at"))
    # Figures of the three dimensions (shares as exact "n/d" fractions) and the raw names of the groups,
    # so the labels are picked in the reader's language (coopgov.followup.selectors.snapshot_figures).
    figures = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "months"], name="one_snapshot_per_unit_month"),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=36), name="snapshot_months_1_36"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} ({self.months})"
