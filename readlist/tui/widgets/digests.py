"""The digests panel: every digest, newest first, with its progress and what is new.

Rows are ``Content`` built from plain strings, so a digest label is shown as it is, never parsed
as markup. A year of digests is ~365 options, well within what an ``OptionList`` measures quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events, on
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from readlist.core.digests import DigestRow

ALL_DIGESTS = "All digests"
PROGRESS = "○◔◑◕●"  # none, some, half, most, all read
FALLBACK_WIDTH = 19  # the row width before the panel has been laid out (width 24, less chrome)


def progress_mark(read: int, total: int) -> str:
    """A pie that fills as the digest is read: empty only when nothing is, full only when all is."""
    if total <= 0:
        return " "
    if read <= 0:
        return PROGRESS[0]
    if read >= total:
        return PROGRESS[-1]
    return PROGRESS[1 + min(2, 3 * read // total)]


class DigestPanel(OptionList):
    """``All digests``, then one row per digest: ``Mar 14  37/120 ◔ new`` (read / total papers).

    Selecting a row (Enter or a click) posts ``DigestPanel.Picked``; ``set_rows`` puts in fresh
    counts and keeps the highlighted row.
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    DEFAULT_CSS = """
    DigestPanel {
        width: 24;
        height: 1fr;
        max-height: 100%;
        scrollbar-size-vertical: 1;
        border-title-color: $text-secondary;
        border-title-style: bold;
    }
    """

    @dataclass
    class Picked(Message):
        """The reader chose a digest (``label``) or all of them (``label`` None)."""

        panel: DigestPanel
        label: str | None

        @property
        def control(self) -> DigestPanel:
            return self.panel

    def __init__(
        self, rows: Sequence[DigestRow] = (), *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.border_title = "Digests"
        self._rows: list[DigestRow] = []
        self._labels: list[str | None] = []  # per option: None for "All digests"
        self._width = 0
        self.set_rows(rows)

    @property
    def highlighted_label(self) -> str | None:
        """The label of the highlighted digest; None for ``All digests`` (or nothing highlighted)."""
        i = self.highlighted
        return self._labels[i] if i is not None and i < len(self._labels) else None

    def set_rows(self, rows: Sequence[DigestRow]) -> None:
        """Show these rows (newest first, as ``DigestCounts.rows`` gives them), keeping the
        highlighted digest highlighted when it is still there (else ``All digests``)."""
        keep = self.highlighted_label
        self._rows = list(rows)
        self._labels = [None, *(row.label for row in self._rows)]
        self._width = self._row_width()
        scroll_y = self.scroll_y
        self.set_options(self._prompts())
        self.highlighted = self._labels.index(keep) if keep in self._labels else 0
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        self.scroll_to_highlight()
        new = sum(row.new for row in self._rows)
        self.border_subtitle = f"{new} new" if new else None

    def _row_width(self) -> int:
        return self.scrollable_content_region.width or FALLBACK_WIDTH

    def _prompts(self) -> list[Content]:
        counts = [f"{row.read}/{row.total}" for row in self._rows]
        counts_width = max(map(len, counts), default=0)
        prompts = [Content(ALL_DIGESTS)]
        for row, count in zip(self._rows, counts, strict=True):
            done = row.total > 0 and row.read >= row.total
            tail = Content.assemble(
                " ",
                (count.rjust(counts_width), "$text-success" if done else "$text-muted"),
                " ",
                (progress_mark(row.read, row.total), "$text-success" if done else ""),
                " ",
                ("new", "bold $text-accent") if row.new else "   ",
            )
            label = Content(row.label).truncate(
                max(4, self._width - tail.cell_length), ellipsis=True, pad=True
            )
            prompts.append(label + tail)
        return prompts

    def on_resize(self, event: events.Resize) -> None:
        if self._row_width() != self._width and self._rows:
            self.set_rows(self._rows)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(self, self._labels[event.option_index]))
