"""The main screen's triage actions: read, star, note, tags, mark all read, undo and redo.

Each change goes through ``ReadlistApp.change`` as one undo step; the app saves it and every
view of the paper catches up through its one "papers changed" path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from readlist.core.model import Paper
from readlist.core.text import clean_note, clean_tags, plural, shorten

if TYPE_CHECKING:
    from collections.abc import Callable

    from readlist.tui.app import ReadlistApp
    from readlist.tui.widgets.paper_list import PaperList


class TriageActions:
    """Mixed into the main screen, which provides ``readlist``, ``paper`` and ``paper_list``."""

    readlist: ReadlistApp
    paper: Paper
    targets: list[Paper]
    paper_list: PaperList
    draw_at_once: Callable[[], None]

    def action_toggle_read(self) -> None:
        self._toggle("read", ("marked read", "marked unread"))

    def action_toggle_star(self) -> None:
        self._toggle("starred", ("starred", "unstarred"))

    def _toggle(self, flag: str, says: tuple[str, str]) -> None:
        """Set ``flag`` on the papers acted on (off when all of them have it), as one step."""
        papers, library = self.targets, self.readlist.library
        on = not all(getattr(library.state_of(p.id), flag) for p in papers)
        what = shorten(papers[0].title) if len(papers) == 1 else plural(len(papers), "paper")
        self.readlist.change([p.id for p in papers], f"{says[0] if on else says[1]}: {what}", **{flag: on})
        if len(papers) > 1:
            self.readlist.notify(
                f"{(says[0] if on else says[1]).capitalize()}: {what} (u undoes).", markup=False
            )
        else:
            self._advance()

    def _advance(self) -> None:
        """With the advance setting on, r and s move on to the next paper, as in a triage from
        the top down."""
        if self.readlist.settings.advance:
            self.paper_list.action_cursor_down()
            self.draw_at_once()  # the mark and the move in one frame

    def action_toggle_advance(self) -> None:
        app = self.readlist
        app.settings.advance = not app.settings.advance
        try:
            app.settings.save(app.library.folder)
        except OSError as exc:
            app.notify(
                f"The setting holds until you quit, but could not be saved: {exc}",
                severity="warning",
                markup=False,
            )
        state = "on: r and s move on to the next paper" if app.settings.advance else "off"
        app.notify(f"Advance {state}.", markup=False)
        app.main.refresh_status()

    def action_edit_tags(self) -> None:
        from readlist.tui.screens.tags import TagsScreen

        papers, library = self.targets, self.readlist.library
        if len(papers) > 1:  # tags typed are added to each picked paper's own

            def add(text: str | None) -> None:
                if text is not None and clean_tags(text):
                    added = {
                        p.id: {"tags": [*library.state_of(p.id).tags, *clean_tags(text)]} for p in papers
                    }
                    if self.readlist.change_each(added, f"tags added: {plural(len(papers), 'paper')}"):
                        self.readlist.notify(
                            f"Tags {' '.join(clean_tags(text))} added to "
                            f"{plural(len(papers), 'paper')} (u undoes).",
                            markup=False,
                        )

            title = f"tags to add to the {len(papers)} picked papers"
            self.readlist.push_screen(TagsScreen("", title, (), library.state.tags()), add)
            return
        paper = papers[0]

        def save(text: str | None) -> None:
            if text is not None:
                self._save_tags(paper, text)

        screen = TagsScreen(paper.id, paper.title, library.state_of(paper.id).tags, library.state.tags())
        self.readlist.push_screen(screen, save)

    def _save_tags(self, paper: Paper, text: str) -> None:
        if self.readlist.change([paper.id], f"tags changed: {shorten(paper.title)}", tags=text) is not None:
            tags = self.readlist.library.state_of(paper.id).tags
            self.readlist.notify(f"Tags: {' '.join(tags)}" if tags else "Tags cleared.", markup=False)

    def action_edit_note(self) -> None:
        from readlist.tui.screens.note import NoteScreen

        paper = self.paper
        original = self.readlist.library.state_of(paper.id).note

        def save(text: str | None) -> None:
            if text is not None:
                self._save_note(paper, original, text)

        self.readlist.push_screen(NoteScreen(paper.id, paper.title, original), save)

    def _save_note(self, paper: Paper, original: str, text: str) -> None:
        """Store the editor's text; if the note changed elsewhere meanwhile, keep both."""
        app = self.readlist
        note = clean_note(text)
        stored = app.library.state_of(paper.id).note
        if stored not in (original, note) and stored.strip():
            note = f"{note}\n\n— saved elsewhere while this was being edited —\n{stored}"
            app.notify(
                "This note was also changed elsewhere: both versions are kept.",
                severity="warning",
                markup=False,
                timeout=8,
            )
        if note != stored:
            app.change([paper.id], f"note changed: {shorten(paper.title)}", note=note)
            app.notify("Note saved." if note else "Note cleared.", markup=False)

    def save_open_editors(self) -> None:
        """Quitting or a closing terminal must not lose the text still in a note or tag editor."""
        from readlist.tui.screens.note import NoteScreen
        from readlist.tui.screens.tags import TagsScreen

        app = self.readlist
        for screen in app.screen_stack:
            if isinstance(screen, NoteScreen | TagsScreen) and not screen.saved:
                screen.saved = True
                paper = app.library.get(screen.paper_id)
                if paper is None:
                    continue
                if isinstance(screen, NoteScreen):
                    self._save_note(paper, screen.note, screen.text)
                else:
                    self._save_tags(paper, screen.text)

    def action_mark_all_read(self) -> None:
        """Mark every paper the list shows as read (the strong matches: not those below the weaker-
        matches divider), after a confirm; one undo step."""
        from readlist.tui.screens.confirm import ConfirmScreen

        library = self.readlist.library
        ids = library.papers.ids
        shown = [ids[i] for i in self.paper_list.strong_rows]
        unread = [pid for pid in shown if not (library.state.record(pid) or {}).get("read")]
        left_out = self.paper_list.left_out()
        if not unread:
            done = "No strong matches to mark." if not shown else "Every paper shown is already read."
            self.readlist.notify(done + left_out, markup=False)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.readlist.change(unread, f"marked read: {plural(len(unread), 'shown paper')}", read=True)
                self.readlist.notify(f"Marked {plural(len(unread), 'paper')} read (u undoes).", markup=False)

        question = (
            f"Mark all {len(shown)} papers shown as read? {len(unread)} of them are unread now.{left_out}"
        )
        self.readlist.push_screen(ConfirmScreen(question), answer)

    def action_undo(self) -> None:
        step = self.readlist.undo()
        self.readlist.notify(f"Undone: {step.label}" if step else "Nothing to undo.", markup=False)

    def action_redo(self) -> None:
        step = self.readlist.redo()
        self.readlist.notify(f"Redone: {step.label}" if step else "Nothing to redo.", markup=False)
