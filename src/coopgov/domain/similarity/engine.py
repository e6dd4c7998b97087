"""Word and character n-gram TF-IDF vectors, cosine similarity, near-duplicate pairs and nearest texts.

Each document becomes two L2-normalised TF-IDF vectors: one over its stemmed content words (unigrams and
bigrams), one over character 3- to 5-grams of its folded content words (which catches spelling variants,
compounds — Dutch 'ledenvergadering' / 'vergadering van de leden' — and what the light stemmer leaves).
The two are joined with weights √w and √(1−w), so the dot product of two documents is
``w · cos(words) + (1 − w) · cos(chars)``, a number between 0 and 1.

Vocabulary and IDF come from the documents given (a process's proposals, a cooperative's, the group's):
scores are relative to that collection and not comparable across calls on different collections.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, pairwise
from math import sqrt

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from coopgov.domain.similarity.normalise import tokens

# Weight of the word vector in the combined score (the rest goes to character n-grams). On the labelled
# check of docs/methods/text-similarity.md, more weight on words ranks the English pairs a little better
# (average precision 0.71 at 0.5, 0.76 with words alone) while the French and Dutch rewordings need the
# character n-grams (23 of 24 found first at 0.5, 22 with words alone): 0.5 keeps both.
WORD_WEIGHT = 0.5
# Rows of the similarity matrix computed at once: bounds memory to BLOCK × n scores.
BLOCK = 1024


@dataclass(frozen=True)
class Document:
    """A text to compare: its id (any hashable the caller uses), the text and its language (fr, nl, en;
    anything else is treated as unknown: the stop words of all three, no stemming)."""

    id: object
    text: str
    language: str = ""


@dataclass(frozen=True)
class Pair:
    """Two documents whose similarity reaches the threshold; ``a`` comes before ``b`` in the input."""

    a: object
    b: object
    score: float


def _analyse(document: Document) -> list[str]:
    return tokens(document.text, document.language)


def _words(doc_tokens: list[str]) -> list[str]:
    bigrams = [f"{x} {y}" for x, y in pairwise(doc_tokens)]
    return doc_tokens + bigrams


@lru_cache(maxsize=200_000)
def _token_grams(token: str) -> tuple[str, ...]:
    """The character 3-, 4- and 5-grams of one word with a space on both sides (cached: words repeat)."""
    padded = f" {token} "
    return tuple(padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def _chars(doc_tokens: list[str]) -> list[str]:
    return list(chain.from_iterable(_token_grams(token) for token in doc_tokens))


def _identity(x: list[str]) -> list[str]:
    return x


class Index:
    """The documents' combined TF-IDF rows, with the fitted vocabularies, so that many queries can be
    compared against one collection without building its vectors again (``Index(docs).nearest(q)``)."""

    def __init__(self, documents: Sequence[Document], word_weight: float = WORD_WEIGHT) -> None:
        if not 0.0 <= word_weight <= 1.0:
            raise ValueError(f"word_weight must be between 0 and 1, not {word_weight}")
        _check_ids(documents)
        self.documents = list(documents)
        self._parts: list[tuple[float, Callable[[list[str]], list[str]], TfidfVectorizer | None]] = []
        analysed = [_analyse(d) for d in self.documents]
        blocks = []
        for weight, build in ((word_weight, _words), (1.0 - word_weight, _chars)):
            if weight == 0.0:
                continue
            features = [build(t) for t in analysed]
            if not any(features):  # nothing but stop words: these documents are similar to nothing
                self._parts.append((weight, build, None))
                blocks.append(sp.csr_matrix((len(features), 1), dtype=np.float32))
                continue
            vectorizer = TfidfVectorizer(
                analyzer=_identity, sublinear_tf=True, norm="l2", dtype=np.float32, lowercase=False
            )
            blocks.append(vectorizer.fit_transform(features) * np.float32(sqrt(weight)))
            self._parts.append((weight, build, vectorizer))
        self.matrix: sp.csr_matrix = sp.hstack(blocks, format="csr", dtype=np.float32)

    def transform(self, documents: Sequence[Document]) -> sp.csr_matrix:
        """Rows for other texts in this collection's vocabulary (n-grams it never saw are ignored)."""
        analysed = [_analyse(d) for d in documents]
        blocks = []
        for weight, build, vectorizer in self._parts:
            if vectorizer is None:
                blocks.append(sp.csr_matrix((len(analysed), 1), dtype=np.float32))
            else:
                rows = vectorizer.transform([build(t) for t in analysed])
                blocks.append(rows * np.float32(sqrt(weight)))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def nearest(self, query: Document, k: int = 5, *, threshold: float = 0.0) -> list[tuple[object, float]]:
        """The ``k`` documents most similar to ``query`` (one with the query's id is skipped), best first,
        only scores above ``threshold``; ties keep the collection's order."""
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        if not self.documents:
            return []
        scores = (self.matrix @ self.transform([query])[0].T).toarray().ravel()
        order = np.lexsort((np.arange(len(scores)), -np.round(scores, 6)))
        result: list[tuple[object, float]] = []
        for i in order:
            if len(result) == k or scores[i] <= threshold:
                break
            if self.documents[i].id != query.id:
                result.append((self.documents[i].id, round(min(1.0, float(scores[i])), 6)))
        return result


def vectors(documents: Sequence[Document], word_weight: float = WORD_WEIGHT) -> sp.csr_matrix:
    """The combined, L2-normalised TF-IDF rows of the documents (one row per document, in order)."""
    return Index(documents, word_weight).matrix


def _check_ids(documents: Sequence[Document]) -> None:
    seen: set[object] = set()
    for document in documents:
        if document.id in seen:
            raise ValueError(f"two documents have the id {document.id!r}")
        seen.add(document.id)


def similar_pairs(
    documents: Sequence[Document], threshold: float = 0.5, *, word_weight: float = WORD_WEIGHT
) -> list[Pair]:
    """Every pair of documents with similarity ≥ ``threshold`` (0 < threshold ≤ 1), best first (ties by
    input order). The sparse product is computed in row blocks, so memory stays at BLOCK × n floats plus
    the pairs found; time grows with n² × (shared n-grams): see benchmarks/bench_similarity.py and
    docs/methods/text-similarity.md for the measured bound at 10,000 documents."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    n = len(documents)
    matrix = vectors(documents, word_weight)
    if n < 2:
        return []
    transposed = matrix.T.tocsr()
    found: list[tuple[float, int, int]] = []
    for start in range(0, n, BLOCK):
        stop = min(n, start + BLOCK)
        # Only the columns from ``start`` on: the pairs (i, j) with j > i, so half the products.
        block = (matrix[start:stop] @ transposed[:, start:]).tocoo()
        rows = block.row + start
        cols = block.col + start
        keep = (cols > rows) & (block.data >= threshold - 1e-6)
        for i, j, score in zip(rows[keep], cols[keep], block.data[keep], strict=True):
            found.append((min(1.0, float(score)), int(i), int(j)))
    found.sort(key=lambda t: (-round(t[0], 6), t[1], t[2]))
    return [Pair(documents[i].id, documents[j].id, round(score, 6)) for score, i, j in found]


def nearest(
    query: Document,
    documents: Sequence[Document],
    k: int = 5,
    *,
    threshold: float = 0.0,
    word_weight: float = WORD_WEIGHT,
) -> list[tuple[object, float]]:
    """The ``k`` documents most similar to ``query`` (a document with the query's id is skipped), best
    first, each with its score; only scores above ``threshold``. The vocabulary and IDF are the documents';
    to ask many queries of one collection, build an ``Index`` once."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    return Index(documents, word_weight).nearest(query, k, threshold=threshold)


def similarity(a: Document, b: Document, *, word_weight: float = WORD_WEIGHT) -> float:
    """The similarity of two texts alone (IDF from the two: prefer ``similar_pairs`` on a collection)."""
    matrix = vectors([a, b], word_weight)
    return round(min(1.0, float((matrix[0] @ matrix[1].T).toarray()[0, 0])), 6)
