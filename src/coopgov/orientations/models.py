"""The rise of orientations: what was bundled into a parent-level proposal (its provenance), and which
duplicates were merged into which proposal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopgov.organisation.models import Unit


class RollupSource(models.Model):
    """One local item — a proposal or a meeting contribution — bundled into a proposal of a higher unit.

    ``unit`` is where the item came from (the local proposal's process unit, the meeting's antenna),
    kept at roll-up time. ``supports_at_rollup`` is the count of distinct supporters when it was bundled;
    pages and the API show the live count beside it.
    """

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        CONTRIBUTION = "contribution", _("Meeting contribution")

    parent = models.ForeignKey(
        "participation.Proposal",
        verbose_name=_("orientation"),
        on_delete=models.CASCADE,
        related_name="rollup_sources",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    proposal = models.ForeignKey(
        "participation.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rolled_up_into",
    )
    contribution = models.ForeignKey(
        "meetings.Contribution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rolled_up_into",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    supports_at_rollup = models.PositiveIntegerField(_("supports when rolled up"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roll-up source")
        verbose_name_plural = _("roll-up sources")
        ordering = ("added_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="proposal") & Q(proposal__isnull=False) & Q(contribution__isnull=True))
                | (Q(kind="contribution") & Q(contribution__isnull=False) & Q(proposal__isnull=True)),
                name="rollup_source_one_item",
            ),
            models.UniqueConstraint(
                fields=["parent", "proposal"], condition=Q(kind="proposal"), name="rollup_proposal_once"
            ),
            models.UniqueConstraint(
                fields=["parent", "contribution"],
                condition=Q(kind="contribution"),
                name="rollup_contribution_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.parent_id}"


class Merge(models.Model):
    """A duplicate merged into the proposal kept; the score is the text similarity that suggested it."""

    kept = models.ForeignKey(
        "participation.Proposal", on_delete=models.CASCADE, related_name="merges_received"
    )
    merged = models.OneToOneField(
        "participation.Proposal", on_delete=models.CASCADE, related_name="merge_record"
    )
    score = models.FloatField(_("similarity"), null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ("merged_at", "id")
        constraints = [
            models.CheckConstraint(condition=~Q(kept=models.F("merged")), name="merge_not_into_itself")
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class DismissedDuplicate(models.Model):
    """A suggested pair a relay or staff member judged not to be duplicates; no longer suggested."""

    first = models.ForeignKey("participation.Proposal", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("participation.Proposal", on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="dismissed_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="dismissed_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class DuplicateSuggestion(models.Model):
    """A pair of proposals of two units below ``scope`` whose texts are alike, as last computed by
    ``services.duplicate_suggestions_refresh`` when a proposal was written, edited or translated. Stored
    so the page of suggested duplicates reads rows instead of comparing every text on each view; dismissed
    pairs, merged or withdrawn proposals are left out when read."""

    scope = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey("participation.Proposal", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("participation.Proposal", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarity"))
    language = models.CharField(_("compared in"), max_length=8)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("suggested duplicate")
        verbose_name_plural = _("suggested duplicates")
        constraints = [
            models.UniqueConstraint(fields=["scope", "first", "second"], name="suggested_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="suggested_pair_ordered"),
        ]
        indexes = [models.Index(fields=["scope", "-score"], name="suggestion_scope_score")]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.2f})"
