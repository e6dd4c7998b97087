"""Text written in several languages, stored as {language: text} with the author's language kept."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language

SUPPORTED = ("fr", "nl", "en")


def pick(texts: Mapping[str, str] | None, fallback: str = "", language: str | None = None) -> str:
    """The text in the reader's language, else French, Dutch, English in that order, else ``fallback``."""
    if not texts:
        return fallback
    lang = (language or get_language() or "fr")[:2]
    for code in (lang, *SUPPORTED):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()), fallback)
