"""Turning text into search terms, the same way for a service's words and a person's question.

Why so simple: people type a few words ("park my car", "new baby", "déménager"); folding
case and accents, dropping small words and a light plural rule is enough to meet the words
a service owner wrote, and prefix matching covers "registr" → "registration".
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERM = 64
MIN_PREFIX = 4

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "get",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "what",
        "when",
        "where",
        "who",
        "with",
        "you",
        "your",
        "want",
        "need",
        "this",
        "that",
        "about",
        "am",
        "have",
        "has",
        "au",
        "aux",
        "avec",
        "ce",
        "de",
        "des",
        "du",
        "en",
        "et",
        "je",
        "la",
        "le",
        "les",
        "ma",
        "mes",
        "mon",
        "ne",
        "pas",
        "pour",
        "qui",
        "sur",
        "un",
        "une",
        "vos",
        "votre",
    ]
)


def fold(text: str) -> str:
    """Lower case without accents: "Déménagement" → "demenagement"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The distinct search terms of `text`, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in re.split(r"[^0-9a-z]+", fold(text)):
        if len(word) < 2 or word in STOPWORDS:
            continue
        seen.setdefault(_stem(word)[:MAX_TERM], None)
    return list(seen)
