"""Processes and their phases, proposals, supports, comments, amendments, attachments, reports, follows.

Member-written text follows ADR 0003 and ADR 0008: the text as written (``title``/``body``) in the
author's ``language``, translations in ``{language: text}`` objects (``titles``/``bodies``) and who
added each in ``translated_by`` (``{language: user id}``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.i18n_text import pick
from coopgov.organisation.models import Unit
from coopgov.participation import phase_calendar
from coopgov.participation.features import Feature, default_features
from coopgov.participation.texts import Shown, search_text, shown


class Component(models.TextChoices):
    """What a process hosts (Decidim's components). Meetings are provided by coopgov.meetings."""

    PROPOSALS = "proposals", _("Proposals")
    MEETINGS = "meetings", _("Meetings")


def default_components() -> list[str]:
    return [Component.PROPOSALS.value]


class PhaseSwitch(models.TextChoices):
    """Who put the current phase of a process in force."""

    CREATION = "creation", _("when the process was opened")
    CALENDAR = "calendar", _("by the calendar")
    HAND = "hand", _("by hand")


class TitleAndTextInReaderLanguage:
    """The title and the text of a process or a proposal in the reader's language (ADR 0003): ``display_*``
    is the translation into the active language, else the original; ``*_shown`` also says which one it is.
    A subclass names its text field and that field's translations (``description``/``descriptions``,
    ``body``/``bodies``) and gives ``display_text`` and ``text_shown`` that field's name."""

    TEXT_FIELD: ClassVar[str]
    TEXTS_FIELD: ClassVar[str]
    language: str  # the language the text was written in (a field of the model)

    def _as_written(self, field: str, translations: str) -> tuple[str, str, dict[str, Any]]:
        """The text as written, its language and its translations."""
        return getattr(self, field), self.language, getattr(self, translations)

    @property
    def display_title(self) -> str:
        original, language, texts = self._as_written("title", "titles")
        return pick(_with_original(texts, language, original), original)

    @property
    def title_shown(self) -> Shown:
        return shown(*self._as_written("title", "titles"))

    @property
    def display_text(self) -> str:
        original, language, texts = self._as_written(self.TEXT_FIELD, self.TEXTS_FIELD)
        return pick(_with_original(texts, language, original), original)

    @property
    def text_shown(self) -> Shown:
        return shown(*self._as_written(self.TEXT_FIELD, self.TEXTS_FIELD))


class Audience(models.TextChoices):
    """Who may propose, support, comment (and amend, report) in a process, besides the unit's officers.

    Reading stays open to every account whatever the audience (ADR 0020)."""

    MEMBERS = "members", _("The admitted members of the unit")
    STAKEHOLDERS = "stakeholders", _("The unit's stakeholders in the register")
    ACCOUNTS = "accounts", _("Anyone with an account")


class Standing(models.TextChoices):
    """Where a person stands towards a unit (``coopgov.participation.audience.situation``): recorded on
    each support, so a body reads the members' supports apart from the other stakeholders'."""

    MEMBER = "member", _("admitted member")
    STAKEHOLDER = "stakeholder", _("stakeholder in the register, not an admitted member")
    ACCOUNT = "account", _("account outside the unit's register")


class Process(TitleAndTextInReaderLanguage, models.Model):
    """A participatory process (a participatory space) of one unit, running through phases."""

    TEXT_FIELD, TEXTS_FIELD = "description", "descriptions"
    Audience = Audience

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="processes")
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    title = models.CharField(_("title"), max_length=200)
    titles = models.JSONField(_("titles by language"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("descriptions by language"), default=dict, blank=True)
    components = models.JSONField(_("components"), default=default_components, blank=True)
    audience = models.CharField(
        _("who may take part"), max_length=12, choices=Audience.choices, default=Audience.MEMBERS
    )
    current_phase = models.ForeignKey(
        "Phase",
        verbose_name=_("current phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When and how the current phase was put in force: by the calendar (``coopgov advance_phases``), by
    # hand (staff), or when the process was opened. ``phase_held``: put in force after its end date, so
    # it stays in force until staff switch again or change its end date (phase_calendar.has_ended).
    phase_since = models.DateTimeField(_("phase in force since"), null=True, blank=True)
    phase_switched_by = models.CharField(
        _("phase put in force"), max_length=10, choices=PhaseSwitch.choices, blank=True
    )
    phase_held = models.BooleanField(_("phase held past its end date"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="process_slug_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(audience__in=["members", "stakeholders", "accounts"]),
                name="process_audience_known",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("participation:process", args=[self.pk, self.slug])

    @property
    def permission_unit(self) -> Unit:
        return self.unit

    @property
    def display_description(self) -> str:
        return self.display_text

    @property
    def description_shown(self) -> Shown:
        return self.text_shown

    def has_component(self, component: str) -> bool:
        return component in (self.components or [])

    def phase_in_force(self, day: date | None = None) -> Phase | None:
        """The phase in force on ``day`` (today by default): the current phase until its end date has
        passed, then the phase the calendar puts there, even before ``coopgov advance_phases`` has stored
        it — so an act between the end date and the next run obeys the calendar. None in a gap of the
        calendar or after its last phase. Reads the phases (once per object) only when the current phase
        has ended."""
        current = self.current_phase
        if current is None:
            return None
        day = day or timezone.localdate()
        if not phase_calendar.has_ended(current.dates, day, self.phase_held):
            return current
        phases = self.__dict__.get("_calendar_phases")
        if phases is None:
            phases = self.__dict__["_calendar_phases"] = list(self.phases.order_by("position"))
        found = phase_calendar.in_force(current.dates, [p.dates for p in phases], day, self.phase_held)
        return next((p for p in phases if found is not None and p.pk == found.key), None)

    def feature_on(self, feature: Feature | str) -> bool:
        """Whether the phase in force allows ``feature``; no phase in force allows nothing."""
        phase = self.phase_in_force()
        return bool(phase is not None and phase.allows(feature))


class Phase(models.Model):
    """One phase of a process, with its dates and the features it switches on."""

    class Kind(models.TextChoices):
        # The same values as coopgov.participation.features.PhaseKind (a test keeps them equal).
        INFORMATION = "information", _("Information")
        CONTRIBUTION = "contribution", _("Contribution")
        DELIBERATION = "deliberation", _("Deliberation")
        DECISION = "decision", _("Decision")
        FOLLOW_UP = "follow_up", _("Follow-up")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    titles = models.JSONField(_("titles by language"), default=dict, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    proposing = models.BooleanField(_("members may propose"), default=False)
    supporting = models.BooleanField(_("members may support proposals"), default=False)
    commenting = models.BooleanField(_("members may comment"), default=False)
    amending = models.BooleanField(_("members may propose amendments"), default=False)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ("process", "position")
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="phase_position_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return pick(self.titles, self.title) or str(self.get_kind_display())

    @property
    def permission_unit(self) -> Unit:
        return self.process.unit

    @property
    def dates(self) -> phase_calendar.PhaseDates:
        return phase_calendar.PhaseDates(self.pk, self.position, self.starts_on, self.ends_on)

    def allows(self, feature: Feature | str) -> bool:
        return bool(getattr(self, Feature(feature).value))

    def features(self) -> list[Feature]:
        return [f for f in Feature if self.allows(f)]

    def apply_default_features(self) -> None:
        """Set the four switches from the kind's defaults (coopgov.participation.features)."""
        on = default_features(self.kind)
        for feature in Feature:
            setattr(self, feature.value, feature in on)


class Moderated(models.Model):
    """Content a moderator of the unit may hide, with a reason its author sees."""

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class MemberText(models.Model):
    """The language the author wrote in, and who added each translation ({language: user id})."""

    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    translated_by = models.JSONField(_("translations added by"), default=dict, blank=True)

    class Meta:
        abstract = True


class Proposal(TitleAndTextInReaderLanguage, Moderated, MemberText):
    """A proposal in a process. Roll-up proposals at a parent unit are ordinary proposals too.

    ``author`` is the account that wrote it; ``author_person`` the person it speaks for (also people
    without an account); ``entered_by`` the relay or staff who typed it on their behalf. ``parent`` is
    the parent-level proposal this one was rolled up into; ``merged_into`` the proposal it was merged
    into as a duplicate. ``support_count`` and ``comment_count`` are kept by the services in the same
    transaction as the rows they count, so a process page sorts 10,000 proposals without counting.
    """

    TEXT_FIELD, TEXTS_FIELD = "body", "bodies"

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MERGED = "merged", _("Merged")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    author_person = models.ForeignKey(
        "members.Person",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author's name as shown"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    titles = models.JSONField(_("titles by language"), default=dict, blank=True)
    body = models.TextField(_("text"))
    bodies = models.JSONField(_("texts by language"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("rolled up into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rolled_up_from",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    # Title, text and every translation, folded (lower case, no accents): what the process page searches.
    search_text = models.TextField(editable=False, default="", blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["process", "-created_at", "-id"], name="proposal_process_recent_idx"),
            models.Index(fields=["process", "-support_count", "-id"], name="proposal_process_supports_idx"),
            models.Index(fields=["process", "-comment_count", "-id"], name="proposal_process_comments_idx"),
            models.Index(fields=["process", "status"], name="proposal_process_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(merged_into=F("id")), name="proposal_not_merged_into_itself"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="proposal_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whoever writes a proposal (these services, a roll-up of coopgov.orientations), the searched text
        # follows the title, text and translations. Bulk writes set it themselves (refresh_search_text).
        fields = kwargs.get("update_fields")
        if fields is None or {"title", "body", "titles", "bodies"} & set(fields):
            self.refresh_search_text()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.pk])

    @property
    def permission_unit(self) -> Unit:
        return self.process.unit

    @property
    def display_body(self) -> str:
        return self.display_text

    @property
    def body_shown(self) -> Shown:
        return self.text_shown

    def refresh_search_text(self) -> None:
        self.search_text = search_text(self.title, self.body, self.titles, self.bodies)


class Support(models.Model):
    """One account's support for a proposal: at most one per account and proposal. ``standing`` is where
    the supporter stood towards the process's unit when they supported (a member, another stakeholder of
    the register, an account outside it), so the supports can be read apart (ADR 0020)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    standing = models.CharField(
        _("standing"), max_length=12, choices=Standing.choices, default=Standing.MEMBER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_member"),
            models.CheckConstraint(
                condition=Q(standing__in=["member", "stakeholder", "account"]), name="support_standing_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Comment(Moderated, MemberText):
    """A comment on a proposal with a stance, or a reply to another comment (threads of any depth)."""

    class Stance(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        QUESTION = "question", _("Question")
        NONE = "", _("No stance")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    # The top-level comment of the thread (empty for a top-level comment): one page of threads and all
    # their replies are two indexed reads, however deep the replies and however many the comments.
    root = models.ForeignKey(
        "self", verbose_name=_("thread"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, blank=True, default="")
    body = models.TextField(_("comment"))
    bodies = models.JSONField(_("comments by language"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["proposal", "created_at", "id"], name="comment_proposal_idx"),
            models.Index(
                fields=["proposal", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_top_level_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=["", "for", "against", "question"]), name="comment_stance_known"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.proposal_id]) + f"#comment-{self.pk}"

    @property
    def permission_unit(self) -> Unit:
        return self.proposal.process.unit

    @property
    def display_body(self) -> str:
        return pick(_with_original(self.bodies, self.language, self.body), self.body)

    @property
    def body_shown(self) -> Shown:
        return shown(self.body, self.language, self.bodies)


class Amendment(Moderated, MemberText):
    """A proposed change to a proposal's text, accepted or rejected by its author or the unit's staff.

    ``base_body`` is the proposal's text when the amendment was written, so the diff shown stays the
    one the amender meant even if the proposal changes later.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    base_body = models.TextField(_("text amended"))
    body = models.TextField(_("proposed text"))
    rationale = models.TextField(_("why"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.rationale[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.proposal_id]) + f"#amendment-{self.pk}"

    @property
    def permission_unit(self) -> Unit:
        return self.proposal.process.unit


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"participation/{instance.proposal_id}/{filename}"


class Attachment(models.Model):
    """A file attached to a proposal; size and type are checked by the service before it is stored."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.original_name


class Report(models.Model):
    """A member's report of a proposal, comment or amendment to the unit's moderators."""

    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Offensive or abusive")
        SPAM = "spam", _("Spam or advertising")
        PERSONAL_DATA = "personal_data", _("Discloses personal data")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        HIDDEN = "hidden", _("Content hidden")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="reports")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["process", "resolution"], name="report_process_open_idx")]
        constraints = [
            # Exactly one target; ``process`` is stored beside it so the unit's queue is one indexed read.
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=False, comment__isnull=True, amendment__isnull=True)
                    | Q(proposal__isnull=True, comment__isnull=False, amendment__isnull=True)
                    | Q(proposal__isnull=True, comment__isnull=True, amendment__isnull=False)
                ),
                name="report_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def permission_unit(self) -> Unit:
        return self.process.unit

    @property
    def target(self) -> Proposal | Comment | Amendment:
        target = self.proposal or self.comment or self.amendment
        assert target is not None  # the check constraint guarantees one
        return target


class Follow(models.Model):
    """A user follows a proposal or a whole process, and is notified of what happens there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=False, proposal__isnull=True)
                | Q(process__isnull=True, proposal__isnull=False),
                name="follow_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "process"], condition=Q(process__isnull=False), name="follow_process_once"
            ),
            models.UniqueConstraint(
                fields=["user", "proposal"], condition=Q(proposal__isnull=False), name="follow_proposal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.process_id or self.proposal_id}"


def _with_original(translations: dict[str, Any] | None, language: str, original: str) -> dict[str, str]:
    """The translations with the original text under its own language (the original wins)."""
    texts = dict(translations or {})
    if original:
        texts[language] = original
    return texts
