"""The unit tree, each cooperative's legal profile and statutes, bodies, mandates and scoped roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopgov.i18n_text import pick


class Unit(models.Model):
    """A node of the organisation: the group, a national cooperative, an antenna, or a community.

    ``path`` is the materialised path of primary keys ("/1/4/9/"), so "all units under X" and
    "all ancestors of Y" are one indexed query each.
    """

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        COOPERATIVE = "cooperative", _("National cooperative")
        ANTENNA = "antenna", _("Antenna")
        COMMUNITY = "community", _("Thematic community")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Communities only: besides admitted members, the stakeholders in the register (candidates, clients,
    # partners, mutualised staff without an admitted membership) may join (ADR 0020).
    open_to_stakeholders = models.BooleanField(
        _("open to the stakeholders in the register"),
        default=False,
        help_text=_(
            "Thematic communities only: candidates, clients, partners and mutualised staff known to the "
            "register may join, not only admitted members."
        ),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ("path",)

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if path != self.path:
            self.path = path
            Unit.objects.filter(pk=self.pk).update(path=path)

    @property
    def display_name(self) -> str:
        return pick(self.names, self.name)

    def ancestor_ids(self) -> list[int]:
        """This unit and every unit above it, nearest first."""
        return [int(p) for p in reversed(self.path.strip("/").split("/")) if p]

    def cooperative(self) -> Unit | None:
        """The national cooperative this unit belongs to (itself if it is one)."""
        if self.kind == Unit.Kind.COOPERATIVE:
            return self
        return Unit.objects.filter(pk__in=self.ancestor_ids(), kind=Unit.Kind.COOPERATIVE).first()


class CooperativeProfile(models.Model):
    """The legal profile of a national cooperative, and the statutory rules the register applies."""

    class LegalForm(models.TextChoices):
        BE_SC = "be_sc", _("Belgian cooperative company (SC)")
        FR_SCIC_SA = "fr_scic_sa", _("French SCIC (SA)")
        FR_SCIC_SAS = "fr_scic_sas", _("French SCIC (SAS)")
        FR_SCOP = "fr_scop", _("French SCOP")

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="profile")
    country = models.CharField(_("country"), max_length=2)
    legal_form = models.CharField(_("legal form"), max_length=16, choices=LegalForm.choices)
    approvals = models.JSONField(_("approvals"), default=list, blank=True)
    financial_year_start_month = models.PositiveSmallIntegerField(
        _("financial year starts in month"), default=1
    )
    resignation_window_months = models.PositiveSmallIntegerField(
        _("resignations accepted during the first N months of the financial year"), null=True, blank=True
    )
    partial_resignation_allowed = models.BooleanField(_("partial resignation allowed"), default=False)
    capital_floor_ratio = models.CharField(
        _("capital floor as a fraction of the highest capital (e.g. 1/4)"), max_length=16, blank=True
    )
    capital_floor_eur = models.DecimalField(
        _("statutory capital floor (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    vote_cap_ratio = models.CharField(
        _("per-person cap on votes present or represented (e.g. 1/10)"), max_length=16, blank=True
    )
    uses_colleges = models.BooleanField(_("votes weighted by collège"), default=False)

    class Meta:
        verbose_name = _("cooperative profile")
        verbose_name_plural = _("cooperative profiles")

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_legal_form_display()})"


class StatutesVersion(models.Model):
    """A dated version of a cooperative's statutes."""

    cooperative = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="statutes_versions")
    adopted_on = models.DateField(_("adopted on"))
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference (publication, deed)"), max_length=300, blank=True)

    class Meta:
        ordering = ("-adopted_on",)
        verbose_name = _("statutes version")
        verbose_name_plural = _("statutes versions")

    def __str__(self) -> str:
        return f"{self.title} ({self.adopted_on})"


class Body(models.Model):
    """A governing body of a unit: general assembly, board, local committee, working group."""

    class Kind(models.TextChoices):
        GENERAL_ASSEMBLY = "general_assembly", _("General assembly")
        BOARD = "board", _("Board of directors")
        LOCAL_COMMITTEE = "local_committee", _("Local committee")
        WORKING_GROUP = "working_group", _("Working group")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    """A person's seat in a body, with how and when they were appointed."""

    class Appointment(models.TextChoices):
        ELECTED = "elected", _("Elected")
        COOPTED = "coopted", _("Co-opted, pending ratification")
        EX_OFFICIO = "ex_officio", _("Ex officio")

    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="mandates")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mandates")
    role = models.CharField(_("role"), max_length=100, default="member")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    appointed_how = models.CharField(_("appointed"), max_length=16, choices=Appointment.choices)
    ratified_on = models.DateField(_("ratified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="mandate_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.body} ({self.role})"


class Role(models.TextChoices):
    STAFF = "staff", _("Cooperative-life staff")
    RELAY = "relay", _("Relay")
    BOARD = "board", _("Board member")
    MODERATOR = "moderator", _("Moderator")


class RoleAssignment(models.Model):
    """A role held by an account in a unit; it applies to that unit and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="one_role_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit}"


class CommunityMembership(models.Model):
    """A person's membership of a thematic community, from the day they joined to the day they left.

    Leaving closes the row (``left_at``); joining again opens a new one, so the rows are the dated history.
    At most one open row per person and community (a partial unique constraint).
    """

    community = models.ForeignKey(
        Unit,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="community_memberships",
        limit_choices_to={"kind": Unit.Kind.COMMUNITY},
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="communities"
    )
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("community membership")
        verbose_name_plural = _("community memberships")
        ordering = ("joined_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "person"],
                condition=Q(left_at__isnull=True),
                name="one_open_community_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="community_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["community", "left_at"], name="community_open_idx")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.community}"

    @property
    def permission_unit(self) -> Unit:
        return self.community
