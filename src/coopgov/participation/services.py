"""Writes on processes: create and switch phases, set the phase calendar and follow it, propose, support,
comment, amend, attach, report, moderate, follow and translate.

Every act is atomic, re-checks the rule that matters at the moment of the act (the phase's feature, the
one-support rule, the moderator's role) and is audited; the people concerned are notified through
``coopgov.notifications.services.notify`` after the act is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopgov.accounts.models import User
from coopgov.audit.services import audit_record
from coopgov.i18n_text import SUPPORTED
from coopgov.notifications.services import notify
from coopgov.organisation.models import Unit
from coopgov.participation import notifications as kinds
from coopgov.participation import phase_calendar
from coopgov.participation.audience import situation
from coopgov.participation.features import Feature
from coopgov.participation.models import (
    Amendment,
    Attachment,
    Audience,
    Comment,
    Component,
    Follow,
    Phase,
    PhaseSwitch,
    Process,
    Proposal,
    Report,
    Standing,
    Support,
)
from coopgov.participation.texts import search_text

TITLE_MAX = 200
BODY_MAX = 10_000
COMMENT_MAX = 5_000
REASON_MAX = 1_000
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# Accepted attachments: the extension, its type, and the first bytes every such file starts with.
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}


class ParticipationRefused(Exception):
    """An act the rules do not allow now; the message says what (and which field) to the person."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


# --- checks shared by the acts ------------------------------------------------------------------------------


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ParticipationRefused(
            "invalid_characters", _("This text holds characters that are not allowed."), field
        )
    if required and not value:
        raise ParticipationRefused("required", _("This field is required."), field)
    if len(value) > limit:
        raise ParticipationRefused(
            "too_long",
            _("Enter at most %(max)s characters (you entered %(n)s).") % {"max": limit, "n": len(value)},
            field,
        )
    return value


def _language(value: str, field: str = "language") -> str:
    if value not in SUPPORTED:
        raise ParticipationRefused(
            "unknown_language", _("Choose French, Dutch or English (fr, nl or en)."), field
        )
    return value


def _require_feature(process: Process, feature: Feature) -> None:
    """The phase in force when the act is recorded must allow it: the process is re-read, and its current
    phase counts only until its end date has passed (then the calendar's phase does, even before
    ``advance_phases`` has stored it)."""
    fresh = Process.objects.select_related("current_phase").get(pk=process.pk)
    phase = fresh.phase_in_force()
    if phase is None or not phase.allows(feature):
        messages = {
            Feature.PROPOSING: _("The current phase of this process does not take new proposals."),
            Feature.SUPPORTING: _("The current phase of this process does not take supports."),
            Feature.COMMENTING: _("The current phase of this process does not take comments."),
            Feature.AMENDING: _("The current phase of this process does not take amendments."),
        }
        raise ParticipationRefused(f"{feature.value}_closed", messages[feature])


def _require_open(proposal: Proposal) -> None:
    if proposal.hidden_at is not None:
        raise ParticipationRefused("hidden", _("This proposal was hidden by a moderator."))
    if proposal.status != Proposal.Status.PUBLISHED:
        raise ParticipationRefused(
            "proposal_closed",
            _("This proposal is %(status)s: it no longer changes.")
            % {"status": proposal.get_status_display()},
        )


def _name(user: Any) -> str:
    person = getattr(user, "person", None)
    return person.display_name if person is not None else getattr(user, "email", str(user))


def _followers(*, proposal: Proposal | None = None, process: Process | None = None) -> list[User]:
    follows = (
        Follow.objects.filter(proposal=proposal)
        if proposal is not None
        else Follow.objects.filter(process=process)
    )
    return list(User.objects.filter(pk__in=follows.values("user_id"), is_active=True))


def _others(users: Iterable[User], actor: Any) -> list[User]:
    return [u for u in users if u.pk != getattr(actor, "pk", None)]


def _compare_later(proposal: Proposal) -> None:
    """Once committed, the suggested duplicates across antennas are recomputed in the background with this
    text (coopgov.orientations stores them: its page reads them instead of comparing on each view)."""
    from coopgov.orientations.services import duplicate_suggestions_refresh_later

    duplicate_suggestions_refresh_later(proposal)


def _follow(user: User | None, **target: Any) -> None:
    if user is not None and user.pk is not None:
        Follow.objects.get_or_create(user=user, **target)


# --- processes and phases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhasePlan:
    kind: str
    starts_on: date | None = None
    ends_on: date | None = None
    title: str = ""


@transaction.atomic
def process_create(
    *,
    unit: Unit,
    title: str,
    language: str,
    actor: Any,
    description: str = "",
    slug: str = "",
    titles: dict[str, str] | None = None,
    descriptions: dict[str, str] | None = None,
    components: Sequence[str] = (Component.PROPOSALS,),
    phases: Sequence[PhasePlan] = (PhasePlan("information"), PhasePlan("contribution")),
    current: int = 0,
    audience: str = Audience.MEMBERS,
) -> Process:
    """A process of ``unit`` with its phases (each starting with its kind's features); ``current`` is the
    index of the phase in force; ``audience`` who may take part (the unit's admitted members by default)."""
    title = _text(title, field="title", limit=TITLE_MAX)
    audience = _audience(audience)
    slug = slugify(slug or title)[:80] or "process"
    if Process.objects.filter(unit=unit, slug=slug).exists():
        raise ParticipationRefused(
            "slug_taken", _("This unit already has a process called “%(slug)s”.") % {"slug": slug}, "slug"
        )
    unknown = [c for c in components if c not in Component.values]
    if unknown:
        raise ParticipationRefused(
            "unknown_component",
            _("Unknown component: %(names)s.") % {"names": ", ".join(unknown)},
            "components",
        )
    if not phases or not 0 <= current < len(phases):
        raise ParticipationRefused(
            "no_phase", _("A process needs at least one phase, and one in force."), "phases"
        )
    process = Process.objects.create(
        unit=unit,
        slug=slug,
        language=_language(language),
        title=title,
        titles=dict(titles or {}),
        description=_text(description, field="description", limit=BODY_MAX, required=False),
        descriptions=dict(descriptions or {}),
        components=list(dict.fromkeys(str(c) for c in components)),
        audience=audience,
        created_by=actor if isinstance(actor, User) else None,
    )
    rows = []
    for position, plan in enumerate(phases, start=1):
        if plan.kind not in Phase.Kind.values:
            raise ParticipationRefused(
                "unknown_phase", _("Unknown kind of phase: %(kind)s.") % {"kind": plan.kind}, "phases"
            )
        if plan.starts_on and plan.ends_on and plan.ends_on < plan.starts_on:
            raise ParticipationRefused("phase_dates", _("A phase cannot end before it starts."), "phases")
        phase = Phase(
            process=process,
            kind=plan.kind,
            position=position,
            title=plan.title,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
        )
        phase.apply_default_features()
        rows.append(phase)
    Phase.objects.bulk_create(rows)
    process.current_phase = Phase.objects.get(process=process, position=current + 1)
    _put_in_force(process, process.current_phase, PhaseSwitch.CREATION, timezone.now())
    process.save(update_fields=PHASE_FIELDS)
    audit_record(
        actor=actor,
        action="participation.process_created",
        obj=process,
        unit=unit,
        after={
            "title": process.title,
            "phases": [p.kind for p in rows],
            "current": process.current_phase.kind,
            "audience": audience,
        },
    )
    return process


def _audience(value: str) -> str:
    if value not in Audience.values:
        raise ParticipationRefused(
            "unknown_audience",
            _("Choose who may take part: %(choices)s.") % {"choices": ", ".join(Audience.values)},
            "audience",
        )
    return value


@transaction.atomic
def process_audience_set(*, process: Process, audience: str, actor: Any) -> Process:
    """Who may propose, support and comment from now on. What was written before stays, and so does the
    standing recorded with each support (a body still reads the members' supports apart)."""
    audience = _audience(audience)
    locked = Process.objects.select_for_update().select_related("unit").get(pk=process.pk)
    before = locked.audience
    if before != audience:
        locked.audience = audience
        locked.save(update_fields=["audience"])
        audit_record(
            actor=actor,
            action="participation.audience_changed",
            obj=locked,
            unit=locked.unit,
            before={"audience": before},
            after={"audience": audience},
        )
    process.audience = locked.audience
    return locked


PHASE_FIELDS = ["current_phase", "phase_since", "phase_switched_by", "phase_held"]


def _put_in_force(process: Process, phase: Phase, by: PhaseSwitch, now: datetime) -> None:
    """Set the current phase (the caller saves PHASE_FIELDS). Put in force by hand or at the opening after
    its end date, a phase is held: the calendar does not move the process on from it."""
    process.current_phase = phase
    process.phase_since, process.phase_switched_by = now, by
    process.phase_held = phase.ends_on is not None and phase.ends_on < timezone.localdate(now)


@transaction.atomic
def process_phase_switch(*, process: Process, phase: Phase, actor: Any) -> Process:
    """Staff put ``phase`` in force by hand, whatever the calendar says; the followers of the process are
    told what it now allows. A phase put in force after its end date stays in force until staff switch
    again or change its dates; otherwise the calendar moves the process on when the phase ends."""
    locked = (
        Process.objects.select_for_update(of=("self",)).select_related("current_phase").get(pk=process.pk)
    )
    if phase.process_id != locked.pk:
        raise ParticipationRefused("phase_elsewhere", _("This phase belongs to another process."), "phase")
    before = locked.current_phase.kind if locked.current_phase else None
    same_phase = locked.current_phase_id == phase.pk
    now = timezone.now()
    held = phase.ends_on is not None and phase.ends_on < timezone.localdate(now)
    if same_phase and locked.phase_switched_by == PhaseSwitch.HAND and locked.phase_held == held:
        return locked
    _put_in_force(locked, phase, PhaseSwitch.HAND, now)
    locked.save(update_fields=PHASE_FIELDS)
    audit_record(
        actor=actor,
        action="participation.phase_switched",
        obj=locked,
        unit=locked.unit,
        before={"phase": before},
        after={
            "phase": phase.kind,
            "position": phase.position,
            "by": PhaseSwitch.HAND.value,
            "held_past_its_end": locked.phase_held,
        },
    )
    if same_phase:
        return locked  # the same phase, now held by hand: nothing new to tell
    notify(
        recipients=_others(_followers(process=locked), actor),
        kind=kinds.PHASE_CHANGED % phase.kind,
        target=locked,
        actor=actor if isinstance(actor, User) else None,
        params={"process": locked.display_title},
    )
    return locked


@transaction.atomic
def phase_features_set(*, phase: Phase, features: Iterable[str], actor: Any) -> Phase:
    """Switch a phase's features on or off (those not named are switched off)."""
    wanted = set(features)
    unknown = wanted - {f.value for f in Feature}
    if unknown:
        raise ParticipationRefused(
            "unknown_feature",
            _("Unknown feature: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            "features",
        )
    before = [f.value for f in phase.features()]
    for feature in Feature:
        setattr(phase, feature.value, feature.value in wanted)
    phase.save(update_fields=[f.value for f in Feature])
    audit_record(
        actor=actor,
        action="participation.phase_features_set",
        obj=phase,
        unit=phase.process.unit,
        before={"features": before},
        after={"features": [f.value for f in phase.features()]},
    )
    return phase


# --- the phase calendar -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseDates:
    """What staff set for one phase on the calendar page: its place in the order, its dates, its features."""

    phase_id: int
    position: int
    starts_on: date | None = None
    ends_on: date | None = None
    features: frozenset[str] = frozenset()


class CalendarRefused(ParticipationRefused):
    """A calendar with mistakes: ``errors`` holds one ``(phase id, field, message)`` per mistake."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__("calendar", _("Nothing was saved: please correct the fields marked below."))
        self.errors = errors


def _day(value: date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value is not None else ""


def _problem_message(problem: phase_calendar.Problem, phases: dict[int, Phase], count: int) -> str:
    other = phases.get(problem.other) if problem.other is not None else None
    other_title = other.display_title if other is not None else ""
    if problem.code == "position_range":
        return _("Give a place in the order between 1 and %(count)s.") % {"count": count}
    if problem.code == "position_repeated":
        return _("“%(other)s” already has this place in the order; each phase needs its own.") % {
            "other": other_title
        }
    if problem.code == "end_without_start":
        return _("Give the start date too: a phase with an end date needs a start date.")
    if problem.code == "end_before_start":
        return _("The end date is before the start date.")
    if problem.code == "after_open_end":
        return _(
            "“%(other)s”, the phase before this one, has no end date: give it one that comes before "
            "this phase starts."
        ) % {"other": other_title}
    assert problem.code == "overlap"
    return _(
        "This phase must start after “%(other)s”, the phase before it, ends (%(end)s): phases follow "
        "their order and do not overlap."
    ) % {"other": other_title, "end": _day(other.ends_on if other is not None else None)}


def _calendar_row(phase: Phase) -> dict[str, Any]:
    return {
        "phase": phase.pk,
        "kind": phase.kind,
        "position": phase.position,
        "starts_on": phase.starts_on.isoformat() if phase.starts_on else None,
        "ends_on": phase.ends_on.isoformat() if phase.ends_on else None,
        "features": [f.value for f in phase.features()],
    }


@transaction.atomic
def process_calendar_set(
    *, process: Process, rows: Sequence[PhaseDates], actor: Any, now: datetime | None = None
) -> Process:
    """Set the order, dates and features of every phase of the process at once, or nothing: each mistake
    is named with its phase and field (``CalendarRefused``). If the phase in force has ended under the
    new dates, the process moves on at once, as ``advance_phases`` would."""
    locked = Process.objects.select_for_update(of=("self",)).get(pk=process.pk)
    phases = {p.pk: p for p in Phase.objects.select_for_update().filter(process=locked).order_by("position")}
    given = [row.phase_id for row in rows]
    if sorted(given) != sorted(phases):
        raise ParticipationRefused(
            "calendar_phases", _("The calendar must list each phase of this process once."), "phases"
        )
    errors: list[tuple[int, str, str]] = []
    known = {f.value for f in Feature}
    for row in rows:
        unknown = set(row.features) - known
        if unknown:
            errors.append(
                (
                    row.phase_id,
                    "features",
                    _("Unknown feature: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                )
            )
    plan = [phase_calendar.PhaseDates(r.phase_id, r.position, r.starts_on, r.ends_on) for r in rows]
    errors += [
        (p.key, p.field, _problem_message(p, phases, len(phases))) for p in phase_calendar.problems(plan)
    ]
    if errors:
        raise CalendarRefused(errors)
    before = [_calendar_row(p) for p in phases.values()]
    changed = [phases[row.phase_id] for row in rows]
    # Two steps: the order is unique per process, and a swap would collide half-way in one step.
    for phase in changed:
        phase.position += 1000
    Phase.objects.bulk_update(changed, ["position"])
    for phase, row in zip(changed, rows, strict=True):
        phase.position, phase.starts_on, phase.ends_on = row.position, row.starts_on, row.ends_on
        for feature in Feature:
            setattr(phase, feature.value, feature.value in row.features)
    Phase.objects.bulk_update(changed, ["position", "starts_on", "ends_on", *(f.value for f in Feature)])
    after = [_calendar_row(p) for p in sorted(changed, key=lambda p: p.position)]
    current = phases.get(locked.current_phase_id or 0)
    old_end = next((row["ends_on"] for row in before if row["phase"] == locked.current_phase_id), None)
    if locked.phase_held and current is not None and _calendar_row(current)["ends_on"] != old_end:
        # Staff gave the held phase a new end date: from now on the calendar decides when it ends.
        locked.phase_held = False
        locked.save(update_fields=["phase_held"])
    if after != before:
        audit_record(
            actor=actor,
            action="participation.calendar_set",
            obj=locked,
            unit=locked.unit,
            before={"phases": before},
            after={"phases": after},
        )
    _advance_one(process_id=locked.pk, now=now or timezone.now())
    locked.refresh_from_db()
    return locked


@transaction.atomic
def _advance_one(*, process_id: int, now: datetime) -> Phase | None:
    """Move one process to the phase its calendar puts in force at ``now``, if its phase in force has
    ended; returns the phase it moved to (None if it stays). Audited as an act of the calendar; the
    followers of the process are told."""
    locked = (
        Process.objects.select_for_update(of=("self",))
        .select_related("current_phase", "unit")
        .get(pk=process_id)
    )
    day = timezone.localdate(now)
    phase = locked.phase_in_force(day)
    previous = locked.current_phase
    if phase is None or previous is None or phase.pk == previous.pk:
        return None
    _put_in_force(locked, phase, PhaseSwitch.CALENDAR, now)
    locked.save(update_fields=PHASE_FIELDS)
    audit_record(
        actor="calendar",
        action="participation.phase_advanced",
        obj=locked,
        unit=locked.unit,
        before={"phase": previous.kind, "position": previous.position, "ended_on": previous.ends_on},
        after={
            "phase": phase.kind,
            "position": phase.position,
            "starts_on": phase.starts_on,
            "ends_on": phase.ends_on,
            "day": day,
        },
    )
    notify(
        recipients=_followers(process=locked),
        kind=kinds.PHASE_ADVANCED % phase.kind,
        target=locked,
        params={"process": locked.display_title},
    )
    return phase


def advance_phases(*, now: datetime | None = None) -> list[tuple[Process, Phase]]:
    """Move every process whose phase in force has ended to the phase whose dates contain ``now`` (the
    local day of it); returns each process moved with its new phase. Idempotent: a second run finds the
    phase in force current and moves nothing. Each process moves in its own transaction, under its row
    lock, so two runs at once move a process once. Run by ``coopgov advance_phases`` and the task of the
    same name (ADR 0008)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    # Candidates: the current phase ended before today and is not held open by hand, and another phase of
    # the process covers today. Each is checked again under its row lock.
    covering = Phase.objects.filter(process=OuterRef("pk"), starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    due = (
        Process.objects.filter(current_phase__ends_on__lt=day, phase_held=False)
        .filter(Exists(covering.exclude(pk=OuterRef("current_phase"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    moved = []
    for process_id in list(due):
        phase = _advance_one(process_id=process_id, now=now)
        if phase is not None:
            moved.append((Process.objects.select_related("unit").get(pk=process_id), phase))
    return moved


# --- proposals ---------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    process: Process,
    author: User | None,
    title: str,
    body: str,
    language: str,
    actor: Any,
    author_person: Any = None,
    entered_by: User | None = None,
    on_behalf_name: str = "",
) -> Proposal:
    """A new proposal in the process's current phase. When a relay or staff types it for someone, the
    person is ``author_person`` (someone of the register) or ``on_behalf_name`` (a name as given, e.g. a
    participant without an account) and the relay ``entered_by``; the page marks it "entered by X for Y"."""
    on_behalf_name = _text(on_behalf_name, field="on_behalf_name", limit=200, required=False)
    title = _text(title, field="title", limit=TITLE_MAX)
    body = _text(body, field="body", limit=BODY_MAX)
    language = _language(language)
    if not process.has_component(Component.PROPOSALS):
        raise ParticipationRefused("no_proposals", _("This process does not take proposals."))
    _require_feature(process, Feature.PROPOSING)
    if entered_by is not None and author_person is None and author is None and not on_behalf_name:
        raise ParticipationRefused(
            "on_behalf_of_whom", _("Say for whom this proposal is entered."), "on_behalf_name"
        )
    if author_person is not None:
        shown_name = _name(author_person)
    elif on_behalf_name:
        shown_name = on_behalf_name
    else:
        shown_name = _name(author) if author else ""
    proposal = Proposal.objects.create(
        process=process,
        author=author,
        author_person=author_person if author_person is not None else getattr(author, "person", None),
        author_name=shown_name,
        entered_by=entered_by,
        title=title,
        body=body,
        language=language,
        search_text=search_text(title, body),
    )
    audit_record(
        actor=actor,
        action="participation.proposal_created",
        obj=proposal,
        unit=process.unit,
        after={"process": process.pk, "title": title, "language": language},
        on_behalf_of=proposal.author_name if entered_by is not None else "",
    )
    _follow(author, proposal=proposal)
    notify(
        recipients=_others(_followers(process=process), actor),
        kind=kinds.PROPOSAL_ADDED,
        target=proposal,
        actor=author,
        params={"process": process.display_title, "proposal": title},
    )
    _compare_later(proposal)
    return proposal


@transaction.atomic
def proposal_edit(*, proposal: Proposal, title: str, body: str, actor: Any) -> Proposal:
    """The author changes the text while the phase takes proposals. Translations of the old text are
    dropped: they no longer say the same thing."""
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("process").get(pk=proposal.pk)
    _require_open(locked)
    _require_feature(locked.process, Feature.PROPOSING)
    title = _text(title, field="title", limit=TITLE_MAX)
    body = _text(body, field="body", limit=BODY_MAX)
    before = {"title": locked.title, "body": locked.body}
    locked.title, locked.body = title, body
    locked.titles, locked.bodies, locked.translated_by = {}, {}, {}
    locked.refresh_search_text()
    locked.save(
        update_fields=["title", "body", "titles", "bodies", "translated_by", "search_text", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="participation.proposal_edited",
        obj=locked,
        unit=locked.process.unit,
        before=before,
        after={"title": title, "body": body},
    )
    _compare_later(locked)
    return locked


@transaction.atomic
def support_add(*, proposal: Proposal, user: User) -> Support:
    """One support per account and proposal (the database refuses a second one), recorded with where the
    supporter stands towards the process's unit now (a member, another stakeholder, an account)."""
    locked = (
        Proposal.objects.select_for_update(of=("self",)).select_related("process__unit").get(pk=proposal.pk)
    )
    _require_open(locked)
    _require_feature(locked.process, Feature.SUPPORTING)
    standing = situation(user, locked.process.unit).standing or Standing.ACCOUNT
    try:
        with transaction.atomic():
            support = Support.objects.create(proposal=locked, user=user, standing=standing)
    except IntegrityError:
        raise ParticipationRefused("already_supported", _("You already support this proposal.")) from None
    Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
    count = locked.support_count + 1
    audit_record(
        actor=user,
        action="participation.support_added",
        obj=locked,
        unit=locked.process.unit,
        after={"standing": standing},
    )
    if count in kinds.SUPPORT_MILESTONES:
        notify(
            recipients=_followers(proposal=locked),
            kind=kinds.SUPPORT_MILESTONE,
            target=locked,
            params={"proposal": locked.display_title, "count": count},
        )
    return support


@transaction.atomic
def support_remove(*, proposal: Proposal, user: User) -> None:
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("process").get(pk=proposal.pk)
    _require_feature(locked.process, Feature.SUPPORTING)
    deleted, _rows = Support.objects.filter(proposal=locked, user=user).delete()
    if not deleted:
        raise ParticipationRefused("not_supported", _("You do not support this proposal."))
    Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
    audit_record(actor=user, action="participation.support_removed", obj=locked, unit=locked.process.unit)


# --- comments and amendments -------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *,
    proposal: Proposal,
    author: User,
    body: str,
    language: str,
    stance: str = "",
    parent: Comment | None = None,
) -> Comment:
    """A comment with a stance, or a reply to a comment of the same proposal. The followers of the
    proposal are told; the author of the comment replied to is told it is a reply."""
    body = _text(body, field="body", limit=COMMENT_MAX)
    language = _language(language)
    if stance not in Comment.Stance.values:
        raise ParticipationRefused(
            "unknown_stance", _("Choose for, against, question or no stance."), "stance"
        )
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("process").get(pk=proposal.pk)
    if locked.hidden_at is not None:
        raise ParticipationRefused("hidden", _("This proposal was hidden by a moderator."))
    _require_feature(locked.process, Feature.COMMENTING)
    if parent is not None and parent.proposal_id != locked.pk:
        raise ParticipationRefused(
            "parent_elsewhere", _("You can only reply to a comment on this proposal."), "parent"
        )
    comment = Comment.objects.create(
        proposal=locked,
        author=author,
        body=body,
        language=language,
        stance=stance,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent is not None else None,
    )
    Proposal.objects.filter(pk=locked.pk).update(comment_count=F("comment_count") + 1)
    audit_record(
        actor=author,
        action="participation.comment_added",
        obj=comment,
        unit=locked.process.unit,
        after={"proposal": locked.pk, "stance": stance, "parent": parent.pk if parent else None},
    )
    params = {"actor": _name(author), "proposal": locked.display_title}
    replied_to = parent.author if parent is not None and parent.author_id != author.pk else None
    if replied_to is not None:
        notify(recipients=[replied_to], kind=kinds.REPLY_ADDED, target=comment, actor=author, params=params)
    notify(
        recipients=[u for u in _others(_followers(proposal=locked), author) if u != replied_to],
        kind=kinds.COMMENT_ADDED,
        target=comment,
        actor=author,
        params=params,
    )
    _follow(author, proposal=locked)
    return comment


@transaction.atomic
def amendment_propose(
    *, proposal: Proposal, author: User, body: str, language: str, rationale: str = ""
) -> Amendment:
    """A proposed new text for the proposal; the diff is against the text as it stands now."""
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("process").get(pk=proposal.pk)
    _require_open(locked)
    _require_feature(locked.process, Feature.AMENDING)
    body = _text(body, field="body", limit=BODY_MAX)
    if body == locked.body.strip():
        raise ParticipationRefused(
            "no_change", _("The amended text is the same as the proposal's text."), "body"
        )
    amendment = Amendment.objects.create(
        proposal=locked,
        author=author,
        base_body=locked.body,
        body=body,
        rationale=_text(rationale, field="rationale", limit=COMMENT_MAX, required=False),
        language=_language(language),
    )
    audit_record(
        actor=author,
        action="participation.amendment_proposed",
        obj=amendment,
        unit=locked.process.unit,
        after={"proposal": locked.pk},
    )
    if locked.author is not None and locked.author_id != author.pk:
        notify(
            recipients=[locked.author],
            kind=kinds.AMENDMENT_PROPOSED,
            target=amendment,
            actor=author,
            params={"actor": _name(author), "proposal": locked.display_title},
        )
    return amendment


@transaction.atomic
def amendment_decide(*, amendment: Amendment, accept: bool, actor: Any, note: str = "") -> Amendment:
    """The proposal's author (or the unit's staff) accepts or rejects; accepting replaces the text."""
    locked = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("proposal__process")
        .get(pk=amendment.pk)
    )
    if locked.status != Amendment.Status.PENDING:
        raise ParticipationRefused("already_decided", _("This amendment has already been answered."))
    if locked.hidden_at is not None:
        raise ParticipationRefused("hidden", _("This amendment was hidden by a moderator."))
    proposal = locked.proposal
    _require_open(proposal)
    locked.status = Amendment.Status.ACCEPTED if accept else Amendment.Status.REJECTED
    locked.decided_by = actor if isinstance(actor, User) else None
    locked.decided_at = timezone.now()
    locked.decision_note = _text(note, field="note", limit=COMMENT_MAX, required=False)
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:
        proposal.body = locked.body
        proposal.bodies = {}  # translations of the old text no longer say the same thing
        proposal.refresh_search_text()
        proposal.save(update_fields=["body", "bodies", "search_text", "updated_at"])
    audit_record(
        actor=actor,
        action="participation.amendment_decided",
        obj=locked,
        unit=proposal.process.unit,
        after={"status": locked.status, "note": locked.decision_note},
    )
    if locked.author is not None:
        notify(
            recipients=[locked.author],
            kind=kinds.AMENDMENT_ACCEPTED if accept else kinds.AMENDMENT_REJECTED,
            target=locked,
            params={"proposal": proposal.display_title},
        )
    return locked


# --- attachments -------------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, proposal: Proposal, upload: UploadedFile, actor: User) -> Attachment:
    """Attach a file: at most 5 MB, of an accepted type whose content matches its name."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ParticipationRefused(
            "file_type",
            _("“%(name)s” is not an accepted type. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(ATTACHMENT_TYPES))},
            "file",
        )
    size = upload.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ParticipationRefused(
            "file_too_large",
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": ATTACHMENT_MAX_BYTES // (1024 * 1024),
            },
            "file",
        )
    if size == 0:
        raise ParticipationRefused("file_empty", _("“%(name)s” is empty.") % {"name": name}, "file")
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ParticipationRefused(
            "file_content",
            _("“%(name)s” does not contain what its name says (.%(ext)s).")
            % {"name": name, "ext": extension},
            "file",
        )
    if extension == "txt" and b"\x00" in head:
        raise ParticipationRefused(
            "file_content", _("“%(name)s” is not a text file.") % {"name": name}, "file"
        )
    attachment = Attachment(
        proposal=proposal, original_name=name, content_type=content_type, size=size, uploaded_by=actor
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="participation.attachment_added",
        obj=attachment,
        unit=proposal.process.unit,
        after={"proposal": proposal.pk, "name": name, "size": size},
    )
    return attachment


# --- moderation --------------------------------------------------------------------------------------------

Target = Proposal | Comment | Amendment


def _target_kind(target: Target) -> str:
    return {Proposal: "proposal", Comment: "comment", Amendment: "amendment"}[type(target)]


def proposal_of(target: Target) -> Proposal:
    return target if isinstance(target, Proposal) else target.proposal


@transaction.atomic
def report_create(*, target: Target, reporter: User, reason: str, details: str = "") -> Report:
    """A member reports content to the unit's moderators (once per open report and member)."""
    if reason not in Report.Reason.values:
        raise ParticipationRefused("unknown_reason", _("Choose a reason for the report."), "reason")
    details = _text(details, field="details", limit=REASON_MAX, required=reason == Report.Reason.OTHER)
    kind = _target_kind(target)
    if Report.objects.filter(reporter=reporter, resolution="", **{kind: target}).exists():
        raise ParticipationRefused(
            "already_reported", _("You have already reported this; moderators will look at it.")
        )
    report = Report.objects.create(
        reporter=reporter,
        process=proposal_of(target).process,
        reason=reason,
        details=details,
        **{kind: target},
    )
    audit_record(
        actor=reporter,
        action="participation.reported",
        obj=report,
        unit=report.process.unit,
        after={kind: target.pk, "reason": reason},
    )
    return report


@transaction.atomic
def content_hide(*, target: Target, reason: str, actor: User) -> Target:
    """A moderator hides content with a reason; its author still sees it, with the reason, and is told.
    Open reports about it are closed as "hidden"."""
    reason = _text(reason, field="reason", limit=REASON_MAX)
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if locked.hidden_at is not None:
        raise ParticipationRefused("already_hidden", _("This is already hidden."))
    locked.hidden_at, locked.hidden_by, locked.hidden_reason = timezone.now(), actor, reason
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    kind = _target_kind(locked)
    proposal = proposal_of(locked)
    Report.objects.filter(resolution="", **{kind: locked}).update(
        resolution=Report.Resolution.HIDDEN, resolved_by=actor, resolved_at=locked.hidden_at
    )
    audit_record(
        actor=actor,
        action=f"participation.{kind}_hidden",
        obj=locked,
        unit=proposal.process.unit,
        after={"reason": reason},
    )
    if locked.author is not None:
        notify(
            recipients=[locked.author],
            kind=kinds.HIDDEN[kind],
            target=proposal,
            actor=actor,
            params={"proposal": proposal.display_title, "reason": reason},
        )
    return locked


@transaction.atomic
def content_unhide(*, target: Target, actor: User) -> Target:
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if locked.hidden_at is None:
        raise ParticipationRefused("not_hidden", _("This is not hidden."))
    before = {"reason": locked.hidden_reason}
    locked.hidden_at, locked.hidden_by, locked.hidden_reason = None, None, ""
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    kind = _target_kind(locked)
    audit_record(
        actor=actor,
        action=f"participation.{kind}_shown_again",
        obj=locked,
        unit=proposal_of(locked).process.unit,
        before=before,
    )
    return locked


@transaction.atomic
def report_dismiss(*, report: Report, actor: User) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.resolution:
        raise ParticipationRefused("already_resolved", _("This report has already been dealt with."))
    locked.resolution, locked.resolved_by, locked.resolved_at = (
        Report.Resolution.DISMISSED,
        actor,
        timezone.now(),
    )
    locked.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    audit_record(actor=actor, action="participation.report_dismissed", obj=locked, unit=locked.process.unit)
    return locked


# --- following and translations ----------------------------------------------------------------------------


@transaction.atomic
def follow_set(
    *, user: User, following: bool, proposal: Proposal | None = None, process: Process | None = None
) -> bool:
    """Follow or stop following a proposal or a process; returns whether the user now follows it."""
    target: dict[str, Any] = {"proposal": proposal} if proposal is not None else {"process": process}
    if following:
        _follow(user, **target)
    else:
        Follow.objects.filter(user=user, **target).delete()
    return following


@transaction.atomic
def translation_add(
    *, target: Proposal | Comment | Process, language: str, actor: User, body: str = "", title: str = ""
) -> Any:
    """Add (or replace) the translation of member text into ``language``; who added it is kept beside it.

    A proposal takes a title and a text, a comment a text, a process a title and a description. The
    author's own language is never overwritten: the original stays as written.
    """
    language = _language(language)
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if language == locked.language:
        raise ParticipationRefused(
            "same_language",
            _("This is the language the text was written in; the original stays as it is."),
            "language",
        )
    changed: dict[str, str] = {}
    if isinstance(locked, Comment):
        locked.bodies = {**locked.bodies, language: _text(body, field="body", limit=COMMENT_MAX)}
        changed["body"] = locked.bodies[language]
        fields = ["bodies"]
    elif isinstance(locked, Proposal):
        locked.titles = {**locked.titles, language: _text(title, field="title", limit=TITLE_MAX)}
        locked.bodies = {**locked.bodies, language: _text(body, field="body", limit=BODY_MAX)}
        changed = {"title": locked.titles[language], "body": locked.bodies[language]}
        locked.refresh_search_text()
        fields = ["titles", "bodies", "search_text"]
    else:
        locked.titles = {**locked.titles, language: _text(title, field="title", limit=TITLE_MAX)}
        description = _text(body, field="body", limit=BODY_MAX, required=False)
        locked.descriptions = {**locked.descriptions, language: description}
        changed = {"title": locked.titles[language], "description": description}
        fields = ["titles", "descriptions"]
    if hasattr(locked, "translated_by"):
        locked.translated_by = {**locked.translated_by, language: actor.pk}
        fields.append("translated_by")
    locked.save(update_fields=fields)
    unit = locked.unit if isinstance(locked, Process) else proposal_of(locked).process.unit
    audit_record(
        actor=actor,
        action="participation.translation_added",
        obj=locked,
        unit=unit,
        after={"language": language, **changed},
    )
    if isinstance(locked, Proposal):
        _compare_later(locked)
    return locked
