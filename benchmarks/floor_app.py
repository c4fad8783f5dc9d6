"""The floor for the terminal benchmark: the least a Textual reading list can do per key.

An Input at the top, an OptionList of titles beside a Static detail pane that shows the
highlighted paper's abstract on every move, and a Footer: what readlist draws, built from
Textual's stock widgets with nothing else going on. ``s`` toggles a star in the highlighted row.

    python benchmarks/floor_app.py DATA_DIR [LIMIT]

It reads the titles and abstracts of the library in DATA_DIR (at most LIMIT of them: the
OptionList measures every option up front, which at 100k papers takes many seconds, and per-key
paint cost does not depend on how many there are).
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from readlist.core.library import Library


class Floor(App[None]):
    CSS = """
    Input { height: 1; border: none; padding: 0 1; }
    OptionList { width: 3fr; height: 1fr; }
    #detail { width: 2fr; height: 1fr; padding: 0 1; overflow-y: auto; }
    """
    BINDINGS = [
        ("q", "quit", "Quit"),
        ("s", "star", "Star"),
        ("slash", "filter", "Filter"),
        ("j", "move('down')", "Down"),
        ("k", "move('up')", "Up"),
    ]
    AUTO_FOCUS = "OptionList"

    def __init__(self, papers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.papers = papers
        self.starred: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ filter")
        with Horizontal():
            yield OptionList(*(Option(Content(title)) for title, _ in self.papers))
            yield Static(id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        title, abstract = self.papers[event.option_index]
        self.query_one("#detail", Static).update(Content(f"{title}\n\n{abstract}"))

    def action_move(self, way: str) -> None:
        getattr(self.query_one(OptionList), f"action_cursor_{way}")()

    def action_star(self) -> None:
        options = self.query_one(OptionList)
        i = options.highlighted
        if i is None:
            return
        self.starred ^= {i}
        options.replace_option_prompt_at_index(
            i, Content(("★ " if i in self.starred else "") + self.papers[i][0])
        )

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self) -> None:
        self.query_one(OptionList).focus()


def main() -> None:
    folder = Path(sys.argv[1])
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    library = Library(folder)
    papers = [(library.papers[i].title, library.papers[i].abstract) for i in library.order[:limit]]
    library.close()
    Floor(papers).run()


if __name__ == "__main__":
    main()
