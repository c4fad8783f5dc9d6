"""The filter's query language, shared by the TUI's filter bar, ``readlist list --query`` and
``readlist export --query``.

Plain words are searched (search.py: typos forgiven, a common word may be missing, best match
first); besides them::

    is:unread is:read is:starred     has:note has:tags has:link has:code has:summary
    tag:NAME  digest:"Mar 14"  title:WORD  abstract:WORD  author:NAME  upvotes:>20
    published:>2024-06  published:2024-01..2024-06  "exact phrase"  -word

Terms side by side must all hold (AND); ``OR`` (or ``|``) between them lets either hold,
``NOT`` (or ``-``) in front of one leaves its papers out, and parentheses group::

    (diffusion OR gaussian) is:unread NOT survey

Plain words next to each other are one search (one term), ranked together; a word under
``NOT`` or ``-`` is taken whole, never as the start of a longer word being typed. ``OR``,
``AND`` and ``NOT`` are operators only in capitals: ``to be or not to be`` is searched as words.

A query that does not parse is read as far as it makes sense, with a hint for the reader: an
unclosed ``(`` closes at the end, a ``)`` without its ``(``, an ``OR`` or ``NOT`` with nothing to
act on, and an empty ``()`` are left out. An unknown operator, or one missing its value, is left
out the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from readlist.core.model import partial_date
from readlist.core.text import clean_tags, fold
from readlist.core.tokens import plain_words, words

IS_VALUES = ("unread", "read", "starred", "unstarred")
HAS_VALUES = ("note", "tags", "link", "code", "summary")
OPERATORS = ("is", "has", "tag", "digest", "title", "abstract", "author", "upvotes", "published")
SYNTAX = (
    'is:unread|read|starred  has:note|tags|link|code|summary  tag:NAME  digest:"Mar 14"  title:WORD  '
    'abstract:WORD  author:NAME  upvotes:>20  published:>2024-06  "phrase"  -word  a OR b  NOT a  ( )'
)
COMPARISONS = (">=", "<=", ">", "<", "=")
KEYWORDS = {"OR": "or", "AND": "and", "NOT": "not"}

# A term: optional minus, optional operator, then a quoted value or a bare one (up to a space or |).
_TERM = re.compile(r'(?P<neg>-)?(?:(?P<op>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s|]*))')


@dataclass(frozen=True, slots=True)
class Filter:
    """A term that lets papers through or not. ``op`` is one of OPERATORS, ``phrase``, or
    ``word``: a plain word left out with ``-`` or ``NOT`` (it leaves out what searching the
    word finds)."""

    op: str
    value: str  # for upvotes a comparison (">20"), for published one on days (">2024-06", "2024-01..2024-06")
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Words:
    """Plain words side by side, searched together and ranked. ``text`` is what the search
    reads: a trailing space unless its last word is still being typed."""

    text: str


@dataclass(frozen=True, slots=True)
class Group:
    """``and``: every part holds; ``or``: one part at least; ``not``: its one part does not."""

    kind: Literal["and", "or", "not"]
    parts: tuple[Node, ...]


Node = Filter | Words | Group


def leaves(node: Node | None, positive: bool = True) -> Iterator[tuple[Filter | Words, bool]]:
    """Every filter and search of ``node``, in order, each with whether it counts positively
    (under no NOT; a ``-`` filter is still a positive leaf, with ``negated`` set)."""
    if node is None:
        return
    if isinstance(node, Group):
        for part in node.parts:
            yield from leaves(part, positive and node.kind != "not")
    else:
        yield node, positive


def all_of(*nodes: Node | None) -> Node | None:
    """Every node in ``nodes`` must hold (those that are None are left out)."""
    parts: list[Node] = []
    for node in nodes:
        if isinstance(node, Group) and node.kind == "and":
            parts += node.parts
        elif node is not None:
            parts.append(node)
    return None if not parts else parts[0] if len(parts) == 1 else Group("and", tuple(parts))


@dataclass(slots=True)
class Query:
    text: str
    tree: Node | None = None  # None: every paper
    hints: list[str] = field(default_factory=list)

    @property
    def fuzzy(self) -> str:
        """The searched words that rank the result (under no NOT), as the search reads them."""
        return " ".join(
            leaf.text for leaf, positive in leaves(self.tree) if positive and isinstance(leaf, Words)
        )

    @property
    def filters(self) -> list[Filter]:
        """Every filter of the query, in the order written."""
        return [leaf for leaf, _ in leaves(self.tree) if isinstance(leaf, Filter)]

    @property
    def top_filters(self) -> list[Filter]:
        """The filters every result must pass: the query's own when it is one, or the parts of
        its top-level AND."""
        tree = self.tree
        parts = tree.parts if isinstance(tree, Group) and tree.kind == "and" else (tree,)
        return [part for part in parts if isinstance(part, Filter)]

    @property
    def highlight(self) -> frozenset[str]:
        """Words to highlight that the fuzzy search does not report: phrases, titles, abstracts."""
        return frozenset(
            w
            for leaf, positive in leaves(self.tree)
            if positive
            and isinstance(leaf, Filter)
            and not leaf.negated
            and leaf.op in ("phrase", "title", "abstract")
            for w in words(leaf.value)
        )


# -- reading the text into tokens ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "or", "and", "not", "-(" (a minus before a group) or "term"
    neg: bool = False
    op: str | None = None
    value: str = ""
    quoted: bool = False
    raw: str = ""
    typing: bool = False  # the text ends with this term: its word may be unfinished


def _tokens(text: str, hints: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    depth = 0
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
        elif char == "(":
            tokens.append(_Token("("))
            depth += 1
            at += 1
        elif char == ")":
            if depth:
                tokens.append(_Token(")"))
                depth -= 1
            else:
                hints.append("a ) without its ( was left out")
            at += 1
        elif char == "|":
            tokens.append(_Token("or"))
            at += 1
        elif char == "-" and text[at + 1 : at + 2] == "(":
            tokens.append(_Token("-("))
            at += 1
        else:
            match = _TERM.match(text, at)
            assert match is not None  # every branch of the pattern may match empty
            end = max(match.end(), at + 1)
            quoted = match["quoted"] is not None
            value = match["quoted"] if quoted else (match["bare"] or "")
            closing = 0
            if not quoted:  # a ")" closes a group, unless the word opened it: f(x), links like /Foo_(bar)
                trailing = len(value) - len(value.rstrip(")"))
                closing = min(trailing, max(0, value.count(")") - value.count("(")))
                value = value[: len(value) - closing]
            raw = text[at : end - closing] if closing else text[at:end]
            neg, op = bool(match["neg"]), match["op"]
            keyword = KEYWORDS.get(value) if not (neg or op or quoted) else None
            if keyword:
                tokens.append(_Token(keyword))
            elif raw.strip():
                tokens.append(
                    _Token(
                        "term",
                        neg,
                        op.casefold() if op else None,
                        value,
                        quoted,
                        raw,
                        typing=end - closing == len(text) and not quoted,
                    )
                )
            for _ in range(closing):
                if depth:
                    tokens.append(_Token(")"))
                    depth -= 1
                else:
                    hints.append("a ) without its ( was left out")
            at = end
    if depth:
        hints.append(
            "a ( is not closed: read as if it closed at the end"
            if depth == 1
            else f"{depth} ( are not closed: read as if they closed at the end"
        )
    return tokens


# -- parsing ----------------------------------------------------------------------------------------


def parse(text: str) -> Query:
    """Read ``text`` into a tree of searches and filters, with hints for what could not be understood."""
    query = Query(text)
    tokens = _tokens(text, query.hints)
    query.tree = _Parser(tokens, query.hints).run()
    query.hints[:] = list(dict.fromkeys(query.hints))
    return query


class _Parser:
    """Recursive descent over the tokens; what makes no sense is skipped with a hint."""

    def __init__(self, tokens: list[_Token], hints: list[str]) -> None:
        self.tokens = tokens
        self.at = 0
        self.hints = hints

    def peek(self) -> str | None:
        return self.tokens[self.at].kind if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def run(self) -> Node | None:
        return self.either()  # the tokenizer drops a ")" without its "(": nothing stops it early

    def either(self) -> Node | None:
        """Terms joined by OR."""
        parts = [self.sequence()]
        while self.peek() == "or":
            self.take()
            parts.append(self.sequence())
        present = [part for part in parts if part is not None]
        if len(parts) > 1 and len(present) < len(parts):
            self.hints.append("OR needs a term on each side (a OR b); the lone OR was left out")
        if len(present) <= 1:
            return present[0] if present else None
        return Group("or", tuple(present))

    def sequence(self) -> Node | None:
        """Terms side by side: all must hold. Plain words next to each other are one search; an
        explicit AND between words makes two."""
        parts: list[Node] = []
        plain: list[_Token] = []
        while self.peek() not in (None, "or", ")"):
            if self.peek() == "and":
                self.take()
                if self.peek() in (None, "or", ")") or not (parts or plain):
                    self.hints.append("AND needs a term on each side (a AND b); the lone AND was left out")
                before = _words(plain)
                if before is not None:
                    parts.append(before)
                plain = []
                continue
            token = self.tokens[self.at]
            if token.kind == "term" and _is_plain(token):
                self.take()
                plain.append(token)
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        return all_of(_words(plain), *parts)

    def unary(self) -> Node | None:
        kind = self.peek()
        if kind == "not":
            self.take()
            if self.peek() in (None, "or", ")", "and"):
                self.hints.append("NOT needs a term after it (NOT survey); it was left out")
                return None
            return _negate(self.unary())
        if kind == "-(":
            self.take()
            return _negate(self.atom())
        return self.atom()

    def atom(self) -> Node | None:
        token = self.take()
        if token.kind == "(":
            node = self.either()
            if self.peek() == ")":
                self.take()
            if node is None:
                self.hints.append("an empty ( ) was left out")
            return node
        if token.kind == "term":
            return self.term(token)
        return None  # "not" and "-(" are handled by unary; nothing else reaches here

    def term(self, token: _Token) -> Node | None:
        if _is_plain(token):
            return _words([token])
        nodes = _term_filters(token, self.hints)
        return all_of(*nodes)


def _is_plain(token: _Token) -> bool:
    """A word to search: no operator (a pasted link counts as words), no minus, no quotes."""
    return not token.neg and not token.quoted and token.op in (None, "http", "https")


def _words(tokens: Sequence[_Token]) -> Words | None:
    """One search over plain words; None if they hold no word at all (only punctuation)."""
    if not tokens or not any(words(token.raw) for token in tokens):
        return None
    return Words(" ".join(token.raw for token in tokens) + ("" if tokens[-1].typing else " "))


def _negate(node: Node | None) -> Node | None:
    """NOT ``node``: a filter flips its ``negated`` (``NOT x`` and ``-x`` are the same); searched
    words become the word filter that leaves out what they find; a group is wrapped."""
    if node is None:
        return None
    if isinstance(node, Filter):
        return Filter(node.op, node.value, not node.negated)
    if isinstance(node, Words):
        parts = node.text.split()
        return _left_out(parts[0]) if len(parts) == 1 else Group("not", (Words(" ".join(parts) + " "),))
    if node.kind == "not":
        return node.parts[0]
    return Group("not", (node,))


def _left_out(value: str) -> Node | None:
    """``-value`` for a plain value: a compound (``-self-supervised``) leaves out the phrase,
    anything else what searching it finds."""
    if len(plain_words(value)) > 1:
        return Filter("phrase", value, True)
    found = list(dict.fromkeys(words(value)))
    if not found:
        return None
    return all_of(*(Filter("word", word, True) for word in found))


def _term_filters(token: _Token, hints: list[str]) -> list[Node]:
    """The filters of one term that is not plain words (``-word``, ``"phrase"``, ``op:value``)."""
    value = token.value
    if token.op is None or token.op in ("http", "https"):
        if token.quoted:
            return [Filter("phrase", value, token.neg)] if value.strip() else []
        left_out = _left_out(value if token.op is None else token.raw.removeprefix("-"))
        return [left_out] if left_out is not None else []
    op = token.op
    if op not in OPERATORS:
        hints.append(f"unknown operator {op}: — use {SYNTAX}")
        return []
    if not value.strip():
        hints.append(_needs_value(op))
        return []
    filters: list[Node] = []
    problem = _add_filter(filters, op, value, token.neg)
    if problem:
        hints.append(problem)
    return filters


def _needs_value(op: str) -> str:
    examples = {
        "is": "is:unread, is:read, is:starred",
        "has": ", ".join(f"has:{value}" for value in HAS_VALUES),
        "tag": "tag:NAME",
        "digest": 'digest:"Mar 14"',
        "title": "title:WORD",
        "abstract": "abstract:WORD",
        "author": 'author:vaswani or author:"Ashish Vaswani"',
        "upvotes": "upvotes:>20",
        "published": "published:>2024-06 or published:2024-01..2024-06",
    }
    return f"{op}: needs a value, e.g. {examples[op]}"


def _add_filter(filters: list[Node], op: str, value: str, negated: bool) -> str | None:
    """Add the filters for ``op:value``; return a hint if the value makes no sense."""
    folded = fold(value.strip())
    if op == "is":
        choice = _complete(folded, IS_VALUES)
        if choice is None:
            return f"is:{value} is not a state — use is:unread, is:read or is:starred"
        if choice == "unstarred":
            choice, negated = "starred", not negated
        filters.append(Filter("is", choice, negated))
    elif op == "has":
        choice = _complete(folded.rstrip("s") if folded not in HAS_VALUES else folded, HAS_VALUES)
        if choice is None:
            known = [f"has:{known}" for known in HAS_VALUES]
            return f"has:{value} is unknown — use {', '.join(known[:-1])} or {known[-1]}"
        filters.append(Filter("has", choice, negated))
    elif op == "tag":
        tags = clean_tags(value)
        if not tags:
            return _needs_value(op)
        filters.extend(Filter("tag", tag, negated) for tag in tags)
    elif op in ("title", "abstract"):
        terms = words(value)
        if not terms:
            return _needs_value(op)
        filters.extend(Filter(op, term, negated) for term in terms)
    elif op == "author":
        name = " ".join(plain_words(value))
        if not name:
            return _needs_value(op)
        filters.append(Filter("author", name, negated))
    elif op == "digest":
        filters.append(Filter("digest", digest_key(value), negated))
    elif op == "upvotes":
        comparison = parse_comparison(value)
        if comparison is None:
            return f"upvotes:{value} is not a count — use upvotes:>20, upvotes:<=5 or upvotes:10"
        filters.append(Filter("upvotes", "".join(map(str, comparison)), negated))
    elif op == "published":
        span = normal_span(value)
        if span is None:
            return (
                f"published:{value} is not a date — use a year, a month or a day: published:>2024-06, "
                "published:2024-01..2024-06, published:<=2023, published:2024-06-15"
            )
        filters.append(Filter("published", span, negated))
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


# -- dates ------------------------------------------------------------------------------------------


def day_span(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day ``2024``, ``2024-06`` or ``2024-06-15`` stands for; None if it is none."""
    date = partial_date(text)
    if date is None:
        return None
    parts = [int(part) for part in date.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def normal_span(value: str) -> str | None:
    """A ``published:`` value in its normal form (``>2024-06``, ``2024-01..2024-06``, ``..2023``,
    ``=2024``), or None if it is not one."""
    value = value.strip()
    if ".." in value:
        first, last = (part.strip() for part in value.split("..", 1))
        if not (first or last):
            return None
        ends = [partial_date(part) if part else "" for part in (first, last)]
        if None in ends:
            return None
        return f"{ends[0]}..{ends[1]}"
    sign = next((c for c in COMPARISONS if value.startswith(c)), "=")
    date = partial_date(value.removeprefix(sign) if value.startswith(sign) else value)
    return f"{sign}{date}" if date else None


def span_bounds(span: str) -> tuple[int | None, int | None]:
    """For a normal ``span``: the lowest first day and the highest last day (as ordinals) a
    paper's date may have; None: no bound. A date that is only a year or a month passes only
    when all of it lies in the span."""

    def ends(date: str) -> tuple[int, int]:
        found = day_span(date)
        assert found is not None  # normal_span let only dates through
        return found[0].toordinal(), found[1].toordinal()

    if ".." in span:
        low, high = span.split("..", 1)
        return (ends(low)[0] if low else None, ends(high)[1] if high else None)
    sign = next(c for c in COMPARISONS if span.startswith(c))
    first, last = ends(span.removeprefix(sign))
    return {
        "=": (first, last),
        ">": (last + 1, None),
        ">=": (first, None),
        "<": (None, first - 1),
        "<=": (None, last),
    }[sign]


def needs_index(query: Query) -> bool:
    return any(
        isinstance(leaf, Words)
        or leaf.op in ("title", "abstract", "word", "phrase")
        or (leaf.op == "has" and leaf.value in ("link", "code"))
        for leaf, _ in leaves(query.tree)
    )
