"""The register: persons, memberships, categories/collèges, share classes, the share ledger, policies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopgov.audit.models import AppendOnlyError
from coopgov.domain.governance.membership import Status
from coopgov.i18n_text import pick
from coopgov.members.labels import MOVEMENT_LABELS, REQUIREMENT_LABELS, STATUS_LABELS
from coopgov.organisation.models import Unit


class Profile(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("Worker-entrepreneur")
    STAFF = "staff", _("Mutualised staff")
    CLIENT = "client", _("Client (donneur d'ordre)")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class Person(models.Model):
    """A natural or legal person known to the register."""

    class Kind(models.TextChoices):
        NATURAL = "natural", _("Natural person")
        LEGAL = "legal", _("Legal person")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NATURAL)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    representative = models.CharField(_("representative (legal persons)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    home_antenna = models.ForeignKey(
        Unit,
        verbose_name=_("home antenna"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    profiles = models.JSONField(_("stakeholder profiles"), default=list)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="natural", last_name__gt="") | Q(kind="legal", legal_name__gt=""),
                name="person_has_a_name",
            )
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="person_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == Person.Kind.LEGAL:
            return self.legal_name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def permission_unit(self) -> Unit | None:
        return self.home_antenna


class Category(models.Model):
    """A category of members of one cooperative (BE: A, B…; FR SCIC: a collège with its weight)."""

    cooperative = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    college_weight = models.DecimalField(
        _("collège weight (share of the votes)"), max_digits=5, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["cooperative", "code"], name="category_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} — {self.display_name}"

    @property
    def display_name(self) -> str:
        return pick(self.names, self.name)


class ShareClass(models.Model):
    cooperative = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="share_classes")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    nominal_eur = models.DecimalField(_("nominal value (€)"), max_digits=10, decimal_places=2, default=30)
    is_default = models.BooleanField(_("default class"), default=False)

    class Meta:
        verbose_name = _("share class")
        verbose_name_plural = _("share classes")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="share_class_code_unique"),
            models.CheckConstraint(condition=Q(nominal_eur__gt=0), name="share_class_nominal_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.nominal_eur} €)"


class Membership(models.Model):
    """A person's membership of one national cooperative, numbered in the order of the register."""

    cooperative = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    number = models.PositiveIntegerField(_("register number"))
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=list(STATUS_LABELS.items()),
        default=Status.CANDIDATE.value,
    )
    applied_on = models.DateField(_("applied on"))
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="membership_number_unique"),
            models.UniqueConstraint(fields=["cooperative", "person"], name="one_membership_per_cooperative"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="membership_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "status"], name="membership_coop_status_idx")]

    def __str__(self) -> str:
        return f"{self.cooperative.code}-{self.number} {self.person}"

    @property
    def permission_unit(self) -> Unit | None:
        # The home antenna counts only inside this cooperative: a Paris-based member of BE is in BE's hands.
        antenna = self.person.home_antenna
        if antenna is not None and antenna.path.startswith(self.cooperative.path):
            return antenna
        return self.cooperative


class MembershipEvent(models.Model):
    """A dated change of a membership's status, with the deciding body and the reason."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    on = models.DateField(_("date"))
    deciding_body = models.CharField(_("deciding body"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("on", "id")
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.on} {self.from_status or '∅'} → {self.to_status}"


class ShareMovement(models.Model):
    """One line of the append-only share ledger.

    Holdings are never stored: they are the sums of ``shares_delta`` and ``paid_delta_eur`` over a
    membership's lines. A transfer or a conversion writes two lines sharing one ``operation`` number.
    """

    cooperative = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    operation = models.PositiveIntegerField(_("operation number"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="movements")
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=list(MOVEMENT_LABELS.items()))
    shares_delta = models.IntegerField(_("shares"), default=0)
    paid_delta_eur = models.DecimalField(_("paid (€)"), max_digits=12, decimal_places=2, default=0)
    effective_on = models.DateField(_("effective on"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("operation", "id")
        verbose_name = _("share movement")
        verbose_name_plural = _("share movements")
        indexes = [models.Index(fields=["membership", "effective_on"], name="movement_member_date_idx")]

    def __str__(self) -> str:
        return f"#{self.operation} {self.kind} {self.shares_delta:+d} / {self.paid_delta_eur:+} €"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Share movements are append-only; record a correcting movement instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Share movements are append-only.")


class OperationCounter(models.Model):
    """Next register number and next ledger operation number of one cooperative (locked when used)."""

    cooperative = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    next_member_number = models.PositiveIntegerField(default=1)
    next_operation = models.PositiveIntegerField(default=1)
    highest_capital_eur = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    def __str__(self) -> str:
        return f"counters of {self.cooperative_id}"


class Service(models.Model):
    """A service of the cooperative that a policy may reserve to members (e.g. invoicing a client)."""

    cooperative = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="services")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names by language"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["cooperative", "code"], name="service_code_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick(self.names, self.name)


class PolicyRule(models.Model):
    """The membership policy of one cooperative for one stakeholder profile.

    ``is_draft`` rules form the draft policy the simulator compares with the rules in force.
    """

    cooperative = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="policy_rules")
    profile = models.CharField(_("profile"), max_length=16, choices=Profile.choices)
    is_draft = models.BooleanField(_("draft"), default=False)
    requirement = models.CharField(_("membership"), max_length=12, choices=list(REQUIREMENT_LABELS.items()))
    min_shares = models.PositiveIntegerField(_("minimum shares"), default=1)
    shares_per_year_of_use = models.BooleanField(_("one share per year of use"), default=False)
    services = models.ManyToManyField(Service, verbose_name=_("services reserved to members"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "profile", "is_draft"], name="one_rule_per_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.code} {self.profile} {'(draft)' if self.is_draft else ''}"


class MembershipApplication(models.Model):
    """What a candidate asked for when applying: the shares to subscribe, and the statutes accepted.

    The shares enter the ledger only when the board admits the candidate (``membership_change_status``
    records the subscription then): a candidate is not yet a shareholder, and a refused one must leave no
    line in the register of shares (ADR 0019).
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online application")
        STAFF = "staff", _("Entered by staff (paper application)")
        API = "api", _("Entered through the API")

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="application")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    share_class = models.ForeignKey(
        ShareClass, verbose_name=_("share class"), on_delete=models.PROTECT, related_name="+"
    )
    requested_shares = models.PositiveIntegerField(_("shares requested"))
    statutes = models.ForeignKey(
        "organisation.StatutesVersion",
        verbose_name=_("statutes accepted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        constraints = [
            models.CheckConstraint(condition=Q(requested_shares__gte=1), name="application_shares_positive")
        ]

    def __str__(self) -> str:
        return f"{self.membership} ({self.requested_shares})"

    @property
    def amount_eur(self) -> Decimal:
        return self.share_class.nominal_eur * self.requested_shares
