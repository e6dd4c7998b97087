"""Writes on assemblies: convene, open and close items, proxies, casting, counting and publishing.

Every act is atomic, re-checks its rule at the moment of the act, and is audited. Counting goes through
the anonymised ballot file and the code path of `coopgov tally`, so anyone recounts the same result.
"""

from __future__ import annotations

import gc
import hashlib
import json
import secrets
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Sum, TextField
from django.db.models.functions import Cast, Coalesce
from django.db.models.sql.constants import CURSOR
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

import coopgov
from coopgov.audit.services import audit_record, audit_record_concurrent
from coopgov.db import analyze
from coopgov.decisions.electorate import Seat, Standing, eligibility
from coopgov.decisions.models import (
    DEFAULT_GRADES,
    Assembly,
    Ballot,
    ElectorateEntry,
    Item,
    Participation,
    Proxy,
    Result,
)
from coopgov.decisions.selectors import board_seats
from coopgov.domain.formats.json_ballots import (
    BallotFile,
    BallotFileError,
    BallotRecord,
    dumps_cast_ballots,
    loads_ballot_file,
    vote_from_json,
)
from coopgov.domain.voting import weights as voting_weights
from coopgov.domain.voting.for_withhold import invalid_mark
from coopgov.domain.voting.motion import SCIC_COLLEGE_BOUNDS, MotionRule
from coopgov.domain.voting.numbers import json_number
from coopgov.members.models import Category, Membership, Person, ShareMovement
from coopgov.organisation.models import Unit
from coopgov.tools.tally import UsageError, tally_file


class DecisionRefused(Exception):
    """An act the rules do not allow now; the message says what, for the person who tried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


ZERO = Decimal("0.00")


# --- convening --------------------------------------------------------------------------------------------


def _in_unit(membership: Membership, assembly: Assembly) -> bool:
    if assembly.unit_id == assembly.cooperative_id:
        return True
    antenna = membership.person.home_antenna
    return antenna is not None and antenna.path.startswith(assembly.unit.path)


def _board_seats_or_refuse(assembly: Assembly) -> dict[int, Seat]:
    """The directors of a board meeting; convening is refused when there are none, or when a director has
    no membership in the register (the electorate is built from it, docs/adr/0018)."""
    seats = board_seats(assembly.cooperative_id, assembly.record_date)
    if not seats:
        raise DecisionRefused(
            "no_directors",
            _(
                "Nobody held a mandate on the cooperative's board on the record date (%(date)s): record the "
                "directors' mandates before convening a board meeting."
            )
            % {"date": assembly.record_date.isoformat()},
        )
    members = set(
        Membership.objects.filter(cooperative_id=assembly.cooperative_id, person_id__in=seats).values_list(
            "person_id", flat=True
        )
    )
    missing = sorted(str(p) for p in Person.objects.filter(pk__in=set(seats) - members))
    if missing:
        raise DecisionRefused(
            "director_not_in_register",
            _(
                "These directors have no membership of the cooperative in the register, so they cannot be "
                "convened: %(names)s."
            )
            % {"names": ", ".join(missing)},
        )
    return seats


def _freeze_electorate(assembly: Assembly) -> tuple[int, int]:
    """One entry per membership of the cooperative, as it stood at the record date (see electorate.py).
    At a board meeting only the directors on the record date are in it, one vote each, in no collège's
    weighting (the entry keeps the member's category, which the count of a board meeting ignores)."""
    board = assembly.kind == Assembly.Kind.BOARD
    seats = _board_seats_or_refuse(assembly) if board else {}
    memberships = (
        # Every membership, later candidacies included, so each member can read why they are in or out.
        Membership.objects.filter(cooperative=assembly.cooperative)
        .select_related("person__home_antenna", "category")
        .order_by("number")
    )
    paid = dict(
        ShareMovement.objects.filter(cooperative=assembly.cooperative, effective_on__lte=assembly.record_date)
        .values("membership")
        .annotate(paid=Coalesce(Sum("paid_delta_eur"), ZERO))
        .values_list("membership", "paid")
    )
    entries = []
    for m in memberships:
        standing = Standing(
            status=m.status,
            admitted_on=m.admitted_on,
            ended_on=m.ended_on,
            paid_eur=paid.get(m.pk, ZERO),
            in_unit=_in_unit(m, assembly),
            seat=seats.get(m.person_id),
        )
        ok, reasons = eligibility(
            standing,
            record_date=assembly.record_date,
            requires_paid_shares=assembly.requires_paid_shares,
            board=board,
        )
        if ok and not board:
            reasons.append({"code": "in_college", "college": m.category.code})
        entries.append(
            ElectorateEntry(
                assembly=assembly, membership=m, college=m.category.code, eligible=ok, reasons=reasons
            )
        )
    ElectorateEntry.objects.bulk_create(entries, batch_size=2000)
    # Casting looks a member's entry up by assembly and person; on the statistics of before the freeze
    # the planner hashes the whole electorate per lookup (~30 ms) instead of probing the unique index.
    analyze(ElectorateEntry)
    return sum(1 for e in entries if e.eligible), len(entries)


@transaction.atomic
def assembly_convene(*, assembly: Assembly, actor: Any, now: datetime | None = None) -> Assembly:
    """Freeze the electorate at the record date and e-mail the convocation to everyone in it.

    Rule: the statutory notice period (``notice_days``) must separate the convocation from the first
    meeting (CSA art. 6:70 §1, fifteen days; C. com. R225-69 for SCIC-SA, fifteen days).
    """
    now = now or timezone.now()
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if locked.status != Assembly.Status.DRAFT:
        raise DecisionRefused("not_draft", _("This assembly has already been convened."))
    if not locked.items.exists():
        raise DecisionRefused("no_items", _("Add at least one item to the agenda before convening."))
    if (locked.first_convocation_at - now).days < locked.notice_days:
        raise DecisionRefused(
            "notice_too_short",
            _("The first convocation must be at least %(days)d days from today (statutory notice).")
            % {"days": locked.notice_days},
        )
    if locked.record_date > now.date():
        raise DecisionRefused("record_date_in_future", _("The record date cannot be in the future."))
    from coopgov.decisions import presets

    # The quorum and majority members are convened under: a later change of an own preset does not
    # reach this assembly (docs/adr/0012).
    frozen = presets.freeze(locked)
    eligible, total = _freeze_electorate(locked)
    from coopgov.decisions.sections import apply_delegates

    delegates = apply_delegates(locked)  # with section assemblies, only their delegates vote
    if delegates is not None:
        eligible = delegates
    locked.status = Assembly.Status.CONVENED
    locked.convened_at = now
    locked.save(update_fields=["status", "convened_at"])
    from coopgov.decisions.tasks import send_convocation

    assembly_id = locked.pk
    transaction.on_commit(lambda: send_convocation.enqueue(assembly_id))
    audit_record(
        actor=actor,
        action="assembly.convened",
        obj=locked,
        unit=locked.unit,
        after={
            "record_date": locked.record_date,
            "electorate": eligible,
            "memberships_checked": total,
            "presets": frozen,
        },
    )
    return locked


# --- items ------------------------------------------------------------------------------------------------


@transaction.atomic
def item_open(*, item: Item, actor: Any) -> Item:
    """Open an item for voting; the assembly opens with its first item."""
    assembly = Assembly.objects.select_for_update().get(pk=item.assembly_id)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise DecisionRefused("assembly_not_convened", _("Convene the assembly before opening its items."))
    if locked.status != Item.Status.DRAFT:
        raise DecisionRefused("item_not_draft", _("This item has already been opened."))
    if locked.kind != Item.Kind.MOTION and not locked.options.exists():
        raise DecisionRefused("no_options", _("Add the candidates or options before opening this item."))
    locked.status = Item.Status.OPEN
    locked.save(update_fields=["status"])
    if assembly.status != Assembly.Status.OPEN:
        assembly.status = Assembly.Status.OPEN
        assembly.save(update_fields=["status"])
    audit_record(actor=actor, action="item.opened", obj=locked, unit=assembly.unit)
    return locked


def _policy(assembly: Assembly) -> voting_weights.ProxyPolicy:
    return voting_weights.ProxyPolicy(
        max_per_holder=assembly.max_proxies_per_holder, same_college=assembly.proxies_same_college
    )


@lru_cache(maxsize=256)
def _exact(weight: Decimal) -> Fraction:
    """A stored weight as an exact fraction; an electorate holds few distinct weights, and closing an item
    of 30,000 voters would otherwise build 60,000 equal fractions."""
    return Fraction(weight)


def _resolved_weights(item: Item, voters: list[ElectorateEntry]) -> voting_weights.VoterWeights:
    """Each voter's weight with the proxies they hold, checked again now that the votes are in (a giver
    who voted overrides their proxy; caps and collège rules apply in the order proxies were given)."""
    assembly = item.assembly
    proxies = list(
        Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True)
        .select_related("giver", "holder")
        .order_by("given_at", "id")
    )
    if not proxies:  # nothing to resolve: each voter weighs their own vote
        own = {str(e.pk): _exact(e.weight) for e in voters}
        return voting_weights.VoterWeights(weights=own, explanations=dict.fromkeys(own, ("own vote",)))
    involved = {e.pk: e for e in voters}
    for proxy in proxies:
        involved.setdefault(proxy.giver_id, proxy.giver)
        involved.setdefault(proxy.holder_id, proxy.holder)
    members = [
        voting_weights.Member(id=str(e.pk), college=e.college, weight=_exact(e.weight))
        for e in involved.values()
    ]
    return voting_weights.resolve_proxies(
        members,
        [voting_weights.Proxy(giver=str(p.giver_id), holder=str(p.holder_id)) for p in proxies],
        [str(e.pk) for e in voters],
        _policy(assembly),
    )


def seal_of(item_id: int, entry_id: int) -> str:
    """The HMAC under the server key that finds a voter's secret ballot while the item is open."""
    return salted_hmac(
        "coopgov.decisions.ballot-seal", f"{item_id}:{entry_id}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def item_close(*, item: Item, actor: Any) -> Item:
    """Close an item: apply the proxies to the ballots' weights, then erase every link from a secret
    ballot to its voter (docs/adr/0005-secret-ballots.md)."""
    locked = Item.objects.select_for_update(of=("self",)).select_related("assembly").get(pk=item.pk)
    if locked.status != Item.Status.OPEN:
        raise DecisionRefused("item_not_open", _("Only an open item can be closed."))
    from coopgov.decisions.room import room_ballots_at_close, room_silent_ballots

    # Show-of-hands counts become ballots; members present in a room who did not vote count as present.
    room = room_ballots_at_close(locked)
    # Only the fields the proxies need: a large assembly has tens of thousands of voters per item.
    voters = list(
        ElectorateEntry.objects.filter(participations__item=locked)
        .only("id", "weight", "college")
        .order_by("id")
    )
    resolved = _resolved_weights(locked, voters + room.silent)
    room_silent_ballots(locked, room, resolved.weights)
    for entry in voters:
        weight = resolved.weights[str(entry.pk)]
        if weight == _exact(entry.weight):
            continue
        ballots = Ballot.objects.filter(item=locked)
        ballots = (
            ballots.filter(seal=seal_of(locked.pk, entry.pk))
            if locked.secret
            else ballots.filter(entry=entry)
        )
        ballots.update(weight=Decimal(weight.numerator) / Decimal(weight.denominator))
    if locked.secret:
        Ballot.objects.filter(item=locked).update(seal=None, entry=None)
    report = resolved.to_json()
    # Secret items keep the counts of proxies applied and refused, never who held whose.
    locked.proxy_report = {
        "applied": sum(len(lines) - 1 for lines in report["explanations"].values()),
        "refused": [{"reason": r["reason"]} for r in report["refused"]]
        if locked.secret
        else report["refused"],
    }
    locked.status = Item.Status.CLOSED
    locked.save(update_fields=["status", "proxy_report"])
    audit_record(
        actor=actor,
        action="item.closed",
        obj=locked,
        unit=locked.assembly.unit,
        after={"participants": len(voters), "proxies": locked.proxy_report},
    )
    assembly = Assembly.objects.select_for_update().get(pk=locked.assembly_id)
    if not assembly.items.exclude(status__in=[Item.Status.CLOSED, Item.Status.PUBLISHED]).exists():
        assembly.status = Assembly.Status.CLOSED
        assembly.save(update_fields=["status"])
    return locked


# --- proxies ----------------------------------------------------------------------------------------------


def _open_for_proxies(assembly: Assembly) -> None:
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise DecisionRefused(
            "proxies_closed", _("Proxies can be given only between convocation and closing.")
        )


@transaction.atomic
def proxy_give(
    *,
    assembly: Assembly,
    giver: ElectorateEntry,
    holder: ElectorateEntry,
    actor: Any,
    paper_reference: str = "",
    entered_by: Any = None,
    now: datetime | None = None,
) -> Proxy:
    """A member gives their proxy to another member of the electorate (or staff enters a paper proxy).

    Rule: loi n° 47-1775 art. 9, CSA art. 6:71 and the statutes: the holder must be a member of the
    electorate; one proxy per giver; at most ``max_proxies_per_holder`` per holder (0: the statutes allow
    none); within the collège where the statutes say so. Checked again when the proxy is used (at
    closing). At a board meeting the electorate is the directors, so a proxy goes from a director to a
    director (C. com. R225-19: at most one per director, checked when the meeting is created).
    """
    _open_for_proxies(Assembly.objects.select_for_update().get(pk=assembly.pk))
    giver = ElectorateEntry.objects.select_for_update().get(pk=giver.pk)
    holder = ElectorateEntry.objects.select_for_update().get(pk=holder.pk)
    if giver.assembly_id != assembly.pk or holder.assembly_id != assembly.pk:
        raise DecisionRefused(
            "not_this_assembly", _("Both members must belong to this assembly's electorate.")
        )
    if not giver.eligible:
        raise DecisionRefused(
            "giver_not_in_electorate", _("You are not in the electorate, so you have no vote to give.")
        )
    if not holder.eligible:
        raise DecisionRefused("holder_not_in_electorate", _("The member you chose is not in the electorate."))
    if giver.pk == holder.pk:
        raise DecisionRefused("proxy_to_self", _("You cannot give your proxy to yourself."))
    if Proxy.objects.filter(assembly=assembly, giver=giver, revoked_at__isnull=True).exists():
        raise DecisionRefused("already_given", _("You have already given a proxy; revoke it first."))
    if Proxy.objects.filter(assembly=assembly, giver=holder, revoked_at__isnull=True).exists():
        raise DecisionRefused(
            "holder_gave_proxy",
            _("This member has given their own proxy, so cannot hold one (one level only)."),
        )
    if assembly.proxies_same_college and giver.college != holder.college:
        raise DecisionRefused("other_college", _("The statutes allow a proxy only within your collège."))
    cap = assembly.max_proxies_per_holder
    if cap == 0:
        raise DecisionRefused("no_proxies", _("The statutes allow no proxy at this meeting."))
    if (
        cap is not None
        and Proxy.objects.filter(assembly=assembly, holder=holder, revoked_at__isnull=True).count() >= cap
    ):
        raise DecisionRefused(
            "holder_full",
            _("This member already holds %(cap)d proxies, the most the statutes allow.") % {"cap": cap},
        )
    proxy = Proxy.objects.create(
        assembly=assembly,
        giver=giver,
        holder=holder,
        given_at=now or timezone.now(),
        paper_reference=paper_reference,
        entered_by=entered_by,
    )
    audit_record(
        actor=actor,
        action="proxy.given",
        obj=proxy,
        unit=assembly.unit,
        after={"giver": giver.membership_id, "holder": holder.membership_id, "paper": paper_reference},
        on_behalf_of=f"membership {giver.membership_id}" if entered_by is not None else "",
    )
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, actor: Any, now: datetime | None = None) -> Proxy:
    """Revoke a proxy; allowed until the assembly closes."""
    locked = Proxy.objects.select_for_update(of=("self",)).select_related("assembly").get(pk=proxy.pk)
    _open_for_proxies(locked.assembly)
    if locked.revoked_at is not None:
        raise DecisionRefused("already_revoked", _("This proxy has already been revoked."))
    locked.revoked_at = now or timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="proxy.revoked", obj=locked, unit=locked.assembly.unit)
    return locked


# --- casting ----------------------------------------------------------------------------------------------


def _validate_vote(item: Item, content: Any) -> None:
    """Check a vote by reading it as the ballot file would: the same rules and messages as `coopgov tally`."""
    import json

    head: dict[str, Any] = {"kind": item.ballot_kind, "ballots": [{"vote": content}]}
    if item.ballot_kind != "motion":
        head["candidates"] = list(item.options.values_list("key", flat=True))
    if item.ballot_kind == "grades":
        head["grades"] = item.grades or DEFAULT_GRADES
    if item.method == "for-withhold" and isinstance(content, dict):
        # For (1), Withhold (0) or left out: any other mark would be counted as a null ballot.
        wrong = invalid_mark(content)
        if wrong is not None:
            raise DecisionRefused(
                "invalid_mark",
                _(
                    "The mark for candidate %(candidate)s is %(value)s: give For (1) or Withhold (0), "
                    "or leave the candidate out for no opinion."
                )
                % {"candidate": wrong[0], "value": json.dumps(wrong[1])},
            )
    try:
        loads_ballot_file(json.dumps(head), source="vote")
    except BallotFileError as error:
        raise DecisionRefused(
            "invalid_vote", _("This vote cannot be read: %(error)s") % {"error": error}
        ) from None


def new_receipt() -> str:
    """A receipt code: 10 random characters from an alphabet without look-alikes, grouped for reading."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _item_for_casting(item: Item) -> tuple[Item, datetime | None, datetime | None, Unit]:
    """The item read again, its row share-locked until the cast commits (PostgreSQL: casts share the
    lock, ``item_close``'s FOR UPDATE waits for them; SQLite serialises writes anyway), with its
    assembly's voting window and unit, in one query.

    Thousands of members cast at once: this is one plain statement instead of the ORM's reading of the
    item, its assembly and unit as three full models (docs/adr/0006-casting-under-load.md)."""
    items, assemblies, units = Item._meta.db_table, Assembly._meta.db_table, Unit._meta.db_table
    lock = " FOR SHARE OF i" if connection.vendor == "postgresql" else ""
    found = list(
        Item.objects.raw(
            f"SELECT i.*, a.voting_opens_at AS window_opens, a.voting_closes_at AS window_closes, "
            f"u.id AS unit_pk, u.code AS unit_code FROM {items} i "
            f"JOIN {assemblies} a ON a.id = i.assembly_id JOIN {units} u ON u.id = a.unit_id "
            f"WHERE i.id = %s{lock}",
            [item.pk],
        )
    )
    if not found:
        raise DecisionRefused("no_item", _("No item %(id)s in this assembly.") % {"id": item.pk})
    current = found[0]
    # The unit as the audit entry names it (its key and code), without reading the whole row.
    extra = current.__dict__
    unit = Unit(pk=extra["unit_pk"], code=extra["unit_code"])
    return current, _db_datetime(extra["window_opens"]), _db_datetime(extra["window_closes"]), unit


def _db_datetime(value: Any) -> datetime | None:
    """A datetime column read by a raw query: PostgreSQL gives it aware, SQLite naive (or as text) in UTC."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a datetime: {value!r}")
    return timezone.make_aware(parsed, UTC) if timezone.is_naive(parsed) else parsed


@transaction.atomic
def ballot_cast(
    *,
    item: Item,
    entry: ElectorateEntry | None = None,
    content: Any,
    actor: Any,
    channel: str = Participation.Channel.ONLINE,
    now: datetime | None = None,
    person_id: int | None = None,
) -> str:
    """Cast or change a member's ballot on an open item; returns the new receipt code.

    The member is given by their electorate ``entry``, or by their ``person_id`` (the API: the entry is
    then found and locked in one query).

    One ballot per member per item: the electorate entry is locked (SELECT … FOR UPDATE), so concurrent
    casts of one member queue and the last one counts; the unique constraints on Participation and Ballot
    are the last line of defence. Room and postal ballots are cast by a relay or staff on the member's
    behalf (``actor`` is that person), and say so in the audit log.

    The item's row is share-locked (PostgreSQL), so casts never wait for each other but closing waits
    for the casts under way, and a cast that comes after closing reads the item closed. Casts are
    audited without queueing on the audit chain's head (docs/adr/0006-casting-under-load.md).
    """
    entries = (
        ElectorateEntry.objects.select_for_update(of=("self",))
        .annotate(person_id=F("membership__person_id"))
        .only("id", "assembly_id", "membership_id", "college", "weight", "eligible")
    )
    if entry is not None:
        found = entries.filter(pk=entry.pk)[:1]
    elif person_id is not None:
        found = entries.filter(assembly_id=item.assembly_id, membership__person_id=person_id)[:1]
    else:
        raise TypeError("ballot_cast needs the member's entry or person_id")
    locked_entry = next(iter(found), None)
    if locked_entry is None:
        raise DecisionRefused("not_in_electorate", _("You are not in the electorate of this assembly."))
    # The time is read once the lock is held, so the order of cast times is the order of the casts.
    now = now or timezone.now()
    current, opens_at, closes_at, unit = _item_for_casting(item)
    if current.assembly_id != item.assembly_id:
        raise DecisionRefused("no_item", _("No item %(id)s in this assembly.") % {"id": item.pk})
    if locked_entry.assembly_id != current.assembly_id or not locked_entry.eligible:
        raise DecisionRefused("not_in_electorate", _("You are not in the electorate of this assembly."))
    if current.status != Item.Status.OPEN:
        raise DecisionRefused("item_not_open", _("Voting on this item is not open."))
    _validate_vote(current, content)
    if current.college and locked_entry.college != current.college:
        raise DecisionRefused(
            "other_college",
            _("Only the category or collège %(college)s votes on this item.") % {"college": current.college},
        )
    if channel == Participation.Channel.ONLINE and (
        (opens_at and now < opens_at) or (closes_at and now >= closes_at)
    ):
        raise DecisionRefused("outside_window", _("Online voting is open only during the voting window."))
    participation = Participation.objects.select_for_update().filter(item=current, entry=locked_entry).first()
    seal = seal_of(current.pk, locked_entry.pk) if current.secret else None
    if participation is not None:
        old = Ballot.objects.filter(item=current)
        old = old.filter(seal=seal) if current.secret else old.filter(entry=locked_entry)
        old.delete()
    receipt = new_receipt()
    Ballot.objects.create(
        item=current,
        receipt=receipt,
        content=content,
        college=locked_entry.college,
        weight=locked_entry.weight,
        seal=seal,
        entry=None if current.secret else locked_entry,
        cast_at=None if current.secret else now,
    )
    actor_user = actor if getattr(actor, "pk", None) else None
    if participation is None:
        participation = Participation.objects.create(
            item=current, entry=locked_entry, channel=channel, cast_at=now, cast_by=actor_user
        )
    else:
        participation.channel = channel
        participation.cast_at = now
        participation.times_cast += 1
        participation.cast_by = actor_user
        participation.save(update_fields=["channel", "cast_at", "times_cast", "cast_by"])
    own = getattr(actor, "person_id", None) == locked_entry.person_id
    audit_record_concurrent(
        actor=actor,
        action="ballot.cast",
        obj=participation,
        unit=unit,
        after={"item": current.pk, "channel": channel, "times_cast": participation.times_cast},
        on_behalf_of="" if own else f"membership {locked_entry.membership_id}",
    )
    return receipt


# --- counting and publishing ------------------------------------------------------------------------------


def _fraction(value: Decimal | None) -> Fraction:
    return Fraction(value or 0)


def _colleges(item: Item) -> dict[str, Fraction] | None:
    """The collège weights a motion is counted by; none at a board meeting (one director, one vote)."""
    profile = getattr(item.assembly.cooperative, "profile", None)
    if profile is None or not profile.uses_colleges or item.college:
        return None
    if item.assembly.kind == Assembly.Kind.BOARD:
        return None
    return {
        c.code: _fraction(c.college_weight)
        for c in Category.objects.filter(cooperative=item.assembly.cooperative, college_weight__isnull=False)
    }


def motion_rule(item: Item, colleges: Mapping[str, Fraction] | None) -> MotionRule:
    """The rule of a motion: the item's decision type, else the assembly's preset, on the convocation being
    held, with the cooperative's collège weights, per-collège quorum and per-person cap. A board meeting
    has no vote cap (one director, one vote; the cap of the CNC approval is on members' votes); the
    per-collège quorum applies where the count is by collège."""
    from coopgov.decisions import presets  # presets builds on this module's DecisionRefused

    assembly = item.assembly
    profile = getattr(assembly.cooperative, "profile", None)
    cap = Fraction(profile.vote_cap_ratio) if profile is not None and profile.vote_cap_ratio else None
    if assembly.kind == Assembly.Kind.BOARD:
        cap = None
    return presets.rule_for(
        presets.item_preset(item),
        convocation=assembly.convocation,
        college_weights=dict(colleges) if colleges is not None else None,
        college_bounds=SCIC_COLLEGE_BOUNDS,
        cap=cap,
        by_college=colleges is not None,
    )


def _electorate_weights(item: Item) -> dict[str, Fraction]:
    entries = ElectorateEntry.objects.filter(assembly=item.assembly, eligible=True)
    if item.college:
        entries = entries.filter(college=item.college)
    rows = entries.values("college").annotate(total=Sum("weight")).order_by("college")
    return {row["college"]: _fraction(row["total"]) for row in rows}


def _cast_ballots(item: Item, *, with_college: bool) -> list[tuple[str, Any, Fraction, str | None]]:
    """The item's ballots in receipt order as (receipt, vote as cast in JSON, weight, collège or None)."""
    return _cast_ballots_and_weight(item, with_college=with_college)[0]


def _cast_ballots_and_weight(
    item: Item, *, with_college: bool
) -> tuple[list[tuple[str, Any, Fraction, str | None]], Fraction]:
    """The item's ballots in receipt order as (receipt, vote as cast in JSON, weight, collège or None), and
    their total weight (the weight present or represented).

    Read as plain rows: the votes' JSON text decoded in one call rather than one per row, and each
    distinct value of a column converted once by the database backend's converters (Django's own
    conversion of a values_list, which otherwise runs on every row): a large assembly has tens of
    thousands of ballots per item, nearly all weighing 1. The rows are put in receipt order here, by code
    point as SQLite compares them (receipt codes are upper-case letters, digits and hyphens): PostgreSQL
    sorted them through its collation, several times slower than reading them. The total weight is
    summed from the rows read, exactly (a decimal per distinct weight), instead of a second query."""
    query = item.ballots.annotate(content_text=Cast("content", TextField())).values_list(
        "receipt", "content_text", "weight", "college"
    )
    compiler = query.query.get_compiler(using=query.db)
    cursor = compiler.execute_sql(CURSOR)
    if cursor is None:  # nothing to read
        rows = []
    else:
        with cursor:
            rows = cursor.fetchall()  # in one call: the rows are all on the client already
    rows.sort(key=itemgetter(0))
    selected = compiler.select[: compiler.col_count]
    columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in selected]
    for position, (functions, expression) in compiler.get_converters([c[0] for c in selected]).items():
        keys = list(zip(map(type, columns[position]), columns[position], strict=True))
        converted = {}
        for key in set(keys):
            value = key[1]
            for function in functions:
                value = function(value, expression, compiler.connection)
            converted[key] = value
        columns[position] = list(map(converted.__getitem__, keys))
    by_name = {alias: column for (_expression, _sql, alias), column in zip(selected, columns, strict=True)}
    receipts, texts, weights = by_name["receipt"], by_name["content_text"], by_name["weight"]
    college_names = by_name["college"] if with_college else [None] * len(receipts)
    votes_text = ",".join(texts if all(texts) else [text or "null" for text in texts])
    contents = json.loads("[" + votes_text + "]")
    # One Fraction per distinct weight, the same object for every ballot of that weight.
    counts = Counter(weights)
    fractions = {weight: Fraction(weight) for weight in counts}
    total = sum((fractions[weight] * n for weight, n in counts.items()), Fraction(0))
    exact_weights = list(map(fractions.__getitem__, weights))
    return list(zip(receipts, contents, exact_weights, college_names, strict=True)), total


def _ballot_file_head(
    item: Item, electorate_weights: Mapping[str, Fraction] | None = None
) -> tuple[BallotFile, bool]:
    """The anonymised ballot file of a closed item without its ballots, and whether the ballots carry
    their collège (motions counted by collège). ``electorate_weights``: the item's
    :func:`_electorate_weights`, when the caller has read them already."""
    kind = item.ballot_kind
    options = list(item.options.all())
    colleges = _colleges(item) if kind == "motion" else None
    rule = None
    electorate: Fraction | dict[str, Fraction] | None = None
    if kind == "motion":
        rule = motion_rule(item, colleges)
        by_college = _electorate_weights(item) if electorate_weights is None else electorate_weights
        if colleges is not None:
            # Every declared collège has an electorate, empty ones included (the file needs all or none).
            electorate = {name: by_college.get(name, Fraction(0)) for name in colleges}
        else:
            electorate = sum(by_college.values(), Fraction(0))
    head = BallotFile(
        kind=kind,
        ballots=(),
        candidates=tuple(o.key for o in options),
        names={o.key: o.label for o in options if o.label != o.key},
        seats=item.seats if kind != "motion" else None,
        grades=tuple(item.grades or DEFAULT_GRADES) if kind == "grades" else (),
        rule=rule,
        electorate=electorate,
        title=item.title,
    )
    return head, colleges is not None


def build_ballot_file(item: Item) -> BallotFile:
    """The anonymised ballot file of a closed item: each ballot under its receipt code, in receipt order
    (not the order of casting), with its weight after proxies and, for motions by collège, its collège."""
    head, with_college = _ballot_file_head(item)
    records = [
        BallotRecord(vote=vote_from_json(head.kind, content), weight=weight, voter=receipt, college=college)
        for receipt, content, weight, college in _cast_ballots(item, with_college=with_college)
    ]
    return replace(head, ballots=tuple(records))


def ballot_file_text(item: Item) -> str:
    """The text of :func:`build_ballot_file` (``dumps_ballot_file(build_ballot_file(item))``, the same
    bytes), written from the ballots as cast without a record per ballot."""
    head, with_college = _ballot_file_head(item)
    return dumps_cast_ballots(head, _cast_ballots(item, with_college=with_college))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Run a count without Python's cyclic garbage collector, which it would otherwise set off over and
    over: counting builds a few objects per ballot (tens of thousands, none in a cycle, all freed as
    usual when no longer used), and each collection walks every object of the process. Counting an
    assembly's item took about a third longer with it. The collector resumes as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def count_ballot_file(text: str, *, method: str, seats: int | None, seed: str) -> dict[str, Any]:
    """Count a ballot file exactly as `coopgov tally --method M --seed S FILE` does (same function)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ballots.json"
        path.write_text(text, encoding="utf-8")
        try:
            out = tally_file(method, path, seats=seats, seed=seed)
        except (UsageError, ValueError) as error:
            raise DecisionRefused("cannot_count", str(error)) from None
    out.pop("file", None)
    return out


#: The participation of an election or poll counted by ``coopgov.decisions.counting.item_count`` (which
#: adds the members present in a room): from the item, its electorate's weight, its ballots' weight and
#: its number of voters, the participation stored with the result and whether the quorum is reached.
ParticipationFigures = Callable[[Item, Fraction, Fraction, int], tuple[dict[str, Any], bool]]


def result_store(item: Item, fields: Mapping[str, Any]) -> Result:
    """Write the result of ``item`` (locked by the caller, who counts it) with ``fields``: a new row, or
    these fields of the previous count's row. ``update_or_create`` did the same with savepoints and by
    reading the previous row whole (its ballot file of a megabyte or two) first."""
    previous = Result.objects.filter(item=item).values_list("pk", flat=True).first()
    result = Result(pk=previous, item=item, **fields)
    if previous is None:
        result.save(force_insert=True)
    else:
        result.save(update_fields=list(fields))
    return result


@transaction.atomic
def result_compute(
    *,
    item: Item,
    actor: Any,
    seed: str | None = None,
    now: datetime | None = None,
    participation_figures: ParticipationFigures | None = None,
) -> Result:
    """Count a closed item and store the result beside its inputs (ballot file, method, seed, version).

    ``participation_figures``: how the participation of an election or poll is stated, when not as here
    (``item_count`` adds the members present in a room); it is given the figures read here."""
    locked = (
        Item.objects.select_for_update(of=("self",))
        .select_related("assembly__cooperative__profile")
        .get(pk=item.pk)
    )
    if locked.status != Item.Status.CLOSED:
        raise DecisionRefused("item_not_closed", _("Close the item before counting it."))
    seed = seed if seed is not None else secrets.token_hex(8)
    # The electorate's weights are read once: the ballot file of a motion states them too.
    by_college = _electorate_weights(locked)
    electorate = sum(by_college.values(), Fraction(0))
    with cyclic_gc_paused():
        head, with_college = _ballot_file_head(locked, by_college)
        ballots, present = _cast_ballots_and_weight(locked, with_college=with_college)
        text = dumps_cast_ballots(head, ballots)  # the text of ballot_file_text(locked)
        del ballots
        out = count_ballot_file(text, method=locked.method, seats=locked.seats, seed=seed)
    voters = locked.participations.count()
    if participation_figures is not None and locked.ballot_kind != "motion":
        participation, quorum_reached = participation_figures(locked, electorate, present, voters)
    else:
        participation, quorum_reached = _participation_figures(locked, out, electorate, present, voters)
    result = result_store(
        locked,
        {
            "result": out,
            "ballots_file": text,
            "inputs_digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "method": locked.method,
            "seed": seed,
            "code_version": coopgov.__version__,
            "quorum_reached": quorum_reached,
            "participation": participation,
            "computed_at": now or timezone.now(),
            "published_at": None,
        },
    )
    audit_record(
        actor=actor,
        action="result.computed",
        obj=result,
        unit=locked.assembly.unit,
        after={"item": locked.pk, "digest": result.inputs_digest, "seed": seed, "method": locked.method},
    )
    return result


def _participation_figures(
    item: Item, out: Mapping[str, Any], electorate: Fraction, present: Fraction, voters: int
) -> tuple[dict[str, Any], bool]:
    """The participation stored with the result of :func:`result_compute`, and whether the quorum is
    reached (a motion's count says; elections and polls take the assembly's quorum on the weight present
    or represented)."""
    from coopgov.decisions import presets

    participation: dict[str, Any] = {
        "electorate": json_number(electorate),
        "voters": voters,
        "present_or_represented": json_number(present),
        "proxies": item.proxy_report,
    }
    preset = presets.item_preset(item)
    participation["preset"] = presets.explanation(preset, item.assembly.convocation)
    if item.ballot_kind == "motion":
        quorum_reached = bool(out["explanation"]["quorum"]["quorum_reached"])
    else:
        rule = presets.rule_for(preset, convocation=item.assembly.convocation)
        quorum_reached = present >= rule.quorum * electorate
        participation["quorum"] = str(rule.quorum)
    return participation, quorum_reached


@transaction.atomic
def result_publish(*, item: Item, actor: Any, now: datetime | None = None) -> Result:
    """Publish a computed result and its anonymised ballot file (the assembly with its last item)."""
    locked = Item.objects.select_for_update().get(pk=item.pk)
    result = Result.objects.filter(item=locked).first()
    if locked.status != Item.Status.CLOSED or result is None:
        raise DecisionRefused("not_counted", _("Close and count the item before publishing its result."))
    result.published_at = now or timezone.now()
    result.save(update_fields=["published_at"])
    locked.status = Item.Status.PUBLISHED
    locked.save(update_fields=["status"])
    assembly = Assembly.objects.select_for_update().get(pk=locked.assembly_id)
    if not assembly.items.exclude(status=Item.Status.PUBLISHED).exists():
        assembly.status = Assembly.Status.PUBLISHED
        assembly.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="result.published",
        obj=result,
        unit=assembly.unit,
        after={"item": locked.pk, "digest": result.inputs_digest},
    )
    return result
