"""Assemblies, their sites and items, the frozen electorate, proxies, who voted, ballots and results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coopgov.domain.voting.motion import PRESETS, THRESHOLDS, Base
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit

# The counting rules of `coopgov tally` (coopgov.tools.tally.METHODS), with the kind of ballot each takes
# in the JSON ballot format. Kept here as data so the model does not import the command-line tool.
METHOD_KINDS: dict[str, str] = {
    "motion": "motion",
    "plurality": "plurality",
    "approval": "approval",
    "score": "score",
    "majority-judgment": "grades",
    "schulze": "ranked",
    "ranked-pairs": "ranked",
    "irv": "ranked",
    "stv-scottish": "ranked",
    "stv-meek": "ranked",
    # For/Withhold elections read score ballots (1 = For, 0 = Withhold) with the file's majority share;
    # participatory budgets read approval ballots of projects from a Pabulib file (`coopgov tally` hands
    # them to the budgeting engine). See docs/methods/for-withhold.md and docs/adr/0007.
    "for-withhold": "score",
    "greedy": "approval",
    "equal-shares": "approval",
}
#: Budget methods: counted by the budgeting engine on a Pabulib file (see coopgov.decisions.counting).
BUDGET_METHODS = ("greedy", "equal-shares")
#: Each counting method's name as members read it (the code stays what `coopgov tally` takes).
METHOD_LABELS = {
    "motion": _("motion (for, against, abstain)"),
    "plurality": _("plurality"),
    "approval": _("approval voting"),
    "score": _("score voting"),
    "majority-judgment": _("majority judgment"),
    "schulze": _("Schulze method (ranked)"),
    "ranked-pairs": _("ranked pairs"),
    "irv": _("instant-runoff vote"),
    "stv-scottish": _("single transferable vote (Scottish rules)"),
    "stv-meek": _("single transferable vote (Meek)"),
    "for-withhold": _("for or withhold, per candidate"),
    "greedy": _("participatory budget: most approvals first"),
    "equal-shares": _("participatory budget: method of equal shares"),
}
DEFAULT_GRADES = ["excellent", "very good", "good", "fair", "poor", "reject"]


class Assembly(models.Model):
    """A general assembly, board meeting or local assembly of a unit, convened with a notice period.

    The status moves draft → convened (electorate frozen, members notified) → open → closed → published.
    """

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary general assembly")
        EXTRAORDINARY = "extraordinary", _("Extraordinary general assembly")
        BOARD = "board", _("Board meeting")
        LOCAL = "local", _("Local (antenna) assembly")
        SECTION = "section", _("Section assembly (elects delegates)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONVENED = "convened", _("Convened")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Results published")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    cooperative = models.ForeignKey(
        Unit, verbose_name=_("cooperative"), on_delete=models.PROTECT, related_name="assemblies"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    first_convocation_at = models.DateTimeField(_("first convocation"))
    second_convocation_at = models.DateTimeField(_("second convocation"), null=True, blank=True)
    convocation = models.PositiveSmallIntegerField(_("convocation being held"), default=1)
    voting_opens_at = models.DateTimeField(_("online voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("online voting closes"), null=True, blank=True)
    record_date = models.DateField(_("record date of the electorate"))
    notice_days = models.PositiveSmallIntegerField(_("statutory notice (days)"), default=15)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A legal preset's name (coopgov.domain.voting.motion.PRESETS) or the key of one of the cooperative's
    # own presets (CooperativePreset); the forms offer the cooperative's country's and its own.
    preset = models.CharField(_("quorum and majority preset"), max_length=32, blank=True)
    presets_frozen = models.JSONField(
        _("presets as they stood at convocation"),
        default=dict,
        blank=True,
        help_text=_("The quorum and majority of every preset the assembly uses, copied when it is convened."),
    )
    requires_paid_shares = models.BooleanField(_("voting requires paid-in shares"), default=False)
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("most proxies one member may hold"), null=True, blank=True
    )
    proxies_same_college = models.BooleanField(_("proxies only within a collège"), default=False)
    allow_delegation_to_relays = models.BooleanField(_("delegation to relays allowed"), default=False)
    convened_at = models.DateTimeField(_("convened at"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("general assembly this section sends delegates to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        ordering = ("-first_convocation_at", "id")
        constraints = [
            models.CheckConstraint(condition=Q(convocation__in=[1, 2]), name="assembly_convocation_1_or_2"),
            models.CheckConstraint(
                condition=Q(voting_closes_at__isnull=True)
                | Q(voting_opens_at__isnull=True)
                | Q(voting_closes_at__gt=F("voting_opens_at")),
                name="assembly_voting_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def permission_unit(self) -> Unit:
        return self.unit


class AssemblySite(models.Model):
    """A place where the assembly meets at the same time (an antenna), with the relay who records presence."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="sites")
    antenna = models.ForeignKey(Unit, verbose_name=_("antenna"), on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("address"), max_length=300, blank=True)
    relay = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relay"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assembly site")
        verbose_name_plural = _("assembly sites")
        constraints = [models.UniqueConstraint(fields=["assembly", "antenna"], name="one_site_per_antenna")]

    def __str__(self) -> str:
        return f"{self.assembly} @ {self.antenna}"

    @property
    def permission_unit(self) -> Unit:
        return self.antenna


class Item(models.Model):
    """One thing put to the vote: a motion, an election, a poll; counted by a `coopgov tally` method."""

    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        ELECTION = "election", _("Election")
        POLL = "poll", _("Poll")
        BUDGET = "budget", _("Participatory budget")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not yet open")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Result published")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("counting method"), max_length=20, choices=[(m, m) for m in METHOD_KINDS])
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    preset = models.CharField(
        _("decision type (preset)"), max_length=32, blank=True, help_text=_("Empty: the assembly's preset.")
    )
    grades = models.JSONField(_("grades, best first (majority judgment)"), default=list, blank=True)
    secret = models.BooleanField(_("secret ballot"), default=True)
    college = models.CharField(
        _("only for the category / collège"),
        max_length=16,
        blank=True,
        help_text=_(
            "Empty: the whole electorate votes. A code: only that category or collège (seats per collège)."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    majority = models.CharField(
        _("share of For needed to be elected (For/Withhold)"),
        max_length=12,
        blank=True,
        help_text=_(
            "A fraction of For + Withhold, such as 1/2 (more than half) or 2/3 (at least two thirds)."
        ),
    )
    budget_eur = models.DecimalField(
        _("budget to share (participatory budget)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    proxy_report = models.JSONField(_("proxies applied at closing"), default=dict, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ("assembly", "order")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "order"], name="item_order_unique"),
            models.CheckConstraint(
                condition=Q(method__in=list(METHOD_KINDS)), name="item_method_is_a_tally_method"
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gte=1), name="item_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def ballot_kind(self) -> str:
        return METHOD_KINDS[self.method]

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(self.method, self.method))

    @property
    def permission_unit(self) -> Unit:
        return self.assembly.unit


class CooperativePreset(models.Model):
    """A cooperative's own quorum and majority preset, from its statutes (DOMAIN.md §6.8): never below the
    legal preset it is based on (the decision type in law), checked by the service. ``meeting_kind`` makes
    it the cooperative's default for that kind of meeting instead of the law's. Edited in place (its
    ``version`` counts the changes): an assembly keeps a copy from its convocation (docs/adr/0012)."""

    cooperative = models.ForeignKey(
        Unit, verbose_name=_("cooperative"), on_delete=models.PROTECT, related_name="own_presets"
    )
    key = models.SlugField(_("identifier"), max_length=32)
    based_on = models.CharField(
        _("decision type in law"),
        max_length=32,
        choices=[(name, p.description) for name, p in PRESETS.items()],
    )
    meeting_kind = models.CharField(
        _("default for the kind of meeting"), max_length=16, blank=True, choices=Assembly.Kind.choices
    )
    quorum_first = models.CharField(_("quorum on first convocation"), max_length=12)
    quorum_second = models.CharField(_("quorum on second convocation"), max_length=12)
    threshold = models.CharField(_("majority"), max_length=12, choices=[(name, name) for name in THRESHOLDS])
    base = models.CharField(_("majority of"), max_length=24, choices=[(b.value, b.value) for b in Base])
    statutes_article = models.CharField(_("article of the statutes"), max_length=200)
    # Empty, or a share of each collège's own electorate that every collège must reach (as text, 1/10):
    # applied where motions are counted by collège (MotionRule.college_quorum, docs/adr/0018).
    college_quorum = models.CharField(_("quorum in each collège"), max_length=12, blank=True)
    # The description in its first language, and in each language it was written in (ADR 0003).
    label = models.CharField(_("description"), max_length=200)
    labels = models.JSONField(_("descriptions by language"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("changed at"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cooperative's preset")
        verbose_name_plural = _("cooperative's presets")
        ordering = ("cooperative", "key")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "key"], name="own_preset_key_unique"),
            models.UniqueConstraint(
                fields=["cooperative", "meeting_kind"],
                condition=Q(retired_at__isnull=True) & ~Q(meeting_kind=""),
                name="one_active_default_per_meeting_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def permission_unit(self) -> Unit:
        return self.cooperative


class AssemblyLink(models.Model):
    """A document of the convocation that lives elsewhere: a title and an http(s) address. The files of
    the convocation are in the assembly's folder (ADR 0013); a link is a row, since it has no file."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("linked document")
        verbose_name_plural = _("linked documents")
        ordering = ("assembly", "title", "id")
        constraints = [models.UniqueConstraint(fields=["assembly", "url"], name="one_link_per_address")]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    """A candidate of an election or an option of a poll; ``key`` is its identifier in the ballot file."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(_("identifier"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    cost_eur = models.DecimalField(
        _("cost (participatory budget)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ("item", "order", "id")
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="option_key_unique")]

    def __str__(self) -> str:
        return self.label


class ElectorateEntry(models.Model):
    """One membership as it stood at the record date: in the electorate or not, and why (reason codes)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="electorate")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    college = models.CharField(_("category / collège"), max_length=16)
    weight = models.DecimalField(_("own weight"), max_digits=12, decimal_places=4, default=1)
    eligible = models.BooleanField(_("may vote"))
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        verbose_name = _("electorate entry")
        verbose_name_plural = _("electorate entries")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "membership"], name="one_entry_per_membership")
        ]
        indexes = [models.Index(fields=["assembly", "eligible", "college"], name="electorate_idx")]

    def __str__(self) -> str:
        return f"{self.assembly_id}: {self.membership_id}"


class Proxy(models.Model):
    """A proxy given online by a member, or entered by staff from a signed paper (with its scan reference)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(ElectorateEntry, on_delete=models.CASCADE, related_name="proxies_given")
    holder = models.ForeignKey(ElectorateEntry, on_delete=models.CASCADE, related_name="proxies_held")
    given_at = models.DateTimeField(_("given at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    paper_reference = models.CharField(_("reference of the paper proxy"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_site = models.ForeignKey(
        AssemblySite,
        verbose_name=_("delegation to the relay of this site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegations",
    )

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ("given_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "giver"], condition=Q(revoked_at__isnull=True), name="one_active_proxy"
            ),
            models.CheckConstraint(condition=~Q(giver=F("holder")), name="proxy_not_to_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.holder_id}"


class Participation(models.Model):
    """Who voted on an item, how and when — never what (see docs/adr/0005-secret-ballots.md)."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        ROOM = "room", _("In the room")
        POSTAL = "postal", _("Postal")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="participations")
    entry = models.ForeignKey(ElectorateEntry, on_delete=models.CASCADE, related_name="participations")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    cast_at = models.DateTimeField(_("last cast at"))
    times_cast = models.PositiveIntegerField(_("times cast"), default=1)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["item", "entry"], name="one_participation_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.entry_id}"


class Ballot(models.Model):
    """What was voted, under a receipt code. A secret ballot has no link to its voter: only ``seal``, an
    HMAC of (item, entry) under the server key, finds it again while the item is open; it is erased at
    closing. The random primary key keeps the insertion order out of the table's order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="ballots")
    receipt = models.CharField(_("receipt code"), max_length=32)
    content = models.JSONField(_("vote"), null=True)
    college = models.CharField(_("collège"), max_length=16, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=12, decimal_places=4, default=1)
    # NULL rather than "": erased seals must not collide in the (item, seal) unique constraint.
    seal = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    entry = models.ForeignKey(
        ElectorateEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(_("cast at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["item", "receipt"], name="ballot_receipt_unique"),
            models.UniqueConstraint(fields=["item", "seal"], name="ballot_seal_unique"),
            models.UniqueConstraint(fields=["item", "entry"], name="ballot_entry_unique"),
        ]

    def __str__(self) -> str:
        return self.receipt


class Result(models.Model):
    """The stored count of one item: the `coopgov tally` JSON, with its inputs, method, seed and version."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="result")
    result = models.JSONField(_("result"))
    ballots_file = models.TextField(_("anonymised ballot file"))
    inputs_digest = models.CharField(_("SHA-256 of the ballot file"), max_length=64)
    method = models.CharField(_("method"), max_length=20)
    seed = models.CharField(_("seed"), max_length=64)
    code_version = models.CharField(_("code version"), max_length=40)
    quorum_reached = models.BooleanField(_("quorum reached"), null=True)
    participation = models.JSONField(_("participation"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"result of {self.item_id}"


class Presence(models.Model):
    """A member of the electorate present in the room at a site, recorded by its relay. One site per member:
    a member present in a room is not an online participant (and the reverse) for the quorum."""

    site = models.ForeignKey(AssemblySite, on_delete=models.CASCADE, related_name="presences")
    entry = models.OneToOneField(ElectorateEntry, on_delete=models.CASCADE, related_name="presence")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("presence in the room")
        verbose_name_plural = _("presences in the room")
        ordering = ("site", "recorded_at", "id")

    def __str__(self) -> str:
        return f"{self.entry_id} @ {self.site_id}"


class HandCount(models.Model):
    """Show-of-hands totals of one collège at one site on one item, counted by the relay."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="hand_counts")
    site = models.ForeignKey(AssemblySite, on_delete=models.CASCADE, related_name="hand_counts")
    college = models.CharField(_("category / collège"), max_length=16)
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    votes_abstain = models.PositiveIntegerField(_("abstain"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("show-of-hands count")
        verbose_name_plural = _("show-of-hands counts")
        ordering = ("item", "site", "college")
        constraints = [
            models.UniqueConstraint(fields=["item", "site", "college"], name="one_hand_count_per_college")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.site_id} / {self.college}"

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


class Delegate(models.Model):
    """A delegate elected by a section assembly; at the general assembly their vote weighs the members
    present or represented in their section, shared between the section's delegates (DOMAIN.md §2.3)."""

    section = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="delegates")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    represents = models.PositiveIntegerField(_("members represented"))
    section_present = models.PositiveIntegerField(_("members present or represented in the section"))
    elected_at = models.DateTimeField(_("elected at"))

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ("section", "id")
        constraints = [
            models.UniqueConstraint(fields=["section", "membership"], name="one_delegate_entry_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.membership_id}"
