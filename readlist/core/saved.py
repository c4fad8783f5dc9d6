"""Saved searches: named queries, kept in ``searches.json`` in the data folder.

The file is small and sorted (it merges well when the data folder is synced), rewritten whole
and atomically on every change, under the lock every readlist process shares, after reading
what another process may have saved meanwhile. A damaged file is reported and never written
over (storage.load_json).
"""

from __future__ import annotations

import json
from pathlib import Path

from readlist.core.errors import CorruptFileError, ReadlistError
from readlist.core.library import LOCK_FILE
from readlist.core.paths import ensure_dir
from readlist.core.storage import FileLock, load_json, write_atomic
from readlist.core.text import clean_line

SEARCHES_FILE = "searches.json"
FORMAT = "readlist-searches"
VERSION = 1
MAX_NAME = 60


class SavedSearchError(ReadlistError):
    """A saved search that cannot be saved: no name, a name too long, no query."""


def clean_name(name: str) -> str:
    """A search's name as kept: one clean line; SavedSearchError if nothing is left or it is too long."""
    cleaned = clean_line(" ".join(name.split()))
    if not cleaned:
        raise SavedSearchError("a saved search needs a name")
    if len(cleaned) > MAX_NAME:
        raise SavedSearchError(f"a saved search's name has at most {MAX_NAME} characters")
    return cleaned


class SavedSearches:
    """The saved searches of the library in ``folder``. Names match without regard to case."""

    def __init__(self, folder: Path, lock: FileLock | None = None) -> None:
        """``lock``: the library's (``Library.lock``) when it is open in this process, else one on
        the same lock file."""
        self.folder = folder
        self.path = folder / SEARCHES_FILE
        self.lock = lock or FileLock(folder / LOCK_FILE)

    def all(self) -> dict[str, str]:
        """Name → query, by name."""
        doc = load_json(self.path)
        if doc is None:
            return {}
        searches = doc.get("searches")
        if (
            doc.get("format") != FORMAT
            or not isinstance(searches, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in searches.items())
        ):
            raise CorruptFileError(
                f"{self.path}: damaged data file (not a list of saved searches); it was left untouched"
            )
        return dict(sorted(searches.items(), key=lambda item: item[0].casefold()))

    def get(self, name: str) -> str | None:
        """The query saved as ``name``, or None."""
        searches = self.all()
        key = self._key(searches, name)
        return None if key is None else searches[key]

    def save(self, name: str, query: str) -> str:
        """Save ``query`` as ``name`` (replacing a search of that name); return the name as kept."""
        name = clean_name(name)
        query = clean_line(" ".join(query.split()))
        if not query:
            raise SavedSearchError(f"the search {name!r} needs a query to save")
        ensure_dir(self.folder)
        with self.lock:
            searches = self.all()
            old = self._key(searches, name)
            if old is not None:
                del searches[old]
            searches[name] = query
            self._write(searches)
        return name

    def delete(self, name: str) -> bool:
        """Delete the search ``name``; False if there is none."""
        if not self.path.exists():
            return False
        with self.lock:
            searches = self.all()
            key = self._key(searches, name)
            if key is None:
                return False
            del searches[key]
            self._write(searches)
        return True

    @staticmethod
    def _key(searches: dict[str, str], name: str) -> str | None:
        wanted = " ".join(name.split()).casefold()
        return next((key for key in searches if key.casefold() == wanted), None)

    def _write(self, searches: dict[str, str]) -> None:
        doc = {"format": FORMAT, "version": VERSION, "searches": dict(sorted(searches.items()))}
        write_atomic(
            self.path, (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
        )
