"""The multilingual similarity engine: normalisation, stemming, pairs and nearest texts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopgov.domain.similarity import (
    Document,
    Index,
    Pair,
    fold,
    nearest,
    similar_pairs,
    similarity,
    stem,
    tokens,
)
from coopgov.domain.similarity.engine import vectors


def test_folding_removes_case_and_accents_in_the_three_languages():
    assert fold("Élève À l'École") == "eleve a l'ecole"
    assert fold("Cœur, ÆON, Straße, Ĳsselmeer, coöperatie") == "coeur, aeon, strasse, ijsselmeer, cooperatie"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["coopérative", "coopératives"]),
        ("fr", ["réunion", "réunions"]),
        ("fr", ["journal", "journaux"]),
        ("fr", ["proposer", "proposez", "proposent"]),
        ("nl", ["voorstel", "voorstellen"]),
        ("nl", ["vergadering", "vergaderingen"]),
        ("nl", ["brief", "brieven"]),
        ("nl", ["mogelijkheid", "mogelijkheden"]),
        ("en", ["meeting", "meetings"]),
        ("en", ["policy", "policies"]),
        ("en", ["run", "running"]),
    ],
)
def test_the_light_stemmer_joins_inflected_forms(language, words):
    stems = {stem(fold(w), language) for w in words}
    assert len(stems) == 1, stems


@pytest.mark.parametrize(
    ("language", "a", "b"),
    [
        ("fr", "membre", "mémoire"),
        ("en", "member", "memory"),
        ("nl", "leden", "lijden"),
        ("fr", "part", "partie"),
    ],
)
def test_the_light_stemmer_does_not_merge_unrelated_words_it_was_checked_on(language, a, b):
    assert stem(fold(a), language) != stem(fold(b), language)


def test_stop_words_of_the_text_language_are_dropped():
    assert tokens("Les membres de l'antenne", "fr") == ["membr", "anten"]
    assert tokens("De leden van de antenne", "nl") == ["led", "anten"]
    assert tokens("The members of the antenna", "en") == ["member", "antenna"]


def test_an_unknown_language_drops_the_stop_words_of_all_three_without_stemming():
    assert tokens("the leden de la cooperative", "de") == ["leden", "cooperative"]


def test_a_rewording_scores_higher_than_a_different_proposal():
    docs = [
        Document(1, "Créer une crèche coopérative dans chaque antenne", "fr"),
        Document(2, "Créer des crèches coopératives dans les antennes", "fr"),
        Document(3, "Organiser la fête annuelle des membres à Bruxelles", "fr"),
    ]
    pairs = similar_pairs(docs, threshold=0.05)
    assert pairs[0].a == 1 and pairs[0].b == 2
    assert pairs[0].score > 0.6
    assert all(p.score < 0.3 for p in pairs[1:])


def test_dutch_compounds_are_caught_by_character_ngrams():
    a = Document("a", "Een ledenvergadering in elke antenne", "nl")
    b = Document("b", "Een vergadering van de leden in elke antenne", "nl")
    c = Document("c", "Een fietsenstalling aan het station", "nl")
    assert similarity(a, b) > similarity(a, c) + 0.3


def test_identical_texts_score_one_and_pairs_respect_the_threshold():
    docs = [
        Document(i, t, "en") for i, t in enumerate(["Lower fees", "Lower fees", "A bike shed at the station"])
    ]
    pairs = similar_pairs(docs, threshold=0.99)
    assert pairs == [Pair(0, 1, 1.0)]


def test_nearest_returns_the_closest_texts_best_first_and_skips_the_query_itself():
    docs = [
        Document(1, "Lower the membership fee for young freelancers", "en"),
        Document(2, "A bike shed at every antenna", "en"),
        Document(3, "Reduce the fees young freelancers pay to become members", "en"),
    ]
    result = nearest(Document(1, "Lower the membership fee for young freelancers", "en"), docs, k=2)
    assert [doc_id for doc_id, _ in result] == [3, 2] or [doc_id for doc_id, _ in result] == [3]
    assert result[0][1] > 0.2


def test_bad_arguments_are_refused_with_what_is_wrong():
    docs = [Document(1, "x", "en"), Document(1, "y", "en")]
    with pytest.raises(ValueError, match="id 1"):
        similar_pairs(docs)
    with pytest.raises(ValueError, match="threshold"):
        similar_pairs([Document(1, "x")], threshold=0)
    with pytest.raises(ValueError, match="k must"):
        nearest(Document(1, "x"), [Document(2, "y")], k=0)


def test_empty_and_stop_word_only_texts_are_similar_to_nothing():
    docs = [Document(1, "", "fr"), Document(2, "le la les", "fr"), Document(3, "Une crèche", "fr")]
    assert similar_pairs(docs, threshold=0.01) == []


texts = st.lists(
    st.text(alphabet="abcdeéèfghijklmnoprstuvwxyzç ", min_size=0, max_size=60), min_size=2, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_scores_lie_between_zero_and_one_and_every_pair_is_listed_once(values):
    """Whatever the texts, a pair appears once (a before b), with a score in [0, 1], best first."""
    docs = [Document(i, t, "fr") for i, t in enumerate(values)]
    pairs = similar_pairs(docs, threshold=0.01)
    seen = {(p.a, p.b) for p in pairs}
    assert len(seen) == len(pairs)
    assert all(p.a < p.b and 0.0 < p.score <= 1.0 for p in pairs)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)


@settings(max_examples=40, deadline=None)
@given(texts)
def test_pairs_do_not_depend_on_the_order_of_the_documents(values):
    """Reversing the input gives the same pairs with the same scores (the similarity is symmetric)."""
    docs = [Document(i, t, "fr") for i, t in enumerate(values)]
    forward = {(p.a, p.b): p.score for p in similar_pairs(docs, threshold=0.01)}
    backward = {(min(p.a, p.b), max(p.a, p.b)): p.score for p in similar_pairs(docs[::-1], threshold=0.01)}
    assert forward.keys() == backward.keys()
    assert all(abs(forward[k] - backward[k]) < 1e-5 for k in forward)


def test_rows_are_unit_vectors_so_the_dot_product_is_the_weighted_cosine():
    docs = [Document(1, "coopérative de travail", "fr"), Document(2, "travailleurs coopérateurs", "fr")]
    matrix = vectors(docs)
    norms = matrix.multiply(matrix).sum(axis=1).A1
    assert all(abs(float(n) - 1.0) < 1e-5 for n in norms)


def test_an_index_answers_many_queries_like_nearest_does():
    docs = [
        Document(1, "Une crèche coopérative dans chaque antenne", "fr"),
        Document(2, "Des vélos partagés pour les membres", "fr"),
        Document(3, "Créer des crèches dans les antennes", "fr"),
    ]
    index = Index(docs)
    for query in (Document("q1", "crèches coopératives", "fr"), Document("q2", "vélo partagé", "fr")):
        assert index.nearest(query, k=2) == nearest(query, docs, k=2)
    assert index.nearest(Document("q3", "zzzz qqqq", "fr")) == []


def test_a_negation_marks_the_words_after_it_so_opposite_asks_part():
    assert tokens("Marijuana should not be legalized", "en") == ["marijuana", "¬legaliz"]
    assert tokens("Il ne faut pas légaliser", "fr") == ["¬legalis"]
    assert tokens("We willen geen nieuwe parking", "nl") == ["wil", "¬nieuw", "¬park"]
    docs = [
        Document(1, "Marijuana should be legalized and taxed.", "en"),
        Document(2, "Marijuana should not be legalized.", "en"),
        Document(3, "Marijuana should be legalized.", "en"),
    ]
    scores = {(p.a, p.b): p.score for p in similar_pairs(docs, threshold=0.01)}
    assert scores[(1, 3)] > scores.get((1, 2), 0.0) + 0.3
