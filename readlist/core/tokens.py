"""Words of a text as search sees them, and where they are: no numpy, so the UI loads fast."""

from __future__ import annotations

import re

from readlist.core.text import fold

_WORD = re.compile(r"\w+")

_ASCII_PUNCT = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


def _split(folded: str) -> list[str]:
    return folded.translate(_ASCII_PUNCT).split() if folded.isascii() else _WORD.findall(folded.replace("_", " "))


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


def highlight_spans(text: str, matched: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` whose words were matched by the last search."""
    if not matched:
        return []
    return [m.span() for m in _WORD.finditer(text.replace("_", " ")) if fold(m.group()) in matched]
