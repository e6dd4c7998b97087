"""Opinion maps: the groups among participants who react to short statements, and what unites them.

The method is Polis's (compdemocracy/polis, math/src/polismath/math/); see docs/methods/opinion-polis.md.
"""

from coopgov.domain.opinion.polis import (
    Group,
    OpinionMap,
    OpinionState,
    PolisParameters,
    StatementStats,
    VoteMatrix,
    add_votes,
    group_vote_counts,
    opinion_map,
    polis_in_conv_history,
    replay_opinion_map,
    update_opinion_map,
)
from coopgov.domain.opinion.repness import (
    ConsensusStatement,
    DivisiveStatement,
    RepresentativeStatement,
)

__all__ = [
    "ConsensusStatement",
    "DivisiveStatement",
    "Group",
    "OpinionMap",
    "OpinionState",
    "PolisParameters",
    "RepresentativeStatement",
    "StatementStats",
    "VoteMatrix",
    "add_votes",
    "group_vote_counts",
    "opinion_map",
    "polis_in_conv_history",
    "replay_opinion_map",
    "update_opinion_map",
]
