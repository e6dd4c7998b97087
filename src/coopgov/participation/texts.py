"""Member-written text shown to a reader: their language first when a translation exists, the original
otherwise, always knowing which language is on screen (so pages can mark it with ``lang``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import get_language

from coopgov.i18n_text import SUPPORTED


@dataclass(frozen=True)
class Shown:
    text: str
    language: str
    original: str
    original_language: str

    @property
    def translated(self) -> bool:
        return self.language != self.original_language

    def __str__(self) -> str:
        return self.text


def reader_language(language: str | None = None) -> str:
    code = (language or get_language() or "fr")[:2]
    return code if code in SUPPORTED else "fr"


def shown(
    original: str, original_language: str, translations: Mapping[str, str] | None, language: str | None = None
) -> Shown:
    """The reader's language if the text was written in it or translated into it, else the original
    (a reader is better served by the author's own words than by a third language's translation)."""
    reader = reader_language(language)
    text = (translations or {}).get(reader) if reader != original_language else None
    if text:
        return Shown(text, reader, original, original_language)
    return Shown(original, original_language, original, original_language)


def fold(text: str) -> str:
    """Lower case without accents ("Créer" → "creer"), so a search finds "cantine" in "Cantine" and
    "neerlandais" in "néerlandais"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(*parts: str | Mapping[str, str] | None) -> str:
    """One folded text holding the original and every translation, searched with a plain LIKE."""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, Mapping):
            pieces.extend(str(v) for v in part.values() if v)
        elif part:
            pieces.append(part)
    return fold("\n".join(pieces))
