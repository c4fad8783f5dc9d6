"""The main screen: the filter bar, the paper list beside the detail pane, the digests panel,
the status line and the key bar, and the query that decides which papers the list shows.

Everything that decides the list's rows is one ``ListQuery`` held in one reactive: changing
any part of it (the filter's text, the view, the sort, a digest, "more like this") refilters,
in a worker when there is searching to do, and the status line follows. The triage and
sharing actions live in their own modules (triage.py, sharing.py) as mixins of this screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from readlist.core.errors import ReadlistError
from readlist.core.model import Paper
from readlist.core.query import needs_index, parse
from readlist.core.text import one_line, plural, shorten
from readlist.core.views import ListQuery, Sort, View
from readlist.tui.actions import NEEDS_PAPER, VIEW_CYCLE, bindings
from readlist.tui.frames import DrawsAtOnce
from readlist.tui.sharing import SharingActions
from readlist.tui.triage import TriageActions
from readlist.tui.widgets.detail import NOTHING_MATCHES, DetailPane
from readlist.tui.widgets.digests import DigestPanel
from readlist.tui.widgets.filter_input import FilterInput
from readlist.tui.widgets.key_bar import KeyBar
from readlist.tui.widgets.paper_list import PaperList

if TYPE_CHECKING:
    from readlist.core.selection import Columns
    from readlist.tui.app import ReadlistApp

SORT_CYCLE = tuple(Sort)
NARROW = 60  # below this many columns the detail pane goes under the list
NO_SIMILAR = "No other paper shares enough distinctive words with this one. Esc returns to the list."


class MainScreen(TriageActions, SharingActions, DrawsAtOnce):
    # Keys pressed while the app starts go to the list, not to the first focusable widget (the filter).
    AUTO_FOCUS = "#papers"
    BINDINGS = bindings()

    @dataclass
    class SearchDone(Message):
        query: ListQuery
        rows: list[int]
        matched: frozenset[str]
        hints: list[str]
        keep: str | None
        strong: int | None = None  # rows after the first ``strong`` are weaker matches
        badges: dict[int, str] | None = None  # a figure to show beside some rows (how similar)

    # repaint=False: a new query redraws what it changes (the rows, the status), not the whole screen.
    list_query: reactive[ListQuery] = reactive(ListQuery, init=False, always_update=False, repaint=False)

    paper_list: PaperList
    detail: DetailPane
    digest_panel: DigestPanel | None  # mounted when first asked for
    filter_input: Input
    hint: Static
    status: Static

    def __init__(self) -> None:
        super().__init__()
        self.columns: Columns | None = None  # made by the first search: it needs numpy
        self.matched: frozenset[str] = frozenset()
        # What the list shows right now; it lags behind ``query`` while a search runs.
        self.shown = ListQuery()
        self.digest_panel = None
        self.ready = False  # the widgets are there to be drawn into

    @property
    def readlist(self) -> ReadlistApp:
        return self.app  # type: ignore[return-value]

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        library = self.readlist.library
        # select_on_focus off: coming back with / adds to the query instead of replacing it.
        yield FilterInput(
            placeholder='/ filter: words (typos welcome), is:unread tag:NAME "a phrase" -word  (Esc clears)',
            id="filter",
            select_on_focus=False,
        )
        yield Static(id="hint", markup=False)
        with Horizontal(id="main"):
            yield PaperList(
                library.papers,
                library.state_of,
                list(library.order),
                digest_of=library.newest_digest,
                id="papers",
            )
            yield DetailPane(id="detail")
        yield Static(id="status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        # Kept, not queried: a worker's message can arrive while the app is tearing down.
        self.paper_list = self.query_one(PaperList)
        self.detail = self.query_one(DetailPane)
        self.filter_input = self.query_one("#filter", Input)
        self.hint = self.query_one("#hint", Static)
        self.status = self.query_one("#status", Static)
        self.ready = True
        self.watch(self.paper_list, "cursor", self.cursor_moved, init=False)
        self.show_current()
        self.refresh_status()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    @property
    def current(self) -> Paper | None:
        return self.paper_list.current

    @property
    def paper(self) -> Paper:
        """The paper under the cursor, for actions that need one (see ``check_action``)."""
        paper = self.paper_list.current
        assert paper is not None, "an action that needs a paper ran without one"
        return paper

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # / is a priority key (seen before the focused widget gets it): once the filter has
        # focus, it is a character of the query.
        if not self.ready:
            return True
        if action == "focus_filter":
            return not self.filter_input.has_focus
        if action == "results":
            return self.filter_input.has_focus
        if action in NEEDS_PAPER and self.paper_list.current is None:
            return None  # shown dimmed in the key bar; the key does nothing
        return True

    # -- the query and the rows -----------------------------------------------------------------

    def watch_list_query(self, old: ListQuery, new: ListQuery) -> None:
        self.refilter(keep=self._keep_after(old, new))
        self.refresh_status()

    def _keep_after(self, old: ListQuery, new: ListQuery) -> str | None:
        """The paper the cursor should stay on when the query changes from ``old`` to ``new``:
        leaving "more like this" goes back to the paper it started from; new words or a new
        "more like this" start at the best match; a new view, sort or digest keeps the paper."""
        if old.similar_to != new.similar_to:
            return old.similar_to if new.similar_to is None else None
        if old.text != new.text and new.text.strip():
            return None
        current = self.paper_list.current
        return current.id if current else None

    def refilter(self, keep: str | None = None) -> None:
        """Recompute the shown rows for the current query, off the UI thread when it searches."""
        query = self.list_query
        if query.is_everything:
            self._show_rows(query, list(self.readlist.library.order), frozenset(), [], keep)
            return
        if self.readlist.index is None and (needs_index(parse(query.text)) or query.sort is Sort.FORYOU):
            self.refresh_status("indexing…")
            return
        self.run_search(query, keep)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: ListQuery, keep: str | None) -> None:
        from readlist.core.selection import Columns, select_papers  # numpy: loaded after the first frame

        worker = get_current_worker()
        app = self.readlist
        if query.similar_to is not None and app.similar is not None:
            # More like this looks at the whole library, whatever the filter, view or digest.
            found = app.similar.similar(app.library.by_id.index[query.similar_to])
            badges = {i: f"{share:.0%} alike" for i, share in found}
            self.post_message(
                self.SearchDone(query, [i for i, _ in found], frozenset(), [], keep, badges=badges)
            )
            return
        if self.columns is None:
            self.columns = Columns(app.library)
        selection = select_papers(
            app.library,
            query.text,
            index=app.index,
            columns=self.columns,
            views=[query.view],
            sort=query.sort,
            digest=query.digest,
        )
        if not worker.is_cancelled:
            self.post_message(
                self.SearchDone(
                    query, selection.indices, selection.matched, selection.hints, keep, selection.strong
                )
            )

    @on(SearchDone)
    def search_done(self, message: SearchDone) -> None:
        if message.query == self.list_query:  # else a newer keystroke or view switch is on its way
            self._show_rows(
                message.query,
                message.rows,
                message.matched,
                message.hints,
                message.keep,
                message.strong,
                message.badges or {},
            )

    def _show_rows(
        self,
        query: ListQuery,
        rows: list[int],
        matched: frozenset[str],
        hints: list[str],
        keep: str | None,
        strong: int | None = None,
        badges: dict[int, str] | None = None,
    ) -> None:
        was_empty = self.paper_list.current is None
        self.matched, self.shown = matched, query  # before the rows: the new cursor shows its paper at once
        self.paper_list.picked_digest = query.digest
        self.paper_list.badges = badges or {}
        self.paper_list.set_rows(rows, matched, keep=keep, strong=strong)
        if self.hint.display != bool(hints):
            self.hint.display = bool(hints)  # the hint line comes or goes: the screen is laid out again
        self.hint.update(Content("  ".join(dict.fromkeys(hints))), layout=False)
        if was_empty != (self.paper_list.current is None):
            self.refresh_bindings()  # the keys that need a paper come and go
        self.refresh_status()
        self.draw_at_once()

    def index_ready(self) -> None:
        """The search index arrived: a query typed while it was being built can run now, and
        one shown from an older index (before papers came in) is found again."""
        if self.list_query != self.shown or not self.shown.is_everything:
            self.refilter(keep=self._keep_after(self.shown, self.list_query))

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        # After the frame that shows the typed letter: the search's thread would compete with it.
        self.call_after_refresh(self._search_for, event.value)

    def _search_for(self, text: str) -> None:
        if text == self.filter_input.value:  # else a newer letter is on its way
            self.list_query = replace(self.list_query, text=text)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.paper_list.focus()

    # -- the paper under the cursor -------------------------------------------------------------

    def cursor_moved(self) -> None:
        """Watches the list's cursor: called in the same turn as the move, so the pane's new
        lines and the list's new highlight reach the terminal in one frame."""
        self.show_current()

    def show_current(self) -> None:
        library = self.readlist.library
        paper = self.paper_list.current
        state = library.state_of(paper.id if paper else "")
        why = NO_SIMILAR if self.shown.similar_to is not None else NOTHING_MATCHES
        self.detail.show(
            paper, state, self.matched, empty=not library.papers, why_empty=why, reason=self._reason(paper)
        )

    def _reason(self, paper: Paper | None) -> str:
        """Why the paper is where it is: how alike it is in "more like this" (the list has no
        room for that below 110 columns), the words that put it there in the "for you" order."""
        if paper is None:
            return ""
        similar_to = self.shown.similar_to
        if similar_to is not None:
            badge = self.paper_list.badges.get(self.readlist.library.by_id.index[paper.id])
            like = self.readlist.library.get(similar_to)
            return f"{badge} to {like.title}" if badge and like and paper.id != similar_to else ""
        ranking = self.columns.last_for_you if self.columns is not None else None
        if self.shown.sort is not Sort.FORYOU or ranking is None:
            return ""
        words = ranking.words(self.readlist.library.by_id.index[paper.id], limit=6)
        return (
            f"For you: it shares {', '.join(words)} with what you starred, tagged or noted" if words else ""
        )

    def papers_reloaded(self) -> None:
        """The library's papers were replaced: papers came in (an import, fetch or sync) or went
        (readlist remove, an undone import). Rows, picks and badges are places in the papers; where
        papers went, the places after them moved, so they follow their papers by id until the query
        has run again, and what went is no longer shown."""
        shown, papers = self.paper_list, self.readlist.library.papers
        current = shown.current
        keep = current.id if current else None
        before = shown.papers.ids
        if papers.ids[: len(before)] == before:  # only new papers, after the others
            shown.papers = papers
        else:
            place = self.readlist.library.by_id.index
            moved = {i: place[pid] for i, pid in enumerate(before) if pid in place}
            strong = sum(row in moved for row in shown.strong_rows)
            shown.selected = {moved[i] for i in shown.selected if i in moved}
            shown.badges = {moved[i]: badge for i, badge in shown.badges.items() if i in moved}
            shown.papers = papers
            shown.set_rows([moved[row] for row in shown.rows if row in moved], shown.matched, keep, strong)
        self.refresh_digests()
        library, query = self.readlist.library, self.list_query
        gone: dict[str, None] = {}  # what the query names that went: more like a paper, a digest
        if query.similar_to is not None and query.similar_to not in library.by_id:
            gone["similar_to"] = None
        if query.digest is not None and query.digest not in library.digests:
            gone["digest"] = None
        if gone:
            self.list_query = replace(query, **gone)  # refilters
        else:
            self.refilter(keep=keep)

    def papers_changed(self, ids: object) -> None:
        """State changed for these papers (here or elsewhere): redraw what shows them."""
        ids = set(ids)  # type: ignore[call-overload]
        if len(ids) == 1:
            self.paper_list.refresh_paper(next(iter(ids)))
        else:
            self.paper_list.refresh()
        current = self.paper_list.current
        if current is not None and current.id in ids:
            self.show_current()
        if self.digest_panel is not None and self.digest_panel.display:
            self.refresh_digests()
        self.refresh_status()
        self.draw_at_once()

    # -- status ---------------------------------------------------------------------------------

    def refresh_status(self, note: str | None = None) -> None:
        if not self.ready:
            return
        library = self.readlist.library
        papers, query = library.papers, self.list_query
        read, starred = library.state.counts()
        # Most important first: a narrow terminal cuts the end. What narrows the list comes right
        # after its count; the filter bar shows the query.
        picked = len(self.paper_list.picked)
        everything = len(self.paper_list.rows) == len(papers) == self.paper_list.strong_count  # any order
        parts = [
            note or self.readlist.activity or self.readlist.save_status,
            *([f"{picked} picked (Esc lets go)"] if picked else []),
            *([self.readlist.sync_status] if self.readlist.sync_status else []),
            plural(len(papers), "paper")
            if everything
            else f"{self.paper_list.shown_count()} / {len(papers)} total",
        ]
        if query.similar_to is not None:
            like = library.get(query.similar_to)
            parts.append(f"like: {shorten(like.title, 40) if like else query.similar_to}")
        if query.digest is not None:
            parts.append(f"digest: {query.digest}")
        parts += [f"{len(papers) - read} unread", f"{starred} starred"]
        # The view and the order are said when they are not the usual ones (every paper, digest order).
        if query.view is not View.ALL:
            parts.append(f"view: {query.view.label}")
        searching = bool(parse(query.text).fuzzy.strip())
        if query.similar_to is not None:
            parts.append("sort: similarity")
        elif query.sort is not Sort.DIGEST or searching:
            parts.append(f"sort: {query.sort.label(searching)}")
        if self.readlist.settings.advance:
            parts.append("r/s advance")
        self.status.update(Content(" " + " · ".join(parts)), layout=False)  # one line, whatever it says

    # -- digests --------------------------------------------------------------------------------

    async def action_digests(self) -> None:
        """Show the digests panel and move to it; from the panel, hide it."""
        panel = self.digest_panel
        if panel is None:
            # Made the first time it is asked for: the first frame need not wait for a hidden panel.
            panel = self.digest_panel = DigestPanel(id="digests")
            await self.query_one("#main", Horizontal).mount(panel, before=self.paper_list)
        elif panel.display and panel.has_focus:
            panel.display = False
            self.paper_list.focus()
            return
        panel.display = True
        if self.readlist.digest_counts is None:
            panel.border_subtitle = "counting…"  # the rows come with the counts
        self.refresh_digests()
        panel.focus()

    def refresh_digests(self) -> None:
        """Put the latest read counts in the panel, when it shows."""
        counts = self.readlist.digest_counts
        if counts is not None and self.digest_panel is not None and self.digest_panel.display:
            self.digest_panel.set_rows(counts.rows(self.readlist.previous_visit))

    @on(DigestPanel.Picked)
    def digest_picked(self, message: DigestPanel.Picked) -> None:
        self.paper_list.focus()
        self.list_query = replace(self.list_query, digest=message.label)

    # -- views, sorting, similar papers, focus --------------------------------------------------

    def action_more_like_this(self) -> None:
        if self.readlist.similar is None:
            self.notify("Still indexing: try again in a moment.", markup=False)
            return
        self.list_query = replace(self.list_query, similar_to=self.paper.id)

    def action_view(self, name: str) -> None:
        self.list_query = replace(self.list_query, view=View(name))

    def action_cycle_view(self) -> None:
        i = VIEW_CYCLE.index(self.list_query.view) if self.list_query.view in VIEW_CYCLE else -1
        self.action_view(VIEW_CYCLE[(i + 1) % len(VIEW_CYCLE)].value)

    def action_cycle_sort(self) -> None:
        self.list_query = replace(
            self.list_query, sort=SORT_CYCLE[(SORT_CYCLE.index(self.list_query.sort) + 1) % len(SORT_CYCLE)]
        )

    def action_focus_filter(self) -> None:
        # At once (``focus()`` waits for the keys already queued): with / a priority key, the keys
        # after it go to the filter even when they arrive together (a paste, a slow SSH link).
        self.set_focus(self.filter_input)

    def action_toggle_select(self) -> None:
        self.paper_list.toggle_selected()
        self.refresh_status()

    def action_select_all(self) -> None:
        self.paper_list.select(set(self.paper_list.strong_rows))
        self.refresh_status()

    @property
    def targets(self) -> list[Paper]:
        """What an action acts on: the picked papers shown, else the one under the cursor."""
        picked = self.paper_list.picked
        if picked:
            return [self.readlist.library.papers[i] for i in picked]
        return [self.paper]

    def action_clear_filter(self) -> None:
        """Step back one layer: the picked papers, "more like this", the filter text, the digest."""
        query = self.list_query
        if self.paper_list.picked:
            self.paper_list.select(set())
            self.refresh_status()
            return
        if query.similar_to is not None:
            self.list_query = replace(query, similar_to=None)
        elif self.filter_input.value:
            self.filter_input.value = ""  # the Changed message clears the query's text
        elif query.digest is not None:
            self.list_query = replace(query, digest=None)
            if self.digest_panel is not None:
                self.digest_panel.highlighted = 0
        self.paper_list.focus()

    def action_results(self) -> None:
        """↓ in the filter: on to the papers it found."""
        self.paper_list.focus()

    def action_focus_detail(self) -> None:
        if self.paper_list.has_focus:
            self.detail.focus()
        else:
            self.paper_list.focus()

    # -- saved searches -----------------------------------------------------------------------

    def saved_search_commands(self) -> Iterable[SystemCommand]:
        """The palette's entries for saving the filter's search and for each saved one."""
        from readlist.core.saved import SavedSearches

        yield SystemCommand(
            "Save this search…",
            "Keep the filter's query under a name (readlist list --saved NAME uses it too)",
            self.ask_search_name,
        )
        try:
            saved = SavedSearches(self.readlist.library.folder, self.readlist.library.lock).all()
        except ReadlistError as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False)
            return
        for name, query in saved.items():
            yield SystemCommand(f"Search: {name}", f"Filter by {query}", partial(self.recall_search, query))

    def recall_search(self, query: str) -> None:
        self.filter_input.value = query
        self.set_focus(self.filter_input)

    def ask_search_name(self) -> None:
        from readlist.tui.screens.prompt import PromptScreen

        text = self.filter_input.value.strip()
        if not text:
            self.notify("Type a search in the filter first (/), then save it.", markup=False)
            return

        def save(name: str | None) -> None:
            if name is not None:
                self.save_search(name, text)

        self.app.push_screen(
            PromptScreen(f"Save the search {text}", "A name for it · Enter saves · Esc cancels"), save
        )

    def save_search(self, name: str, text: str) -> None:
        from readlist.core.saved import SavedSearches

        try:
            kept = SavedSearches(self.readlist.library.folder, self.readlist.library.lock).save(name, text)
        except ReadlistError as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False)
            return
        self.notify(f"Saved as {kept!r}: Ctrl+P, Search: {kept} brings it back.", markup=False)

    def action_help(self) -> None:
        from readlist.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())
