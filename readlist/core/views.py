"""Which papers a view shows: all, unread, starred, with notes, or a search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum

from readlist.core.model import Paper, PaperState


class View(str, Enum):
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

    def accepts(self, state: PaperState) -> bool:
        if self is View.UNREAD:
            return not state.read
        if self is View.READ:
            return state.read
        if self is View.STARRED:
            return state.starred
        if self is View.NOTES:
            return bool(state.note.strip())
        return True


def select(
    papers: Sequence[Paper],
    candidates: Sequence[int],
    views: Sequence[View],
    state_of: Callable[[str], PaperState],
) -> list[int]:
    """The candidate indices (already in the wanted order) that every view accepts."""
    views = [v for v in views if v is not View.ALL]
    if not views:
        return list(candidates)
    return [i for i in candidates if all(v.accepts(state_of(papers[i].id)) for v in views)]
