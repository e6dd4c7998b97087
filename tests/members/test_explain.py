"""The sentences of the rules read as sentences in each language: no "share(s)" in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from coopgov.domain.governance.reasons import Reason
from coopgov.members.explain import explain

REASONS = {
    "per_year": Reason("not_enough_shares", False, {"held": 1, "required": 3, "per_year": True, "years": 3}),
    "flat": Reason("not_enough_shares", False, {"held": 1, "required": 2, "per_year": False}),
    "moved": Reason("negative_holding", False, {"held": 1, "quantity": 2}),
}

EXPECTED = {
    "en": {
        "per_year": (
            "Shares held: 1; shares required: 3, that is one share per year of use (years of use: 3)."
        ),
        "flat": "Shares held: 1; shares required: 2.",
        "moved": "Shares held: 1; 2 cannot be moved.",
    },
    "fr": {
        "flat": "Parts détenues : 1 ; parts requises : 2.",
    },
    "nl": {
        "flat": "Aandelen in uw bezit: 1; vereist: 2.",
    },
}


@pytest.mark.parametrize(
    ("language", "key"), [(lang, key) for lang, sentences in EXPECTED.items() for key in sentences]
)
def test_the_share_sentences_give_the_figures_without_a_bracketed_plural(language: str, key: str) -> None:
    with translation.override(language):
        sentence = explain(REASONS[key])
    assert sentence == EXPECTED[language][key]
    assert "(s)" not in sentence
