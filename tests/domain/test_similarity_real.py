"""The similarity engine on real text: a labelled check built from Polis statements (English) and from
real participatory-budgeting project titles (Toulouse in French, Amsterdam and Assen in Dutch).

How the labels were made (docs/methods/text-similarity.md gives the figures):
- Polis, Bowling Green (896 statements): statements on four themes were read and grouped by *the same ask*
  (e.g. "pass a fairness ordinance"); pairs in one group are duplicates, pairs across groups of the same
  theme are hard non-duplicates (same words, different ask — including the opposite stance). One reader
  labelled them; where the ask was mixed the statement was left out.
- Pabulib titles: one real duplicate in the data (Toulouse projects 24 and 27, two proposers' notice
  boards), and rewordings of real titles that we wrote (plural/singular, verb/noun, accents dropped,
  Dutch compounds split), each to be found among all titles of its language. A few French titles put into
  Dutch check that the engine does *not* claim to match across languages.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from coopgov.domain.formats.polis import read_comments
from coopgov.domain.similarity import Document, Index, similar_pairs

# Groups of Bowling Green statement ids with the same ask, by theme.
POLIS_GROUPS: dict[str, dict[str, list[int]]] = {
    "fairness": {
        "pass a fairness ordinance": [
            20,
            78,
            86,
            87,
            102,
            175,
            197,
            281,
            426,
            445,
            521,
            543,
            576,
            628,
            711,
            725,
        ],
        "no fairness ordinance": [90, 387, 396],
        "revise it for religious conscience": [230],
        "a narrower ordinance on housing only": [136],
    },
    "marijuana": {
        "legalise marijuana": [13, 79, 85, 129, 337, 497, 704, 761, 886],
        "legalise medical marijuana": [12, 769, 778],
        "do not legalise": [89],
        "decriminalise small amounts": [610],
    },
    "noise": {
        "noise ordinance in the county": [457, 460, 879],
        "enforce the city's noise ordinance": [379],
    },
    "food": {
        "a health food store": [31, 32, 73, 384],
        "a grocery within walking distance": [446],
        "EBT for grocery pick-up": [580],
        "grocery competition": [648],
        "grocery access from campus": [706],
    },
}

# Real duplicates found in the data itself.
REAL_DUPLICATES = [("Toulouse 24", "Toulouse 27")]

# Our rewordings of real titles: (language, id of the real title, rewording).
REWORDINGS: list[tuple[str, str, str]] = [
    ("fr", "Toulouse 20", "Installer des nichoirs à mésange"),
    ("fr", "Toulouse 30", "Une station de réparation et de gonflage pour les vélos"),
    ("fr", "Toulouse 1", "Un composteur collectif pour composter ensemble"),
    ("fr", "Toulouse 16", "Un parc sécurisé pour les enfants de moins de 3 ans"),
    ("fr", "Toulouse 9", "Des toilettes publiques au jardin du Barry"),
    ("fr", "Toulouse 19", "Construire une halle couverte pour le marché"),
    ("fr", "Toulouse 14", "Securiser la route de Seysses"),
    ("fr", "Toulouse 15", "Créer un jardin partagé aux 3 Cocus"),
    ("fr", "Toulouse 3", "Éclairer le chemin piétons et vélos de la rue Ella Maillart"),
    ("fr", "Toulouse 28", "Des équipements de sport pour les enfants et les adolescents"),
    ("fr", "Toulouse 10", "Lutter contre les moustiques dans le quartier"),
    ("fr", "Toulouse 6", "Des barbecues et des transats"),
    ("nl", "Amsterdam 42190", "Meer fietsenrekken in de Griftstraat"),
    ("nl", "Amsterdam 42196", "De Waalstraat en Almstraat groener maken"),
    ("nl", "Amsterdam 42188", "Street art op de flat in de Almstraat"),
    ("nl", "Amsterdam 42195", "Een commissie van bewoners opzetten"),
    ("nl", "Amsterdam 42189", "Eenzaamheid in de buurt tegengaan"),
    ("nl", "Amsterdam 43937", "Het grijze speelplein groener maken"),
    ("nl", "Amsterdam 43936", "Zwemlessen voor de bewoners van de Molenwijk"),
    ("nl", "Amsterdam 43920", "Workshops koken voor vrouwen"),
    ("nl", "Amsterdam 43939", "Lessen kickboksen voor dames"),
    ("nl", "Amsterdam 43927", "Een feest voor de buurt in Banne Zuid"),
    ("nl", "Assen 13", "Samen eten en koken in de buurt"),
    ("nl", "Assen 5", "Bijeenkomsten voor LGBTQ+ jongeren"),
]
# French titles put into Dutch, and whether the engine finds the French original first: it compares words
# and spellings, so only cognates and names carry across languages ('toiletten', 'Barry').
CROSS_LANGUAGE: list[tuple[str, str, bool]] = [
    ("Toulouse 20", "Nestkastjes voor mezen", True),  # found, but with a score of 0.10 only
    ("Toulouse 9", "Openbare toiletten in de Barry-tuin", True),
    ("Toulouse 19", "Een overdekte markthal", False),
    ("Toulouse 1", "Samen composteren!", False),
]

PABULIB = {
    "Toulouse": ("France_Toulouse_2019.pb", "fr"),
    "Amsterdam": ("Netherlands_Amsterdam_588.pb", "nl"),
    "Amsterdam ": ("Netherlands_Amsterdam_628.pb", "nl"),
    "Assen": ("Netherlands_Assen_2024.pb", "nl"),
}


def pabulib_titles(data: Path) -> list[Document]:
    """Every project title of the French and Dutch Pabulib files, id 'Place project_id'."""
    docs = []
    for place, (name, language) in PABULIB.items():
        lines = (data / "pabulib" / name).read_text(encoding="utf-8").splitlines()
        start = lines.index("PROJECTS") + 1
        header = lines[start].split(";")
        for line in lines[start + 1 :]:
            if line == "VOTES":
                break
            row = dict(zip(header, line.split(";"), strict=False))
            docs.append(Document(f"{place.strip()} {row['project_id']}", row["name"], language))
    return docs


def polis_labelled_pairs(data: Path) -> tuple[list[Document], list[tuple[int, int, bool]]]:
    """The conversation's statements, and every labelled pair (a, b, duplicate?) within each theme."""
    comments = read_comments(data / "polis" / "american-assembly.bowling-green" / "comments.csv")
    docs = [Document(c.id, c.text, "en") for c in comments]
    pairs = []
    for groups in POLIS_GROUPS.values():
        members = [(i, group) for group, ids in groups.items() for i in ids]
        for (a, ga), (b, gb) in combinations(members, 2):
            pairs.append((min(a, b), max(a, b), ga == gb))
    return docs, pairs


def polis_scores(data: Path) -> list[tuple[float, bool]]:
    docs, pairs = polis_labelled_pairs(data)
    found = {(p.a, p.b): p.score for p in similar_pairs(docs, threshold=0.01)}
    found |= {(b, a): s for (a, b), s in found.items()}
    return [(found.get((a, b), 0.0), same) for a, b, same in pairs]


def precision_recall(scores: list[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    chosen = [same for score, same in scores if score >= threshold]
    positives = sum(1 for _, same in scores if same)
    true = sum(chosen)
    return (true / len(chosen) if chosen else 1.0), true / positives


def rewording_ranks(data: Path) -> list[tuple[str, str, int, float]]:
    """For each rewording: the real title it was written from, its rank among the titles of its
    language (1 = found first), and the score."""
    titles = pabulib_titles(data)
    result = []
    for language in ("fr", "nl"):
        pool = [d for d in titles if d.language == language]
        index = Index(pool)
        for lang, original, text in REWORDINGS:
            if lang != language:
                continue
            ranked = index.nearest(Document("query", text, language), k=len(pool))
            ids = [doc_id for doc_id, _ in ranked]
            rank = ids.index(original) + 1 if original in ids else len(pool) + 1
            score = dict(ranked).get(original, 0.0)
            result.append((original, text, rank, score))
    return result


def test_the_labelled_set_is_what_the_method_page_describes(shared_data):
    _docs, pairs = polis_labelled_pairs(shared_data)
    assert len(pairs) == 335
    assert sum(1 for *_, same in pairs if same) == 171


def test_on_polis_statements_a_threshold_of_0_5_is_precise_and_0_3_finds_more(shared_data):
    """Measured: see docs/methods/text-similarity.md. The bounds sit a little under the measured figures,
    so a change that makes the engine worse on real text fails here."""
    scores = polis_scores(shared_data)
    precision_05, recall_05 = precision_recall(scores, 0.5)
    precision_03, recall_03 = precision_recall(scores, 0.3)
    assert precision_05 >= 0.9  # measured 0.96
    assert precision_03 >= 0.7  # measured 0.76
    assert recall_03 > recall_05 >= 0.12  # measured 0.33 and 0.14
    assert recall_03 >= 0.3


def test_the_real_duplicate_notice_boards_of_toulouse_are_the_best_pair(shared_data):
    titles = [d for d in pabulib_titles(shared_data) if d.language == "fr"]
    best = similar_pairs(titles, threshold=0.3)[0]
    assert {best.a, best.b} == set(REAL_DUPLICATES[0])
    assert best.score >= 0.6


def test_most_rewordings_find_their_title_first(shared_data):
    ranks = rewording_ranks(shared_data)
    first = sum(1 for _, _, rank, _ in ranks if rank == 1)
    assert first >= 0.8 * len(ranks)


def test_across_languages_only_cognates_and_names_are_matched(shared_data):
    """The honest limit: a Dutch rendering of a French title reaches the duplicate threshold only when
    they share cognates or a name; otherwise it ranks low or scores far below any threshold in use."""
    index = Index(pabulib_titles(shared_data))
    above_threshold = []
    for original, dutch, found_first in CROSS_LANGUAGE:
        ranked = index.nearest(Document("query", dutch, "nl"), k=1)
        assert (ranked[0][0] == original) is found_first, dutch
        if ranked[0][0] == original and ranked[0][1] >= 0.3:
            above_threshold.append(original)
    assert above_threshold == ["Toulouse 9"]
