"""The paper record and its per-user state."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from typing import Any

from readlist.core.links import find_urls, paper_url
from readlist.core.text import title_key


def paper_id(title: str) -> str:
    """A short stable id derived from the title's identity key."""
    return hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:10]


@dataclass(slots=True)
class Paper:
    id: str
    title: str
    abstract: str = ""
    authors: int | None = None
    published: str | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    digests: list[str] = field(default_factory=list)
    # Import order of the first digest it was seen in, and its place there.
    seq: int = 0
    pos: int = 0

    @property
    def url(self) -> str:
        return paper_url(self.title, self.arxiv_id)

    @property
    def links(self) -> list[str]:
        """URLs mentioned in the abstract (code, project pages, data)."""
        return find_urls(self.abstract)

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
        )


@dataclass(slots=True)
class PaperState:
    read: bool = False
    starred: bool = False
    note: str = ""
    read_at: float | None = None
    starred_at: float | None = None
    note_at: float | None = None

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> PaperState:
        return cls(
            read=bool(rec.get("read")),
            starred=bool(rec.get("starred")),
            note=str(rec.get("note") or ""),
            read_at=rec.get("read_at"),
            starred_at=rec.get("starred_at"),
            note_at=rec.get("note_at"),
        )


def display_date(iso: str | None) -> str:
    """``2024-12-09`` → ``Dec 9, 2024``; ``--10-08`` → ``Oct 8``."""
    if not iso:
        return ""
    if iso.startswith("--"):
        year = ""
        month, day = iso[2:].split("-")
    else:
        year, month, day = iso.split("-")
    label = f"{calendar.month_abbr[int(month)]} {int(day)}"
    return f"{label}, {year}" if year else label
