"""The room of a hybrid assembly: presence lists per site, show-of-hands totals per collège, delegation to
the relay of one's site, and the presence that counts for the quorum.

Rules (docs/methods/room-voting.md):

- The relay of a site records who is present in the room. A member is present at one site at most, and a
  member who has already voted online is an online participant, not a room one.
- Show-of-hands totals (for, against, abstain) are counted per collège at a site, on an open motion that is
  not secret; they may not exceed the members of that collège present at that site who have not voted on
  the item otherwise. A new count replaces the previous one.
- At closing, each count becomes one ballot per hand in its collège, and each member present who did not
  vote an abstention (with the proxies they hold), none linked to a person: the quorum reads room +
  online + represented, a per-person cap applies to each hand, and the ballot file recounts it.
- A member may delegate their vote to the relay of their site when the assembly allows it: a proxy whose
  holder is the relay, with the caps and the override of proxies.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.audit.services import audit_record
from coopgov.decisions.models import (
    Assembly,
    AssemblySite,
    Ballot,
    ElectorateEntry,
    HandCount,
    Item,
    Participation,
    Presence,
    Proxy,
)
from coopgov.decisions.services import DecisionRefused, proxy_give

OPEN_STATUSES = (Assembly.Status.CONVENED, Assembly.Status.OPEN)
HAND_CHOICES = (("votes_for", "yes"), ("votes_against", "no"), ("votes_abstain", "abstain"))


def _site_open(site: AssemblySite) -> Assembly:
    assembly = Assembly.objects.select_for_update().get(pk=site.assembly_id)
    if assembly.status not in OPEN_STATUSES:
        raise DecisionRefused(
            "assembly_not_sitting", _("Presence is recorded only between convocation and closing.")
        )
    return assembly


# --- presence ---------------------------------------------------------------------------------------------


@transaction.atomic
def presence_record(
    *, site: AssemblySite, entry: ElectorateEntry, actor: Any, now: datetime | None = None
) -> Presence:
    """The relay records a member of the electorate as present in the room of their site."""
    assembly = _site_open(site)
    locked = ElectorateEntry.objects.select_for_update().select_related("membership").get(pk=entry.pk)
    if locked.assembly_id != assembly.pk or not locked.eligible:
        raise DecisionRefused(
            "not_in_electorate",
            _("Member %(number)s is not in the electorate of this assembly.")
            % {"number": locked.membership.number},
        )
    other = Presence.objects.filter(entry=locked).select_related("site__antenna").first()
    if other is not None:
        raise DecisionRefused(
            "already_present",
            _("Member %(number)s is already recorded as present at %(antenna)s.")
            % {"number": locked.membership.number, "antenna": other.site.antenna.display_name},
        )
    if Participation.objects.filter(entry=locked, channel=Participation.Channel.ONLINE).exists():
        raise DecisionRefused(
            "voted_online",
            _("Member %(number)s has already voted online: they take part online, not in the room.")
            % {"number": locked.membership.number},
        )
    try:
        with transaction.atomic():
            presence = Presence.objects.create(
                site=site,
                entry=locked,
                recorded_at=now or timezone.now(),
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:  # recorded by another relay at the same moment
        raise DecisionRefused(
            "already_present",
            _("Member %(number)s is already recorded as present.") % {"number": locked.membership.number},
        ) from None
    audit_record(
        actor=actor,
        action="presence.recorded",
        obj=presence,
        unit=site.antenna,
        after={"assembly": assembly.pk, "site": site.pk, "membership": locked.membership_id},
        on_behalf_of=f"membership {locked.membership_id}",
    )
    return presence


@transaction.atomic
def presence_remove(*, presence: Presence, actor: Any) -> None:
    """The relay removes a member recorded by mistake (or who left before the votes)."""
    locked = Presence.objects.select_related("site__antenna", "entry").get(pk=presence.pk)
    _site_open(locked.site)
    audit_record(
        actor=actor,
        action="presence.removed",
        obj=locked,
        unit=locked.site.antenna,
        before={"site": locked.site_id, "membership": locked.entry.membership_id},
    )
    locked.delete()


def present_without_vote(item: Item, site: AssemblySite) -> dict[str, list[ElectorateEntry]]:
    """Per collège, the members present at this site who have not voted on this item in another way."""
    voted = Participation.objects.filter(item=item).values("entry_id")
    entries = (
        ElectorateEntry.objects.filter(presence__site=site, eligible=True)
        .exclude(pk__in=voted)
        .only("id", "college", "weight")
        .order_by("id")
    )
    if item.college:
        entries = entries.filter(college=item.college)
    out: dict[str, list[ElectorateEntry]] = defaultdict(list)
    for e in entries:
        out[e.college].append(e)
    return dict(out)


# --- show of hands ----------------------------------------------------------------------------------------


@transaction.atomic
def hands_record(
    *,
    item: Item,
    site: AssemblySite,
    college: str,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    actor: Any,
    now: datetime | None = None,
) -> HandCount:
    """The relay records the show-of-hands totals of one collège at their site on an open motion."""
    _site_open(AssemblySite.objects.select_for_update().get(pk=site.pk))
    current = Item.objects.select_for_update().get(pk=item.pk)
    if current.assembly_id != site.assembly_id:
        raise DecisionRefused("not_this_assembly", _("This item is not on this assembly's agenda."))
    if current.status != Item.Status.OPEN:
        raise DecisionRefused("item_not_open", _("Voting on this item is not open."))
    if current.kind != Item.Kind.MOTION:
        raise DecisionRefused("hands_motion_only", _("A show of hands decides motions only."))
    if current.secret:
        raise DecisionRefused("hands_secret", _("A secret ballot cannot be held by a show of hands."))
    if current.college and college != current.college:
        raise DecisionRefused(
            "other_college",
            _("Only the category or collège %(college)s votes on this item.") % {"college": current.college},
        )
    counts = (votes_for, votes_against, votes_abstain)
    if any(n < 0 for n in counts):
        raise DecisionRefused("negative_count", _("A count of hands cannot be negative."))
    present = len(present_without_vote(current, site).get(college, []))
    if sum(counts) > present:
        raise DecisionRefused(
            "more_hands_than_present",
            _(
                "%(hands)d hands counted in collège %(college)s, but only %(present)d members of that "
                "collège are present here without having voted otherwise."
            )
            % {"hands": sum(counts), "college": college, "present": present},
        )
    previous = HandCount.objects.filter(item=current, site=site, college=college).first()
    before = (
        {"for": previous.votes_for, "against": previous.votes_against, "abstain": previous.votes_abstain}
        if previous
        else None
    )
    count, _created = HandCount.objects.update_or_create(
        item=current,
        site=site,
        college=college,
        defaults={
            "votes_for": votes_for,
            "votes_against": votes_against,
            "votes_abstain": votes_abstain,
            "recorded_at": now or timezone.now(),
            "recorded_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action="hands.counted",
        obj=count,
        unit=site.antenna,
        before=before,
        after={
            "item": current.pk,
            "college": college,
            "for": votes_for,
            "against": votes_against,
            "abstain": votes_abstain,
            "present": present,
        },
    )
    return count


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass
class RoomAtClose:
    """What the rooms add to a motion being closed: members present who did not vote, per site and collège
    (``by_hands`` marks the groups whose collège voted by a show of hands)."""

    silent: list[ElectorateEntry] = field(default_factory=list)
    groups: dict[tuple[int, str], list[ElectorateEntry]] = field(default_factory=dict)
    by_hands: set[tuple[int, str]] = field(default_factory=set)
    hand_counts: int = 0
    receipts: int = 0


def room_ballots_at_close(item: Item) -> RoomAtClose:
    """First step of closing a motion (inside ``item_close``'s transaction): each show-of-hands count
    becomes one ballot per hand in its collège (no link to anyone), and the members present who did
    not vote are gathered per site and collège. Raises DecisionRefused, changing nothing, when a count no
    longer fits the members present who have not voted otherwise (someone voted online after the count)."""
    out = RoomAtClose()
    if item.kind != Item.Kind.MOTION:
        return out
    sites = list(AssemblySite.objects.filter(assembly_id=item.assembly_id).select_related("antenna"))
    hands = {(h.site_id, h.college): h for h in HandCount.objects.filter(item=item)}
    out.hand_counts = len(hands)
    for site in sites:
        for college, entries in present_without_vote(item, site).items():
            count = hands.pop((site.pk, college), None)
            silent = entries
            if count is not None:
                if count.total > len(entries):
                    raise DecisionRefused(
                        "recount_hands",
                        _(
                            "Recount the show of hands of collège %(college)s at %(antenna)s: %(hands)d "
                            "hands for %(present)d members present who have not voted otherwise."
                        )
                        % {
                            "college": college,
                            "antenna": site.antenna.display_name,
                            "hands": count.total,
                            "present": len(entries),
                        },
                    )
                # One ballot per hand: a per-person cap (Belgian CNC approval) applies to each of them.
                hand_ballots = [
                    Ballot(item=item, receipt="", content=vote, college=college, weight=1)
                    for attr, vote in HAND_CHOICES
                    for _n in range(getattr(count, attr))
                ]
                for ballot in hand_ballots:
                    out.receipts += 1
                    ballot.receipt = f"H{site.pk}-{out.receipts}"
                Ballot.objects.bulk_create(hand_ballots)
                silent = entries[count.total :]
                out.by_hands.add((site.pk, college))
            if silent:
                out.groups[(site.pk, college)] = silent
                out.silent.extend(silent)
    leftover = [h for h in hands.values() if h.total]
    if leftover:  # a count for a collège of which nobody present is left without a vote
        raise DecisionRefused(
            "recount_hands",
            _("Recount the show of hands of collège %(college)s: nobody of it is present without a vote.")
            % {"college": leftover[0].college},
        )
    return out


def room_silent_ballots(item: Item, room: RoomAtClose, weights: Mapping[str, Fraction]) -> None:
    """Last step of closing a motion: an abstention for each member present who did not vote (no link to
    them), so the quorum counts them. Each weighs its own weight and, outside a show of hands,
    the proxies it holds as resolved at closing (``weights``); in a show of hands nobody knows whose hand
    was up, so only persons count there."""
    silent = []
    for (site_pk, college), entries in room.groups.items():
        by_hands = (site_pk, college) in room.by_hands
        for e in entries:
            weight = Fraction(e.weight) if by_hands else weights.get(str(e.pk), Fraction(e.weight))
            room.receipts += 1
            silent.append(
                Ballot(
                    item=item,
                    receipt=f"P{site_pk}-{room.receipts}",
                    content="abstain",
                    college=college,
                    weight=_decimal(weight),
                )
            )
    Ballot.objects.bulk_create(silent)


# --- delegation to relays ---------------------------------------------------------------------------------


def site_of(assembly: Assembly, entry: ElectorateEntry) -> AssemblySite | None:
    """The site of the member's home antenna (or of an antenna above it), if the assembly meets there."""
    antenna = entry.membership.person.home_antenna
    if antenna is None:
        return None
    sites = [s for s in assembly.sites.select_related("antenna") if antenna.path.startswith(s.antenna.path)]
    return max(sites, key=lambda s: len(s.antenna.path), default=None)


@transaction.atomic
def relay_delegate(
    *, assembly: Assembly, giver: ElectorateEntry, site: AssemblySite, actor: Any, now: datetime | None = None
) -> Proxy:
    """A member delegates their vote to the relay of their site, when the assembly allows it.

    Rule: an optional delegation, off by default, per assembly. It is a proxy held by the relay (who must
    be in the electorate): the statutory caps and constraints are checked when given and again at closing,
    it is revocable until the vote, and voting in person or online overrides it.
    """
    locked = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if not locked.allow_delegation_to_relays:
        raise DecisionRefused(
            "no_relay_delegation", _("This assembly does not allow delegating one's vote to a relay.")
        )
    if site.assembly_id != locked.pk:
        raise DecisionRefused("not_this_assembly", _("This site is not one of this assembly's sites."))
    giver = ElectorateEntry.objects.select_related("membership__person__home_antenna").get(pk=giver.pk)
    mine = site_of(locked, giver)
    if mine is None or mine.pk != site.pk:
        raise DecisionRefused(
            "not_your_site", _("You may delegate only to the relay of your own antenna's site.")
        )
    relay_person = getattr(site.relay, "person_id", None)
    holder = (
        ElectorateEntry.objects.filter(
            assembly=locked, membership__person_id=relay_person, eligible=True
        ).first()
        if relay_person
        else None
    )
    if holder is None:
        raise DecisionRefused(
            "relay_not_in_electorate",
            _("The relay of this site is not in the electorate, so cannot hold your vote."),
        )
    proxy = proxy_give(assembly=locked, giver=giver, holder=holder, actor=actor, now=now)
    proxy.to_site = site
    proxy.save(update_fields=["to_site"])
    audit_record(
        actor=actor,
        action="proxy.delegated_to_relay",
        obj=proxy,
        unit=site.antenna,
        after={"site": site.pk, "giver": giver.membership_id, "relay": holder.membership_id},
    )
    return proxy


# --- attendance and quorum --------------------------------------------------------------------------------


@dataclass
class Attendance:
    """Who counts as present for the quorum: in a room, online, or represented by a proxy."""

    electorate: Fraction
    in_room: dict[int, Counter[str]] = field(default_factory=dict)
    online: int = 0
    represented: int = 0
    present_weight: Fraction = Fraction(0)

    @property
    def in_room_total(self) -> int:
        return sum(sum(c.values()) for c in self.in_room.values())


def attendance(assembly: Assembly) -> Attendance:
    """Members present in each room (per collège), online participants, and members represented by an
    active proxy whose holder takes part; their total weight against the electorate's."""
    electorate = ElectorateEntry.objects.filter(assembly=assembly, eligible=True)
    total = Fraction(electorate.aggregate(t=Sum("weight"))["t"] or 0)
    out = Attendance(electorate=total)
    weights: dict[int, Fraction] = {}
    for site_id, entry_id, college, weight in Presence.objects.filter(entry__assembly=assembly).values_list(
        "site_id", "entry_id", "entry__college", "entry__weight"
    ):
        out.in_room.setdefault(site_id, Counter())[college] += 1
        weights[entry_id] = Fraction(weight)
    online = (
        Participation.objects.filter(item__assembly=assembly)
        .exclude(entry_id__in=list(weights))
        .values_list("entry_id", "entry__weight")
        .distinct()
    )
    for entry_id, weight in online:
        if entry_id not in weights:
            weights[entry_id] = Fraction(weight)
            out.online += 1
    for giver_id, holder_id, weight in Proxy.objects.filter(
        assembly=assembly, revoked_at__isnull=True
    ).values_list("giver_id", "holder_id", "giver__weight"):
        if holder_id in weights and giver_id not in weights:
            weights[giver_id] = Fraction(weight)
            out.represented += 1
    out.present_weight = sum(weights.values(), Fraction(0))
    return out


def rooms_of(user: Any) -> list[AssemblySite]:
    """The sites of convened or open assemblies whose room this user runs (a relay of an antenna may hold
    no role at the cooperative's level, so the assembly list would not show them their room)."""
    sites = AssemblySite.objects.filter(assembly__status__in=OPEN_STATUSES).select_related(
        "assembly", "antenna"
    )
    return [
        s
        for s in sites.order_by("assembly__first_convocation_at", "pk")
        if user.has_perm("decisions.record_room_votes", s)
    ]


def electorate_colleges(assembly: Assembly) -> list[str]:
    return list(
        ElectorateEntry.objects.filter(assembly=assembly, eligible=True)
        .values_list("college", flat=True)
        .distinct()
        .order_by("college")
    )
