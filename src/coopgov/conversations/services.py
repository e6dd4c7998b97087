"""Writes of the opinion conversations: opening and closing one, seed and member statements, moderation,
reactions, and the opinion map computed from the reactions.

Governance acts (a conversation opened or closed, a seed written, a statement moderated) are audited in
their own transaction. Reactions are many and concurrent: they are not audited one by one; one reaction
per member and statement is the database's unique constraint, and a changed reaction updates the row.
The map is ``coopgov.domain.opinion.opinion_map`` (Polis's method, docs/methods/opinion-polis.md),
computed again from all the reactions for each snapshot (docs/adr/0016-opinion-conversations.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopgov.audit.services import audit_record
from coopgov.conversations.models import STATEMENT_MAX_LENGTH, Conversation, MapSnapshot, Reaction, Statement
from coopgov.conversations.selectors import reactions_by_arrival
from coopgov.domain.opinion import OpinionMap, PolisParameters, VoteMatrix, opinion_map
from coopgov.organisation.models import Unit

HOSTS = (Unit.Kind.GROUP, Unit.Kind.COOPERATIVE, Unit.Kind.ANTENNA)
# A reaction queues a new map when the last one is older than this (or when there is none).
MAP_DEBOUNCE = timedelta(seconds=60)
# Fewer members than this in the map: no groups are shown, so no group's figures are one person's votes.
MIN_PARTICIPANTS_FOR_GROUPS = 10
SNAPSHOTS_KEPT = 5
PARAMETERS = PolisParameters()
VOTES = {"agree": 1, "disagree": -1, "pass": 0}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ConversationRefused(Exception):
    """An act the rules or the data do not allow; the message says what and where."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean_text(text: str, where: str = "") -> str:
    """A statement's text: surrounding and repeated spaces removed; refused if empty or too long."""
    cleaned = " ".join((text or "").split())
    prefix = f"{where}: " if where else ""
    if not cleaned:
        raise ConversationRefused("empty", prefix + _("A statement cannot be empty."))
    if len(cleaned) > STATEMENT_MAX_LENGTH:
        raise ConversationRefused(
            "too_long",
            prefix
            + _("A statement has at most %(max)s characters; this one has %(n)s.")
            % {"max": STATEMENT_MAX_LENGTH, "n": len(cleaned)},
        )
    return cleaned


@dataclass(frozen=True)
class ConversationRequest:
    title: str
    question: str
    slug: str = ""
    description: str = ""
    members_may_submit: bool = True
    moderate_first: bool = True
    seeds: Sequence[str] = ()


@transaction.atomic
def conversation_create(*, unit: Unit, request: ConversationRequest, actor: Any) -> Conversation:
    """Open a conversation in ``unit`` with its seed statements (one a line). Nothing is recorded if
    anything is wrong: the permission, the unit, the title, the question, the address, a seed (named by
    its line)."""
    if not actor.has_perm("conversations.create_conversation", unit):
        raise ConversationRefused("forbidden", _("Only staff of this unit may open a conversation in it."))
    if unit.kind not in HOSTS:
        raise ConversationRefused(
            "unit_kind", _("A conversation is held in the group, a cooperative or an antenna.")
        )
    title = " ".join(request.title.split())
    if not title:
        raise ConversationRefused("title", _("Give the conversation a title."))
    question = request.question.strip()
    if not question:
        raise ConversationRefused("question", _("Write the question put to the members."))
    slug = request.slug.strip().lower() or slugify(title)[:80].strip("-")
    if not SLUG.match(slug) or len(slug) > 80 or slug == "new":
        raise ConversationRefused(
            "slug", _("The address uses lowercase letters, digits and hyphens only (at most 80).")
        )
    if Conversation.objects.filter(slug=slug).exists():
        raise ConversationRefused(
            "slug", _("The address %(slug)s is already taken; choose another.") % {"slug": slug}
        )
    seeds = []
    for number, line in enumerate(request.seeds, start=1):
        if line.strip():
            seeds.append(clean_text(line, _("Seed statements, line %(n)s") % {"n": number}))
    conversation = Conversation.objects.create(
        unit=unit,
        slug=slug,
        title=title,
        question=question,
        description=request.description.strip(),
        members_may_submit=request.members_may_submit,
        moderate_first=request.moderate_first,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="conversation.created",
        obj=conversation,
        unit=unit,
        after={
            "slug": slug,
            "title": title,
            "question": question,
            "members_may_submit": conversation.members_may_submit,
            "moderate_first": conversation.moderate_first,
            "seeds": len(seeds),
        },
    )
    for text in seeds:
        _seed(conversation, text, actor)
    return conversation


def _already_there(conversation: Conversation, text: str) -> bool:
    """The same text (ignoring case, in any script: SQLite's own comparison folds ASCII only) is a
    statement of the conversation that was not rejected."""
    folded = text.casefold()
    texts = conversation.statements.exclude(status=Statement.Status.REJECTED).values_list("text", flat=True)
    return any(other.casefold() == folded for other in texts)


def _seed(conversation: Conversation, text: str, actor: Any) -> Statement:
    if _already_there(conversation, text):
        raise ConversationRefused(
            "duplicate", _("“%(text)s” is already a statement of this conversation.") % {"text": text}
        )
    now = timezone.now()
    statement = Statement.objects.create(
        conversation=conversation,
        author=actor if getattr(actor, "pk", None) else None,
        text=text,
        status=Statement.Status.ACCEPTED,
        is_seed=True,
        moderated_by=actor if getattr(actor, "pk", None) else None,
        moderated_at=now,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="conversation.statement_seeded",
        obj=statement,
        unit=conversation.unit,
        after={"conversation": conversation.slug, "text": text},
    )
    return statement


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().select_related("unit").get(pk=conversation.pk)


@transaction.atomic
def statement_seed(*, conversation: Conversation, text: str, actor: Any) -> Statement:
    """A seed statement written by staff: shown at once, without moderation."""
    conversation = _locked(conversation)
    if not actor.has_perm("conversations.add_seed_statement", conversation):
        raise ConversationRefused("forbidden", _("Only staff of this unit may write seed statements."))
    if not conversation.is_open:
        raise ConversationRefused("closed", _("This conversation is closed."))
    return _seed(conversation, clean_text(text), actor)


@transaction.atomic
def conversation_close(*, conversation: Conversation, actor: Any) -> Conversation:
    """Close a conversation: no more reactions or statements; its last map is computed after the commit."""
    conversation = _locked(conversation)
    if not actor.has_perm("conversations.close_conversation", conversation):
        raise ConversationRefused("forbidden", _("Only staff of this unit may close the conversation."))
    if not conversation.is_open:
        raise ConversationRefused("closed", _("This conversation is already closed."))
    conversation.status = Conversation.Status.CLOSED
    conversation.closed_at = timezone.now()
    conversation.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="conversation.closed",
        obj=conversation,
        unit=conversation.unit,
        before={"status": "open"},
        after={"status": "closed", "closed_at": conversation.closed_at.isoformat()},
    )
    _enqueue_refresh(conversation.pk)
    return conversation


@transaction.atomic
def statement_submit(*, conversation: Conversation, text: str, actor: Any) -> Statement:
    """A member's statement: waits for moderation if the conversation asks for it, else shown at once.
    Not audited (members write many); moderation is."""
    conversation = Conversation.objects.select_related("unit").get(pk=conversation.pk)
    if not conversation.is_open:
        raise ConversationRefused("closed", _("This conversation is closed."))
    if not conversation.members_may_submit:
        raise ConversationRefused("no_submissions", _("This conversation does not take members' statements."))
    if not actor.has_perm("conversations.submit_statement", conversation):
        raise ConversationRefused(
            "forbidden", _("Only admitted members in this conversation's unit may submit statements.")
        )
    text = clean_text(text)
    if _already_there(conversation, text):
        raise ConversationRefused(
            "duplicate", _("“%(text)s” is already a statement of this conversation.") % {"text": text}
        )
    return Statement.objects.create(
        conversation=conversation,
        author=actor,
        text=text,
        status=Statement.Status.PENDING if conversation.moderate_first else Statement.Status.ACCEPTED,
    )


@transaction.atomic
def statement_moderate(*, statement: Statement, accept: bool, reason: str = "", actor: Any) -> Statement:
    """Accept or reject a statement (a rejection says why; the author reads it). A decision may be
    changed: a statement rejected after members reacted to it leaves the map at its next computation."""
    statement = (
        Statement.objects.select_for_update().select_related("conversation__unit").get(pk=statement.pk)
    )
    conversation = statement.conversation
    if not actor.has_perm("conversations.moderate", conversation):
        raise ConversationRefused("forbidden", _("Only moderators and staff of this unit may moderate."))
    reason = reason.strip()
    if not accept and not reason:
        raise ConversationRefused("reason", _("Say why the statement is rejected: its author will read it."))
    target = Statement.Status.ACCEPTED if accept else Statement.Status.REJECTED
    if statement.status == target and (accept or reason == statement.rejection_reason):
        raise ConversationRefused(
            "unchanged",
            _("The statement is already %(status)s.") % {"status": statement.get_status_display().lower()},
        )
    before = {"status": statement.status, "reason": statement.rejection_reason}
    statement.status = target
    statement.rejection_reason = "" if accept else reason
    statement.moderated_by = actor if getattr(actor, "pk", None) else None
    statement.moderated_at = timezone.now()
    statement.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
    audit_record(
        actor=actor,
        action="conversation.statement_moderated",
        obj=statement,
        unit=conversation.unit,
        before=before,
        after={"status": statement.status, "reason": statement.rejection_reason, "text": statement.text},
    )
    if statement.reactions.exists():
        _enqueue_refresh(conversation.pk)
    return statement


def reaction_cast(*, statement: Statement, vote: int | str, actor: Any) -> Reaction:
    """Record (or change) the member's reaction: agree 1, disagree -1, pass 0.

    One reaction per member and statement holds under concurrency through the unique constraint:
    ``update_or_create`` inside a transaction, tried once more if a concurrent first reaction of the
    same member won the insert (the retry then updates that row).
    """
    value = VOTES.get(vote, vote) if isinstance(vote, str) else vote
    if value not in (-1, 0, 1) or isinstance(value, bool):
        raise ConversationRefused("vote", _("A reaction is agree, disagree or pass."))
    statement = Statement.objects.select_related("conversation__unit").get(pk=statement.pk)
    conversation = statement.conversation
    if not conversation.is_open:
        raise ConversationRefused("closed", _("This conversation is closed: reactions are no longer taken."))
    if statement.status != Statement.Status.ACCEPTED:
        raise ConversationRefused(
            "not_shown",
            _("This statement is waiting for moderation: it cannot be reacted to yet.")
            if statement.status == Statement.Status.PENDING
            else _("This statement was rejected by the moderators: it cannot be reacted to."),
        )
    if not actor.has_perm("conversations.react", conversation):
        raise ConversationRefused(
            "forbidden", _("Only admitted members in this conversation's unit may react to its statements.")
        )
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                now = timezone.now()
                reaction, _created = Reaction.objects.update_or_create(
                    statement=statement,
                    user=actor,
                    defaults={"vote": value, "updated_at": now},
                    create_defaults={"vote": value, "created_at": now, "updated_at": now},
                )
                _refresh_if_stale(conversation, now)
            return reaction
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _refresh_if_stale(conversation: Conversation, now: datetime) -> None:
    """Queue a new map after the commit when the last one is older than a minute (or absent), at most
    one queued a minute: the conditional update lets only the first reaction of the minute queue it."""
    limit = now - MAP_DEBOUNCE
    if conversation.snapshots.filter(computed_at__gt=limit).exists():
        return
    claimed = Conversation.objects.filter(
        Q(map_requested_at__isnull=True) | Q(map_requested_at__lte=limit), pk=conversation.pk
    ).update(map_requested_at=now)
    if claimed:
        _enqueue_refresh(conversation.pk)


def _enqueue_refresh(conversation_id: int) -> None:
    from coopgov.conversations import tasks

    transaction.on_commit(lambda: tasks.refresh_map.enqueue(conversation_id))


# The map ------------------------------------------------------------------------------------------------


def _result(
    computed: OpinionMap | None, texts: dict[int, str], shown: set[int], min_votes: int, users: Sequence[int]
) -> dict[str, Any]:
    """What the pages need from the map, in JSON: the statements shown with their counts (overall and
    per group), the groups with their representative statements, consensus, divisive statements, and
    each participant in the map with their point and group, keyed by user id (``users[p]`` is the
    account of the map's participant ``p``)."""
    if computed is None:
        return {"version": 1, "min_votes": min_votes, "statements": {}, "groups": [], "points": {}}
    stats = computed.statement_stats
    in_map = [int(i) for i in range(len(computed.participants)) if computed.in_conv[i]]
    with_groups = len(in_map) >= MIN_PARTICIPANTS_FOR_GROUPS and len(computed.groups) >= 2
    n_groups = len(computed.groups) if with_groups else 0
    statements: dict[str, Any] = {}
    for column, sid in enumerate(int(s) for s in stats.statements):
        if sid not in shown:
            continue
        statements[str(sid)] = {
            "text": texts[sid],
            "agree": int(stats.agree[column]),
            "disagree": int(stats.disagree[column]),
            "pass": int(stats.passed[column]),
            "groups": [
                [
                    int(stats.group_agree[g, column]),
                    int(stats.group_disagree[g, column]),
                    int(stats.group_seen[g, column]),
                ]
                for g in range(n_groups)
            ],
        }
    groups = [
        {
            "index": group.id,
            "size": len(group.members),
            "representative": [
                {"statement": r.statement, "direction": r.direction, "repness": round(r.repness, 4)}
                for r in group.representative
                if str(r.statement) in statements
            ],
        }
        for group in (computed.groups if with_groups else ())
    ]
    return {
        "version": 1,
        "min_votes": min_votes,
        "statements": statements,
        "groups": groups,
        "consensus": {
            direction: [
                {"statement": c.statement, "p": round(c.p_success, 4)}
                for c in computed.consensus.get(direction, ())
                if str(c.statement) in statements
            ]
            for direction in ("agree", "disagree")
        },
        "divisive": [
            {"statement": d.statement, "most": d.most_agreeing_group, "least": d.least_agreeing_group}
            for d in (computed.divisive if with_groups else ())
            if str(d.statement) in statements
        ],
        "points": {
            str(users[int(computed.participants[i])]): [
                round(float(computed.coordinates[i, 0]), 4),
                round(float(computed.coordinates[i, 1]), 4),
                int(computed.group_of[i]) if with_groups else -1,
            ]
            for i in in_map
        },
    }


def map_refresh(*, conversation: Conversation, now: datetime | None = None) -> MapSnapshot:
    """Compute the conversation's opinion map from all its reactions and store it as the latest snapshot.

    Statements not accepted (pending, rejected) are moderated out: they neither place members nor appear.
    The map's rows are the members in their order of arrival (``selectors.reactions_by_arrival``), as
    Polis numbers its participants: the Polis export (``exporting``) writes the same numbers, so
    ``coopgov opinions`` recounts it to this map. The computation runs outside any transaction; the
    snapshot is written in one, and only the last few snapshots of the conversation are kept.
    """
    conversation = Conversation.objects.get(pk=conversation.pk)
    reactions = reactions_by_arrival(conversation)
    texts = dict(conversation.statements.values_list("pk", "text"))
    shown = set(conversation.statements.filter(status=Statement.Status.ACCEPTED).values_list("pk", flat=True))
    voted = {int(s) for s in np.unique(reactions.statements)}
    min_votes = min(PARAMETERS.min_votes, len(voted & shown)) if voted & shown else PARAMETERS.min_votes
    computed = None
    if len(reactions):
        computed = opinion_map(
            VoteMatrix.from_votes(reactions.participants, reactions.statements, reactions.votes),
            moderated_out=frozenset(voted - shown),
            parameters=PARAMETERS,
        )
    result = _result(computed, texts, shown, min_votes, reactions.users.tolist())
    on_shown = np.isin(reactions.statements, np.fromiter(shown, dtype=np.int64, count=len(shown)))
    with transaction.atomic():
        snapshot = MapSnapshot.objects.create(
            conversation=conversation,
            computed_at=now or timezone.now(),
            participants=len(np.unique(reactions.participants[on_shown])),
            statements=len(shown),
            votes=int(on_shown.sum()),
            result=result,
        )
        old = conversation.snapshots.order_by("-computed_at", "-id").values_list("pk", flat=True)[
            SNAPSHOTS_KEPT:
        ]
        MapSnapshot.objects.filter(pk__in=list(old)).delete()
    return snapshot


def map_request(*, conversation: Conversation, actor: Any) -> None:
    """Staff or a moderator ask for the map to be computed now (after a moderation, say)."""
    if not actor.has_perm("conversations.moderate", conversation):
        raise ConversationRefused(
            "forbidden", _("Only moderators and staff of this unit may recompute the map.")
        )
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(map_requested_at=timezone.now())
        _enqueue_refresh(conversation.pk)
