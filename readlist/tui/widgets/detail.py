"""The detail pane: everything known about the paper under the cursor, drawn line by line.

Showing a paper costs one wrap of its text at the pane's width, kept as lines: drawing,
scrolling and a repaint never lay anything out, so the pane changes in the same frame as the
list's highlight. Text can be selected with the mouse and copied; a selection runs over the
text as written (a wrapped paragraph copies as one line).

All paper text is ``Content`` built from plain strings, so brackets in titles and abstracts
(``[CLS]``, ``[/]``, ``[bold]``) are shown, never parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style

from readlist.core.links import is_code_url, is_safe_to_open
from readlist.core.model import Paper, PaperState, display_date
from readlist.core.text import plural, strip_controls
from readlist.core.tokens import highlight_spans
from readlist.tui.widgets.scrolling import set_virtual_size

NOTHING_MATCHES = "Nothing matches this view or filter. Esc clears the filter; v switches views."
NOTE_BAR = "▎ "


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the pane: its name, its text (one or more lines), and a bar drawn before each of
    its lines (a component class name), as a quote is set off."""

    name: str
    content: Content
    bar: str | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    """One line on screen: a piece of the pane's text line ``y``, from column ``x``."""

    content: Content
    y: int
    x: int
    bar: str | None

    def looks_like(self, other: _Line) -> bool:
        """Drawn the same (``Content`` compares its text only, not its styles)."""
        return self == other and self.content.spans == other.content.spans


class DetailPane(ScrollView, can_focus=True):
    """Title, facts, note, what the Hub says, abstract and links of one paper."""

    ALLOW_SELECT = True
    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll", key_display="j k"),  # shown for both
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]
    COMPONENT_CLASSES = {
        "detail--title",
        "detail--facts",
        "detail--heading",
        "detail--muted",
        "detail--match",
        "detail--link",
        "detail--note-bar",
        "detail--hub",
        "detail--hub-bar",
    }
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; background: $surface; scrollbar-gutter: stable; overflow-x: hidden; }
    DetailPane > .detail--title { text-style: bold; color: $text-accent; }
    DetailPane > .detail--facts { color: $text-muted; }
    DetailPane > .detail--heading { text-style: bold; color: $text-secondary; }
    DetailPane > .detail--muted { color: $text-muted; text-style: italic; }
    DetailPane > .detail--match { text-style: bold underline; color: $text-warning; }
    DetailPane > .detail--link { text-style: underline; color: $text-primary; }
    DetailPane > .detail--note-bar { color: $success; }
    DetailPane > .detail--hub { color: $text-secondary; }
    DetailPane > .detail--hub-bar { color: $secondary; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: list[Section] = []
        self._text_lines: list[str] = []  # the pane's text as written, for selection and copying
        self._lines: list[_Line] = []  # … wrapped for the width it was wrapped for
        self._wrapped_at = -1
        self._rows: dict[str, range] = {}  # the screen lines of each section
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, Style] = {}
        self._paper_id: str | None = None  # the paper shown

    # -- what is shown ----------------------------------------------------------------------------

    def show(
        self,
        paper: Paper | None,
        state: PaperState,
        matched: frozenset[str] = frozenset(),
        empty: bool = False,
        why_empty: str = NOTHING_MATCHES,
        reason: str = "",
    ) -> None:
        """Show ``paper``; with none, say why the list is empty (``empty``: the whole library is).
        ``reason`` says why the paper is where it is in the list (how alike, the words of "for you")."""
        sections = self._sections(paper, state, matched, empty, why_empty)
        if paper is not None and reason:
            sections.insert(
                2, Section("reason", Content.styled(strip_controls(reason), self._style("detail--hub")))
            )
        paper_id = paper.id if paper is not None else None
        self.set_sections(sections, same_paper=paper_id is not None and paper_id == self._paper_id)
        self._paper_id = paper_id

    def set_sections(self, sections: list[Section], same_paper: bool = False) -> None:
        """Show ``sections`` from the top; for the ``same_paper`` (a star, a note, the words
        typed) stay where the reader is, and draw only the lines that changed."""
        self.sections = sections
        self._text_lines = []
        for n, section in enumerate(sections):
            if n:
                self._text_lines.append("")
            self._text_lines += section.content.plain.split("\n")
        before = self._lines
        self._wrapped_at = -1
        if not same_paper:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._wrap()
        if not same_paper:
            self.refresh()
            return
        lines = self._lines
        changed = [
            row for row, (was, now) in enumerate(zip(before, lines, strict=False)) if not was.looks_like(now)
        ]
        if len(before) == len(lines):
            for row in changed:
                self.refresh_line(row)
        else:  # from the first change down, the lines moved
            first = changed[0] if changed else min(len(before), len(lines))
            self.refresh_lines(first, max(len(before), len(lines)) - first)

    @property
    def text(self) -> str:
        """Everything the pane shows, as plain text."""
        return "\n".join(self._text_lines)

    def section(self, name: str) -> str:
        """The plain text of one section (``title``, ``facts``, ``note``, ``hub``, ``abstract``,
        ``links``); empty when the pane has none of that name."""
        return next((s.content.plain for s in self.sections if s.name == name), "")

    def rows_of(self, name: str) -> range:
        """The lines (from the top of the pane's text) a section is drawn on."""
        self._wrap()
        return self._rows.get(name, range(0))

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_visual_style(name, partial=True)
        return style

    def _sections(
        self, paper: Paper | None, state: PaperState, matched: frozenset[str], empty: bool, why_empty: str
    ) -> list[Section]:
        style = self._style
        if paper is None and empty:
            return [
                Section("title", Content.styled("Your reading list is empty", style("detail--title"))),
                Section(
                    "facts",
                    Content.styled(
                        "Fetch today's papers with: readlist fetch (or F here)\n"
                        "or save a Daily Papers page as text, then run: readlist DIGEST.txt\n"
                        "To look around first: readlist --demo",
                        style("detail--facts"),
                    ),
                ),
            ]
        if paper is None:
            return [
                Section("title", Content.styled("No paper here", style("detail--title"))),
                Section("facts", Content.styled(why_empty, style("detail--facts"))),
            ]
        sections = [
            Section("title", self._marked(paper.title, matched, style("detail--title"))),
            Section(
                "facts", Content.styled(strip_controls(facts_line(paper, state)), style("detail--facts"))
            ),
        ]
        if state.note.strip():
            sections.append(Section("note", self._marked(state.note, matched), "detail--note-bar"))
        else:
            sections.append(
                Section("note", Content.styled("No note yet: n writes one.", style("detail--muted")))
            )
        hub = self._hub(paper)
        if hub is not None:
            sections.append(Section("hub", hub, "detail--hub-bar"))
        sections.append(
            Section(
                "abstract",
                self._marked(paper.abstract, matched)
                if paper.abstract
                else Content.styled("(no abstract in the digest)", style("detail--muted")),
            )
        )
        sections.append(Section("links", self._links(paper)))
        return sections

    def _marked(self, text: str, matched: frozenset[str], style: Style | None = None) -> Content:
        text = strip_controls(text)
        content = Content(text) if style is None else Content.styled(text, style)
        match = self._style("detail--match")
        for start, end in highlight_spans(text, matched):
            content = content.stylize(match, start, end)
        return content

    def _hub(self, paper: Paper) -> Content | None:
        """What the Hub adds, set off from the page's own text: code and its stars, the project
        page, and the Hub's machine-written summary and keywords."""
        style = self._style
        lines: list[Content] = []
        if paper.github_repo:
            stars = f"  ★ {paper.github_stars:,}" if paper.github_stars is not None else ""
            lines.append(
                Content.assemble(
                    ("Code ", style("detail--heading")), self.hyperlink(paper.github_repo), stars
                )
            )
        if paper.project_page:
            lines.append(
                Content.assemble(("Project ", style("detail--heading")), self.hyperlink(paper.project_page))
            )
        if paper.ai_summary:
            lines.append(
                Content.assemble(
                    ("The Hub's AI summary: ", style("detail--heading")),
                    Content.styled(strip_controls(paper.ai_summary), style("detail--hub")),
                )
            )
        if paper.ai_keywords:
            keywords = strip_controls(", ".join(paper.ai_keywords))
            lines.append(
                Content.assemble(
                    ("Keywords: ", style("detail--heading")), Content.styled(keywords, style("detail--hub"))
                )
            )
        return Content("\n").join(lines) if lines else None

    def _links(self, paper: Paper) -> Content:
        """The paper's page (``y`` copies it), then the links of its abstract (``Y`` copies the
        first), labelled as the link chooser (``O``) labels them."""
        page = "Hub page" if paper.arxiv_id else "arXiv search"
        rows = [(f"{page} (y)", paper.url)]
        for i, url in enumerate(paper.links):
            rows.append((("Code" if is_code_url(url) else "Link") + (" (Y)" if i == 0 else ""), url))
        label = self._style("detail--heading")
        heading = Content.styled("Links (O picks one to open or copy)", label)
        return Content("\n").join(
            [heading, *(Content.assemble((f"{name} ", label), self.hyperlink(url)) for name, url in rows)]
        )

    def hyperlink(self, url: str) -> Content:
        """``url`` shown as it is; when it is safe to open (http/https, no spaces or control
        characters) also a terminal hyperlink (OSC 8), which the terminal opens itself on a
        (modifier-)click. Only a ``link`` style is set, never an ``@click`` action, so text cannot
        run app actions."""
        if not is_safe_to_open(url):
            return Content(strip_controls(url))
        # OSC 8 targets are printable ASCII only: anything else is percent-encoded as UTF-8.
        target = quote(url, safe=_TARGET_SAFE)
        return Content(url).stylize(self._style("detail--link")).stylize(Style(link=target))

    # -- wrapping and drawing ---------------------------------------------------------------------

    def _wrap(self) -> None:
        """Cut the pane's text into lines of its width (once per paper and width)."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_at:
            return
        lines: list[_Line] = []
        rows: dict[str, range] = {}
        y = 0
        for n, section in enumerate(self.sections):
            if n:
                lines.append(_Line(Content(""), y, 0, None))
                y += 1
            first = len(lines)
            room = max(1, width - (len(NOTE_BAR) if section.bar else 0))
            for source in section.content.split("\n", allow_blank=True):
                plain, at = source.plain, 0
                for piece in source.wrap(room) or [Content("")]:
                    start = plain.find(piece.plain, at) if piece.plain else at
                    start = at if start < 0 else start
                    lines.append(_Line(piece, y, start, section.bar))
                    at = start + len(piece.plain)
                y += 1
            rows[section.name] = range(first, len(lines))
        self._lines = lines
        self._rows = rows
        self._wrapped_at = width
        self._strips.clear()
        set_virtual_size(self, Size(width, len(lines)))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._wrap()
        row = self.scroll_offset.y + y
        base = self.rich_style
        if row >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._strips[row] = self._draw(self._lines[row], width, base)
        return strip

    def _draw(self, line: _Line, width: int, base: RichStyle) -> Strip:
        content = line.content
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(line.y)) is not None:
            start, end = span
            end = len(self._text_lines[line.y]) if end == -1 else end
            start, end = max(start, line.x) - line.x, min(end, line.x + len(content.plain)) - line.x
            if start < end:
                content = content.stylize(
                    self.screen.get_visual_style("screen--selection", partial=True), start, end
                )
        # Rendered over the pane's own style, so that the parts' colours blend with its background.
        under = self.visual_style
        segments = [Segment(text, style.rich_style) for text, style in content.render(under, end="")]
        strip = Strip(segments).apply_offsets(line.x, line.y)
        if line.bar:
            strip = Strip([Segment(NOTE_BAR, (under + self._style(line.bar)).rich_style), *strip])
        return strip.adjust_cell_length(width, base)

    def on_resize(self, event: events.Resize) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()

    # -- selection --------------------------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()


# Printable ASCII stays as it is in a link's target (``%`` too, so existing escapes are kept).
_TARGET_SAFE = "".join(chr(c) for c in range(33, 127))


def facts_line(paper: Paper, state: PaperState) -> str:
    parts = [
        "read" if state.read else "unread",
        *(["★ starred"] if state.starred else []),
        *([" ".join(f"#{tag}" for tag in state.tags)] if state.tags else []),
    ]
    if paper.published:
        parts.append(f"published {display_date(paper.published)}")
    if paper.authors is not None:
        parts.append(plural(paper.authors, "author"))
    if paper.upvotes is not None:
        parts.append(f"▲ {plural(paper.upvotes, 'upvote')}")
    if paper.comments is not None:
        parts.append(plural(paper.comments, "comment"))
    if paper.digests:
        parts.append(f"{'digest' if len(paper.digests) == 1 else 'digests'} {', '.join(paper.digests)}")
    parts.append(f"id {paper.id}")
    return " · ".join(parts)
