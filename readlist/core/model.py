"""The paper record and its per-user state."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from readlist.core.links import Link, arxiv_abs_url, arxiv_pdf_url, find_urls, is_code_url, paper_url
from readlist.core.text import title_key


def paper_id(title: str) -> str:
    """A short stable id derived from the title's identity key."""
    return hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:10]


class AbstractSource(Protocol):
    """Where abstracts live when they are not held in memory (see snapshot.py)."""

    def abstract(self, slot: int) -> str: ...


# What the Hub tells about a paper beyond the page text: counts that change (see ``COUNTS``),
# its code repository, project page, and the Hub's machine-written summary and keywords.
COUNTS = ("upvotes", "comments", "github_stars")
HUB_FIELDS = ("comments", "github_repo", "github_stars", "project_page", "ai_summary", "ai_keywords")
# Every field of a paper but its abstract (kept apart: snapshot.py), in the order records keep them.
FIELDS = (
    "id",
    "title",
    "authors",
    "published",
    "upvotes",
    "arxiv_id",
    "digests",
    "seq",
    "pos",
    "positions",
    "aliases",
    "extra_links",
    "author_names",
    "rev",
    *HUB_FIELDS,
    "hub_at",
)


class Paper:
    """One paper of the library. Its abstract may be read lazily from a snapshot file."""

    __slots__ = (*FIELDS, "_abstract", "_source", "_slot")

    def __init__(
        self,
        id: str,
        title: str,
        abstract: str = "",
        authors: int | None = None,
        published: str | None = None,
        upvotes: int | None = None,
        arxiv_id: str | None = None,
        digests: list[str] | None = None,
        seq: int = 0,
        pos: int = 0,
        *,
        positions: dict[str, int] | None = None,
        aliases: list[str] | None = None,
        extra_links: list[str] | None = None,
        author_names: list[str] | None = None,
        rev: int = 0,
        comments: int | None = None,
        github_repo: str | None = None,
        github_stars: int | None = None,
        project_page: str | None = None,
        ai_summary: str | None = None,
        ai_keywords: list[str] | None = None,
        hub_at: float | None = None,
        source: AbstractSource | None = None,
        slot: int = 0,
    ) -> None:
        self.id = id
        self.title = title
        self.authors = authors
        self.published = published
        self.upvotes = upvotes
        self.arxiv_id = arxiv_id
        self.digests = digests if digests is not None else []
        # Import order of the first digest it was seen in, and its place there.
        self.seq = seq
        self.pos = pos
        # Its place in each digest it was seen in. A record saved before these were kept knows
        # only the first digest's (``pos``).
        self.positions = (
            positions if positions is not None else ({self.digests[0]: pos} if self.digests else {})
        )
        # Other titles this paper was seen under, and links from other versions of its abstract.
        self.aliases = aliases if aliases is not None else []
        self.extra_links = extra_links if extra_links is not None else []
        # Names, when a source lists them (the Daily Papers JSON does, the page text only counts them).
        self.author_names = author_names if author_names is not None else []
        # Bumped whenever the searchable text changes, so a cached search index can catch up.
        self.rev = rev
        # From the Hub: comment count, code repository and its stars, project page, the Hub's AI
        # summary and keywords; ``hub_at`` is when the Hub last answered for it (None: never live,
        # only from files), which decides whose counts are newer (see library.merge_into).
        self.comments = comments
        self.github_repo = github_repo
        self.github_stars = github_stars
        self.project_page = project_page
        self.ai_summary = ai_summary
        self.ai_keywords = ai_keywords if ai_keywords is not None else []
        self.hub_at = hub_at
        self._abstract = abstract
        self._source = source
        self._slot = slot

    @property
    def abstract(self) -> str:
        if self._source is not None:
            return self._source.abstract(self._slot)
        return self._abstract

    @abstract.setter
    def abstract(self, value: str) -> None:
        self._abstract = value
        self._source = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Paper) and self.to_record() == other.to_record()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Paper(id={self.id!r}, title={self.title!r})"

    @property
    def url(self) -> str:
        return paper_url(self.title, self.arxiv_id)

    @property
    def links(self) -> list[str]:
        """URLs mentioned in the abstract (code, project pages, data), then in other versions of it."""
        found = find_urls(self.abstract)
        return found + [url for url in self.extra_links if url not in found]

    def link_choices(self) -> list[Link]:
        """Every link known for the paper, labelled, for a chooser: its Hub page, arXiv abstract
        and PDF (or an arXiv title search without an id), code, project page, then the other
        links of its abstract and of the Hub."""
        if self.arxiv_id:
            choices = [
                Link("Hub page", self.url, "hub"),
                Link("arXiv abstract", arxiv_abs_url(self.arxiv_id), "abs"),
                Link("arXiv PDF", arxiv_pdf_url(self.arxiv_id), "pdf"),
            ]
        else:
            choices = [Link("arXiv search", self.url, "search")]
        if self.github_repo:
            stars = f" (★ {self.github_stars})" if self.github_stars is not None else ""
            choices.append(Link(f"Code{stars}", self.github_repo, "code"))
        if self.project_page:
            choices.append(Link("Project page", self.project_page, "project"))
        known = {link.url for link in choices}
        choices += [
            Link("Code", url, "code") if is_code_url(url) else Link("Link", url, "other")
            for url in self.links
            if url not in known
        ]
        return choices

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "authors": self.authors,
            "published": self.published,
            "upvotes": self.upvotes,
            "arxiv_id": self.arxiv_id,
            "digests": list(self.digests),
            "seq": self.seq,
            "pos": self.pos,
            "positions": dict(self.positions),
            "aliases": list(self.aliases),
            "extra_links": list(self.extra_links),
            "author_names": list(self.author_names),
            "rev": self.rev,
            "comments": self.comments,
            "github_repo": self.github_repo,
            "github_stars": self.github_stars,
            "project_page": self.project_page,
            "ai_summary": self.ai_summary,
            "ai_keywords": list(self.ai_keywords),
            "hub_at": self.hub_at,
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Paper:
        return cls(
            id=rec["id"],
            title=rec["title"],
            abstract=rec.get("abstract") or "",
            authors=rec.get("authors"),
            published=rec.get("published"),
            upvotes=rec.get("upvotes"),
            arxiv_id=rec.get("arxiv_id"),
            digests=list(rec.get("digests") or []),
            seq=rec.get("seq", 0),
            pos=rec.get("pos", 0),
            positions=dict(rec["positions"]) if "positions" in rec else None,
            aliases=list(rec.get("aliases") or []),
            extra_links=list(rec.get("extra_links") or []),
            author_names=list(rec.get("author_names") or []),
            rev=rec.get("rev", 0),
            comments=rec.get("comments"),
            github_repo=rec.get("github_repo"),
            github_stars=rec.get("github_stars"),
            project_page=rec.get("project_page"),
            ai_summary=rec.get("ai_summary"),
            ai_keywords=list(rec.get("ai_keywords") or []),
            hub_at=rec.get("hub_at"),
        )


@dataclass(slots=True)
class PaperState:
    DEFAULTS: ClassVar[dict[str, Any]] = {"read": False, "starred": False, "note": "", "tags": []}

    read: bool = False
    starred: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()
    read_at: float | None = None
    starred_at: float | None = None
    note_at: float | None = None
    tags_at: float | None = None

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> PaperState:
        return cls(
            read=bool(rec.get("read")),
            starred=bool(rec.get("starred")),
            note=str(rec.get("note") or ""),
            tags=tuple(rec.get("tags") or ()),
            read_at=rec.get("read_at"),
            starred_at=rec.get("starred_at"),
            note_at=rec.get("note_at"),
            tags_at=rec.get("tags_at"),
        )


def marks(state: PaperState) -> tuple[str, str, str]:
    """A paper's three markers in a list: ``●`` unread, ``★`` starred, ``✎`` has a note (or spaces)."""
    return (" " if state.read else "●", "★" if state.starred else " ", "✎" if state.note.strip() else " ")


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def partial_date(text: str) -> str | None:
    """``2024``, ``2024-6`` or ``2024-06-15`` as a published date is kept (``2024``, ``2024-06``,
    ``2024-06-15``): a day, or only the month or year a source gave; None if it is no date."""
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = match[1], match[2], match[3]
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join([year, *(f"{int(part):02d}" for part in (month, day) if part)])


def with_year(published: str | None, year: str | None) -> str | None:
    """A published date a page gave without its year (``--10-08``) in ``year``; other dates as
    they are; None when the year is needed and not known."""
    if published and published.startswith("--"):
        return f"{year}{published[1:]}" if year else None
    return published


def display_date(iso: str | None) -> str:
    """``2024-12-09`` → ``Dec 9, 2024``; ``--10-08`` → ``Oct 8``; ``2024-12`` → ``Dec 2024``;
    ``2024`` → ``2024``."""
    if not iso:
        return ""
    if len(iso) == 4:
        return iso
    if len(iso) == 7 and not iso.startswith("--"):
        return f"{calendar.month_abbr[int(iso[5:])]} {iso[:4]}"
    if iso.startswith("--"):
        year = ""
        month, day = iso[2:].split("-")
    else:
        year, month, day = iso.split("-")
    label = f"{calendar.month_abbr[int(month)]} {int(day)}"
    return f"{label}, {year}" if year else label
