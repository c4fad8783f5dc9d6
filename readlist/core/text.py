"""Cleaning untrusted text before it is stored, searched or shown."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Every C0 and C1 control character except tab and newline, plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other ESC x.
_ESCAPE_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-_]"
)
# Unicode spaces that browsers put into saved pages (NBSP, thin spaces, ...).
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")
# Zero-width and bidi-override characters that can hide or reorder text.
# (Zero-width joiners U+200C/U+200D stay: Persian and Indic words and emoji sequences need them.)
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r" {2,}")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping newlines."""
    text = _ESCAPE_SEQ.sub("", text)
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Safe for one terminal line: no controls, and line breaks shown as ``\\n``."""
    return strip_controls(text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " "))


def clean_line(line: str) -> str:
    """Normalise one line of digest text: no controls, plain spaces, trimmed."""
    line = strip_controls(line)
    line = _INVISIBLE.sub("", line)
    line = _ODD_SPACE.sub(" ", line)
    return _SPACES.sub(" ", line).strip()


def clean_note(text: str) -> str:
    """Notes keep their line structure but lose control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_controls(text.replace("\t", "    ")).rstrip()


MAX_TAG = 40
_TAG_SPLIT = re.compile(r"[\s,]+")


def clean_tags(tags: str | Iterable[str]) -> list[str]:
    """Tags as stored: single lower-case words (``#`` dropped), each once, in the order given.

    A string is split at commas and spaces, so ``"rl, to-read"`` and ``"rl to-read"`` agree.
    """
    raw = _TAG_SPLIT.split(tags) if isinstance(tags, str) else [p for t in tags for p in _TAG_SPLIT.split(t)]
    cleaned: dict[str, None] = {}
    for tag in raw:
        tag = _INVISIBLE.sub("", strip_controls(tag)).strip().lstrip("#").casefold()[:MAX_TAG]
        if tag:
            cleaned.setdefault(tag, None)
    return list(cleaned)


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for identity and search."""
    text = text.casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_NON_ALNUM = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """The identity key of a title: folded, letters and digits only (or, for a title with
    neither, such as one made of emoji, the folded title itself)."""
    folded = fold(title)
    return _NON_ALNUM.sub("", folded) or "".join(folded.split())


def plural(count: int, noun: str) -> str:
    """``1 paper``, ``3 papers``, ``2 entries``, ``0 matches``: the count and its noun agreeing."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return f"{count} {noun[:-1]}ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return f"{count} {noun}es"
    return f"{count} {noun}s"


def shorten(text: str, width: int = 50) -> str:
    """One safe line of at most ``width`` characters, cut with ``…``: a title in a notification."""
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def ago(then: float, now: float) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``2 days ago``: how long since ``then``."""
    seconds = max(0.0, now - then)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{plural(int(seconds // 86400), 'day')} ago"
