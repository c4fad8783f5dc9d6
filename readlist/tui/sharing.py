"""The main screen's actions that take papers out of readlist: copy a link, Markdown or BibTeX,
open the paper in the browser, export the papers shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from readlist.core.links import is_safe_to_open
from readlist.core.model import Paper
from readlist.core.text import one_line, strip_controls

if TYPE_CHECKING:
    from readlist.tui.app import ReadlistApp
    from readlist.tui.widgets.paper_list import PaperList


class SharingActions:
    """Mixed into the main screen, which provides ``readlist``, ``paper`` and ``paper_list``."""

    readlist: ReadlistApp
    paper: Paper
    targets: list[Paper]
    paper_list: PaperList

    @dataclass
    class BrowserDone(Message):
        url: str
        opened: bool

    def copy(self, text: str, what: str) -> None:
        """Copy with the system clipboard, or else through the terminal (OSC 52), and say which."""
        app = self.readlist
        text = strip_controls(text)
        if app.system_copy(text):
            how = "to the clipboard"
        else:
            app.copy_to_clipboard(text)
            how = "via the terminal (OSC 52)"
        first, _, rest = text.partition("\n")
        app.notify(f"Copied {what} {how}:\n{first}{' …' if rest else ''}", markup=False)

    def action_copy_link(self) -> None:
        papers = self.targets
        self.copy(
            "\n".join(p.url for p in papers), "paper link" if len(papers) == 1 else f"{len(papers)} links"
        )

    def action_copy_code_link(self) -> None:
        links = self.paper.links
        if links:
            self.copy(links[0], "code/project link")
        else:
            self.readlist.notify(
                "This abstract has no code or project link.", severity="warning", markup=False
            )

    def action_copy_markdown(self) -> None:
        from readlist.core.export import paper_markdown

        papers, state_of = self.targets, self.readlist.library.state_of
        self.copy(
            "\n".join(paper_markdown(p, state_of(p.id)) for p in papers),
            "the paper as Markdown" if len(papers) == 1 else f"{len(papers)} papers as Markdown",
        )

    def action_copy_bibtex(self) -> None:
        from readlist.core.export import paper_bibtex

        papers, state_of = self.targets, self.readlist.library.state_of
        self.copy(
            "\n".join(paper_bibtex(p, state_of(p.id)) for p in papers),
            "the paper as BibTeX" if len(papers) == 1 else f"{len(papers)} papers as BibTeX",
        )

    def action_export(self) -> None:
        from readlist.tui.screens.export import ExportScreen

        rows = self.paper_list.picked or list(self.paper_list.strong_rows)
        if not rows:
            self.readlist.notify("No papers shown: nothing to export.", severity="warning", markup=False)
            return

        def written(text: str | None) -> None:
            if text:
                self.readlist.notify(one_line(text), markup=False)

        weaker = 0 if self.paper_list.picked else len(self.paper_list.rows) - len(rows)
        self.readlist.push_screen(
            ExportScreen(self.readlist.library, rows, left_out=weaker, picked=bool(self.paper_list.picked)),
            written,
        )

    def action_open_link(self) -> None:
        url = self.paper.url
        if not is_safe_to_open(url):
            self.readlist.notify(
                "Not opening that link: only http(s) links open.", severity="error", markup=False
            )
            return
        self.open_in_browser(url)

    def action_choose_link(self) -> None:
        from readlist.tui.screens.links import LinkScreen

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            how, url = answer
            if how == "copy":
                self.copy(url, "link")
            elif is_safe_to_open(url):
                self.open_in_browser(url)
            else:
                self.readlist.notify(
                    "Not opening that link: only http(s) links open.", severity="error", markup=False
                )

        self.readlist.push_screen(LinkScreen(self.paper.title, self.paper.link_choices()), chosen)

    @work(thread=True, group="browser", exit_on_error=False)
    def open_in_browser(self, url: str) -> None:
        app = self.readlist
        if app.browser is None:
            import webbrowser

            app.browser = webbrowser.open
        opened = app.browser(url)
        self.post_message(self.BrowserDone(url, opened))  # type: ignore[attr-defined]

    def on_sharing_actions_browser_done(self, message: BrowserDone) -> None:
        if message.opened:
            self.readlist.notify(f"Opened in the browser:\n{message.url}", markup=False)
        else:
            self.copy(message.url, "paper link (no browser here)")
