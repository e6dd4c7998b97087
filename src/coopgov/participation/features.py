"""Which features each kind of phase switches on: the table every participation permission reads.

Pure Python (no Django) so the table can be read, tested and documented on its own, in the way
adhocracy4 lets a phase decide what a module allows.
"""

from __future__ import annotations

from enum import StrEnum


class PhaseKind(StrEnum):
    INFORMATION = "information"
    CONTRIBUTION = "contribution"
    DELIBERATION = "deliberation"
    DECISION = "decision"
    FOLLOW_UP = "follow_up"


class Feature(StrEnum):
    PROPOSING = "proposing"
    SUPPORTING = "supporting"
    COMMENTING = "commenting"
    AMENDING = "amending"


# The default features of each kind of phase. A process may switch one off (or on) per phase; the
# stored phase row is the truth, this table is what a new phase starts with.
#   information:  read only — the process explains itself.
#   contribution: members propose, support and comment.
#   deliberation: no new proposals; supports, comments and amendments shape the ones in play.
#   decision:     the body decides; members may still comment.
#   follow-up:    read only; comments stay open for questions about the outcome.
DEFAULT_FEATURES: dict[PhaseKind, frozenset[Feature]] = {
    PhaseKind.INFORMATION: frozenset(),
    PhaseKind.CONTRIBUTION: frozenset({Feature.PROPOSING, Feature.SUPPORTING, Feature.COMMENTING}),
    PhaseKind.DELIBERATION: frozenset({Feature.SUPPORTING, Feature.COMMENTING, Feature.AMENDING}),
    PhaseKind.DECISION: frozenset({Feature.COMMENTING}),
    PhaseKind.FOLLOW_UP: frozenset({Feature.COMMENTING}),
}


def default_features(kind: str) -> frozenset[Feature]:
    """The features a phase of ``kind`` has unless the process changes them."""
    return DEFAULT_FEATURES[PhaseKind(kind)]
