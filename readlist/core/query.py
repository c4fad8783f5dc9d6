"""The filter's query language, shared by the TUI's filter bar and ``readlist list --query``.

Plain words are searched (search.py: typos forgiven, a common word may be missing, best match
first); besides them::

    is:unread is:read is:starred     has:note has:tags has:link has:code has:summary
    tag:NAME  digest:"Mar 14"  title:WORD  upvotes:>20  "exact phrase"  -word

The operators combine with AND; a ``-`` in front of any operator negates it
(``-is:read``, ``-tag:done``). An operator the parser does not know, or one
missing its value, yields a hint for the reader rather than silence, and is
otherwise left out of the match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from readlist.core.text import clean_tags, fold
from readlist.core.tokens import plain_words, words

IS_VALUES = ("unread", "read", "starred", "unstarred")
HAS_VALUES = ("note", "tags", "link", "code", "summary")
OPERATORS = ("is", "has", "tag", "digest", "title", "upvotes")
SYNTAX = ('is:unread|read|starred  has:note|tags|link|code|summary  tag:NAME  digest:"Mar 14"  title:WORD  '
          'upvotes:>20  "phrase"  -word')
COMPARISONS = (">=", "<=", ">", "<", "=")

# A token: optional minus, optional operator, then a quoted or a bare value.
_TOKEN = re.compile(r'(?P<neg>-)?(?:(?P<op>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S*))')


@dataclass(frozen=True, slots=True)
class Filter:
    op: str  # is, has, tag, digest, title, upvotes, phrase, word
    value: str  # for upvotes, a comparison: ">20", "<=5", "=3"
    negated: bool = False


@dataclass(slots=True)
class Query:
    text: str
    fuzzy: str = ""  # the plain words, for the fuzzy index (a trailing space: last word is complete)
    filters: list[Filter] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def highlight(self) -> frozenset[str]:
        """Words to highlight that the fuzzy search does not report: phrases and titles."""
        return frozenset(w for f in self.filters if not f.negated and f.op in ("phrase", "title")
                         for w in words(f.value))


def parse(text: str) -> Query:
    """Split ``text`` into fuzzy words, filters and hints for what could not be understood."""
    query = Query(text)
    plain: list[str] = []
    at = 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        match = _TOKEN.match(text, at)
        assert match is not None  # every branch of the pattern may match empty
        end = max(match.end(), at + 1)
        token = text[at:end]
        at = end
        negated = bool(match["neg"])
        op = match["op"].casefold() if match["op"] else None
        quoted = match["quoted"] is not None
        value = match["quoted"] if quoted else (match["bare"] or "")
        if op is None:
            if quoted:
                if value.strip():
                    query.filters.append(Filter("phrase", value, negated))
            elif negated:
                if len(plain_words(value)) > 1:  # -self-supervised leaves out the phrase, not each word
                    query.filters.append(Filter("phrase", value, True))
                else:
                    query.filters.extend(Filter("word", w, True) for w in words(value))
            else:
                plain.append(token)
            continue
        if op not in OPERATORS:
            if op in ("http", "https"):  # a pasted link is text to look for
                plain.append(token)
                continue
            query.hints.append(f"unknown operator {op}: — use {SYNTAX}")
            continue
        if not value.strip():
            query.hints.append(_needs_value(op))
            continue
        problem = _add_filter(query, op, value, negated)
        if problem:
            query.hints.append(problem)
    fuzzy = " ".join(plain)
    if fuzzy and text[-1:].isspace():
        fuzzy += " "  # the search treats a word followed by a space as finished
    elif fuzzy and not text.rstrip().endswith(plain[-1]):
        fuzzy += " "
    query.fuzzy = fuzzy
    return query


def _needs_value(op: str) -> str:
    examples = {"is": "is:unread, is:read, is:starred", "has": "has:note, has:tags, has:link, has:code",
                "tag": "tag:NAME", "digest": 'digest:"Mar 14"', "title": "title:WORD", "upvotes": "upvotes:>20"}
    return f"{op}: needs a value, e.g. {examples[op]}"


def _add_filter(query: Query, op: str, value: str, negated: bool) -> str | None:
    """Add the filter for ``op:value``; return a hint if the value makes no sense."""
    folded = fold(value.strip())
    if op == "is":
        choice = _complete(folded, IS_VALUES)
        if choice is None:
            return f"is:{value} is not a state — use is:unread, is:read or is:starred"
        if choice == "unstarred":
            choice, negated = "starred", not negated
        query.filters.append(Filter("is", choice, negated))
    elif op == "has":
        choice = _complete(folded.rstrip("s") if folded not in HAS_VALUES else folded, HAS_VALUES)
        if choice is None:
            return f"has:{value} is unknown — use has:note, has:tags, has:link, has:code or has:summary"
        query.filters.append(Filter("has", choice, negated))
    elif op == "tag":
        tags = clean_tags(value)
        if not tags:
            return _needs_value(op)
        query.filters.extend(Filter("tag", tag, negated) for tag in tags)
    elif op == "title":
        terms = words(value)
        if not terms:
            return _needs_value(op)
        query.filters.extend(Filter("title", term, negated) for term in terms)
    elif op == "digest":
        query.filters.append(Filter("digest", digest_key(value), negated))
    elif op == "upvotes":
        comparison = parse_comparison(value)
        if comparison is None:
            return f"upvotes:{value} is not a count — use upvotes:>20, upvotes:<=5 or upvotes:10"
        query.filters.append(Filter("upvotes", "".join(map(str, comparison)), negated))
    return None


def parse_comparison(value: str) -> tuple[str, int] | None:
    """``>20`` → (">", 20); a bare number means equal: ``10`` → ("=", 10)."""
    value = value.strip()
    sign = next((c for c in COMPARISONS if value.startswith(c)), "=")
    number = value.removeprefix(sign).strip() if value.startswith(sign) else value
    return (sign, int(number)) if number.isascii() and number.isdigit() else None


def _complete(value: str, choices: Sequence[str]) -> str | None:
    """The choice ``value`` names, or is the unambiguous start of."""
    if value in choices:
        return value
    started = [c for c in choices if c.startswith(value)]
    return started[0] if len(started) == 1 else None


def digest_key(label: str) -> str:
    """Digest labels compare without case or spaces: ``digest:mar14`` finds ``Mar 14``."""
    return "".join(fold(label).split())


def needs_index(query: Query) -> bool:
    return bool(query.fuzzy.strip()) or any(
        f.op in ("title", "word", "phrase") or (f.op == "has" and f.value in ("link", "code")) for f in query.filters
    )
