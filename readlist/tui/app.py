"""The readlist Textual app: a thin layer over ``readlist.core``.

Calls go down (the app asks the library to change state), messages come up
(widgets and worker threads post messages; workers never touch widgets).
Screens, search and backups are imported where first used: the first frame
waits for every module imported up front.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from readlist.clipboard import system_copy
from readlist.core.library import ImportReport, Library
from readlist.core.links import is_safe_to_open
from readlist.core.model import Paper
from readlist.core.query import needs_index, parse
from readlist.core.state import Saver
from readlist.core.storage import write_atomic
from readlist.core.text import clean_note, strip_controls
from readlist.core.undo import Step
from readlist.core.views import Sort, View

if TYPE_CHECKING:
    from readlist.core.digests import DigestCounts
    from readlist.core.search import SearchIndex
    from readlist.core.selection import Columns
    from readlist.core.similar import MoreLikeThis
from readlist.tui.actions import ACTIONS, bindings
from readlist.tui.widgets.detail import NOTHING_MATCHES, DetailPane
from readlist.tui.widgets.digests import DigestPanel
from readlist.tui.widgets.key_bar import KeyBar
from readlist.tui.widgets.paper_list import PaperList

VIEW_CYCLE = (View.ALL, View.UNREAD, View.STARRED, View.NOTES)
SORT_CYCLE = tuple(Sort)
# What decides the list's rows: query text, view, sort, picked digest, "more like" paper id.
ListKey = tuple[str, View, Sort, str | None, str | None]
NO_SIMILAR = "No other paper shares enough distinctive words with this one. Esc returns to the list."
POLL_SECONDS = 1.0
NOTES_ONE_BY_ONE = 50  # more changed notes than this: rebuild the note index once
DETAIL_DELAY = 0.03


class ReadlistApp(App[None]):
    CSS_PATH = Path(__file__).with_name("readlist.tcss")
    # Keys pressed while the app starts go to the list, not to the first focusable widget (the filter).
    AUTO_FOCUS = "#papers"
    TITLE = "readlist"
    BINDINGS = bindings()

    class IndexReady(Message):
        def __init__(self, index: SearchIndex, similar: MoreLikeThis) -> None:
            super().__init__()
            self.index, self.similar = index, similar

    class DigestsCounted(Message):
        def __init__(self, counts: DigestCounts, previous_visit: float | None) -> None:
            super().__init__()
            self.counts, self.previous_visit = counts, previous_visit

    class SearchDone(Message):
        def __init__(self, key: ListKey, rows: list[int], matched: frozenset[str], hints: list[str],
                     keep: str | None, strong: int | None = None) -> None:
            super().__init__()
            self.key, self.rows, self.matched, self.hints, self.keep = key, rows, matched, hints, keep
            self.strong = strong  # rows after the first ``strong`` are weaker matches

    class Saved(Message):
        def __init__(self, outside: set[str]) -> None:
            super().__init__()
            self.outside = outside

    class SaveFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class BrowserDone(Message):
        def __init__(self, url: str, opened: bool) -> None:
            super().__init__()
            self.url, self.opened = url, opened

    class Exported(Message):
        def __init__(self, text: str, ok: bool) -> None:
            super().__init__()
            self.text, self.ok = text, ok

    class ChangedElsewhere(Message):
        def __init__(self, ids: set[str]) -> None:
            super().__init__()
            self.ids = ids

    paper_list: PaperList
    detail: DetailPane
    digest_panel: DigestPanel | None  # mounted when first asked for
    filter_input: Input
    hint: Static
    status: Static

    def __init__(
        self,
        library: Library,
        *,
        report: ImportReport | None = None,
        demo: bool = False,
        copy: Callable[[str], bool] = system_copy,
        browser: Callable[[str], bool] | None = None,  # None: the system's web browser
        save_delay: float = 0.2,
    ) -> None:
        super().__init__()
        self.library = library
        self.report = report
        self.demo = demo
        self.system_copy = copy
        self.browser = browser
        self.save_delay = save_delay
        self.index: SearchIndex | None = None
        self.columns: Columns | None = None  # made by the first search: it needs numpy
        self.view = View.ALL
        self.sort = Sort.DIGEST
        self.digest: str | None = None
        self.similar_to: str | None = None
        self.similar: MoreLikeThis | None = None
        self.digest_counts: DigestCounts | None = None
        self.previous_visit: float | None = None
        # Papers changed before the index or the digest counts were ready, to catch up on.
        self._unindexed: set[str] = set()
        self._uncounted: set[str] = set()
        self.query_text = ""
        self.matched: frozenset[str] = frozenset()
        # What the list shows right now; it lags behind ``list_key`` while a search runs.
        self.shown: ListKey = ("", View.ALL, Sort.DIGEST, None, None)
        self.saver: Saver | None = None
        self.save_status = "saved"
        self._quit_despite_error = False
        self._detail_timer: Timer | None = None  # runs while the cursor moves
        self._detail_behind = False  # the detail pane shows a paper the cursor has left

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # select_on_focus off: coming back with / adds to the query instead of replacing it.
        yield Input(placeholder='/ filter: words (typos welcome), is:unread tag:NAME "a phrase" -word  (Esc clears)',
                    id="filter", select_on_focus=False)
        yield Static(id="hint", markup=False)
        with Horizontal(id="main"):
            yield PaperList(self.library.papers, self.library.state_of, list(self.library.order), id="papers")
            yield DetailPane(id="detail")
        yield Static(id="status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        keep_for_good()  # the modules, the library and the widgets
        # Kept, not queried: a worker's message can arrive while the app is tearing down.
        self.paper_list = self.query_one(PaperList)
        self.detail = self.query_one(DetailPane)
        self.filter_input = self.query_one("#filter", Input)
        self.hint = self.query_one("#hint", Static)
        self.digest_panel = None
        self.status = self.query_one("#status", Static)
        self.sub_title = "demo library: changes vanish at exit" if self.demo else str(self.library.folder)
        self.paper_list.focus()
        self.saver = Saver(
            self.library,
            delay=self.save_delay,
            on_saved=lambda outside: self.post_message(self.Saved(outside)),
            on_error=lambda exc: self.post_message(self.SaveFailed(str(exc))),
        )
        self._install_signal_handlers()
        self.show_current()
        self.update_status()
        if self.report is not None:
            self._announce(self.report)
        self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        """Indexing, backups and polling start once the first frame is up: their threads
        would otherwise compete with it for the interpreter."""
        self.build_index()
        self.count_digests()
        if not self.demo:
            self.back_up()
        self.set_interval(POLL_SECONDS, self.poll_outside)

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            try:
                loop.add_signal_handler(signum, self._save_and_exit)
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    def _save_and_exit(self) -> None:
        self._save_open_editors()
        self._stop_saver()
        self.exit()

    def _announce(self, report: ImportReport) -> None:
        summary = f"Imported {len(report.files)} file(s): {report.new} new, {report.known} already known"
        problems = report.problems + report.warnings
        if problems:
            shown = "\n".join(strip_controls(p) for p in problems[:3])
            more = f"\n…and {len(problems) - 3} more" if len(problems) > 3 else ""
            self.notify(f"{summary}.\n{shown}{more}", title="Import problems", severity="warning", markup=False, timeout=10)
        else:
            self.notify(summary + ".", markup=False)

    # -- search and views -----------------------------------------------------

    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        from readlist.core.search import SearchIndex
        from readlist.core.similar import MoreLikeThis

        library = self.library
        index = SearchIndex.open(library.cache / "index", library.papers, library.state.notes(), library.order)
        similar = MoreLikeThis(index)
        similar.prepare()
        self.post_message(self.IndexReady(index, similar))

    def on_readlist_app_index_ready(self, message: IndexReady) -> None:
        self.index, self.similar = message.index, message.similar
        keep_for_good()
        # Notes and tags written while the index was being built.
        self.reindex_notes(self._unindexed)
        self._unindexed = set()
        if self.list_key != self.shown:
            self.refilter()

    def reindex_notes(self, pids: Collection[str]) -> None:
        """Make the search see these papers' current notes and tags."""
        if self.index is None:
            self._unindexed.update(pids)
        elif len(pids) > NOTES_ONE_BY_ONE:  # one rebuild, not one per paper
            self.index.set_notes(self.library.state.notes())
        else:
            for pid in pids:
                self.index.set_note(pid, self.library.state.search_text(pid))

    @work(thread=True, group="digests")
    def count_digests(self) -> None:
        """Read progress per digest, and which digests came since the last visit."""
        from readlist.core.digests import DigestCounts
        from readlist.core.visits import Visits

        previous = Visits(self.library.folder).begin()
        self.post_message(self.DigestsCounted(DigestCounts(self.library), previous))

    def on_readlist_app_digests_counted(self, message: DigestsCounted) -> None:
        self.digest_counts, self.previous_visit = message.counts, message.previous_visit
        self.refresh_digests(self._uncounted)  # read marks changed while counting
        self._uncounted = set()
        new = sum(row.new for row in message.counts.rows(message.previous_visit))
        if new and message.previous_visit is not None:
            noun = "digest" if new == 1 else "digests"
            self.notify(f"{new} new {noun} since your last visit: d shows the digests.", markup=False)

    def refresh_digests(self, pids: Iterable[str] = ()) -> None:
        """Bring the panel's read counts up to date (after read marks changed for ``pids``)."""
        if self.digest_counts is None:
            self._uncounted.update(pids)
            return
        self.digest_counts.update(pids)
        if self.digest_panel is not None and self.digest_panel.display:
            self.digest_panel.set_rows(self.digest_counts.rows(self.previous_visit))

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
        if self.digest_counts is None:
            panel.border_subtitle = "counting…"  # the rows come with the counts
        self.refresh_digests()
        panel.focus()

    @on(DigestPanel.Picked)
    def digest_picked(self, message: DigestPanel.Picked) -> None:
        self.digest = message.label
        self.paper_list.focus()
        self.update_status()
        self.refilter()

    def action_more_like_this(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        if self.similar is None:
            self.notify("Still indexing: try again in a moment.", markup=False)
            return
        self.similar_to = paper.id
        self.update_status()
        self.refilter()

    @property
    def list_key(self) -> ListKey:
        return (self.query_text, self.view, self.sort, self.digest, self.similar_to)

    def refilter(self, keep: str | None = None) -> None:
        """Recompute the shown rows for the current query, view, sort and digest, off the UI thread."""
        current = self.paper_list.current
        keep = keep or (current.id if current else None)
        key = self.list_key
        if not self.query_text.strip() and key[1:] == (View.ALL, Sort.DIGEST, None, None):
            self._show_rows(key, list(self.library.order), frozenset(), [], keep)
            return
        if self.index is None and needs_index(parse(self.query_text)):
            self.update_status("indexing…")
            return
        self.run_search(key, keep)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, key: ListKey, keep: str | None) -> None:
        from readlist.core.selection import Columns, select_papers  # numpy: loaded after the first frame

        worker = get_current_worker()
        query, view, sort, digest, similar_to = key
        if similar_to is not None and self.similar is not None:
            # More like this looks at the whole library, whatever the filter, view or digest.
            rows = self.similar.find(self.library.by_id.index[similar_to])
            self.post_message(self.SearchDone(key, rows, frozenset(), [], keep))
            return
        if self.columns is None:
            self.columns = Columns(self.library)
        selection = select_papers(self.library, query, index=self.index, columns=self.columns, views=[view],
                                  sort=sort, digest=digest)
        if not worker.is_cancelled:
            self.post_message(self.SearchDone(key, selection.indices, selection.matched, selection.hints, keep,
                                              selection.strong))

    def on_readlist_app_search_done(self, message: SearchDone) -> None:
        if message.key != self.list_key:
            return  # a newer keystroke or view switch is on its way
        # With a query the best match goes first; otherwise keep the reader's place.
        keep = None if message.key[0].strip() or message.key[4] else message.keep
        self._show_rows(message.key, message.rows, message.matched, message.hints, keep, message.strong)

    def _show_rows(self, key: ListKey, rows: list[int], matched: frozenset[str], hints: list[str],
                   keep: str | None, strong: int | None = None) -> None:
        self.matched = matched
        self.paper_list.set_rows(rows, matched, keep=keep, strong=strong)
        self.shown = key
        self.hint.display = bool(hints)
        self.hint.update(Content("  ".join(dict.fromkeys(hints))))
        self.update_status()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refilter()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.paper_list.focus()

    @on(PaperList.Highlighted)
    def cursor_moved(self) -> None:
        """Show the paper under the cursor at once when the cursor was resting, else once it rests
        again: laying out an abstract costs more than a frame, and a reader holding j wants the
        list to keep up."""
        if self._detail_timer is None:
            self.show_current()
        else:
            self._detail_timer.stop()
            self._detail_behind = True
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._cursor_rested)

    def _cursor_rested(self) -> None:
        self._detail_timer = None
        if self._detail_behind:
            self._detail_behind = False
            self.show_current()

    def show_current(self) -> None:
        paper = self.paper_list.current
        state = self.library.state_of(paper.id) if paper else None
        why = NO_SIMILAR if self.shown[4] is not None else NOTHING_MATCHES
        self.detail.show(paper, state or self.library.state_of(""), self.matched, empty=not self.library.papers,
                         why_empty=why)

    # -- status ---------------------------------------------------------------

    def update_status(self, note: str | None = None) -> None:
        papers = self.library.papers
        read, starred = self.library.state.counts()
        # Most important first: a narrow terminal cuts the end. The filter bar shows the query.
        parts = [
            note or self.save_status,
            _shown(self.paper_list) + f" / {len(papers)} total",
            f"{len(papers) - read} unread",
            f"{starred} starred",
            f"view: {self.view.label}",
        ]
        if self.similar_to is not None:
            like = self.library.get(self.similar_to)
            parts += ["sort: similarity", f"like: {_short(like.title, 40) if like else self.similar_to}"]
        else:
            parts.append(f"sort: {self.sort.label(bool(parse(self.query_text).fuzzy.strip()))}")
        if self.digest is not None:
            parts.append(f"digest: {self.digest}")
        self.status.update(Content(" " + " · ".join(parts)))

    # -- state changes --------------------------------------------------------

    def _change(self, pids: Collection[str], label: str, **changes: object) -> Step | None:
        """Change state as one undo step, and show it."""
        step = self.library.change(pids, label, **changes)
        if step is not None:
            self._after_change(step)
        return step

    def _after_change(self, step: Step) -> None:
        self.save_status = "saving…"
        if self.saver:
            self.saver.poke()
        pids = step.after.keys()
        if any("note" in f or "tags" in f for f in step.after.values()):
            self.reindex_notes(pids)
        if any("read" in f for f in step.after.values()):
            self.refresh_digests(pids)
        if len(pids) == 1:
            self.paper_list.refresh_paper(next(iter(pids)))
        else:
            self.paper_list.refresh()
        current = self.paper_list.current
        if current is not None and current.id in pids:
            self.show_current()
        self.update_status()

    def action_toggle_read(self) -> None:
        paper = self.paper_list.current
        if paper:
            read = not self.library.state_of(paper.id).read
            self._change([paper.id], f"marked {'read' if read else 'unread'}: {_short(paper.title)}", read=read)

    def action_toggle_star(self) -> None:
        paper = self.paper_list.current
        if paper:
            starred = not self.library.state_of(paper.id).starred
            self._change([paper.id], f"{'starred' if starred else 'unstarred'}: {_short(paper.title)}",
                         starred=starred)

    def action_edit_tags(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return

        def save(text: str | None) -> None:
            if text is not None:
                self._save_tags(paper, text)

        from readlist.tui.screens.tags import TagsScreen

        tags = self.library.state_of(paper.id).tags
        self.push_screen(TagsScreen(paper.id, paper.title, tags, self.library.state.tags()), save)

    def _save_tags(self, paper: Paper, text: str) -> None:
        if self._change([paper.id], f"tags of {_short(paper.title)}", tags=text) is not None:
            tags = self.library.state_of(paper.id).tags
            self.notify(f"Tags: {' '.join(tags)}" if tags else "Tags cleared.", markup=False)

    def action_mark_all_read(self) -> None:
        """Mark every paper the list shows as read (the strong matches: not those below the weaker-
        matches divider), after a confirm; one undo step."""
        ids = self.library.papers.ids
        shown = [ids[i] for i in self.paper_list.strong_rows]
        unread = [pid for pid in shown if not (self.library.state.record(pid) or {}).get("read")]
        if not unread:
            done = "No strong matches to mark." if not shown else "Every paper shown is already read."
            self.notify(done + _left_out(self.paper_list), markup=False)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._change(unread, f"marked {len(unread)} shown papers read", read=True)
                self.notify(f"Marked {len(unread)} papers read (u undoes).", markup=False)

        from readlist.tui.screens.confirm import ConfirmScreen

        question = f"Mark all {len(shown)} papers shown as read? {len(unread)} of them are unread now."
        question += _left_out(self.paper_list)
        self.push_screen(ConfirmScreen(question), answer)

    def action_undo(self) -> None:
        self._step_back_or_forth(undo=True)

    def action_redo(self) -> None:
        self._step_back_or_forth(undo=False)

    def _step_back_or_forth(self, undo: bool) -> None:
        step = self.library.undo() if undo else self.library.redo()
        if step is None:
            self.notify(f"Nothing to {'undo' if undo else 'redo'}.", markup=False)
            return
        self._after_change(step)
        self.notify(f"{'Undone' if undo else 'Redone'}: {step.label}", markup=False)

    def action_edit_note(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return

        original = self.library.state_of(paper.id).note

        def save(text: str | None) -> None:
            if text is not None:
                self._save_note(paper, original, text)

        from readlist.tui.screens.note import NoteScreen

        self.push_screen(NoteScreen(paper.id, paper.title, original), save)

    def _save_note(self, paper: Paper, original: str, text: str) -> None:
        """Store the editor's text; if the note changed elsewhere meanwhile, keep both."""
        note = clean_note(text)
        stored = self.library.state_of(paper.id).note
        if stored not in (original, note) and stored.strip():
            note = f"{note}\n\n— saved elsewhere while this was being edited —\n{stored}"
            self.notify("This note was also changed elsewhere: both versions are kept.", severity="warning",
                        markup=False, timeout=8)
        if note != stored:
            self._change([paper.id], f"note of {_short(paper.title)}", note=note)
            self.notify("Note saved." if note else "Note cleared.", markup=False)

    def _save_open_editors(self) -> None:
        """Quitting or a closing terminal must not lose the text still in a note or tag editor."""
        from readlist.tui.screens.note import NoteScreen
        from readlist.tui.screens.tags import TagsScreen

        for screen in self.screen_stack:
            if isinstance(screen, NoteScreen | TagsScreen) and not screen.saved:
                screen.saved = True
                paper = self.library.get(screen.paper_id)
                if paper is None:
                    continue
                if isinstance(screen, NoteScreen):
                    self._save_note(paper, screen.note, screen.text)
                else:
                    self._save_tags(paper, screen.text)

    def on_readlist_app_saved(self, message: Saved) -> None:
        if not self.library.state.dirty:
            self.save_status = "saved"
        if message.outside:
            self._changed_elsewhere(message.outside)
        self.update_status()

    def on_readlist_app_save_failed(self, message: SaveFailed) -> None:
        self.save_status = "NOT SAVED (retrying)"
        self.notify(f"Could not save: {message.error}. Retrying; nothing is lost while readlist runs.",
                    severity="error", markup=False, timeout=8)
        self.update_status()

    @work(thread=True, group="backup")
    def back_up(self) -> None:
        """Today's backup, taken off the UI thread: at 100k papers it reads 190 MB."""
        from readlist.core.backup import backup_daily

        try:
            backup_daily(self.library.folder)
        except OSError as exc:
            self.post_message(self.SaveFailed(f"backup failed: {exc}"))

    @work(thread=True, exclusive=True, group="poll")
    def poll_outside(self) -> None:
        changed = self.library.state.refresh()
        if changed:
            self.post_message(self.ChangedElsewhere(changed))

    def on_readlist_app_changed_elsewhere(self, message: ChangedElsewhere) -> None:
        self._changed_elsewhere(message.ids)

    def _changed_elsewhere(self, ids: set[str]) -> None:
        for pid in ids:
            self.paper_list.refresh_paper(pid)
        self.reindex_notes(ids)
        self.refresh_digests(ids)
        current = self.paper_list.current
        if current and current.id in ids:
            self.show_current()
        self.update_status()

    # -- links ----------------------------------------------------------------

    def _copy(self, text: str, what: str) -> None:
        text = strip_controls(text)
        if self.system_copy(text):
            how = "to the clipboard"
        else:
            self.copy_to_clipboard(text)
            how = "via the terminal (OSC 52)"
        first, _, rest = text.partition("\n")
        self.notify(f"Copied {what} {how}:\n{first}{' …' if rest else ''}", markup=False)

    def action_copy_link(self) -> None:
        paper = self.paper_list.current
        if paper:
            self._copy(paper.url, "paper link")

    def action_copy_code_link(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        links = paper.links
        if links:
            self._copy(links[0], "code/project link")
        else:
            self.notify("This abstract has no code or project link.", severity="warning", markup=False)

    def action_copy_markdown(self) -> None:
        paper = self.paper_list.current
        if paper:
            from readlist.core.export import paper_markdown

            self._copy(paper_markdown(paper, self.library.state_of(paper.id)), "the paper as Markdown")

    def action_copy_bibtex(self) -> None:
        paper = self.paper_list.current
        if paper:
            from readlist.core.export import paper_bibtex

            self._copy(paper_bibtex(paper, self.library.state_of(paper.id)), "the paper as BibTeX")

    def action_export(self) -> None:
        from readlist.tui.screens.export import ExportScreen

        rows = list(self.paper_list.strong_rows)
        if not rows:
            self.notify("No papers shown: nothing to export.", severity="warning", markup=False)
            return

        def chosen(answer: tuple[str, Path] | None) -> None:
            if answer is not None:
                self.write_export(rows, *answer)

        self.push_screen(ExportScreen(len(rows), left_out=_weaker(self.paper_list)), chosen)

    @work(thread=True, group="export")
    def write_export(self, rows: list[int], fmt: str, path: Path) -> None:
        try:
            text, count = self.library.export(rows, fmt)
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            self.post_message(self.Exported(f"Could not write {path}: {exc.strerror or exc}", ok=False))
            return
        noun = "paper" if count == 1 else "papers"
        self.post_message(self.Exported(f"Exported {count} {noun} as {fmt} to {path}", ok=True))

    def on_readlist_app_exported(self, message: Exported) -> None:
        self.notify(strip_controls(message.text), severity="information" if message.ok else "error", markup=False)

    def action_open_link(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        url = paper.url
        if not is_safe_to_open(url):
            self.notify("Not opening that link: only http(s) links open.", severity="error", markup=False)
            return
        self.open_in_browser(url)

    @work(thread=True, group="browser")
    def open_in_browser(self, url: str) -> None:
        if self.browser is None:
            import webbrowser

            self.browser = webbrowser.open
        opened = self.browser(url)
        self.post_message(self.BrowserDone(url, opened))

    def on_readlist_app_browser_done(self, message: BrowserDone) -> None:
        if message.opened:
            self.notify(f"Opened in the browser:\n{message.url}", markup=False)
        else:
            self._copy(message.url, "paper link (no browser here)")

    # -- views, focus, help, quit ---------------------------------------------

    def action_view(self, name: str) -> None:
        self.view = View(name)
        self.update_status()
        self.refilter()

    def action_cycle_sort(self) -> None:
        self.sort = SORT_CYCLE[(SORT_CYCLE.index(self.sort) + 1) % len(SORT_CYCLE)]
        self.update_status()
        self.refilter()

    def action_cycle_view(self) -> None:
        i = VIEW_CYCLE.index(self.view) if self.view in VIEW_CYCLE else -1
        self.action_view(VIEW_CYCLE[(i + 1) % len(VIEW_CYCLE)].value)

    def action_focus_filter(self) -> None:
        # At once (``focus()`` waits for the keys already queued): with / a priority key, the keys
        # after it go to the filter even when they arrive together (a paste, a slow SSH link).
        self.set_focus(self.filter_input)

    def action_clear_filter(self) -> None:
        """Step back one layer: "more like this", then the filter text, then the picked digest."""
        if self.similar_to is not None:
            self.similar_to = None
        elif self.filter_input.value:
            self.filter_input.value = ""
        elif self.digest is not None:
            self.digest = None
            if self.digest_panel is not None:
                self.digest_panel.highlighted = 0
        self.paper_list.focus()
        self.update_status()
        self.refilter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Tab and / are priority keys (seen before the focused widget gets them), so they belong
        # to the editor and dialogs when those are open, and / to the filter once it has focus.
        if action == "focus_detail":
            return not isinstance(self.screen, ModalScreen)
        if action == "focus_filter":
            return not isinstance(self.screen, ModalScreen) and not self.filter_input.has_focus
        return True

    def action_focus_detail(self) -> None:
        if self.paper_list.has_focus:
            self.detail.focus()
        else:
            self.paper_list.focus()

    def action_help(self) -> None:
        from readlist.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def _stop_saver(self) -> None:
        if self.saver is not None:
            self.saver.stop()
            self.saver = None

    async def action_quit(self) -> None:
        self._save_open_editors()
        try:
            self._stop_saver()
        except Exception as exc:  # disk full, lost folder: say so, keep the changes in memory
            if not self._quit_despite_error:
                self._quit_despite_error = True
                self.notify(f"Could not save before quitting: {exc}. Press q again to quit anyway.",
                            severity="error", markup=False, timeout=15)
                return
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own screenshot command writes into the current folder; readlist has its own script.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Screenshot")
        yield from self.readlist_commands()

    def readlist_commands(self) -> Iterable[SystemCommand]:
        """The palette entries for readlist's own actions, from the same registry as the keys."""
        for action in ACTIONS:
            if action.palette:
                yield SystemCommand(action.label + f"  ({action.shown_keys})", action.help,
                                    getattr(self, f"action_{action.name}"))
        for view in VIEW_CYCLE:
            yield SystemCommand(f"View: {view.label}", f"Show {view.label.lower()} papers",
                                lambda v=view: self.action_view(v.value))


def keep_for_good() -> None:
    """Take what is alive now out of the cyclic garbage collector's reach; called when what is
    loaded will live as long as the app. At 100k papers the library's columns and the search
    index hold millions of references: a full collection walking them locks the interpreter for
    60 ms, every few seconds while the reader types. Objects made later are collected as usual."""
    gc.freeze()


def _short(title: str, width: int = 50) -> str:
    """A title cut to fit a one-line notification."""
    title = strip_controls(title)
    return title if len(title) <= width else title[: width - 1] + "…"


def _weaker(paper_list: PaperList) -> int:
    return len(paper_list.rows) - paper_list.strong_count


def _shown(paper_list: PaperList) -> str:
    """How many papers the list shows: ``12 shown``, or ``12 shown + 30 weaker``."""
    weaker = _weaker(paper_list)
    return f"{paper_list.strong_count} shown" + (f" + {weaker} weaker" if weaker else "")


def _left_out(paper_list: PaperList) -> str:
    """What a bulk action leaves out: the papers below the weaker-matches divider."""
    weaker = _weaker(paper_list)
    noun = "match" if weaker == 1 else "matches"
    return f" The {weaker} weaker {noun} below the divider are left alone." if weaker else ""


def make_app(library: Library, **kwargs: object) -> ReadlistApp:
    """The one factory the CLI, the tests and the screenshot script share."""
    return ReadlistApp(library, **kwargs)  # type: ignore[arg-type]


def run(library: Library, *, report: ImportReport | None = None, demo: bool = False) -> None:
    make_app(library, report=report, demo=demo).run()
