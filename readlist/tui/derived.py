"""What the app derives from the library in the background: the search index (with more like
this), the read counts per digest, and the day's backup.

Each is made in a worker thread and handed to the UI thread in a message. Changes made before
one is ready are remembered and applied when it arrives, so nothing derived falls behind the
state. A mixin of ReadlistApp (app.py), which provides the library, the main screen and
``notify``.
"""

from __future__ import annotations

import gc
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from readlist.core.text import plural

if TYPE_CHECKING:
    from readlist.core.digests import DigestCounts
    from readlist.core.search import SearchIndex
    from readlist.core.similar import MoreLikeThis

NOTES_ONE_BY_ONE = 50  # more changed notes than this: rebuild the note index once


class DerivedData:
    """Mixed into ReadlistApp: the index, the digest counts and the backup. Its handlers go by
    their names (``on_derived_data_…``): ``@on`` is only seen in a message pump's own classes."""

    @dataclass
    class IndexReady(Message):
        index: SearchIndex
        similar: MoreLikeThis

    @dataclass
    class DigestsCounted(Message):
        counts: DigestCounts
        first: bool  # the count at start-up, which says what is new since the last visit …
        previous_visit: float | None  # … as the visit before this one (the first count only)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.index: SearchIndex | None = None
        self.similar: MoreLikeThis | None = None
        self.digest_counts: DigestCounts | None = None
        self.previous_visit: float | None = None
        # Papers whose notes changed since the index build began; read marks before the counts came.
        self._unindexed: set[str] = set()
        self._uncounted: set[str] = set()
        self.started = False  # the work that follows the first index has been set off

    def after_the_index(self) -> None:
        """What the start does once the index is there (or could not be made)."""
        if not self.started:  # once, even when a change from outside was counted first
            self.started = True
            self.count_digests(first=True)
            if not self.demo:
                self.back_up()
                self._start_sync()

    def build_index(self) -> None:
        """Build the index in the background. It reads the notes as they are when it begins:
        those written from now on are put into it when it arrives."""
        self._unindexed = set()
        self._build_index()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _build_index(self) -> None:
        from readlist.core.search import SearchIndex
        from readlist.core.similar import MoreLikeThis

        index = SearchIndex.for_library(self.library)
        similar = MoreLikeThis(index)
        similar.prepare()
        self.post_message(self.IndexReady(index, similar))

    def on_derived_data_index_ready(self, message: DerivedData.IndexReady) -> None:
        if message.index.papers is not self.library.papers:
            return  # built before papers came in or went: the build set off then is on its way
        self.index, self.similar = message.index, message.similar
        keep_for_good()
        written, self._unindexed = self._unindexed, set()  # notes and tags written while it was built
        self._put_notes(self.index, written)
        self.main.index_ready()
        self.after_the_index()

    def reindex_notes(self, pids: Collection[str]) -> None:
        """Make the search see these papers' current notes and tags, now and in the index a
        build under way will bring."""
        self._unindexed.update(pids)
        if self.index is not None:
            self._put_notes(self.index, pids)

    def _put_notes(self, index: SearchIndex, pids: Collection[str]) -> None:
        if len(pids) > NOTES_ONE_BY_ONE:  # one rebuild, not one per paper
            index.set_notes(self.library.state.notes())
        else:
            for pid in pids:
                index.set_note(pid, self.library.state.search_text(pid))

    def catch_up(self, pids: Collection[str], fields: frozenset[str] | None) -> None:
        """What is derived from these papers' state follows a change of ``fields`` (None: any)."""
        if fields is None or fields & {"note", "tags"}:
            self.reindex_notes(pids)
        if fields is None or "read" in fields:
            if self.digest_counts is None:
                self._uncounted.update(pids)
            else:
                self.digest_counts.update(pids)

    @work(thread=True, exclusive=True, group="digests", exit_on_error=False)
    def count_digests(self, first: bool = False) -> None:
        """Read progress per digest; at start-up also the last visit, which says what is new."""
        from readlist.core.digests import DigestCounts
        from readlist.core.visits import Visits

        previous = Visits(self.library.folder).begin() if first else None
        self.post_message(self.DigestsCounted(DigestCounts(self.library), first, previous))

    def on_derived_data_digests_counted(self, message: DerivedData.DigestsCounted) -> None:
        self.digest_counts = message.counts
        if message.first:
            self.previous_visit = message.previous_visit
        self.digest_counts.update(self._uncounted)  # read marks changed while counting
        self._uncounted = set()
        self.main.refresh_digests()
        new = sum(row.new for row in message.counts.rows(self.previous_visit))
        if message.first and new and self.previous_visit is not None:
            self.notify(
                f"{plural(new, 'new digest')} since your last visit: d shows the digests.", markup=False
            )

    @work(thread=True, group="backup", exit_on_error=False)
    def back_up(self) -> None:
        """Today's backup, taken off the UI thread: at 100k papers it copies 190 MB."""
        from readlist.core.backup import backup_daily

        backup_daily(self.library.folder, known_good=self.library.clean_versions())


def keep_for_good() -> None:
    """Take what is alive now out of the cyclic garbage collector's reach; called when what is
    loaded will live as long as the app. At 100k papers the library's columns and the search
    index hold millions of references: a full collection walking them locks the interpreter for
    60 ms, every few seconds while the reader types. Objects made later are collected as usual."""
    gc.freeze()
