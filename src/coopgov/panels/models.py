"""Member panels drawn by lot from the register: the draw as requested and as carried out, and each pool
member's selection probability (docs/methods/sortition-leximin.md, docs/adr/0015-member-panels.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.members.models import Person
from coopgov.organisation.models import Unit

# The register's facts a quota can be set on, in the order the pages show them.
FEATURES = {
    "cooperative": _("Cooperative"),
    "antenna": _("Home antenna"),
    "college": _("Collège"),
    "profile": _("Profile"),
    "language": _("Language"),
}


class Draw(models.Model):
    """A panel of ``panel_size`` members drawn from the admitted members of ``unit`` under quotas.

    The seed is recorded before the draw, so anyone can replay it with ``coopgov sortition`` on the
    pool and quotas it used (the pool is kept as the candidates with their features).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Being drawn")
        DRAWN = "drawn", _("Drawn")
        FAILED = "failed", _("Could not be drawn")

    class Algorithm(models.TextChoices):
        LEXIMIN = "leximin", _("LEXIMIN: the fairest selection probabilities")
        LEGACY = "legacy", _("Legacy greedy (probabilities estimated)")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="panel_draws"
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("what the panel is for"), blank=True)
    panel_size = models.PositiveIntegerField(_("panel size"))
    algorithm = models.CharField(_("algorithm"), max_length=8, choices=Algorithm.choices)
    seed = models.PositiveBigIntegerField(_("seed"))
    features = models.JSONField(_("features with quotas"), default=list)
    quotas = models.JSONField(_("quotas"), default=list)  # [{"feature", "value", "min", "max"}]
    separate_households = models.BooleanField(_("never two members at the same address"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    error = models.TextField(_("why it could not be drawn"), blank=True)
    pool_size = models.PositiveIntegerField(_("members in the pool"), null=True, blank=True)
    min_probability = models.FloatField(_("lowest selection probability"), null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel draw")
        verbose_name_plural = _("panel draws")
        ordering = ("-requested_at", "-id")
        constraints = [
            models.CheckConstraint(condition=models.Q(panel_size__gte=1), name="panel_size_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("panels:draw", args=[self.pk])

    @property
    def permission_unit(self) -> Unit:
        return self.unit


class Response(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Candidate(models.Model):
    """One member of a draw's pool: the features the quotas saw, the probability of being selected, whether
    the draw selected them, and a selected member's answer."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    features = models.JSONField(default=dict)
    probability = models.FloatField(_("selection probability"))
    selected = models.BooleanField(_("selected"), default=False)
    # A selected member's answer to the invitation to sit on the panel ("" until they answer).
    response = models.CharField(_("response"), max_length=8, choices=Response.choices, blank=True, default="")
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")
        constraints = [
            models.UniqueConstraint(fields=["draw", "person"], name="one_candidacy_per_draw"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0) & models.Q(probability__lte=1),
                name="probability_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(selected=True) | models.Q(response=""), name="only_the_selected_answer"
            ),
        ]
        indexes = [models.Index(fields=["draw", "selected"], name="candidate_draw_selected_idx")]

    def __str__(self) -> str:
        return f"{self.draw_id}: {self.person_id}"
