"""The paper list: a line-API widget that renders only the visible rows.

It holds an array of indices into the library's papers (the current view and
filter, in order) and draws each visible row on demand, so scrolling, moving the
cursor and replacing the rows cost the same at 100 papers or 100,000.

After a search, one line that is not a paper may stand between the strong matches and
the weaker ones: the cursor indexes papers, and the lines below the divider are one
further down than their papers.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from readlist.core.model import Paper, PaperState
from readlist.core.model import marks as paper_marks
from readlist.core.papers import Papers
from readlist.core.text import plural
from readlist.core.tokens import highlight_spans
from readlist.tui.widgets.scrolling import set_virtual_size

DATE_WIDTH = 7
MARK_WIDTH = 4
MAX_TAGS_WIDTH = 24
MIN_TAGS = 6  # tags get a row only when this much of them fits
MIN_TITLE = 40  # what a title keeps before tags and counts take room
_CURSOR_MATCH = Style(bold=True, underline=True)


class PaperList(ScrollView, can_focus=True):
    """Rows of papers with unread / starred / note markers and the digest date."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--cursor-blurred",
        "paper-list--read",
        "paper-list--unread-mark",
        "paper-list--star",
        "paper-list--note",
        "paper-list--match",
        "paper-list--date",
        "paper-list--tags",
        "paper-list--divider",
        "paper-list--counts",
        "paper-list--selected",
    }

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    PaperList > .paper-list--cursor { background: $accent; color: $text; text-style: bold; }
    PaperList > .paper-list--cursor-blurred { background: $accent 35%; }
    PaperList > .paper-list--read { color: $text-muted; }
    PaperList > .paper-list--unread-mark { color: $accent; }
    PaperList > .paper-list--star { color: $warning; }
    PaperList > .paper-list--note { color: $success; }
    PaperList > .paper-list--match { text-style: bold underline; color: $text-warning; }
    PaperList > .paper-list--date { color: $text-muted; }
    PaperList > .paper-list--tags { color: $text-warning; text-style: italic; }
    PaperList > .paper-list--divider { color: $text-muted; text-style: italic; }
    PaperList > .paper-list--counts { color: $text-muted; }
    PaperList > .paper-list--selected { color: $accent; text-style: bold; }
    """

    # repaint=False: moving the cursor redraws two rows, not the whole list.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    def __init__(
        self,
        papers: Papers,
        state_of: Callable[[str], PaperState],
        rows: list[int] | None = None,
        *,
        digest_of: Callable[[Paper], str] = lambda paper: paper.digests[0] if paper.digests else "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.papers = papers
        self.state_of = state_of
        self.digest_of = digest_of  # the digest a row names (the newest the paper was in) …
        self.picked_digest: str | None = None  # … unless the list is narrowed to one of its digests
        self.selected: set[int] = set()  # papers (indices into ``papers``) picked for a bulk action
        self.badges: dict[
            int, str
        ] = {}  # a short figure per paper (how similar), in place of the Hub's counts
        self.rows: list[int] = rows or []
        self.matched: frozenset[str] = frozenset()
        self.divider: int | None = None  # where the weaker matches start, if any
        self._styles: dict[tuple[str, bool], Style] = {}
        self._divider_strip: tuple[int, Strip] | None = None

    # -- data in --------------------------------------------------------------

    def set_rows(
        self,
        rows: list[int],
        matched: frozenset[str] = frozenset(),
        keep: str | None = None,
        strong: int | None = None,
    ) -> None:
        """Show ``rows`` (indices into papers); keep the cursor on paper ``keep`` if still shown. With
        ``strong`` below ``len(rows)``, a divider goes above the weaker matches after the first ``strong``."""
        self.rows = rows
        self.matched = matched
        self.divider = strong if strong is not None and strong < len(rows) else None
        self._divider_strip = None
        set_virtual_size(self, Size(self.scrollable_content_region.width, self._lines))
        target = 0
        if keep is not None:
            # By id, in C: looking at the papers would make an object of every one passed over.
            with suppress(ValueError):
                target = rows.index(self.papers.ids.index(keep))
        self.cursor = target
        self.refresh()

    @property
    def strong_count(self) -> int:
        return len(self.rows) if self.divider is None else self.divider

    @property
    def strong_rows(self) -> list[int]:
        """The rows above the divider: what bulk actions apply to."""
        return self.rows[: self.strong_count]

    def toggle_selected(self) -> None:
        """Pick the paper under the cursor for a bulk action, or put it back; then on to the next."""
        if not self.rows:
            return
        self.selected ^= {self.rows[self.cursor]}
        self.refresh_lines(self._line(self.cursor))
        self.action_cursor_down()

    def select(self, papers: set[int]) -> None:
        self.selected = papers
        self.refresh()

    @property
    def picked(self) -> list[int]:
        """The picked papers in the order the list shows them (those it shows no longer drop out)."""
        return [i for i in self.rows if i in self.selected]

    def shown_count(self) -> str:
        """How many papers the list shows: ``12 shown``, or ``12 shown + 30 weaker``."""
        weaker = len(self.rows) - self.strong_count
        return f"{self.strong_count} shown" + (f" + {weaker} weaker" if weaker else "")

    def left_out(self) -> str:
        """What a bulk action leaves out: the papers below the weaker-matches divider."""
        weaker = len(self.rows) - self.strong_count
        return f" Left alone: the {plural(weaker, 'weaker match')} below the divider." if weaker else ""

    @property
    def _lines(self) -> int:
        return len(self.rows) + (self.divider is not None)

    def _line(self, row: int) -> int:
        """The line paper row ``row`` is drawn on."""
        return row + (self.divider is not None and row >= self.divider)

    def _row(self, line: int) -> int | None:
        """The paper row drawn on ``line``; None for the divider."""
        if self.divider is None or line < self.divider:
            return line
        return None if line == self.divider else line - 1

    @property
    def current(self) -> Paper | None:
        if 0 <= self.cursor < len(self.rows):
            return self.papers[self.rows[self.cursor]]
        return None

    def refresh_paper(self, paper_id: str) -> None:
        """Redraw the row of one paper after its state changed."""
        top = self.scroll_offset.y
        for y in range(top, min(self._lines, top + self.size.height)):
            row = self._row(y)
            if row is not None and self.papers[self.rows[row]].id == paper_id:
                self.refresh_lines(y)

    # -- cursor ---------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new:
            self.refresh_lines(self._line(old))
        line = self._line(new)
        self.refresh_lines(line)
        self.scroll_to_region(Region(0, line, 1, 1), animate=False, force=True, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.size.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.size.height - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        row = None if offset is None else self._row(self.scroll_offset.y + offset.y)
        if row is not None:
            self.cursor = row

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._lines)

    def on_focus(self) -> None:
        self.refresh_lines(self._line(self.cursor))

    def on_blur(self) -> None:
        self.refresh_lines(self._line(self.cursor))

    # -- drawing --------------------------------------------------------------

    def _style(self, name: str, partial: bool = False) -> Style:
        """Component styles, cached: looking them up per row costs more than drawing it.

        Full styles blend translucent colours ($text-muted) with the background;
        partial ones add only what they set (the match highlight keeps the row's background).
        """
        key = (name, partial)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.get_component_rich_style(name, partial=partial)
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._divider_strip = None
        super().notify_style_update()

    def _divider(self, width: int) -> Strip:
        """The divider line, made once per width: plain text, no markup."""
        if self._divider_strip is None or self._divider_strip[0] != width:
            style = self.rich_style + self._style("paper-list--divider")
            count = len(self.rows) - (self.divider or 0)
            noun = "match" if count == 1 else "matches"
            why = (": missing a word of the query, or scoring far below the best", ": missing a word", "")
            texts = [f" ── {count} weaker {noun}{reason} ──" for reason in why]
            text = next((t for t in texts if len(t) <= width), texts[-1])  # the longest that fits
            strip = Strip([Segment(text, style)]).crop(0, width).extend_cell_length(width, style)
            self._divider_strip = (width, strip)
        return self._divider_strip[1]

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = self._row(line)
        if row is None:
            return self._divider(width)
        if row >= len(self.rows):
            return Strip.blank(width, base)
        paper = self.papers[self.rows[row]]
        state = self.state_of(paper.id)
        style = self._style

        on_cursor = row == self.cursor
        text_style = base + style("paper-list--read") if state.read else base
        marks = {name: base + style(f"paper-list--{name}") for name in ("unread-mark", "star", "note")}
        if on_cursor:
            cursor = style("paper-list--cursor" if self.has_focus else "paper-list--cursor-blurred")
            text_style += cursor
            base = base + cursor
            marks = dict.fromkeys(marks, base)  # the marks' own colours would vanish on the cursor
        unread, star, note = paper_marks(state)
        selected = self.rows[row] in self.selected
        segments = [
            Segment("▌", base + style("paper-list--selected")) if selected else Segment(" ", base),
            Segment(unread, marks["unread-mark"]),
            Segment(star, marks["star"]),
            Segment(note, marks["note"]),
        ]
        counts = self.badges.get(self.rows[row]) or hub_counts(paper)
        title_width = max(0, width - MARK_WIDTH - DATE_WIDTH - 2 - (cell_len(counts) + 1 if counts else 0))
        if counts and title_width < MIN_TITLE:  # a narrow list: the title before the counts
            title_width, counts = title_width + cell_len(counts) + 1, ""
        tags = Strip([])
        # Tags take what the title leaves: a title keeps MIN_TITLE columns (or all it needs).
        tags_room = min(MAX_TAGS_WIDTH, title_width - min(MIN_TITLE, cell_len(paper.title) + 1))
        if state.tags and tags_room >= MIN_TAGS:
            tag_style = base if on_cursor else text_style + style("paper-list--tags", partial=True)
            tags = Strip([Segment(" " + " ".join(f"#{t}" for t in state.tags), tag_style)])
            if tags.cell_length > tags_room:
                tags = Strip([*tags.crop(0, tags_room - 1), Segment("…", tag_style)])
            title_width -= tags.cell_length
        spans = highlight_spans(paper.title, self.matched)
        # On the cursor the match colour would vanish into the cursor's: bold underline only.
        match = text_style + (_CURSOR_MATCH if on_cursor else self._style("paper-list--match", partial=True))
        title = Strip(_highlighted(paper.title, spans, text_style, match))
        if title.cell_length > title_width:
            title = Strip([*title.crop(0, max(0, title_width - 1)), Segment("…", text_style)])
        segments.append(Segment(" ", text_style))
        segments.extend(title.adjust_cell_length(title_width, text_style))
        segments.extend(tags)
        if counts:
            segments.append(Segment(" " + counts, base if on_cursor else base + style("paper-list--counts")))
        label = self.picked_digest if self.picked_digest in paper.digests else self.digest_of(paper)
        date = (label if len(label) <= DATE_WIDTH else label[: DATE_WIDTH - 1] + "…").rjust(DATE_WIDTH)
        segments.append(Segment(" " + date, base if on_cursor else base + style("paper-list--date")))
        return Strip(segments).adjust_cell_length(width, base)


def hub_counts(paper: Paper) -> str:
    """``▲12 💬3``: the Hub's upvotes and comments, compact ('' when the Hub told nothing)."""
    parts = []
    if paper.upvotes is not None:
        parts.append(f"▲{paper.upvotes}")
    if paper.comments:
        parts.append(f"💬{paper.comments}")
    return " ".join(parts)


def _highlighted(text: str, spans: list[tuple[int, int]], plain: Style, hit: Style) -> list[Segment]:
    segments: list[Segment] = []
    at = 0
    for start, end in spans:
        if start > at:
            segments.append(Segment(text[at:start], plain))
        segments.append(Segment(text[start:end], hit))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:], plain))
    return segments
