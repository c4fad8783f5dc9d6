"""Reading a saved Daily Papers page into entries.

The page text is: some chrome lines, the digest date, then per paper a title line,
a blank line, the abstract, and optionally metadata lines (authors count, a lone
middle dot, the published date with an optional upvote count, a link to the paper).
The parser is a small state machine over classified lines, so that entries with and
without metadata, wrapped abstracts and the odd missing abstract all read correctly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from readlist.core.errors import InputError
from readlist.core.links import arxiv_id_from_line
from readlist.core.model import PaperState
from readlist.core.text import clean_line

MAX_TITLE = 400
MAX_FILE_BYTES = 256 * 1024 * 1024

_CHROME = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_name) if name})
_DATE = re.compile(
    r"^(?P<mon>[A-Za-z]{3,9})\.? (?P<day>\d{1,2})(?:, ?(?P<year>\d{4}))?(?: (?P<count>\d{1,7}))?$"
)
_AUTHORS = re.compile(r"^(?:[•·*-]\s*)?(?P<n>\d{1,5})\s+authors?$", re.IGNORECASE)
_COUNT = re.compile(r"^\d{1,7}$")
_DOT = {"·", "•", "⋅"}


@dataclass(slots=True)
class Problem:
    """Something wrong with one place in an input file. A ``warning`` only informs: the input
    was read in full, so the import has not failed."""

    source: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Entry:
    """One paper as one digest shows it.

    ``line`` is where it starts in a text file, or its number in a JSON file. The fields after
    ``arxiv_id`` come only from JSON: ``links`` beyond those in the abstract (code, project
    page), ``digests`` every digest a readlist export says the paper is in (empty: just this
    one), ``positions`` its place in each of them, ``state`` the read / starred / note / tags
    such an export carries, then what the Hub tells (see model.HUB_FIELDS) and ``hub_at``, when
    the Hub said it (set by a fetch, or carried by an export; None for a file of unknown age).
    """

    title: str
    line: int
    abstract: str = ""
    authors: int | None = None
    published: str | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    author_names: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    state: PaperState | None = None
    comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    hub_at: float | None = None


@dataclass(slots=True)
class Digest:
    """The entries of one digest in one input. A readlist export holds all its entries in one
    ``Digest`` (each entry names its own digests) whose ``summary`` names the file in the
    import summary instead of ``label``."""

    source: str
    label: str
    date: str | None
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: str | None = None


@dataclass(slots=True)
class DateLine:
    iso: str
    label: str
    count: int | None
    has_year: bool


def parse_date(line: str) -> DateLine | None:
    """``Mar 14`` → ``--03-14``; ``Dec 9, 2024 2`` → ``2024-12-09`` with count 2."""
    match = _DATE.match(line)
    if not match:
        return None
    month = _MONTHS.get(match["mon"].casefold())
    if month is None:
        return None
    day = int(match["day"])
    year = int(match["year"]) if match["year"] else None
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 stays valid
    except ValueError:
        return None
    count = int(match["count"]) if match["count"] else None
    label = f"{calendar.month_abbr[month]} {day}" + (f", {year}" if year else "")
    iso = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return DateLine(iso, label, count, year is not None)


def _looks_like_abstract(line: str) -> bool:
    return len(line) > 250 or (line.endswith(".") and line.count(" ") >= 12)


def decode(data: bytes, source: str) -> tuple[str, list[Problem]]:
    """Bytes to text: UTF-8 (BOM allowed), else Windows-1252 with a warning."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: not a text file (binary data)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("cp1252", errors="replace")
        return text, [Problem(source, line, "not UTF-8; read as Windows-1252 text", warning=True)]


def read_digest(path: Path) -> Digest:
    """Read and parse one digest file; raise InputError if it cannot be read at all."""
    return parse_bytes(read_input(path), str(path), default_label=file_label(path))


def file_label(path: Path) -> str:
    """The digest label a file gives when its text names no date."""
    return clean_line(path.stem) or "digest"


def read_input(path: Path) -> bytes:
    """The bytes of an input file; InputError if it is missing, not a regular file or too large."""
    source = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{source}: is a directory, not a digest file")
        if path.exists() and not path.is_file():  # a FIFO would block, /dev/zero never ends
            raise InputError(f"{source}: not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{source}: file is too large ({size // 2**20} MiB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except PermissionError:
        raise InputError(f"{source}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return data


def parse_bytes(data: bytes, source: str, default_label: str) -> Digest:
    text, problems = decode(data, source)
    digest = parse_text(text, source, default_label)
    digest.problems[:0] = problems
    return digest


def parse_text(text: str, source: str, default_label: str = "digest") -> Digest:
    """Parse the text of a saved digest page."""
    lines = [clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    start, date = _skip_header(lines)
    digest = Digest(
        source=source,
        label=date.label if date else default_label,
        date=date.iso if date else None,
    )
    _Parser(digest, lines).run(start)
    if not digest.entries and not any(p.line is None for p in digest.problems):
        digest.problems.append(Problem(source, None, "no papers found in this file"))
    return digest


def not_a_digest(text: str) -> str | None:
    """Why ``text`` is not a saved Daily Papers page, or None when it may be one.

    A page opens with its chrome (``Get trending papers in your email inbox!``, ``Subscribe``,
    ``Daily Papers``, ``byAK and the research community``) or the digest's date (``Mar 14``)
    before its first paper. A text with neither must be nothing but papers: each a title, a
    blank line and an abstract (a long line, or a sentence), then perhaps its metadata. A README,
    a script or a spreadsheet is not: it has lines that would make titles without abstracts, or
    abstracts that are no prose. (A lone ``new`` line is no header: any list may start so.) An
    empty file is let through: the digest parser says it holds no papers.
    """
    if not text.strip():
        return None
    lines = [clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    start, date = _skip_header(lines)
    if date is not None or {line.casefold() for line in lines[:start] if line.casefold() in _CHROME} - {
        "new"
    }:
        return None
    digest = parse_text(text, "")
    if (
        digest.entries
        and not digest.problems
        and all(_looks_like_abstract(e.abstract) for e in digest.entries)
    ):
        return None
    return (
        "not a Daily Papers page, BibTeX or JSON: no page header (Subscribe, Daily Papers…) or digest date "
        "(Mar 14), and not only papers (a title, a blank line, an abstract); "
        "readlist import --force reads it as a page anyway"
    )


def _skip_header(lines: list[str]) -> tuple[int, DateLine | None]:
    """Index of the first line after the page chrome, and the digest date if any."""
    seen = 0
    first_content = None
    for i, line in enumerate(lines):
        if not line:
            continue
        if line.casefold() in _CHROME:
            continue
        if first_content is None:
            first_content = i
        date = parse_date(line)
        if date and date.count is None:
            return i + 1, date
        seen += 1
        # Unknown chrome is short; a long line means the entries have begun.
        if seen > 6 or len(line) > 80:
            break
    return (first_content if first_content is not None else len(lines)), None


class _Parser:
    """Walks the lines after the header and fills ``digest.entries``."""

    def __init__(self, digest: Digest, lines: list[str]) -> None:
        self.digest = digest
        self.lines = lines
        self.entry: Entry | None = None
        # "title": a title comes next; "abstract": the entry awaits its abstract;
        # "body": inside the abstract; "meta": after metadata lines.
        self.state = "title"

    def problem(self, line: int | None, message: str) -> None:
        self.digest.problems.append(Problem(self.digest.source, line, message))

    def run(self, start: int) -> None:
        lines = self.lines
        blank_before = True
        for i in range(start, len(lines)):
            line = lines[i]
            if not line:
                blank_before = True
                continue
            self.feed(i, line, blank_before)
            blank_before = False
        self.finish_entry()

    def feed(self, i: int, line: str, blank_before: bool) -> None:
        lineno = i + 1
        if self.state in ("title", "meta") and line.casefold() in _CHROME:
            return
        if self.entry is not None and self.state != "title" and self.meta(lineno, line):
            self.state = "meta"
            return
        if self.state == "body" and not blank_before:
            self.entry.abstract += " " + line  # an abstract wrapped over several lines
            return
        if self.state == "abstract" and not self.missing_abstract(i, line):
            self.entry.abstract = line
            self.state = "body"
            return
        self.start_entry(lineno, line)

    def missing_abstract(self, i: int, line: str) -> bool:
        """True when ``line`` is the next paper's title rather than this one's abstract."""
        if _looks_like_abstract(line) or (i + 1 < len(self.lines) and self.lines[i + 1]):
            return False  # long, or wrapped onto the next line: an abstract either way
        following = next((text for text in self.lines[i + 1 :] if text), "")
        return _looks_like_abstract(following)

    def start_entry(self, lineno: int, line: str) -> None:
        self.finish_entry()
        if len(line) > MAX_TITLE:
            self.problem(lineno, f"expected a title, found {len(line)} characters of text; skipped")
            self.entry = None
            self.state = "title"
            return
        self.entry = Entry(title=line, line=lineno)
        self.state = "abstract"

    def finish_entry(self) -> None:
        entry = self.entry
        if entry is None:
            return
        if not entry.abstract:
            self.problem(entry.line, f"paper {entry.title[:60]!r} has no abstract")
        self.digest.entries.append(entry)
        self.entry = None

    def meta(self, lineno: int, line: str) -> bool:
        """Apply ``line`` to the current entry if it is a metadata line."""
        entry = self.entry
        assert entry is not None
        if line in _DOT:
            return True
        match = _AUTHORS.match(line)
        if match:
            entry.authors = int(match["n"])
            return True
        date = parse_date(line)
        if date:
            entry.published = date.iso
            if date.count is not None:
                entry.upvotes = date.count
            return True
        if _COUNT.match(line) and self.state == "meta":
            entry.upvotes = int(line)
            return True
        arxiv_id = arxiv_id_from_line(line)
        if arxiv_id and self.state in ("body", "meta"):
            entry.arxiv_id = arxiv_id
            return True
        return False
