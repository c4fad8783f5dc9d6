"""The help screen, built from the action registry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from readlist.tui.actions import ACTIONS, NAVIGATION


def help_text() -> Content:
    rows = [(keys, text) for keys, text in NAVIGATION]
    rows += [(action.shown_keys, action.help) for action in ACTIONS]
    width = max(len(keys) for keys, _ in rows) + 2
    lines = [Content.styled("readlist keys", "bold $text-accent"), Content("")]
    for keys, text in rows:
        lines.append(Content.assemble((keys.ljust(width), "bold $text-warning"), text))
    lines += [Content(""), Content.styled("Markers: ● unread  ★ starred  ✎ has a note.  Esc, q or ? closes.", "$text-muted")]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 1 2;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(), markup=False)
