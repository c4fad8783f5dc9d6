"""The views (all, unread, starred, with notes, read), the orders of the list, and the query
that combines them with the filter's text.

selection.py turns a view into the matching state filter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class View(StrEnum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    NOTES = "notes"
    READ = "read"

    @property
    def label(self) -> str:
        return {
            "all": "All",
            "unread": "Unread",
            "starred": "Starred",
            "notes": "With notes",
            "read": "Read",
        }[self.value]


class Sort(StrEnum):
    """The order of the list. ``DIGEST`` means best match first while a search runs."""

    DIGEST = "digest"
    PUBLISHED = "published"
    TITLE = "title"
    STARRED = "starred"
    UPVOTES = "upvotes"
    FORYOU = "foryou"  # like what the reader starred, tagged and noted (foryou.py)

    def label(self, searching: bool = False) -> str:
        if self is Sort.DIGEST:
            return "relevance" if searching else "digest order"
        return {
            "published": "newest published",
            "title": "title A–Z",
            "starred": "starred first",
            "upvotes": "most upvoted",
            "foryou": "for you",
        }[self.value]


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Everything that decides which papers a list shows, and in what order."""

    text: str = ""  # the filter's text: words and operators (query.py)
    view: View = View.ALL
    sort: Sort = Sort.DIGEST
    digest: str | None = None  # the label of a digest picked in the digests panel
    similar_to: str | None = None  # a paper id: "more like this" it, over the whole library

    @property
    def is_everything(self) -> bool:
        """True when the list is the whole library in digest order: nothing to compute."""
        return not self.text.strip() and self == ListQuery(self.text)
