"""Reading JSON input into digests: a readlist export, or a saved Daily Papers API answer.

Two shapes are understood:

- the document ``readlist export --format json`` writes, ``{"format": "readlist-export",
  "version": 1, "digests": [{"label", "date"}], "papers": [...]}``: every paper comes back with
  its digests (and its place in each), arXiv id, links, author names and its read / starred /
  note / tags state. A paper's identity is its title (and arXiv id), as for any import; the ``id``
  field is not trusted.
- the list that Hugging Face's ``/api/daily_papers`` returns (saved to a file, or fetched by
  hub.py): per entry a ``paper`` object (``id`` = the arXiv id, ``title``, ``summary``,
  ``authors`` as ``[{"name": ...}]``, ``publishedAt``, ``upvotes``, ``submittedOnDailyAt``,
  sometimes ``githubRepo``, ``githubStars``, ``projectPage``, ``ai_summary``, ``ai_keywords``)
  beside the entry's own ``publishedAt``, ``title``, ``numComments``. Entries are grouped into
  one digest per day they were featured on (``Mar 14``), or one named after the file. The Hub's
  paper search answers with entries of the same shape.

A bad entry is reported as ``file: entry 7: what is wrong`` and the good ones still load; a
field with a value of the wrong kind is left out and reported the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import orjson

from readlist.core.digest import MAX_TITLE, Digest, Entry, Problem
from readlist.core.errors import InputError
from readlist.core.links import is_arxiv_id, is_safe_to_open
from readlist.core.model import PaperState, partial_date
from readlist.core.text import clean_line, clean_note, clean_tags

EXPORT_FORMAT = "readlist-export"
EXPORT_VERSION = 1

_BOM = b"\xef\xbb\xbf"
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")
_YEARLESS = re.compile(r"^--(\d{2})-(\d{2})$")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_VERSION = re.compile(r"v\d+$")


def parse_json(data: bytes, source: str, default_label: str) -> list[Digest] | None:
    """The digests in ``data`` if it is JSON, None if it is not (then it is a text digest).

    JSON opens with ``[`` or ``{``. Text that parses is JSON; text that does not is reported as
    broken JSON only when it was clearly meant as JSON (a ``.json`` file, or a bracket followed by
    what a JSON document has next), so that a digest whose first title is ``[CLS] tokens`` or
    ``{Ensembles}`` still reads as text.
    """
    data = data.removeprefix(_BOM)
    head = data[:4096].lstrip()
    if head[:1] not in (b"[", b"{"):
        return None
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        after = head[1:].lstrip()[:1]
        if not (source.lower().endswith(".json") or after in (b"", b"{", b"[", b'"', b"]", b"}")):
            return None
        raise InputError(f"{source}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if isinstance(doc, dict) and doc.get("format") == EXPORT_FORMAT:
        return _Reader(source, default_label).export(doc)
    if isinstance(doc, list):
        return _Reader(source, default_label).daily_papers(doc)
    raise InputError(f"{source}: JSON, but neither a readlist export nor a Daily Papers list")


# -- field values: each raises ValueError or TypeError when the value is of the wrong kind ----------


def _text(value: Any) -> str:
    """One clean line: JSON titles and abstracts are wrapped over lines (arXiv's are)."""
    if not isinstance(value, str):
        raise TypeError("not a string")
    return clean_line(" ".join(value.splitlines()))


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not a count")
    return value


def _day(value: Any) -> str:
    """``2024-12-09``; a timestamp (``2024-12-09T17:08:18.000Z``) gives its day."""
    if not isinstance(value, str):
        raise TypeError("not a string")
    day = _ISO_DAY.match(value.strip())
    if not day:
        raise ValueError("not a date")
    return dt.date.fromisoformat(day[1]).isoformat()


def _date(value: Any) -> str:
    """A day as ``_day`` reads it, the year-less ``--12-09`` of a digest that gave no year, or the
    year or month alone (``2017``, ``2017-06``) of a BibTeX entry."""
    if not isinstance(value, str):
        raise TypeError("not a string")
    value = value.strip()
    if _ISO_DAY.match(value):
        return _day(value)
    partial = partial_date(value)
    if partial is not None:
        return partial
    yearless = _YEARLESS.match(value)
    if yearless:
        dt.date(2000, int(yearless[1]), int(yearless[2]))  # 2000 has a Feb 29
        return value
    raise ValueError("not a date")


def _arxiv_id(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    value = _VERSION.sub("", _ARXIV_PREFIX.sub("", value.strip()))
    if not is_arxiv_id(value):
        raise ValueError("not an arXiv id")
    return value


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return [text for text in map(_text, value) if text]


def _url(value: Any) -> str | None:
    """One link, None unless it is safe to open (see links.is_safe_to_open): left out quietly."""
    found = _links([value])
    return found[0] if found else None


def _stamp(value: Any) -> float:
    """A time in seconds since the epoch."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e11:
        raise ValueError("not a time")
    return float(value)


def _links(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        raise TypeError("not a list of strings")
    cleaned = (clean_line(url) for url in value)
    return [url for url in cleaned if is_safe_to_open(url)]


def _names(value: Any) -> list[str]:
    """Author names from ``[{"name": ...}]`` (the API) or ``["..."]`` (an export)."""
    if not isinstance(value, list):
        raise TypeError("not a list")
    names = (item.get("name") if isinstance(item, dict) else item for item in value)
    return [text for text in (_text(name) for name in names if isinstance(name, str)) if text]


def _positions(value: Any) -> dict[str, int]:
    """``{"Mar 14": 3}``: a paper's place in each of its digests."""
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return {label: _count(place) for label, place in ((_text(k), v) for k, v in value.items()) if label}


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true or false")
    return value


def _state(value: Any) -> PaperState:
    if not isinstance(value, dict):
        raise TypeError("not an object")
    note = value.get("note") or ""
    tags = value.get("tags") or []
    if not isinstance(note, str) or not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise TypeError("bad note or tags")
    return PaperState(
        read=_flag(value.get("read", False)),
        starred=_flag(value.get("starred", False)),
        note=clean_note(note),
        tags=tuple(clean_tags(tags)),
    )


def read_daily_papers(
    items: list[Any], source: str, default_label: str, default_day: str | None = None
) -> list[Digest]:
    """The digests in a Daily Papers answer already parsed from JSON (``source`` names it in
    problems), exactly as an import of the same JSON from a file reads them; an entry that
    does not say which day it was featured on is put in ``default_day`` (the day asked for)."""
    return _Reader(source, default_label, default_day).daily_papers(items)


def read_paper_entries(items: list[Any], source: str) -> list[Entry]:
    """The papers of a list of Daily Papers shaped entries (the Hub's paper search answers so),
    skipping the ones that are not papers."""
    reader = _Reader(source, source)
    entries = (reader.entry(n, item, reader.daily_fields, inner="paper") for n, item in enumerate(items, 1))
    return [entry for entry in entries if entry is not None]


def read_export(doc: dict[str, Any], source: str) -> list[Digest]:
    """The digests of a readlist export document already in memory, as an import of it reads them."""
    return _Reader(source, source).export(doc)


def read_export_papers(items: list[Any], source: str) -> tuple[list[Entry], list[Problem]]:
    """The papers of a readlist export's ``papers`` list (each entry's ``line`` is its number
    there, from 1), and what was wrong with them: a paper without a title is skipped, a field
    of the wrong kind left out."""
    reader = _Reader(source, source)
    entries = (reader.entry(n, item, reader.export_fields) for n, item in enumerate(items, 1))
    return [entry for entry in entries if entry is not None], reader.problems


def day_label(iso: str) -> str:
    """``2025-03-14`` → ``Mar 14``: the label the page itself gives that day's digest."""
    day = dt.date.fromisoformat(iso)
    return f"{calendar.month_abbr[day.month]} {day.day}"


class _Reader:
    """Turns one parsed JSON document into digests, collecting problems on the way."""

    def __init__(self, source: str, default_label: str, default_day: str | None = None) -> None:
        self.source = source
        self.default_label = default_label
        self.default_day = default_day
        self.problems: list[Problem] = []

    def problem(self, at: str, message: str) -> None:
        self.problems.append(Problem(self.source, None, f"{at}: {message}"))

    def get(
        self, at: str, objects: tuple[dict[str, Any], ...], key: str, convert: Callable[[Any], Any]
    ) -> Any:
        """The first non-null ``key`` among ``objects``, converted; None (and a problem) if it is bad."""
        value = next((obj[key] for obj in objects if obj.get(key) is not None), None)
        if value is None:
            return None
        try:
            return convert(value)
        except (TypeError, ValueError):
            self.problem(at, f"{key!r} is not valid; left out")
            return None

    def entry(
        self,
        n: int,
        item: Any,
        fields: Callable[[str, tuple[dict[str, Any], ...]], dict[str, Any]],
        inner: str | None = None,
    ) -> Entry | None:
        """Entry ``n`` made from ``item`` (fields of its ``inner`` object first), or None."""
        at = f"entry {n}"
        if not isinstance(item, dict):
            self.problem(at, "not an object; skipped")
            return None
        where = (item[inner], item) if inner and isinstance(item.get(inner), dict) else (item,)
        title = self.get(at, where, "title", _text)
        if not title:
            self.problem(at, "no title; skipped")
            return None
        if len(title) > MAX_TITLE:
            self.problem(at, f"a title of {len(title)} characters; skipped")
            return None
        entry = Entry(title=title, line=n, **fields(at, where))
        if not entry.abstract:
            self.problem(at, f"paper {title[:60]!r} has no abstract")
        return entry

    def finish(self, digests: list[Digest]) -> list[Digest]:
        """The digests, the file's problems going with the first that has papers."""
        holder = next((d for d in digests if d.entries), None)
        if holder is None:
            self.problems.append(Problem(self.source, None, "no papers found in this file"))
            holder = Digest(self.source, self.default_label, None)
            digests = [holder]  # digests no paper is in are not worth a line of the report
        holder.problems.extend(self.problems)
        return digests

    # -- the Daily Papers API ----------------------------------------------------------------------

    def daily_papers(self, items: list[Any]) -> list[Digest]:
        by_day: dict[str | None, Digest] = {}
        for n, item in enumerate(items, 1):
            entry = self.entry(n, item, self.daily_fields, inner="paper")
            if entry is None:
                continue
            where = (item, *([item["paper"]] if isinstance(item.get("paper"), dict) else []))
            day = self.get(f"entry {n}", where, "submittedOnDailyAt", _day) or self.default_day
            digest = by_day.get(day)
            if digest is None:
                label = day_label(day) if day else self.default_label
                digest = by_day[day] = Digest(self.source, label, day)
            digest.entries.append(entry)
        return self.finish(list(by_day.values()))

    def daily_fields(self, at: str, where: tuple[dict[str, Any], ...]) -> dict[str, Any]:
        authors = next((obj["authors"] for obj in where if obj.get("authors") is not None), None)
        repo, page = (self.get(at, where, key, _url) for key in ("githubRepo", "projectPage"))
        return {
            "abstract": self.get(at, where, "summary", _text) or "",
            "authors": len(authors) if isinstance(authors, list) and authors else None,
            "author_names": self.get(at, where, "authors", _names) or [],
            "published": self.get(at, where, "publishedAt", _day),
            "upvotes": self.get(at, where, "upvotes", _count),
            "arxiv_id": self.get(at, where, "id", _arxiv_id),
            "links": [url for url in (repo, page) if url],
            "comments": self.get(at, where, "numComments", _count),
            "github_repo": repo,
            "github_stars": self.get(at, where, "githubStars", _count),
            "project_page": page,
            "ai_summary": self.get(at, where, "ai_summary", _text) or None,
            "ai_keywords": self.get(at, where, "ai_keywords", _texts) or [],
        }

    # -- a readlist export ---------------------------------------------------------------------------

    def export(self, doc: dict[str, Any]) -> list[Digest]:
        version = doc.get("version")
        if version != EXPORT_VERSION:
            newer = isinstance(version, int) and version > EXPORT_VERSION
            raise InputError(
                f"{self.source}: "
                + (
                    f"made by a newer readlist (export version {version})"
                    if newer
                    else "a readlist export of an unknown version"
                )
            )
        papers, listed = doc.get("papers"), doc.get("digests") or []
        if not isinstance(papers, list) or not isinstance(listed, list):
            raise InputError(f"{self.source}: a readlist export without a list of papers")
        digests: dict[str, Digest] = {}
        for n, info in enumerate(listed, 1):
            label = self.get(f"digest {n}", (info,), "label", _text) if isinstance(info, dict) else None
            if not label:
                self.problem(f"digest {n}", "no label; skipped")
                continue
            digests.setdefault(
                label, Digest(self.source, label, self.get(f"digest {n}", (info,), "date", _date))
            )
        # Every paper in one digest that names the file: each entry says which digests it is in
        # (one named after the file when it says none).
        held = Digest(self.source, self.default_label, None, summary="readlist export")
        for n, item in enumerate(papers, 1):
            entry = self.entry(n, item, self.export_fields)
            if entry is None:
                continue
            for label in entry.digests:  # a digest the list above forgot is still a digest
                digests.setdefault(label, Digest(self.source, label, None))
            held.entries.append(entry)
        return self.finish([*digests.values(), held])

    def export_fields(self, at: str, where: tuple[dict[str, Any], ...]) -> dict[str, Any]:
        return {
            "abstract": self.get(at, where, "abstract", _text) or "",
            "authors": self.get(at, where, "authors", _count),
            "author_names": self.get(at, where, "author_names", _names) or [],
            "published": self.get(at, where, "published", _date),
            "upvotes": self.get(at, where, "upvotes", _count),
            "arxiv_id": self.get(at, where, "arxiv_id", _arxiv_id),
            "aliases": self.get(at, where, "aliases", _texts) or [],
            "links": self.get(at, where, "links", _links) or [],
            "digests": list(dict.fromkeys(self.get(at, where, "digests", _texts) or [])),
            "positions": self.get(at, where, "positions", _positions) or {},
            "state": self.get(at, where, "state", _state),
            "comments": self.get(at, where, "comments", _count),
            "github_repo": self.get(at, where, "github_repo", _url),
            "github_stars": self.get(at, where, "github_stars", _count),
            "project_page": self.get(at, where, "project_page", _url),
            "ai_summary": self.get(at, where, "ai_summary", _text) or None,
            "ai_keywords": self.get(at, where, "ai_keywords", _texts) or [],
            "hub_at": self.get(at, where, "hub_at", _stamp),
        }
