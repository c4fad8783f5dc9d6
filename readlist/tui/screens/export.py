"""Export the papers shown: pick a format and a file, Enter writes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from readlist.core.export import EXTENSIONS, FORMATS
from readlist.core.text import one_line

LABELS = {"markdown": "Markdown reading notes", "bibtex": "BibTeX", "csv": "CSV", "json": "JSON (re-importable)"}
SUFFIX = {fmt: ext for ext, fmt in reversed(list(EXTENSIONS.items()))}


def default_path(fmt: str, today: dt.date | None = None) -> str:
    day = (today or dt.date.today()).isoformat()
    return f"~/readlist-{day}{SUFFIX[fmt]}"


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """Dismisses with (format, path), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True),
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
    """

    def __init__(self, count: int, fmt: str = "markdown", left_out: int = 0) -> None:
        super().__init__()
        self.count = count
        self.left_out = left_out  # weaker matches of a search, below the list's divider
        self.fmt = fmt
        self.replace_ok: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            noun = "paper" if self.count == 1 else "papers"
            title = f"Export the {self.count} {noun} shown"
            if self.left_out:
                title += f" (not the {self.left_out} weaker {'match' if self.left_out == 1 else 'matches'})"
            yield Static(title, id="export-title", markup=False)
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(Content(LABELS[fmt]), value=fmt == self.fmt, name=fmt, id=f"format-{fmt}")
            yield Input(default_path(self.fmt), id="export-path")
            yield Static("↑↓ picks the format · Enter writes the file · Esc cancels", id="export-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_pick(self, step: int) -> None:
        """↑↓ in the file name field pick the format (the radio list handles its own keys)."""
        fmt = FORMATS[(FORMATS.index(self.fmt) + step) % len(FORMATS)]
        self.query_one(f"#format-{fmt}", RadioButton).value = True

    @on(RadioSet.Changed)
    def format_changed(self, event: RadioSet.Changed) -> None:
        fmt = event.pressed.name or self.fmt
        path_input = self.query_one(Input)
        path = Path(path_input.value)
        if path.suffix.lower() in EXTENSIONS:
            path_input.value = str(path.with_suffix(SUFFIX[fmt]))
        self.fmt = fmt

    @on(Input.Submitted)
    def write(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.notify("Name a file to write.", severity="warning", markup=False)
            return
        path = Path(value).expanduser()
        if path.exists() and path != self.replace_ok:
            self.replace_ok = path  # a second Enter on the same name replaces it
            self.query_one("#export-hint", Static).update(
                Content.styled(f"{one_line(str(path))} exists: Enter again replaces it · Esc cancels", "$text-warning"))
            return
        # A known extension decides the format: "notes.bib" is BibTeX whatever was picked.
        self.dismiss((EXTENSIONS.get(path.suffix.lower(), self.fmt), path))

    def action_cancel(self) -> None:
        self.dismiss(None)
