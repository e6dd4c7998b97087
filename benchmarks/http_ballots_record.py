"""The plan and the record of the HTTP ballot benchmark, and their reconciliation with the database.

Pure Python (no Django), so the parsing and the checks are tested on their own
(tests/decisions/test_cast_bench_record.py). The load tool (wrk, benchmarks/wrk_cast_ballots.lua) reads
one plan file per thread, ``voter credential vote`` per line (``t:<API token>`` or
``s:<session key>:<CSRF secret>``), and writes one record file per thread,
``line voter vote status receipt`` per response (``-`` when the response carried no receipt), then ``END``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CHOICES = ("yes", "no", "abstain")


@dataclass(frozen=True)
class Step:
    voter: int
    token: str
    vote: str


@dataclass(frozen=True)
class Response:
    thread: int
    line: int
    voter: int
    vote: str
    status: int
    receipt: str | None


def make_plan(
    credentials: Sequence[str], *, threads: int, change_every: int, seed: int = 2026
) -> list[list[Step]]:
    """Each voter's first cast, spread over ``threads`` (voter v on thread v mod threads); every
    ``change_every``-th voter of each thread (0: nobody) casts again with another choice a little later in
    the same thread, so a changed vote always follows the first one from the same client, and every thread
    has as many casts to make as the others (give or take one voter and one change): no thread finishes
    long before the rest and leaves the server with fewer clients for the end of the run."""
    rng = random.Random(seed)
    plans: list[list[Step]] = [[] for _ in range(threads)]
    pending: list[list[Step]] = [[] for _ in range(threads)]
    for voter, token in enumerate(credentials):
        t = voter % threads
        first = rng.choice(CHOICES)
        plans[t].append(Step(voter, token, first))
        if change_every and (voter // threads) % change_every == 0:
            pending[t].append(Step(voter, token, rng.choice([c for c in CHOICES if c != first])))
        # A change goes out a few casts after the first one.
        while pending[t] and len(pending[t]) > 3:
            plans[t].append(pending[t].pop(0))
    for t in range(threads):
        plans[t].extend(pending[t])
    return plans


def write_plan(plans: Sequence[Sequence[Step]], folder: Path) -> None:
    for number, plan in enumerate(plans, start=1):
        lines = (f"{s.voter} {s.token} {s.vote}\n" for s in plan)
        (folder / f"plan-{number}.txt").write_text("".join(lines), encoding="ascii")


def read_plan(folder: Path, threads: int) -> list[list[Step]]:
    plans = []
    for number in range(1, threads + 1):
        plan = []
        for line in (folder / f"plan-{number}.txt").read_text(encoding="ascii").splitlines():
            voter, token, vote = line.split(" ")
            plan.append(Step(int(voter), token, vote))
        plans.append(plan)
    return plans


def read_record(path: Path, thread: int) -> tuple[list[Response], bool]:
    """One thread's responses in order, and whether the thread finished its plan (the END line)."""
    responses, finished = [], False
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        if line == "END":
            finished = True
            continue
        parts = line.split(" ")
        if len(parts) != 5 or not all(parts[i].isdigit() for i in (0, 1, 3)):
            raise ValueError(
                f"{path}: line {number}: expected 'line voter vote status receipt', got {line[:60]!r}"
            )
        if int(parts[0]) != len(responses) + 1:
            raise ValueError(f"{path}: line {number}: response {parts[0]} out of order")
        receipt = None if parts[4] == "-" else parts[4]
        responses.append(Response(thread, int(parts[0]), int(parts[1]), parts[2], int(parts[3]), receipt))
    return responses, finished


@dataclass
class VoterSeen:
    """What the load tool saw for one voter: its accepted casts in order, and the refused ones."""

    accepted: list[tuple[str, str]] = field(default_factory=list)  # (receipt, vote)
    refused: list[int] = field(default_factory=list)  # statuses


def what_the_tool_saw(
    plans: Sequence[Sequence[Step]], records: Sequence[Sequence[Response]]
) -> dict[int, VoterSeen]:
    """Each voter's responses as the load tool recorded them; each record must follow its thread's plan
    step by step (the k-th response answers the k-th step), else the record cannot be trusted."""
    seen: dict[int, VoterSeen] = {}
    for plan, responses in zip(plans, records, strict=True):
        if len(responses) > len(plan):
            raise ValueError("more responses than requests in a thread's record")
        for step, response in zip(plan, responses, strict=False):
            if (response.voter, response.vote) != (step.voter, step.vote):
                raise ValueError(
                    f"thread {response.thread} line {response.line}: answers voter {response.voter} "
                    f"{response.vote!r}, the plan says voter {step.voter} {step.vote!r}"
                )
            voter = seen.setdefault(step.voter, VoterSeen())
            if 200 <= response.status < 300:
                if response.receipt is None:
                    raise ValueError(f"thread {response.thread} line {response.line}: 2xx without a receipt")
                voter.accepted.append((response.receipt, step.vote))
            else:
                voter.refused.append(response.status)
    return seen


@dataclass(frozen=True)
class StoredVoter:
    """What the database holds for one voter: times cast on its participation (None: no participation),
    and the ballots found under its seal (secret) or entry (roll-call): (receipt, vote) each."""

    times_cast: int | None
    ballots: tuple[tuple[str, str], ...]


def reconcile(
    seen: Mapping[int, VoterSeen], stored: Mapping[int, StoredVoter], *, ballots_in_item: int
) -> list[str]:
    """Every problem found, in words (empty: zero lost and zero duplicated ballots, last vote wins).

    - a voter with accepted casts has one participation counting them all and exactly one ballot, the
      one of their last accepted cast (receipt and vote);
    - a voter without any accepted cast has neither participation nor ballot;
    - the item holds no other ballot than these.
    """
    problems: list[str] = []
    expected_ballots = 0
    for voter in sorted(set(seen) | set(stored)):
        mine = seen.get(voter, VoterSeen())
        db = stored.get(voter, StoredVoter(None, ()))
        if not mine.accepted:
            if db.times_cast is not None or db.ballots:
                problems.append(f"voter {voter}: no cast accepted, yet the database holds a vote")
            continue
        expected_ballots += 1
        if db.times_cast != len(mine.accepted):
            problems.append(
                f"voter {voter}: {len(mine.accepted)} casts accepted, participation says {db.times_cast}"
            )
        if len(db.ballots) != 1:
            problems.append(f"voter {voter}: {len(db.ballots)} ballots stored, expected 1")
        elif db.ballots[0] != mine.accepted[-1]:
            problems.append(
                f"voter {voter}: stored ballot {db.ballots[0]} is not the last accepted {mine.accepted[-1]}"
            )
    if ballots_in_item != expected_ballots:
        problems.append(f"the item holds {ballots_in_item} ballots, expected {expected_ballots}")
    return problems


def statuses(records: Iterable[Sequence[Response]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for responses in records:
        for r in responses:
            out[str(r.status)] = out.get(str(r.status), 0) + 1
    return dict(sorted(out.items()))
