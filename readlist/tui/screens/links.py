"""The link chooser (``O``): every link known for a paper, to open or to copy."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from readlist.core.links import Link
from readlist.core.text import strip_controls
from readlist.tui.widgets.key_bar import KeyBar


class LinkScreen(ModalScreen[tuple[str, str] | None]):
    """Dismisses with ``("open" | "copy", url)``, or None."""

    BINDINGS = [
        Binding("enter,o", "choose('open')", "Open", key_display="Enter"),
        Binding("y,c", "choose('copy')", "Copy"),
        Binding("escape,q", "cancel", "Close", key_display="Esc"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    DEFAULT_CSS = """
    LinkScreen { align: center middle; }
    LinkScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 80%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    LinkScreen #links-title { text-style: bold; padding-bottom: 1; }
    LinkScreen OptionList { height: auto; max-height: 20; border: none; }
    """

    def __init__(self, title: str, links: Sequence[Link]) -> None:
        super().__init__()
        self.paper_title = title
        self.links = list(links)

    def compose(self) -> ComposeResult:
        width = max((len(link.label) for link in self.links), default=0)
        with Vertical():
            yield Static(
                Content("Links · ") + Content(strip_controls(self.paper_title)),
                id="links-title",
                markup=False,
            )
            yield OptionList(
                *(
                    Content.assemble((link.label.ljust(width), "bold"), "  ", strip_controls(link.url))
                    for link in self.links
                ),
                id="links",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(("open", self.links[event.option_index].url))

    def action_choose(self, how: str) -> None:
        i = self.query_one(OptionList).highlighted
        if i is not None:
            self.dismiss((how, self.links[i].url))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        (options.action_cursor_down if step > 0 else options.action_cursor_up)()

    def action_cancel(self) -> None:
        self.dismiss(None)
