"""Words of a text as search sees them, and where they are: no numpy, so the UI loads fast."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from readlist.core.text import fold

_WORD = re.compile(r"\w+")

# Words that say nothing of a topic, whatever the library: a small library cannot tell them by
# their frequency (foryou.py leaves them out of the reader's profile).
STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    }
)

_ASCII_PUNCT = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


def _split(folded: str) -> list[str]:
    return (
        folded.translate(_ASCII_PUNCT).split()
        if folded.isascii()
        else _WORD.findall(folded.replace("_", " "))
    )


def plain_words(text: str) -> list[str]:
    """Folded words of ``text`` split at any punctuation, without joined-up compounds: the
    words a phrase is made of."""
    return _split(fold(text))


def words(text: str) -> list[str]:
    """Folded words of ``text``; hyphenated compounds also count joined up."""
    folded = fold(text)
    found = _split(folded)
    if "-" in folded:
        for token in folded.split():
            if "-" in token:
                parts = _WORD.findall(token.replace("_", " "))
                if len(parts) > 1:
                    found.append("".join(parts))
    return found


_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)+")


def solo_words(text: str) -> set[str]:
    """The folded words ``text`` holds on their own, not only inside a hyphenated compound."""
    return set(plain_words(_COMPOUND.sub(" ", text)))


def spellings(text: str, found: Iterable[str]) -> dict[str, str]:
    """How ``text`` writes each of the words ``found`` (as ``words`` gives them), to show a
    reader: ``LoRA`` for ``lora``, ``out-of-the-box`` for ``outofthebox``. A word written with a
    capital only for starting a sentence or a title is given in lower case."""
    wanted = set(found)
    written: dict[str, str] = {}
    matches = [(m.group(), fold(m.group())) for m in _WORD.finditer(text.replace("_", " "))]
    if "-" in text:
        matches += [(m.group(), fold(m.group().replace("-", ""))) for m in _COMPOUND.finditer(text)]
    for form, word in matches:
        if word in wanted and word not in written:
            written[word] = form.lower() if form[:1].isupper() and form[1:].islower() else form
    return written


def highlight_spans(text: str, matched: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` whose words were matched by the last search; a hyphenated
    compound (``Low-Rank``) is marked whole when it matched joined up (``lowrank``)."""
    if not matched:
        return []
    spans = [m.span() for m in _WORD.finditer(text.replace("_", " ")) if fold(m.group()) in matched]
    if "-" in text:
        whole = [m.span() for m in _COMPOUND.finditer(text) if fold(m.group().replace("-", "")) in matched]
        if whole:
            inside = [s for s in spans if not any(a <= s[0] and s[1] <= b for a, b in whole)]
            spans = sorted(inside + whole)
    return spans


def phrase_pattern(groups: Sequence[Sequence[str]]) -> re.Pattern[str]:
    """A pattern for folded text holding one word of each group, in order, with nothing but spaces
    or punctuation between them (``reward-model``, ``reward models``); see ``holds_phrase``."""
    parts = ["(?:" + "|".join(sorted(map(re.escape, group), key=len, reverse=True)) + ")" for group in groups]
    return re.compile(r"[\W_]+".join(parts) + r"(?![^\W_])")


def holds_phrase(pattern: re.Pattern[str], folded: str) -> bool:
    """Does ``folded`` hold ``pattern`` starting at the start of a word?"""
    # Starting with a literal lets the regex engine skip ahead: twenty times faster than a
    # look-behind; the word boundary before the match is checked by hand.
    return any(m.start() == 0 or not folded[m.start() - 1].isalnum() for m in pattern.finditer(folded))
