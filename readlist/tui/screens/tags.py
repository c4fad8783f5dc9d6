"""The tag editor: one line of tags, completed from the tags already in use."""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from readlist.tui.widgets.key_bar import KeyBar

SHOWN_TAGS = 12


class TagSuggester(Suggester):
    """Completes the word being typed from the known tags, most used first."""

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = list(known)

    async def get_suggestion(self, value: str) -> str | None:
        typed = [t.lstrip("#").casefold() for t in re.split(r"[\s,]+", value)]
        last = typed[-1]
        if not last:
            return None
        for tag in self.known:
            if tag.startswith(last) and tag != last and tag not in typed:
                return value + tag[len(last) :]
        return None


class TagsScreen(ModalScreen[str | None]):
    """Edit one paper's tags; Enter or Esc saves, Ctrl+G closes without saving, Tab accepts a
    completion."""

    BINDINGS = [
        Binding("escape", "save", "Save & close", priority=True, key_display="Esc"),
        Binding("ctrl+g", "discard", "Discard changes", priority=True),
        Binding("tab", "complete", "Complete", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    TagsScreen { align: center middle; }
    TagsScreen > Vertical {
        width: 80%; max-width: 90; height: auto;
        border: round $warning; background: $panel; padding: 0 1;
    }
    TagsScreen #tags-title { text-style: bold; padding-bottom: 1; }
    TagsScreen #tags-known, TagsScreen #tags-hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, paper_id: str, title: str, tags: Sequence[str], known: dict[str, int]) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper_title = title
        self.tags = list(tags)
        self.known = known
        self.saved = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Tags · ") + Content(self.paper_title), id="tags-title", markup=False)
            # The cursor lands after a space: typing adds a tag, it never replaces the ones there.
            yield Input(
                " ".join(self.tags) + (" " if self.tags else ""),
                select_on_focus=False,
                placeholder="tags, separated by spaces or commas",
                suggester=TagSuggester(list(self.known)),
                id="tags-input",
            )
            known = "  ".join(f"{tag} ({n})" for tag, n in list(self.known.items())[:SHOWN_TAGS])
            yield Static(
                Content(f"In use: {known}" if known else "No tags in use yet."), id="tags-known", markup=False
            )
            yield Static(
                "Enter or Esc saves (u in the list undoes it) · Ctrl+G closes without saving · → or Tab "
                "completes",
                id="tags-hint",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        editor = self.query_one(Input)
        editor.focus()
        editor.cursor_position = len(editor.value)

    @property
    def text(self) -> str:
        return self.query_one(Input).value

    def action_complete(self) -> None:
        """Take the suggested tag, as → at the end of the line does."""
        editor = self.query_one(Input)
        editor.cursor_position = len(editor.value)
        editor.action_cursor_right()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if not self.saved:
            self.saved = True
            self.dismiss(self.text)

    def action_discard(self) -> None:
        if not self.saved:
            self.saved = True
            self.dismiss(None)
