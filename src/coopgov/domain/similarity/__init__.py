"""Multilingual (FR/NL/EN) text similarity: find near-duplicate proposals and a text's nearest neighbours.

Normalisation (casefold, accent folding, stop words, a light stemmer per language), then word and
character n-gram TF-IDF vectors compared by cosine. Pure: numpy, scipy and scikit-learn, no Django.
See docs/methods/text-similarity.md for the method, its bounds and what the evaluation on real text shows.
"""

from coopgov.domain.similarity.engine import (
    Document,
    Index,
    Pair,
    nearest,
    similar_pairs,
    similarity,
)
from coopgov.domain.similarity.normalise import LANGUAGES, fold, stem, tokens

__all__ = [
    "LANGUAGES",
    "Document",
    "Index",
    "Pair",
    "fold",
    "nearest",
    "similar_pairs",
    "similarity",
    "stem",
    "tokens",
]
