"""What the export tells of Polis's history: who entered the map early, and Polis's own statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from coopgov.domain.formats.polis import (
    polis_mod_out,
    read_comments,
    read_participants_votes,
    read_vote_history,
    read_votes_file,
)
from coopgov.domain.opinion import (
    PolisParameters,
    VoteMatrix,
    group_vote_counts,
    opinion_map,
    polis_in_conv_history,
)
from coopgov.domain.opinion.repness import group_informed_consensus


def history(folder: Path):
    return read_vote_history(folder / "votes.csv")


def test_the_first_voters_enter_while_fewer_than_fifteen_qualify_and_stay_in():
    # 20 participants; statement ids 0..9. The first three vote once each, early; later everyone else
    # votes on 8 statements. Polis's greedy rule lets the early three in (fewer than 15 were in).
    p, s, t = [0, 1, 2], [0, 1, 2], [0.0, 10_000.0, 20_000.0]
    clock = 100_000.0
    for q in range(3, 20):
        for j in range(8):
            p.append(q), s.append(j), t.append(clock)
            clock += 5_000.0
    entered = polis_in_conv_history(p, s, t)
    assert {0, 1, 2} <= entered
    assert entered == frozenset(range(20))
    # The same votes all at once: one update, the final rule, and 17 already qualify (no greedy).
    assert polis_in_conv_history(p, s, [0.0] * len(p)) == frozenset(range(3, 20))


def test_once_fifteen_are_in_a_newcomer_needs_seven_votes():
    p, s, t = [], [], []
    clock = 0.0
    for q in range(16):
        for j in range(7):
            p.append(q), s.append(j), t.append(clock)
            clock += 2_000.0
    p += [99, 99]
    s += [0, 1]
    t += [clock, clock + 2_000.0]
    entered = polis_in_conv_history(p, s, t)
    assert 99 not in entered
    assert len(entered) == 16


def test_entered_participants_are_placed_in_the_map_whatever_their_votes():
    rng = np.random.default_rng(4)
    p = np.repeat(np.arange(40), 10)
    s = np.tile(np.arange(10), 40)
    v = np.where((p % 2 == 0) == (s % 2 == 0), 1, -1)
    v[rng.random(len(v)) < 0.1] = 0
    keep = ~((p == 3) & (s >= 2))  # participant 3 voted twice only
    matrix = VoteMatrix.from_votes(p[keep], s[keep], v[keep])
    assert 3 not in opinion_map(matrix).state.in_conv
    result = opinion_map(matrix, entered=frozenset({3}))
    assert 3 in result.state.in_conv
    assert any(3 in g.members for g in result.groups)


@pytest.mark.parametrize(
    "conversation",
    ["scoop-hivemind.biodiversity", "ssis.land-bank-farmland.2rumnecbeh.2021-08-01", "bg2050-volunteers"],
)
def test_the_history_gives_exactly_the_participants_polis_grouped(shared_data, conversation):
    """The final rule (7 votes) misses the 1–2 early participants Polis's greedy rule let in."""
    folder = shared_data / "polis" / conversation
    polis = read_participants_votes(folder / "participants-votes.csv").group_of
    h = history(folder)
    assert polis_in_conv_history(h.participants, h.statements, h.timestamps) == frozenset(polis)


def test_with_polis_single_start_and_its_history_bg2050_gets_exactly_polis_groups(shared_data):
    folder = shared_data / "polis" / "bg2050-volunteers"
    polis = read_participants_votes(folder / "participants-votes.csv").group_of
    votes = read_votes_file(folder / "votes.csv")
    matrix = VoteMatrix.from_votes(votes.participants, votes.statements, votes.votes)
    h = history(folder)
    result = opinion_map(
        matrix,
        moderated_out=polis_mod_out(read_comments(folder / "comments.csv")),
        parameters=PolisParameters(group_restarts=0),
        entered=polis_in_conv_history(h.participants, h.statements, h.timestamps),
    )
    ours = dict(zip(result.participants.tolist(), result.group_of.tolist(), strict=True))
    ids = sorted(polis)
    assert adjusted_rand_score([polis[p] for p in ids], [ours[p] for p in ids]) == 1.0


def test_group_informed_consensus_on_polis_groups_is_the_value_polis_exported(shared_data):
    """bg2050's comments.csv holds Polis's own group-informed consensus for all 371 statements."""
    folder = shared_data / "polis" / "bg2050-volunteers"
    comments = read_comments(folder / "comments.csv")
    exported = {c.id: c.group_informed_consensus for c in comments}
    assert len(exported) == 371 and None not in exported.values()
    polis = read_participants_votes(folder / "participants-votes.csv").group_of
    votes = read_votes_file(folder / "votes.csv")
    matrix = VoteMatrix.from_votes(votes.participants, votes.statements, votes.votes)
    agree, disagree, seen = group_vote_counts(matrix, [polis.get(int(p), -1) for p in matrix.participants])
    ours, _ = group_informed_consensus(agree.astype(float), disagree.astype(float), seen.astype(float))
    mine = dict(zip(matrix.statements.tolist(), ours.tolist(), strict=True))
    assert set(mine) == set(exported)
    assert max(abs(mine[t] - exported[t]) for t in exported) < 1e-12


def test_group_vote_counts_needs_one_group_per_participant():
    matrix = VoteMatrix.from_votes([0, 1], [0, 0], [1, -1])
    agree, disagree, seen = group_vote_counts(matrix, [0, 1])
    assert agree.tolist() == [[1], [0]] and disagree.tolist() == [[0], [1]] and seen.tolist() == [[1], [1]]
    with pytest.raises(ValueError, match="one group per participant"):
        group_vote_counts(matrix, [0])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 9), st.integers(0, 50)),
        min_size=1,
        max_size=200,
    )
)
def test_the_history_keeps_everyone_the_final_rule_takes_and_adds_at_most_fifteen(votes):
    p, s, t = (list(x) for x in zip(*votes, strict=True))
    t = [1000.0 * x for x in t]
    entered = polis_in_conv_history(p, s, t)
    seen: dict[int, set[int]] = {}
    for q, c in zip(p, s, strict=True):
        seen.setdefault(q, set()).add(c)
    final = {q for q, c in seen.items() if len(c) >= min(7, len(set(s)))}
    assert final <= entered <= set(p)
    assert len(entered - final) <= 15
    assert len(entered) >= min(15, len(seen))
