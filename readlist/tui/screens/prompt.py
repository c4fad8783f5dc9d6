"""A one-line question: a name for the search to save."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from readlist.core.text import strip_controls
from readlist.tui.widgets.key_bar import KeyBar


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the text typed (Enter), or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True, key_display="Esc")]

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 80%; max-width: 80; height: auto;
        border: round $accent; background: $panel; padding: 0 1;
    }
    PromptScreen #prompt-question { text-style: bold; padding-bottom: 1; }
    PromptScreen #prompt-hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, question: str, hint: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.hint = hint
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(strip_controls(self.question)), id="prompt-question", markup=False)
            yield Input(self.value, id="prompt-input")
            yield Static(Content(strip_controls(self.hint)), id="prompt-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
