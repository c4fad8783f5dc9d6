"""Which words count as the same word: plural and singular, -ing and -ed forms, British and
American spelling. Deliberately light: ``generation`` and ``generate``, ``adapter`` and
``adaptation`` stay different words, as a reader would expect of a search box.

``singular(word)`` folds spelling and plurals only (what a quoted phrase accepts);
``stem(word)`` also drops -ing and -ed (what a plain query word accepts). Both take a folded word.
"""

from __future__ import annotations

import re
from functools import lru_cache

# British endings and their American forms, longest first; each applies at the end of a word.
_SPELLING = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yses", "yzes"),
    ("yse", "yze"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("our", "or"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("bres", "bers"),
    ("bre", "ber"),
    ("ogues", "ogs"),
    ("ogue", "og"),
)
_SPELLING_RE = re.compile("(?:" + "|".join(sorted((b for b, _ in _SPELLING), key=len, reverse=True)) + ")$")
_AMERICAN = dict(_SPELLING)
_VOWEL = re.compile("[aeiouy]")
_DOUBLE_ELL = re.compile(r"(?<=.{3})ell$")  # modell(ing) -> model, labell(ed) -> label


def _american(word: str) -> str:
    if len(word) < 6:  # four, hour, your, tour; wise, rise
        return word
    return _SPELLING_RE.sub(lambda m: _AMERICAN[m.group()], word, count=1)


def singular(word: str) -> str:
    """``word`` in American spelling without a plural ending: ``colours`` → ``color``."""
    if not word.isalpha() or not word.isascii():
        return word
    word = _american(word)
    if len(word) < 4:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _short_syllable(base: str) -> bool:
    """Consonant, vowel, consonant (not w, x or y): ``rat`` of rating wants its e back."""
    return len(base) == 3 and base[0] not in "aeiou" and base[1] in "aeiou" and base[2] not in "aeiouwxy"


@lru_cache(maxsize=1 << 16)  # notes are re-read after each change: their words come back
def stem(word: str) -> str:
    """The key shared by a word's inflections: ``training``, ``trains``, ``trained`` → ``train``;
    ``modelling`` → ``model``; ``encoding``, ``encodes`` → ``encod``; and a verb in -ize with its
    noun in -ization (``quantized``, ``quantization`` → ``quantiz``)."""
    word = singular(word)
    if len(word) < 4 or not word.isalpha() or not word.isascii():
        return word
    if word.endswith("ization") and len(word) > 9:
        return word[:-5]  # quantization, quantized, quantize: one family
    for suffix in ("ing", "ed"):
        if not word.endswith(suffix) or (suffix == "ed" and word.endswith("eed")):
            continue
        base = word[: -len(suffix)]
        if len(base) < 3 or not _VOWEL.search(base):
            break  # string, thing, red: not inflections
        if len(base) == 3:
            if not _short_syllable(base):
                break  # embed, used: the base would not be a word
            word = base + "e"  # rated, noting -> rate, note
            break
        if base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]  # running -> run, splatting -> splat
        word = _DOUBLE_ELL.sub("el", base)
        break
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        word = word[:-1] + "i"  # study and studies agree
    if word.endswith("e") and len(word) > 4 and word[-2] not in "aeou":
        word = word[:-1]  # encode and encoding agree; movie and movies (movi)
    return word
