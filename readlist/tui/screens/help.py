"""The help screen, built from the action registry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from readlist.tui.actions import ACTIONS, NAVIGATION
from readlist.tui.widgets.key_bar import KeyBar


def help_rows() -> list[tuple[str, str]]:
    return [*NAVIGATION, *((action.shown_keys, action.help) for action in ACTIONS)]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="Esc"),
        Binding("down,j", "scroll('down')", "Scroll", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("end,G", "scroll('end')", "End", show=False),
        Binding("home,g", "scroll('home')", "Top", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 90; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 1 2;
    }
    HelpScreen #help-title { text-style: bold; color: $text-accent; margin-bottom: 1; }
    HelpScreen Grid { grid-size: 2; grid-columns: auto 1fr; grid-gutter: 0 2; height: auto; }
    HelpScreen .keys { text-style: bold; color: $text-warning; }
    HelpScreen #help-foot { color: $text-muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield KeyBar()
        with VerticalScroll():
            yield Static("readlist keys", id="help-title", markup=False)
            with Grid():
                for keys, text in help_rows():
                    yield Static(keys, classes="keys", markup=False)
                    yield Static(text, markup=False)
            yield Static(
                "Markers: ● unread  ★ starred  ✎ has a note  ▲ upvotes  💬 comments on the Hub.  "
                "↑↓ PgUp PgDn scroll · Esc, q or ? closes.",
                id="help-foot",
                markup=False,
            )

    def action_scroll(self, how: str) -> None:
        """The keys scroll the help, whatever has focus (nothing in it can take focus)."""
        getattr(self.query_one(VerticalScroll), f"scroll_{how}")(animate=False)
