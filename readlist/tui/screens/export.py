"""Export the papers shown: pick a format and a file, Enter writes it.

The dialog writes the file itself (in a worker) and closes only once it is written: a file that
cannot be written leaves the dialog open with the reason and the name as typed, to fix and retry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from readlist.core.export import EXTENSIONS, FORMATS
from readlist.core.library import Library
from readlist.core.storage import write_atomic
from readlist.core.text import one_line, plural
from readlist.tui.widgets.key_bar import KeyBar

LABELS = {
    "markdown": "Markdown reading notes",
    "bibtex": "BibTeX",
    "ris": "RIS (Zotero, Mendeley, EndNote)",
    "csv": "CSV",
    "json": "JSON (re-importable)",
}
SUFFIX = {fmt: ext for ext, fmt in reversed(list(EXTENSIONS.items()))}
HINT = "↑↓ picks the format · Enter writes the file · Esc cancels"


def default_path(fmt: str, today: dt.date | None = None) -> str:
    day = (today or dt.date.today()).isoformat()
    return f"~/readlist-{day}{SUFFIX[fmt]}"


class ExportScreen(ModalScreen[str | None]):
    """Dismisses with what was written (``Exported 3 papers as bibtex to …``), or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("enter", "write", "Write", show=True, key_display="Enter"),
        Binding("up", "pick(-1)", "Previous format", show=False),
        Binding("down", "pick(1)", "Next format", show=False),
    ]

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 80%; max-width: 80; height: auto;
        border: round $accent; background: $panel; padding: 0 1;
    }
    ExportScreen #export-title { text-style: bold; padding-bottom: 1; }
    ExportScreen RadioSet { width: 100%; margin-bottom: 1; }
    ExportScreen #export-hint { color: $text-muted; padding-top: 1; }
    ExportScreen #export-hint.-problem { color: $text-error; }
    """

    @dataclass
    class Written(Message):
        text: str
        error: str | None

    def __init__(
        self,
        library: Library,
        rows: list[int],
        fmt: str = "markdown",
        left_out: int = 0,
        picked: bool = False,
    ) -> None:
        super().__init__()
        self.library = library
        self.rows = rows
        self.left_out = left_out  # weaker matches of a search, below the list's divider
        self.picked = picked  # the rows are the papers picked, not all those shown
        self.fmt = fmt
        self.replace_ok: Path | None = None
        self.writing = False

    def compose(self) -> ComposeResult:
        with Vertical():
            title = f"Export the {plural(len(self.rows), 'paper')} {'picked' if self.picked else 'shown'}"
            if self.left_out:
                title += f" (not the {plural(self.left_out, 'weaker match')})"
            yield Static(title, id="export-title", markup=False)
            # Not focusable: ↑↓ in the file name pick the format (a click does too), so Tab cannot
            # leave the name for a list where typing and Enter do nothing.
            formats = RadioSet(id="export-format")
            formats.can_focus = False
            with formats:
                for fmt in FORMATS:
                    yield RadioButton(
                        Content(LABELS[fmt]), value=fmt == self.fmt, name=fmt, id=f"format-{fmt}"
                    )
            yield Input(default_path(self.fmt), id="export-path")
            yield Static(HINT, id="export-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def path_input(self) -> Input:
        return self.query_one("#export-path", Input)

    def action_pick(self, step: int) -> None:
        """↑↓ in the file name field pick the format."""
        self._pick(FORMATS[(FORMATS.index(self.fmt) + step) % len(FORMATS)])

    def _pick(self, fmt: str) -> None:
        self.query_one(f"#format-{fmt}", RadioButton).value = True

    @on(RadioSet.Changed)
    def format_changed(self, event: RadioSet.Changed) -> None:
        """A format picked: the file's extension follows, the cursor stays at the end of the name."""
        fmt = event.pressed.name or self.fmt
        self.fmt = fmt
        path_input = self.path_input
        path = Path(path_input.value)
        if path.suffix.lower() in EXTENSIONS and EXTENSIONS[path.suffix.lower()] != fmt:
            path_input.value = str(path.with_suffix(SUFFIX[fmt]))
            path_input.cursor_position = len(path_input.value)

    @on(Input.Changed, "#export-path")
    def name_changed(self, event: Input.Changed) -> None:
        """A typed known extension picks its format (``notes.bib`` is BibTeX)."""
        fmt = EXTENSIONS.get(Path(event.value).suffix.lower())
        if fmt is not None and fmt != self.fmt:
            self._pick(fmt)
        self._say(HINT)

    @on(Input.Submitted, "#export-path")
    def action_write(self) -> None:
        value = self.path_input.value.strip()
        if self.writing:
            return
        if not value:
            self._say("Name a file to write.", problem=True)
            return
        path = Path(value).expanduser()
        if path.exists() and path != self.replace_ok:
            self.replace_ok = path  # a second Enter on the same name replaces it
            self._say(f"{one_line(str(path))} exists: Enter again replaces it · Esc cancels", problem=True)
            return
        # A known extension decides the format: "notes.bib" is BibTeX whatever was picked.
        self.writing = True
        self._say(f"Writing {one_line(str(path))}…")
        self.write_file(EXTENSIONS.get(path.suffix.lower(), self.fmt), path)

    @work(thread=True, group="export", exit_on_error=False)
    def write_file(self, fmt: str, path: Path) -> None:
        try:
            text, count = self.library.export(self.rows, fmt)
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            self.post_message(self.Written("", f"Could not write {path}: {exc.strerror or exc}"))
            return
        self.post_message(self.Written(f"Exported {plural(count, 'paper')} as {LABELS[fmt]} to {path}", None))

    @on(Written)
    def written(self, message: Written) -> None:
        self.writing = False
        if message.error is None:
            self.dismiss(message.text)
        else:
            self.replace_ok = None
            self._say(message.error + " · fix the name and press Enter, or Esc", problem=True)

    def _say(self, text: str, problem: bool = False) -> None:
        hint = self.query_one("#export-hint", Static)
        hint.update(Content(one_line(text)))
        hint.set_class(problem, "-problem")

    def action_cancel(self) -> None:
        self.dismiss(None)
