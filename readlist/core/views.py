"""The views (all, unread, starred, with notes, read) and the orders of the list.

selection.py turns a view into the matching state filter."""

from __future__ import annotations

from enum import StrEnum


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


class Sort(StrEnum):
    """The order of the list. ``DIGEST`` means best match first while a search runs."""

    DIGEST = "digest"
    PUBLISHED = "published"
    TITLE = "title"
    STARRED = "starred"
    UPVOTES = "upvotes"

    def label(self, searching: bool = False) -> str:
        if self is Sort.DIGEST:
            return "relevance" if searching else "digest order"
        return {"published": "newest published", "title": "title A–Z", "starred": "starred first",
                "upvotes": "most upvoted"}[self.value]
