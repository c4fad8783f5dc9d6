"""The readlist Textual app: a thin layer over ``readlist.core``.

Calls go down (the app asks the library to change state), messages come up
(widgets and worker threads post messages; workers never touch widgets).
"""

from __future__ import annotations

import asyncio
import signal
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from readlist.clipboard import system_copy
from readlist.core.backup import backup_daily
from readlist.core.library import ImportReport, Library
from readlist.core.links import is_safe_to_open
from readlist.core.model import Paper
from readlist.core.search import SearchIndex
from readlist.core.state import Saver
from readlist.core.text import clean_note, strip_controls
from readlist.core.views import View, select
from readlist.tui.actions import ACTIONS, bindings
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.note import NoteScreen
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList

VIEW_CYCLE = (View.ALL, View.UNREAD, View.STARRED, View.NOTES)
POLL_SECONDS = 1.0
DETAIL_DELAY = 0.03


class ReadlistApp(App[None]):
    CSS_PATH = Path(__file__).with_name("readlist.tcss")
    TITLE = "readlist"
    BINDINGS = bindings()

    class IndexReady(Message):
        def __init__(self, index: SearchIndex) -> None:
            super().__init__()
            self.index = index

    class SearchDone(Message):
        def __init__(self, query: str, view: View, rows: list[int], matched: frozenset[str], keep: str | None) -> None:
            super().__init__()
            self.query, self.view, self.rows, self.matched, self.keep = query, view, rows, matched, keep

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

    class ChangedElsewhere(Message):
        def __init__(self, ids: set[str]) -> None:
            super().__init__()
            self.ids = ids

    paper_list: PaperList
    detail: DetailPane
    filter_input: Input
    status: Static

    def __init__(
        self,
        library: Library,
        *,
        report: ImportReport | None = None,
        demo: bool = False,
        copy: Callable[[str], bool] = system_copy,
        browser: Callable[[str], bool] = webbrowser.open,
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
        self.view = View.ALL
        self.query_text = ""
        self.matched: frozenset[str] = frozenset()
        # The (query, view) the list shows right now; it lags while a search runs.
        self.shown: tuple[str, View] = ("", View.ALL)
        self.saver: Saver | None = None
        self.save_status = "saved"
        self._quit_despite_error = False
        self._detail_timer: Timer | None = None

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ filter: words, typos welcome (Esc clears)", id="filter")
        with Horizontal(id="main"):
            yield PaperList(self.library.papers, self.library.state_of, id="papers")
            yield DetailPane(id="detail")
        yield Static(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        # Kept, not queried: a worker's message can arrive while the app is tearing down.
        self.paper_list = self.query_one(PaperList)
        self.detail = self.query_one(DetailPane)
        self.filter_input = self.query_one("#filter", Input)
        self.status = self.query_one("#status", Static)
        self.sub_title = "demo library: changes vanish at exit" if self.demo else str(self.library.folder)
        self.paper_list.set_rows(list(self.library.order))
        self.paper_list.focus()
        self.saver = Saver(
            self.library.state,
            delay=self.save_delay,
            on_saved=lambda outside: self.post_message(self.Saved(outside)),
            on_error=lambda exc: self.post_message(self.SaveFailed(str(exc))),
        )
        self.build_index()
        if not self.demo:
            self.back_up()
        self.set_interval(POLL_SECONDS, self.poll_outside)
        self._install_signal_handlers()
        self.update_status()
        if self.report is not None:
            self._announce(self.report)

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
        problems = report.problems
        if problems:
            shown = "\n".join(strip_controls(p) for p in problems[:3])
            more = f"\n…and {len(problems) - 3} more" if len(problems) > 3 else ""
            self.notify(f"{summary}.\n{shown}{more}", title="Import problems", severity="warning", markup=False, timeout=10)
        else:
            self.notify(summary + ".", markup=False)

    # -- search and views -----------------------------------------------------

    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        library = self.library
        notes = library.state.notes()
        self.post_message(self.IndexReady(SearchIndex.open(library.cache / "index", library.papers, notes, library.order)))

    def on_readlist_app_index_ready(self, message: IndexReady) -> None:
        self.index = message.index
        if self.query_text.strip():
            self.refilter()

    def refilter(self, keep: str | None = None) -> None:
        """Recompute the shown rows for the current query and view, off the UI thread."""
        current = self.paper_list.current
        keep = keep or (current.id if current else None)
        if not self.query_text.strip() and self.view is View.ALL:
            self.paper_list.set_rows(list(self.library.order), keep=keep)
            self.matched = frozenset()
            self.shown = (self.query_text, self.view)
            self.update_status()
            return
        if self.query_text.strip() and self.index is None:
            self.update_status("indexing…")
            return
        self.run_search(self.query_text, self.view, keep)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, view: View, keep: str | None) -> None:
        worker = get_current_worker()
        papers = self.library.papers
        matched: frozenset[str] = frozenset()
        candidates: Iterable[int] = self.library.order
        if query.strip() and self.index is not None:
            result = self.index.search(query)
            candidates, matched = result.indices, result.matched
        if worker.is_cancelled:
            return
        rows = select(papers.ids, candidates, [view], self.library.state.record)
        if not worker.is_cancelled:
            self.post_message(self.SearchDone(query, view, rows, matched, keep))

    def on_readlist_app_search_done(self, message: SearchDone) -> None:
        if message.query != self.query_text or message.view is not self.view:
            return  # a newer keystroke or view switch is on its way
        self.matched = message.matched
        # With a query the best match goes first; otherwise keep the reader's place.
        keep = None if message.query.strip() else message.keep
        self.paper_list.set_rows(message.rows, message.matched, keep=keep)
        self.shown = (message.query, message.view)
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
        """Redraw the detail pane once the cursor rests: laying out an abstract costs more than
        a frame, and a reader holding j wants the list to keep up."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self.show_current)

    def show_current(self) -> None:
        self._detail_timer = None
        paper = self.paper_list.current
        state = self.library.state_of(paper.id) if paper else None
        self.detail.show(paper, state or self.library.state_of(""), self.matched, empty=not self.library.papers)

    # -- status ---------------------------------------------------------------

    def update_status(self, note: str | None = None) -> None:
        papers = self.library.papers
        read, starred = self.library.state.counts()
        parts = [
            f"{len(self.paper_list.rows)} shown / {len(papers)} total",
            f"{len(papers) - read} unread",
            f"{starred} starred",
            f"view: {self.view.label}",
        ]
        if self.query_text.strip():
            parts.append(f"filter: {self.query_text.strip()}")
        parts.append(note or self.save_status)
        self.status.update(Content(" " + "  ·  ".join(parts)))

    # -- state changes --------------------------------------------------------

    def _change(self, paper: Paper, **changes: object) -> None:
        self.library.state.update(paper.id, **changes)
        self.save_status = "saving…"
        if self.saver:
            self.saver.poke()
        self.paper_list.refresh_paper(paper.id)
        if self.paper_list.current is paper:
            self.show_current()
        self.update_status()

    def action_toggle_read(self) -> None:
        paper = self.paper_list.current
        if paper:
            self._change(paper, read=not self.library.state_of(paper.id).read)

    def action_toggle_star(self) -> None:
        paper = self.paper_list.current
        if paper:
            self._change(paper, starred=not self.library.state_of(paper.id).starred)

    def action_edit_note(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return

        original = self.library.state_of(paper.id).note

        def save(text: str | None) -> None:
            if text is not None:
                self._save_note(paper, original, text)

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
            self._change(paper, note=note)
            if self.index is not None:
                self.index.set_note(paper.id, note)
            self.notify("Note saved." if note else "Note cleared.", markup=False)

    def _save_open_editors(self) -> None:
        """Quitting or a closing terminal must not lose the text still in a note editor."""
        for screen in self.screen_stack:
            if isinstance(screen, NoteScreen) and not screen.saved:
                screen.saved = True
                paper = self.library.get(screen.paper_id)
                if paper is not None:
                    self._save_note(paper, screen.note, screen.text)

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
        if self.index is not None:
            for pid in ids:
                self.index.set_note(pid, self.library.state_of(pid).note)
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
        self.notify(f"Copied {what} {how}:\n{text}", markup=False)

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

    def action_cycle_view(self) -> None:
        i = VIEW_CYCLE.index(self.view) if self.view in VIEW_CYCLE else -1
        self.action_view(VIEW_CYCLE[(i + 1) % len(VIEW_CYCLE)].value)

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_clear_filter(self) -> None:
        if self.filter_input.value:
            self.filter_input.value = ""
        self.paper_list.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_detail":  # Tab belongs to the editor and dialogs when they are open
            return not isinstance(self.screen, ModalScreen)
        return True

    def action_focus_detail(self) -> None:
        if self.paper_list.has_focus:
            self.detail.focus()
        else:
            self.paper_list.focus()

    def action_help(self) -> None:
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


def make_app(library: Library, **kwargs: object) -> ReadlistApp:
    """The one factory the CLI, the tests and the screenshot script share."""
    return ReadlistApp(library, **kwargs)  # type: ignore[arg-type]


def run(library: Library, *, report: ImportReport | None = None, demo: bool = False) -> None:
    make_app(library, report=report, demo=demo).run()
