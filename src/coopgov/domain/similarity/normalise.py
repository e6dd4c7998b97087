"""Text normalisation for similarity in French, Dutch and English: folding, stop words, light stemming.

The stemmers are deliberately *light* (after Savoy's light stemmers for French and the "S-stemmer" of
Harman for English): they remove inflection (plurals, feminine, verb endings) and a few frequent
derivational suffixes, never enough to merge unrelated words. Over-stemming costs more than under-stemming
here: the character n-grams already catch most remaining morphological variants.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LANGUAGES = ("fr", "nl", "en")

# Letters that accent folding alone does not take to ASCII.
_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ĳ": "ij", "ø": "o", "ł": "l", "đ": "d"})
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Casefold and strip accents: 'Élève' → 'eleve', 'Cœur' → 'coeur', 'Ĳs' → 'ijs'."""
    text = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Stop words, already folded. Short lists of function words (articles, pronouns, prepositions,
# conjunctions, auxiliaries); content words such as "membre" or "coopérative" are kept on purpose.
def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "fr": _listed(
        """
        a au aux avec ce ces cet cette c ca d dans de des du elle elles en et eux il ils j je l la le les leur
        leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se
        ses son sur t ta te tes toi ton tu un une vos votre vous y ete etre est sont sera seront etait
        avoir ai as avons avez ont avait aura fait faire plus moins tres tout tous toute toutes aussi
        donc car si comme afin entre chez sans sous vers ni soit cela ceci celle celui ceux dont lors
        quand quel quelle quels quelles peu peut peuvent doit doivent faut il ya
        """
    ),
    "nl": _listed(
        """
        aan al als bij dan dat de der des deze die dit door dus een en er ge had heb hebben heeft hem het
        hier hij hoe hun ik in is ja je jij jou jouw kan kon kunnen maar me meer men met mij mijn moet
        moeten na naar niet niets nog nu of om omdat ons onze ook op over te tot u uit uw van veel voor
        want waren was wat we wel werd wie wij wil worden wordt zal ze zelf zich zij zijn zo zou zouden
        tegen toch hen haar hare ben bent wordt geweest daar waar wanneer welke elk elke iets geen
        """
    ),
    "en": _listed(
        """
        a about after all also am an and any are as at be been being but by can could did do does doing
        for from had has have having he her here hers him his how i if in into is it its itself me more
        most my no nor not of on once only or other our ours out over own same she should so some such
        than that the their theirs them then there these they this those through to too under until up
        very was we were what when where which while who whom why will with would you your yours
        should must may might shall just let lets s t
        """
    ),
}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())


def _undouble(word: str) -> str:
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        return word[:-1]
    return word


def _strip(word: str, suffixes: tuple[str, ...], min_stem: int) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            return word[: -len(suffix)]
    return word


_FR_DERIVATIONAL = (
    "issements", "issement", "atrices", "ateurs", "ations", "ements", "ation", "ateur", "atrice", "ement",
    "ments", "ances", "ences", "ismes", "istes", "ables", "ibles", "ites", "euses", "ives",
    "ment", "ance", "ence", "isme", "iste", "able", "ible", "ite", "euse", "eux", "ive", "if",
)  # fmt: skip
_FR_INFLECTION = ("erions", "eriez", "erons", "eront", "aient", "ions", "iez", "ons", "ent", "ait",
                  "ais", "ant", "ee", "er", "ez", "e")  # fmt: skip


def stem_fr(word: str) -> str:
    """Light French stemmer: plural (-s, -x, -aux → -al), then one derivational suffix (-ation, -ement,
    -ité…), then one verb or feminine ending (-er, -ez, -ent, -ée, -e), keeping a stem of at least 4
    letters (3 for the last step); a final doubled consonant is undoubled."""
    if len(word) <= 3:
        return word
    if word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"
    elif word[-1] in "sx" and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    shorter = _strip(word, _FR_DERIVATIONAL, 4)
    if shorter == word:
        shorter = _strip(word, _FR_INFLECTION, 3)
    return _undouble(shorter)


_NL_SUFFIXES = ("heden", "ingen", "ende", "heid", "ing", "en", "es", "e", "s")


def stem_nl(word: str) -> str:
    """Light Dutch stemmer: -heden → -heid, then one of -heid, -ing(en), -ende, -en, -e, -s (keeping at least
    3 letters); a doubled final consonant is undoubled ('voorstellen' → 'voorstel') and a final 'v'/'z'
    after the cut becomes 'f'/'s' ('brieven' → 'brief')."""
    if len(word) <= 3:
        return word
    if word.endswith("heden"):
        word = word[:-5] + "heid"
    cut = _strip(word, _NL_SUFFIXES, 3)
    if cut != word:
        cut = _undouble(cut)
        if cut.endswith("v"):
            cut = cut[:-1] + "f"
        elif cut.endswith("z"):
            cut = cut[:-1] + "s"
    return cut


def stem_en(word: str) -> str:
    """Light English stemmer: Harman's S-stemmer (-ies → -y, -es → -e, -s → ∅), then -ing / -ed / -ly when at
    least 4 letters remain, undoubling a final consonant ('running' → 'run')."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("us", "ss")):
        word = word[:-1]  # Harman's '-es → -e' and '-s → ∅' both remove the final s
    cut = _strip(word, ("ing", "ed", "ly"), 4)
    if cut != word:
        cut = _undouble(cut)
    return cut


_STEMMERS = {"fr": stem_fr, "nl": stem_nl, "en": stem_en}


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The stem of a folded word in a language; a language we do not know leaves the word as it is."""
    stemmer = _STEMMERS.get(language)
    return stemmer(word) if stemmer else word


# Words that turn a statement into its opposite. They are stop words, but the next content words are
# marked ('not legalized' → '¬legaliz'), so that "should be legalized" and "should not be legalized" no
# longer share those words (negation marking, after Das & Chen 2001 and Pang, Lee & Vaithyanathan 2002).
NEGATIONS: dict[str, frozenset[str]] = {
    "fr": _listed("ne pas non jamais aucun aucune sans ni"),
    "nl": _listed("niet geen nooit zonder noch"),
    "en": _listed("not no never without nor don doesn didn isn aren won cannot"),
}
ALL_NEGATIONS = frozenset().union(*NEGATIONS.values())
# How many content words after a negation word are marked.
NEGATION_SCOPE = 2


def tokens(text: str, language: str) -> list[str]:
    """The stemmed content words of a text: folded, split on anything that is not a letter or a digit
    (so French elisions 'l'école' give 'l' + 'ecole'), stop words of the language removed (of all three
    languages when the language is unknown), and the content words just after a negation marked '¬'."""
    stops = STOP_WORDS.get(language, ALL_STOP_WORDS)
    negations = NEGATIONS.get(language, ALL_NEGATIONS)
    result: list[str] = []
    scope = 0
    for word in _WORD.findall(fold(text)):
        if word in negations:
            scope = NEGATION_SCOPE
            continue
        if word in stops or len(word) < 2:
            continue
        stemmed = stem(word, language)
        if scope:
            stemmed = "¬" + stemmed
            scope -= 1
        result.append(stemmed)
    return result
