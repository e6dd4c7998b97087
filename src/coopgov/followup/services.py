"""Writes of the follow-up: cycles, themes, local groups, recommendations from draft to public comment to
hand-in, members' comments and their moderation, the body's answers (dated status history) and follows.
Every act is atomic and audited; a change of stage or status notifies the followers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.audit.services import audit_record
from coopgov.followup import selectors
from coopgov.followup.models import (
    Cycle,
    DashboardSnapshot,
    LocalGroup,
    Recommendation,
    RecommendationComment,
    RecommendationFollow,
    Stage,
    Status,
    StatusChange,
    Theme,
)
from coopgov.followup.notifications import COMMENT_HIDDEN_KIND, HANDED_IN_KIND, OPENED_KIND
from coopgov.i18n_text import SUPPORTED
from coopgov.notifications.services import notify
from coopgov.organisation.models import Body, Unit


class FollowupRefused(Exception):
    """An act the rules do not allow; the message says what, for the person who tried."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def _same_line(a: Unit, b: Unit) -> bool:
    """One unit is the other, or above it, or below it."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


# Addresses of the follow-up's own pages (/follow-up/<these>/…), never a cycle's short name.
RESERVED_SLUGS = frozenset({"dashboards", "manage", "new"})


@transaction.atomic
def cycle_create(
    *,
    unit: Unit,
    slug: str,
    title: str,
    starts_on: date,
    actor: Any,
    titles: dict[str, str] | None = None,
    description: str = "",
    descriptions: dict[str, str] | None = None,
    ends_on: date | None = None,
) -> Cycle:
    if ends_on is not None and ends_on < starts_on:
        raise FollowupRefused("ends_before_start", _("A cycle cannot end before it starts."), "ends_on")
    if not title.strip():
        raise FollowupRefused("empty", _("A cycle needs a title."), "title")
    if slug in RESERVED_SLUGS:
        raise FollowupRefused(
            "slug_reserved",
            _("The short name %(slug)s is a page of the follow-up; choose another.") % {"slug": slug},
            "slug",
        )
    if Cycle.objects.filter(slug=slug).exists():
        raise FollowupRefused(
            "slug_taken", _("Another cycle already uses the short name %(slug)s.") % {"slug": slug}, "slug"
        )
    cycle = Cycle.objects.create(
        unit=unit,
        slug=slug,
        title=title,
        titles=titles or {},
        description=description,
        descriptions=descriptions or {},
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_record(
        actor=actor,
        action="followup.cycle_created",
        obj=cycle,
        unit=unit,
        after={"slug": slug, "title": title},
    )
    return cycle


@transaction.atomic
def theme_add(
    *, cycle: Cycle, code: str, title: str, actor: Any, titles: dict[str, str] | None = None, order: int = 0
) -> Theme:
    if not title.strip():
        raise FollowupRefused("empty", _("A theme needs a title."), "title")
    if cycle.themes.filter(code=code).exists():
        raise FollowupRefused(
            "theme_code_taken", _("The cycle already has a theme %(code)s.") % {"code": code}, "code"
        )
    theme = Theme.objects.create(cycle=cycle, code=code, title=title, titles=titles or {}, order=order)
    audit_record(
        actor=actor,
        action="followup.theme_added",
        obj=theme,
        unit=cycle.unit,
        after={"code": code, "title": title},
    )
    return theme


@transaction.atomic
def local_group_create(
    *,
    cycle: Cycle,
    unit: Unit,
    name: str,
    actor: Any,
    theme: Theme | None = None,
    secretary: str = "",
    facilitator: str = "",
    process: Any = None,
) -> LocalGroup:
    if unit.kind not in (Unit.Kind.ANTENNA, Unit.Kind.COMMUNITY):
        raise FollowupRefused(
            "group_unit", _("A local group works in an antenna or a thematic community."), "unit"
        )
    if unit.kind == Unit.Kind.ANTENNA and not unit.path.startswith(cycle.unit.path):
        raise FollowupRefused(
            "group_elsewhere",
            _("%(antenna)s is not an antenna of %(unit)s, which runs the cycle.")
            % {"antenna": unit.display_name, "unit": cycle.unit.display_name},
            "unit",
        )
    if theme is not None and theme.cycle_id != cycle.pk:
        raise FollowupRefused("theme_of_other_cycle", _("This theme belongs to another cycle."), "theme")
    if process is not None and process.unit_id != unit.pk:
        raise FollowupRefused(
            "process_elsewhere", _("The group's process must be held by the group's own unit."), "process"
        )
    group = LocalGroup.objects.create(
        cycle=cycle,
        unit=unit,
        name=name,
        theme=theme,
        secretary=secretary,
        facilitator=facilitator,
        process=process,
    )
    audit_record(
        actor=actor,
        action="followup.group_created",
        obj=group,
        unit=unit,
        after={"cycle": cycle.slug, "name": name},
    )
    return group


def _check_recommendation(
    *,
    cycle: Cycle,
    theme: Theme,
    addressed_to: Body,
    title: str,
    text: str,
    language: str,
    group: LocalGroup | None,
) -> None:
    """What a recommendation must be, whatever its stage (the first refused field is named)."""
    if theme.cycle_id != cycle.pk:
        raise FollowupRefused("theme_of_other_cycle", _("This theme belongs to another cycle."), "theme")
    if group is not None and group.cycle_id != cycle.pk:
        raise FollowupRefused(
            "group_of_other_cycle", _("This local group belongs to another cycle."), "group"
        )
    if not _same_line(addressed_to.unit, cycle.unit):
        raise FollowupRefused(
            "body_elsewhere",
            _("%(body)s is not a body of the unit running the cycle, nor of a unit above or below it.")
            % {"body": addressed_to.name},
            "addressed_to",
        )
    if not title.strip() or not text.strip():
        raise FollowupRefused(
            "empty", _("A recommendation needs a title and a text."), "title" if not title.strip() else "text"
        )
    if language not in SUPPORTED:
        raise FollowupRefused("language", _("Choose French, Dutch or English (fr, nl or en)."), "language")


def _next_number(cycle: Cycle) -> tuple[Cycle, int]:
    """The cycle row locked, so that two recommendations recorded at once get consecutive numbers."""
    locked = Cycle.objects.select_for_update().select_related("unit").get(pk=cycle.pk)
    return locked, (locked.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def recommendation_submit(
    *,
    cycle: Cycle,
    theme: Theme,
    addressed_to: Body,
    title: str,
    text: str,
    submitted_on: date,
    actor: Any,
    language: str = "fr",
    group: LocalGroup | None = None,
    due_on: date | None = None,
    source_proposal: Any = None,
    titles: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
) -> Recommendation:
    """Record a recommendation handed in to a body: numbered in the cycle's order, awaiting a response."""
    cycle, number = _next_number(cycle)
    _check_recommendation(
        cycle=cycle,
        theme=theme,
        addressed_to=addressed_to,
        title=title,
        text=text,
        language=language,
        group=group,
    )
    if submitted_on > timezone.localdate():
        raise FollowupRefused("future", _("The submission date cannot be in the future."), "submitted_on")
    if due_on is not None and due_on < submitted_on:
        raise FollowupRefused(
            "due_before_submitted", _("The due date cannot come before the submission."), "due_on"
        )
    recommendation = Recommendation.objects.create(
        cycle=cycle,
        number=number,
        theme=theme,
        group=group,
        addressed_to=addressed_to,
        language=language,
        title=title.strip(),
        titles=titles or {},
        text=text.strip(),
        texts=texts or {},
        stage=Stage.SUBMITTED,
        submitted_on=submitted_on,
        due_on=due_on,
        source_proposal=source_proposal,
    )
    audit_record(
        actor=actor,
        action="followup.recommendation_submitted",
        obj=recommendation,
        unit=addressed_to.unit,
        after={
            "cycle": cycle.slug,
            "number": number,
            "title": recommendation.title,
            "body": addressed_to.name,
        },
    )
    return recommendation


# --- the stages before the body: draft → open for comment → handed in (ADR 0021) -------------------------


def _require(actor: Any, permission: str, obj: Any, message: str) -> None:
    if not getattr(actor, "has_perm", None) or not actor.has_perm(permission, obj):
        raise FollowupRefused("not_allowed", message)


@transaction.atomic
def recommendation_draft(
    *,
    cycle: Cycle,
    theme: Theme,
    addressed_to: Body,
    title: str,
    text: str,
    actor: Any,
    language: str = "fr",
    group: LocalGroup | None = None,
    due_on: date | None = None,
    source_proposal: Any = None,
) -> Recommendation:
    """A draft recommendation of the cycle, written by its staff: numbered now, seen by staff and by its
    local group only, not yet addressed to the body (no submission date, no status to answer)."""
    _require(
        actor, "followup.manage_cycle", cycle, _("Only staff of the unit running the cycle may write it.")
    )
    cycle, number = _next_number(cycle)
    _check_recommendation(
        cycle=cycle,
        theme=theme,
        addressed_to=addressed_to,
        title=title,
        text=text,
        language=language,
        group=group,
    )
    if due_on is not None and due_on < timezone.localdate():
        raise FollowupRefused("due_past", _("The due date cannot be in the past."), "due_on")
    recommendation = Recommendation.objects.create(
        cycle=cycle,
        number=number,
        theme=theme,
        group=group,
        addressed_to=addressed_to,
        language=language,
        title=title.strip(),
        text=text.strip(),
        stage=Stage.DRAFT,
        submitted_on=None,
        due_on=due_on,
        source_proposal=source_proposal,
    )
    audit_record(
        actor=actor,
        action="followup.recommendation_drafted",
        obj=recommendation,
        unit=cycle.unit,
        after={
            "cycle": cycle.slug,
            "number": number,
            "title": recommendation.title,
            "body": addressed_to.name,
            "stage": Stage.DRAFT,
        },
    )
    return recommendation


def _locked(recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("cycle__unit", "addressed_to__unit", "group__unit")
        .get(pk=recommendation.pk)
    )


def _tell(recommendation: Recommendation, kind: str, actor: Any) -> int:
    """Tell the followers who may see the recommendation at its new stage (a follower of the source
    proposal from another unit is not sent to a page that would refuse them)."""
    recipients = [
        u for u in followers(recommendation) if u.has_perm("followup.view_recommendation", recommendation)
    ]
    return notify(
        recipients=recipients,
        kind=kind,
        target=recommendation,
        actor=actor if getattr(actor, "pk", None) else None,
        params={"recommendation": recommendation.display_title},
    )


@transaction.atomic
def recommendation_open_for_comment(*, recommendation: Recommendation, actor: Any) -> Recommendation:
    """A draft becomes open for comment: the members of the unit running the cycle read it and comment.
    Audited; the followers are told."""
    recommendation = _locked(recommendation)
    _require(
        actor,
        "followup.manage_cycle",
        recommendation,
        _("Only staff of the unit running the cycle may open a recommendation for comment."),
    )
    if recommendation.stage != Stage.DRAFT:
        raise FollowupRefused(
            "not_a_draft",
            _("Only a draft can be opened for comment; this recommendation is %(stage)s.")
            % {"stage": recommendation.get_stage_display().lower()},
            "stage",
        )
    recommendation.stage = Stage.OPEN
    recommendation.comment_opened_at = timezone.now()
    recommendation.save(update_fields=["stage", "comment_opened_at"])
    audit_record(
        actor=actor,
        action="followup.recommendation_opened_for_comment",
        obj=recommendation,
        unit=recommendation.cycle.unit,
        before={"stage": Stage.DRAFT},
        after={"stage": Stage.OPEN},
    )
    _tell(recommendation, OPENED_KIND, actor)
    return recommendation


@transaction.atomic
def recommendation_hand_in(*, recommendation: Recommendation, on: date, actor: Any) -> Recommendation:
    """The recommendation is handed in to its body: comments close, and the follow-up starts ("awaiting a
    response"). Only after a public comment. Audited with the number of comments; the followers are told."""
    recommendation = _locked(recommendation)
    _require(
        actor,
        "followup.manage_cycle",
        recommendation,
        _("Only staff of the unit running the cycle may hand a recommendation in."),
    )
    if recommendation.stage != Stage.OPEN:
        message = (
            _("This recommendation has already been handed in.")
            if recommendation.stage == Stage.SUBMITTED
            else _("Open the draft for comment before handing it in.")
        )
        raise FollowupRefused("not_open", message, "stage")
    if on > timezone.localdate():
        raise FollowupRefused("future", _("The hand-in date cannot be in the future."), "on")
    opened = recommendation.comment_opened_at
    if opened is not None and on < timezone.localdate(opened):
        raise FollowupRefused(
            "before_comment", _("The hand-in date cannot come before the public comment opened."), "on"
        )
    if recommendation.due_on is not None and recommendation.due_on < on:
        raise FollowupRefused(
            "due_before_submitted", _("The due date cannot come before the submission."), "on"
        )
    recommendation.stage = Stage.SUBMITTED
    recommendation.submitted_on = on
    recommendation.save(update_fields=["stage", "submitted_on"])
    audit_record(
        actor=actor,
        action="followup.recommendation_handed_in",
        obj=recommendation,
        unit=recommendation.addressed_to.unit,
        before={"stage": Stage.OPEN},
        after={
            "stage": Stage.SUBMITTED,
            "on": on,
            "body": recommendation.addressed_to.name,
            "comments": recommendation.comments.count(),
        },
    )
    _tell(recommendation, HANDED_IN_KIND, actor)
    return recommendation


COMMENT_MAX = 5000
REASON_MAX = 1000


@transaction.atomic
def recommendation_comment_add(
    *, recommendation: Recommendation, author: Any, text: str, language: str = "fr"
) -> RecommendationComment:
    """A member's comment on a recommendation open for comment; the author then follows it (told when it
    is handed in and answered). The recommendation row is locked: a comment and the hand-in never cross."""
    recommendation = _locked(recommendation)
    if recommendation.stage != Stage.OPEN:
        raise FollowupRefused("comments_closed", _("This recommendation is not open for comment."))
    _require(
        author,
        "followup.comment_recommendation",
        recommendation,
        _("Only members of %(unit)s may comment on this recommendation.")
        % {"unit": recommendation.cycle.unit.display_name},
    )
    text = (text or "").strip()
    if not text:
        raise FollowupRefused("required", _("Write your comment."), "text")
    if len(text) > COMMENT_MAX:
        raise FollowupRefused(
            "too_long",
            _("Enter at most %(max)s characters (you entered %(n)s).") % {"max": COMMENT_MAX, "n": len(text)},
            "text",
        )
    if language not in SUPPORTED:
        raise FollowupRefused("language", _("Choose French, Dutch or English (fr, nl or en)."), "language")
    comment = RecommendationComment.objects.create(
        recommendation=recommendation, author=author, text=text, language=language
    )
    audit_record(
        actor=author,
        action="followup.comment_added",
        obj=comment,
        unit=recommendation.cycle.unit,
        after={"recommendation": recommendation.pk, "number": recommendation.number},
    )
    RecommendationFollow.objects.get_or_create(recommendation=recommendation, user=author)
    return comment


@transaction.atomic
def recommendation_comment_hide(
    *, comment: RecommendationComment, reason: str, actor: Any
) -> RecommendationComment:
    """A moderator (or staff) of the unit running the cycle hides a comment with a reason its author reads
    beside it and is told of. Audited."""
    locked = (
        RecommendationComment.objects.select_for_update(of=("self",))
        .select_related("recommendation__cycle__unit", "author")
        .get(pk=comment.pk)
    )
    _require(
        actor,
        "followup.moderate_comment",
        locked,
        _("Only moderators and staff of %(unit)s may hide a comment.")
        % {"unit": locked.recommendation.cycle.unit.display_name},
    )
    reason = (reason or "").strip()
    if not reason:
        raise FollowupRefused("reason_required", _("Give the reason the author will read."), "reason")
    if len(reason) > REASON_MAX:
        raise FollowupRefused(
            "too_long",
            _("Enter at most %(max)s characters (you entered %(n)s).")
            % {"max": REASON_MAX, "n": len(reason)},
            "reason",
        )
    if locked.hidden_at is not None:
        raise FollowupRefused("already_hidden", _("This comment is already hidden."))
    locked.hidden_at, locked.hidden_by, locked.hidden_reason = timezone.now(), actor, reason
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_record(
        actor=actor,
        action="followup.comment_hidden",
        obj=locked,
        unit=locked.recommendation.cycle.unit,
        after={"reason": reason, "recommendation": locked.recommendation_id},
    )
    if locked.author is not None:
        notify(
            recipients=[locked.author],
            kind=COMMENT_HIDDEN_KIND,
            target=locked.recommendation,
            actor=actor,
            params={"recommendation": locked.recommendation.display_title, "reason": reason},
        )
    return locked


def followers(recommendation: Recommendation) -> list[Any]:
    """Who is told of a status change: the recommendation's followers, and when it came from a proposal,
    that proposal's followers and author."""
    from coopgov.accounts.models import User

    ids = set(
        RecommendationFollow.objects.filter(recommendation=recommendation).values_list("user_id", flat=True)
    )
    if recommendation.source_proposal_id is not None:
        from coopgov.participation.models import Follow, Proposal

        ids |= set(
            Follow.objects.filter(proposal_id=recommendation.source_proposal_id).values_list(
                "user_id", flat=True
            )
        )
        author = (
            Proposal.objects.filter(pk=recommendation.source_proposal_id)
            .values_list("author_id", flat=True)
            .first()
        )
        if author is not None:
            ids.add(author)
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def recommendation_set_status(
    *,
    recommendation: Recommendation,
    status: str,
    response: str,
    on: date,
    actor: Any,
    due_on: date | None = None,
) -> StatusChange:
    """The body's answer: a new status with the response given, dated; kept in the history, audited, and
    told to the followers. Only staff or board of the body's unit (or above) may answer."""
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("addressed_to__unit", "cycle")
        .get(pk=recommendation.pk)
    )
    if not getattr(actor, "has_perm", None) or not actor.has_perm(
        "followup.answer_recommendation", recommendation
    ):
        raise FollowupRefused(
            "not_allowed",
            _("Only staff or board members of %(unit)s may answer for %(body)s.")
            % {
                "unit": recommendation.addressed_to.unit.display_name,
                "body": recommendation.addressed_to.name,
            },
        )
    if recommendation.stage != Stage.SUBMITTED:
        raise FollowupRefused(
            "not_handed_in", _("A recommendation is answered only once it has been handed in."), "status"
        )
    if status not in {s.value for s in Status} or status == Status.SUBMITTED:
        raise FollowupRefused(
            "bad_status",
            _("The status must be one of: done, in progress, not done, rejected, postponed."),
            "status",
        )
    response = response.strip()
    if not response:
        raise FollowupRefused(
            "response_required", _("A status change needs a response explaining it."), "response"
        )
    if on > timezone.localdate():
        raise FollowupRefused("future", _("The date of the answer cannot be in the future."), "on")
    if recommendation.submitted_on is not None and on < recommendation.submitted_on:
        raise FollowupRefused(
            "before_submission", _("The answer cannot be dated before the submission."), "on"
        )
    if status == recommendation.status and response == recommendation.response:
        raise FollowupRefused("no_change", _("This status and response are already recorded."), "status")
    before = {"status": recommendation.status, "response": recommendation.response}
    change = StatusChange.objects.create(
        recommendation=recommendation,
        from_status=recommendation.status,
        to_status=status,
        on=on,
        response=response,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    recommendation.status = status
    recommendation.response = response
    recommendation.answered_on = recommendation.answered_on or on
    recommendation.status_changed_at = timezone.now()
    if due_on is not None:
        recommendation.due_on = due_on
    recommendation.save(update_fields=["status", "response", "answered_on", "status_changed_at", "due_on"])
    audit_record(
        actor=actor,
        action="followup.status_changed",
        obj=recommendation,
        unit=recommendation.addressed_to.unit,
        before=before,
        after={"status": status, "response": response, "on": on},
    )
    notify(
        recipients=followers(recommendation),
        kind=f"followup.{status}",
        target=recommendation,
        actor=actor if getattr(actor, "pk", None) else None,
        params={"recommendation": recommendation.display_title},
    )
    return change


@transaction.atomic
def recommendation_follow(*, recommendation: Recommendation, user: Any) -> bool:
    """Follow a recommendation (told of each status change); True if this started following."""
    _follow, created = RecommendationFollow.objects.get_or_create(recommendation=recommendation, user=user)
    return created


@transaction.atomic
def recommendation_unfollow(*, recommendation: Recommendation, user: Any) -> bool:
    deleted, _rows = RecommendationFollow.objects.filter(recommendation=recommendation, user=user).delete()
    return deleted > 0


# --- snapshots of the participation dashboards ------------------------------------------------------------

DEFAULT_DASHBOARD_MONTHS = 12
DASHBOARD_KINDS = (Unit.Kind.GROUP, Unit.Kind.COOPERATIVE, Unit.Kind.ANTENNA, Unit.Kind.COMMUNITY)


def dashboard_snapshot_refresh(
    *, unit: Unit | None, now: datetime, months: Sequence[int] = ()
) -> list[DashboardSnapshot]:
    """Compute and store the dashboards of ``unit`` (every group, cooperative, antenna and community if
    None) as of ``now``: the snapshot of this month for the periods in ``months`` or, if none is given, for
    the default 12 months and every period already stored for the unit (so a period someone read stays
    fresh and its page fast). The figures
    are those of ``selectors.dashboard`` at ``now``; the acts are read and folded once per period for all
    the units, since they do not depend on the unit. Not an act of governance: nothing is audited."""
    from coopgov.domain.governance.representation import fold_acts

    for window in months:
        if not 1 <= window <= 36:
            raise FollowupRefused("months", _("months must be between 1 and 36."), field="months")
    today = timezone.localdate(now)
    units = (
        [unit] if unit is not None else list(Unit.objects.filter(kind__in=DASHBOARD_KINDS).order_by("path"))
    )
    windows: dict[int, set[int]] = {u.pk: set(months) for u in units}
    if not months:
        for each in units:
            windows[each.pk].add(DEFAULT_DASHBOARD_MONTHS)
        stored = DashboardSnapshot.objects.filter(unit__in=units).values_list("unit_id", "months").distinct()
        for unit_id, window in stored:
            windows[unit_id].add(window)
    longest = max((w for found in windows.values() for w in found), default=DEFAULT_DASHBOARD_MONTHS)
    acts = selectors.participation_acts(selectors.first_days(selectors.dashboard_months(longest, today)))
    folded = {
        window: fold_acts(acts, selectors.dashboard_months(window, today))
        for window in sorted({w for found in windows.values() for w in found})
    }
    month = date(today.year, today.month, 1)
    written = []
    for each in units:
        register = selectors.scope_register(each)
        for window in sorted(windows[each.pk]):
            data = selectors.dashboard_figures(each, register, folded[window])
            snapshot, _created = DashboardSnapshot.objects.update_or_create(
                unit=each,
                month=month,
                months=window,
                defaults={"computed_at": now, "figures": selectors.snapshot_figures(data, register)},
            )
            written.append(snapshot)
    return written


def dashboard_refresh_request(*, unit: Unit, actor: Any) -> None:
    """Ask the background workers to recompute the unit's dashboards (after the request's transaction)."""
    from coopgov.followup import tasks

    if not actor.has_perm("followup.refresh_dashboard", unit):
        raise FollowupRefused("forbidden", _("Only staff of this unit may refresh its dashboard."))
    transaction.on_commit(lambda: tasks.refresh_dashboards.enqueue(unit.pk))
