"""The detail pane: everything known about the paper under the cursor.

All paper text is wrapped in ``Content`` built from plain strings, so brackets in
titles and abstracts (``[CLS]``, ``[/]``, ``[bold]``) are shown, never parsed.
"""

from __future__ import annotations

from urllib.parse import quote

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from readlist.core.links import is_safe_to_open
from readlist.core.model import Paper, PaperState, display_date
from readlist.core.text import plural
from readlist.core.tokens import highlight_spans


def _marked(text: str, matched: frozenset[str]) -> Content:
    content = Content(text)
    for start, end in highlight_spans(text, matched):
        content = content.stylize("bold underline $text-warning", start, end)
    return content


NOTHING_MATCHES = "Nothing matches this view or filter. Esc clears the filter; v switches views."


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
        self,
        paper: Paper | None,
        state: PaperState,
        matched: frozenset[str] = frozenset(),
        empty: bool = False,
        why_empty: str = NOTHING_MATCHES,
    ) -> None:
        """Show ``paper``; with none, say why the list is empty (``empty``: the whole library is)."""
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
            put("detail-facts", why_empty)
            return
        put("detail-title", _marked(paper.title, matched))
        put("detail-facts", facts_line(paper, state))
        put("detail-abstract", _marked(paper.abstract or "(no abstract in the digest)", matched))
        put("detail-links", links_section(paper))
        put("detail-note", _marked(state.note, matched) if state.note.strip() else Content.styled("No note yet: press n to write one.", "italic $text-muted"))
        self.scroll_home(animate=False)


def links_section(paper: Paper) -> Content:
    """``[y]`` the paper's page, ``[Y]`` the first code or project link, then the others, one a line."""
    keyed = [("y", paper.url), *(("Y" if i == 0 else " ", url) for i, url in enumerate(paper.links))]
    return Content("\n").join(Content.assemble(f"[{key}] ", hyperlink(url)) for key, url in keyed)


# Printable ASCII stays as it is in a link's target (``%`` too, so existing escapes are kept).
_TARGET_SAFE = "".join(chr(c) for c in range(33, 127))


def hyperlink(url: str) -> Content:
    """``url`` shown as it is; when it is safe to open (http/https, no spaces or control characters)
    it is also a terminal hyperlink (OSC 8), which the terminal opens itself on a (modifier-)click.
    Only a ``link`` style is set, never an ``@click`` action, so text cannot run app actions."""
    if not is_safe_to_open(url):
        return Content(url)
    # OSC 8 targets are printable ASCII only: anything else is percent-encoded as UTF-8.
    target = quote(url, safe=_TARGET_SAFE)
    return Content(url).stylize("underline $text-primary").stylize(Style(link=target))


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
        parts.append(f"▲ {paper.upvotes}")
    if paper.digests:
        parts.append(f"{'digest' if len(paper.digests) == 1 else 'digests'} {', '.join(paper.digests)}")
    parts.append(f"id {paper.id}")
    return " · ".join(parts)
