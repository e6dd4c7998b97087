"""Counting the items `coopgov tally` does not count: For / Withhold elections, elections by acclamation
and participatory budgets. Each result is stored like the others (the file it was counted from, its
SHA-256, method, seed and code version), and ``item_count`` picks the right count for any item.

- For / Withhold: the anonymised score file (1 = For, 0 = Withhold) counted by
  ``coopgov.domain.voting.for_withhold``.
- Acclamation: no ballot; the candidates are elected when they are no more than the seats.
- Participatory budget: the approval ballots written as a Pabulib file, counted by the same functions as
  `coopgov tally --method greedy|equal-shares FILE.pb`; a ballot weighing n (proxies) is n ballots.

The quorum of every item is on the weight present or represented: ballots (with the proxies applied),
and for elections, polls and budgets also the members present in a room who did not vote on the item
(with the proxies they hold). A motion already counts them: its closing gives each an abstention ballot.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

import coopgov
from coopgov.audit.services import audit_record
from coopgov.decisions import presets
from coopgov.decisions.models import BUDGET_METHODS, Assembly, ElectorateEntry, Item, Result
from coopgov.decisions.services import (
    DecisionRefused,
    _resolved_weights,
    build_ballot_file,
    result_compute,
    result_store,
)
from coopgov.domain.budgeting import Ballot as BudgetBallot
from coopgov.domain.budgeting import BudgetingError, Election, Project, equal_shares, greedy
from coopgov.domain.formats.json_ballots import approval_ballots, dumps_ballot_file, score_ballots
from coopgov.domain.formats.pabulib import from_election, write_pabulib
from coopgov.domain.voting.for_withhold import acclamation, for_withhold, parse_majority
from coopgov.domain.voting.numbers import json_number

#: How each budget method is run: `coopgov tally --method M FILE.pb` runs it the same way, and these are
#: the `coopgov budget` options that do too.
BUDGET_OPTIONS = {
    "greedy": "--method greedy --tie-break lottery",
    "equal-shares": "--method equal-shares --completion add1 --tie-break official",
}


@transaction.atomic
def item_count(*, item: Item, actor: Any, seed: str | None = None, now: datetime | None = None) -> Result:
    """Count a closed item with the count its method needs. An election decided by acclamation has no
    ballot to count: its stored result stays as it is."""
    acclaimed = Result.objects.filter(item_id=item.pk, result__method="acclamation").first()
    if acclaimed is not None:
        return acclaimed
    if item.method == "for-withhold":
        return for_withhold_compute(item=item, actor=actor, seed=seed, now=now)
    if item.method in BUDGET_METHODS:
        return budget_compute(item=item, actor=actor, seed=seed, now=now)
    # Elections and polls: the members present in a room count for the quorum too (the result is written
    # once, with this participation).
    return result_compute(item=item, actor=actor, seed=seed, now=now, participation_figures=_figures)


def _closed(item: Item) -> Item:
    locked = (
        Item.objects.select_for_update(of=("self",))
        .select_related("assembly__cooperative__profile")
        .get(pk=item.pk)
    )
    if locked.status != Item.Status.CLOSED:
        raise DecisionRefused("item_not_closed", _("Close the item before counting it."))
    return locked


def room_presence(item: Item) -> tuple[int, Fraction]:
    """The members present in a room of the item's assembly (of its collège, if it has one) who did not
    vote on it, and their weight with the proxies they hold (resolved as at closing: a giver who voted
    overrides their proxy). None for a motion, whose closing already gave each an abstention ballot."""
    if item.ballot_kind == "motion":
        return 0, Fraction(0)
    present = ElectorateEntry.objects.filter(
        assembly_id=item.assembly_id, eligible=True, presence__isnull=False
    ).exclude(participations__item=item)
    if item.college:
        present = present.filter(college=item.college)
    silent = list(present.only("id", "weight", "college").order_by("id"))
    if not silent:
        return 0, Fraction(0)
    voters = list(
        ElectorateEntry.objects.filter(participations__item=item)
        .only("id", "weight", "college")
        .order_by("id")
    )
    weights = _resolved_weights(item, voters + silent).weights
    return len(silent), sum((weights[str(e.pk)] for e in silent), Fraction(0))


def _participation(item: Item) -> tuple[dict[str, Any], bool]:
    """Electorate, voters and weight present or represented (ballots, and members present in a room who
    did not vote), and the assembly's quorum on that weight (as for every election, poll and budget)."""
    entries = ElectorateEntry.objects.filter(assembly=item.assembly, eligible=True)
    if item.college:
        entries = entries.filter(college=item.college)
    electorate = Fraction(entries.aggregate(t=Sum("weight"))["t"] or 0)
    ballots_weight = Fraction(item.ballots.aggregate(t=Sum("weight"))["t"] or 0)
    return _figures(item, electorate, ballots_weight, item.participations.count())


def _figures(
    item: Item, electorate: Fraction, ballots_weight: Fraction, voters: int
) -> tuple[dict[str, Any], bool]:
    """:func:`_participation` from the item's electorate's weight, its ballots' weight and its number of
    voters, already read (``result_compute`` reads them as it counts)."""
    in_room, room_weight = room_presence(item)
    present = ballots_weight + room_weight
    preset = presets.item_preset(item)
    rule = presets.rule_for(preset, convocation=item.assembly.convocation)
    return (
        {
            "electorate": json_number(electorate),
            "voters": voters,
            "present_or_represented": json_number(present),
            "present_in_room_without_vote": in_room,
            "proxies": item.proxy_report,
            "quorum": str(rule.quorum),
            "preset": presets.explanation(preset, item.assembly.convocation),
        },
        present >= rule.quorum * electorate,
    )


def _store(
    item: Item,
    *,
    out: dict[str, Any],
    text: str,
    seed: str,
    quorum_reached: bool | None,
    participation: dict[str, Any],
    actor: Any,
    now: datetime | None,
) -> Result:
    result = result_store(
        item,
        {
            "result": out,
            "ballots_file": text,
            "inputs_digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "method": item.method,
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
        unit=item.assembly.unit,
        after={"item": item.pk, "digest": result.inputs_digest, "seed": seed, "method": out["method"]},
    )
    return result


@transaction.atomic
def for_withhold_compute(
    *, item: Item, actor: Any, seed: str | None = None, now: datetime | None = None
) -> Result:
    """Count a closed For / Withhold election with its majority requirement."""
    locked = _closed(item)
    try:
        majority = parse_majority(locked.majority)
    except ValueError as error:
        raise DecisionRefused("bad_majority", str(error)) from None
    # The published file says how to read it: marks 1 (For) and 0 (Withhold), and the share of For needed.
    ballot_file = replace(
        build_ballot_file(locked), majority=majority, min_score=Fraction(0), max_score=Fraction(1)
    )
    text = dumps_ballot_file(ballot_file)
    seed = seed if seed is not None else secrets.token_hex(8)
    counted = for_withhold(
        ballot_file.candidates,
        score_ballots(ballot_file),
        seats=locked.seats or 1,
        majority=majority,
        seed=seed,
    )
    out = counted.to_json()
    out["seats"] = locked.seats or 1
    out["seed"] = seed
    participation, quorum = _participation(locked)
    return _store(
        locked,
        out=out,
        text=text,
        seed=seed,
        quorum_reached=quorum,
        participation=participation,
        actor=actor,
        now=now,
    )


@transaction.atomic
def election_acclaim(*, item: Item, actor: Any, now: datetime | None = None) -> Result:
    """Declare the candidates of an election elected by acclamation, without a ballot.

    Rule (DOMAIN.md §6.9): allowed when the candidates are no more than the seats, before voting opens.
    The item is closed with a stored result that says so; publishing it follows the usual path.
    """
    assembly = Assembly.objects.select_for_update().get(pk=item.assembly_id)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if locked.kind != Item.Kind.ELECTION:
        raise DecisionRefused("not_an_election", _("Only an election can be decided by acclamation."))
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise DecisionRefused("assembly_not_convened", _("Convene the assembly before deciding its items."))
    if locked.status != Item.Status.DRAFT:
        raise DecisionRefused(
            "item_not_draft", _("Voting on this item has started: acclamation is no longer possible.")
        )
    keys = list(locked.options.order_by("order", "id").values_list("key", flat=True))
    seats = locked.seats or 1
    if not keys:
        raise DecisionRefused("no_options", _("Add the candidates or options before opening this item."))
    if len(keys) > seats:
        raise DecisionRefused(
            "too_many_candidates",
            _("%(candidates)d candidates for %(seats)d seats: a ballot is needed.")
            % {"candidates": len(keys), "seats": seats},
        )
    out = acclamation(keys, seats=seats).to_json()
    out["seats"] = seats
    locked.status = Item.Status.CLOSED
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="item.acclaimed",
        obj=locked,
        unit=assembly.unit,
        after={"elected": keys, "seats": seats},
    )
    return _store(
        locked,
        out=out,
        text="",
        seed="",
        quorum_reached=None,
        participation={"acclamation": True},
        actor=actor,
        now=now,
    )


def budget_election(item: Item) -> Election:
    """The participatory budget of a closed item as the budgeting engine reads it (one Pabulib ballot per
    whole unit of weight, under the receipt code)."""
    if item.budget_eur is None or item.budget_eur <= 0:
        raise DecisionRefused("no_budget", _("Set the budget of this participatory budget first."))
    options = list(item.options.order_by("order", "id"))
    missing = [o.label for o in options if o.cost_eur is None or o.cost_eur <= 0]
    if missing:
        raise DecisionRefused(
            "no_cost", _("The project “%(project)s” has no cost.") % {"project": missing[0]}
        )
    ballot_file = build_ballot_file(item)
    ballots = []
    for record, ballot in zip(ballot_file.ballots, approval_ballots(ballot_file), strict=False):
        weight = Fraction(ballot.weight)
        if weight.denominator != 1:
            raise DecisionRefused(
                "fractional_weight",
                _("A participatory budget counts whole votes; a ballot weighs %(w)s.") % {"w": str(weight)},
            )
        projects = tuple(sorted(ballot.choices))
        for k in range(int(weight)):
            ballots.append(
                BudgetBallot(
                    projects=projects, voter_id=f"{record.voter}#{k + 1}" if k else str(record.voter)
                )
            )
    return Election(
        budget=Fraction(item.budget_eur),
        projects=tuple(Project(id=o.key, cost=Fraction(o.cost_eur or 0), name=o.label) for o in options),
        ballots=tuple(ballots),
        vote_type="approval",
    )


@transaction.atomic
def budget_compute(*, item: Item, actor: Any, seed: str | None = None, now: datetime | None = None) -> Result:
    """Count a closed participatory-budget item; the stored file is the Pabulib file that
    `coopgov budget FILE.pb` recounts with the options stored in the result."""
    locked = _closed(item)
    election = budget_election(locked)
    seed = seed if seed is not None else secrets.token_hex(8)
    try:
        if locked.method == "greedy":
            counted = greedy(election, skip=True, tie_break="lottery", seed=seed)
        else:
            counted = equal_shares(election, completion="add1", tie_break="official", seed=seed)
    except BudgetingError as error:
        raise DecisionRefused("cannot_count", str(error)) from None
    text = write_pabulib(from_election(election, {"description": locked.title}))
    out = counted.to_json()
    out["winners"] = out["selected"]  # the key every stored result has
    out["seed"] = seed
    out["recount"] = f"coopgov tally --method {locked.method} --seed {seed} budget.pb"
    participation, quorum = _participation(locked)
    return _store(
        locked,
        out=out,
        text=text,
        seed=seed,
        quorum_reached=quorum,
        participation=participation,
        actor=actor,
        now=now,
    )
