"""A yes / no question before an action that touches many papers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from readlist.tui.widgets.key_bar import KeyBar


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 80%; max-width: 72; height: auto;
        border: round $warning; background: $panel; padding: 1 2;
    }
    ConfirmScreen Static { width: 1fr; }
    ConfirmScreen #confirm-keys { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), id="confirm-question", markup=False)
            yield Static(
                "y / Enter: yes    n / Esc: no    (u undoes it afterwards)", id="confirm-keys", markup=False
            )
        yield KeyBar()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
