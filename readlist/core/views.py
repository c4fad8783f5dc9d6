"""Which papers a view shows (all, unread, starred, with notes) and in what order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any


class View(StrEnum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    NOTES = "notes"
    READ = "read"

    @property
    def label(self) -> str:
        return {"all": "All", "unread": "Unread", "starred": "Starred", "notes": "With notes", "read": "Read"}[
            self.value
        ]

    def accepts(self, record: Mapping[str, Any] | None) -> bool:
        """Whether a paper with this stored state record (None: no state yet) is in the view."""
        record = record or {}
        if self is View.UNREAD:
            return not record.get("read")
        if self is View.READ:
            return bool(record.get("read"))
        if self is View.STARRED:
            return bool(record.get("starred"))
        if self is View.NOTES:
            return bool(str(record.get("note") or "").strip())
        return True


def select(
    ids: Sequence[str],
    candidates: Iterable[int],
    views: Sequence[View],
    record_of: Callable[[str], Mapping[str, Any] | None],
) -> list[int]:
    """The candidate indices (already in the wanted order) whose paper every view accepts."""
    views = [v for v in views if v is not View.ALL]
    if not views:
        return list(candidates)
    return [i for i in candidates if all(v.accepts(record_of(ids[i])) for v in views)]


class Sort(StrEnum):
    """The order of the list. ``DIGEST`` means best match first while a search runs."""

    DIGEST = "digest"
    PUBLISHED = "published"
    TITLE = "title"
    STARRED = "starred"

    def label(self, searching: bool = False) -> str:
        if self is Sort.DIGEST:
            return "relevance" if searching else "digest order"
        return {"published": "newest published", "title": "title A–Z", "starred": "starred first"}[self.value]
