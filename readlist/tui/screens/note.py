"""The note editor. Whatever way it closes, the typed text is kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from readlist.tui.widgets.key_bar import KeyBar


class NoteScreen(ModalScreen[str | None]):
    """Edit one paper's note; dismisses with the text (Esc and Ctrl+S both save), or None when
    the changes are discarded (Ctrl+G)."""

    BINDINGS = [
        Binding("escape", "save", "Save & close", priority=True, key_display="Esc"),
        Binding("ctrl+s", "save", "Save & close", priority=True, show=False),
        Binding("ctrl+g", "discard", "Discard changes", priority=True),
    ]

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical {
        width: 90%; max-width: 110; height: 70%;
        border: round $success; background: $panel; padding: 0 1;
    }
    NoteScreen #note-title { text-style: bold; padding: 0 0 1 0; }
    NoteScreen TextArea { height: 1fr; }
    NoteScreen #note-hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, paper_id: str, title: str, note: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper_title = title
        self.note = note
        self.saved = False

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Note · ") + Content(self.paper_title), id="note-title", markup=False)
            yield TextArea(
                self.note, id="note-text", soft_wrap=True, show_line_numbers=False, tab_behavior="indent"
            )
            yield Static(
                "Esc or Ctrl+S saves and closes · Ctrl+G closes without saving", id="note-hint", markup=False
            )
        yield KeyBar()

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        if not self.saved:
            self.saved = True
            self.dismiss(self.text)

    def action_discard(self) -> None:
        if not self.saved:
            self.saved = True  # nothing to keep, even when the terminal closes now
            self.dismiss(None)
