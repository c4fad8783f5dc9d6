"""The detail pane: everything known about the paper under the cursor.

All paper text is wrapped in ``Content`` built from plain strings, so brackets in
titles and abstracts (``[CLS]``, ``[/]``, ``[bold]``) are shown, never parsed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from readlist.core.model import Paper, PaperState, display_date
from readlist.core.search import highlight_spans


def _marked(text: str, matched: frozenset[str]) -> Content:
    content = Content(text)
    for start, end in highlight_spans(text, matched):
        content = content.stylize("bold underline $text-warning", start, end)
    return content


class DetailPane(VerticalScroll, can_focus=True):
    """Title, facts, abstract, links and note of one paper."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; background: $surface; }
    DetailPane > Static { width: 1fr; margin-bottom: 1; }
    DetailPane > #detail-title { text-style: bold; color: $text-accent; }
    DetailPane > #detail-facts { color: $text-muted; }
    DetailPane > #detail-note { border-left: thick $success; padding-left: 1; }
    DetailPane > .heading { margin-bottom: 0; text-style: bold; color: $text-secondary; }
    DetailPane.-nothing > #detail-abstract, DetailPane.-nothing > #detail-links,
    DetailPane.-nothing > #detail-note, DetailPane.-nothing > .heading { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title", markup=False)
        yield Static(id="detail-facts", markup=False)
        yield Static(id="detail-abstract", markup=False)
        yield Static("Links", classes="heading", markup=False)
        yield Static(id="detail-links", markup=False)
        yield Static("Note", classes="heading", markup=False)
        yield Static(id="detail-note", markup=False)

    def show(
        self, paper: Paper | None, state: PaperState, matched: frozenset[str] = frozenset(), empty: bool = False
    ) -> None:
        def put(widget_id: str, content: Content | str) -> None:
            self.query_one(f"#{widget_id}", Static).update(
                content if isinstance(content, Content) else Content(content)
            )

        self.set_class(paper is None, "-nothing")
        if paper is None and empty:
            put("detail-title", "Your reading list is empty")
            put("detail-facts", "Save a Daily Papers page as text, then run: readlist DIGEST.txt\n"
                                "To look around first: readlist --demo")
            return
        if paper is None:
            put("detail-title", "No paper here")
            put("detail-facts", "Nothing matches this view or filter. Esc clears the filter; v switches views.")
            return
        put("detail-title", _marked(paper.title, matched))
        put("detail-facts", facts_line(paper, state))
        put("detail-abstract", _marked(paper.abstract or "(no abstract in the digest)", matched))
        links = [f"[y] {paper.url}"]
        links += [f"[{'Y' if i == 0 else ' '}] {url}" for i, url in enumerate(paper.links)]
        put("detail-links", "\n".join(links))
        put("detail-note", _marked(state.note, matched) if state.note.strip() else Content.styled("No note yet: press n to write one.", "italic $text-muted"))
        self.scroll_home(animate=False)


def facts_line(paper: Paper, state: PaperState) -> str:
    parts = [
        "read" if state.read else "unread",
        *(["★ starred"] if state.starred else []),
    ]
    if paper.published:
        parts.append(f"published {display_date(paper.published)}")
    if paper.authors is not None:
        parts.append(f"{paper.authors} author{'s' if paper.authors != 1 else ''}")
    if paper.upvotes is not None:
        parts.append(f"▲ {paper.upvotes}")
    if paper.digests:
        parts.append(f"digest{'s' if len(paper.digests) > 1 else ''} {', '.join(paper.digests)}")
    parts.append(f"id {paper.id}")
    return " · ".join(parts)
