"""Links in the detail pane are terminal hyperlinks (OSC 8), but only safe http(s) ones."""

from __future__ import annotations

from rich.segment import Segment
from textual.pilot import Pilot
from textual.widgets import Static

from readlist.core.model import Paper, PaperState, paper_id
from readlist.tui.app import ReadlistApp
from tests.helpers.pilot import wait_for

SIZE = (120, 40)
SPLATS_CODE = "https://github.com/example/splats"


def segments(app: ReadlistApp, selector: str) -> list[Segment]:
    widget = app.query_one(selector, Static)
    return [segment for y in range(widget.size.height) for segment in widget.render_line(y)]


async def settle(pilot: Pilot[None], app: ReadlistApp, text: str) -> None:
    """Wait until the Links section shows ``text`` (the pane redraws once the cursor rests)."""
    await wait_for(pilot, lambda: any(text in segment.text for segment in segments(app, "#detail-links")))


async def first_paper_shown(pilot: Pilot[None], app: ReadlistApp) -> None:
    """Wait until the pane shows the list's first paper: that redraw would replace a paper shown by hand."""

    def shown() -> bool:
        current = app.paper_list.current
        return current is not None and str(app.query_one("#detail-title", Static).render()) == current.title

    await wait_for(pilot, shown)


def links_of(app: ReadlistApp, text: str) -> set[str | None]:
    """The hyperlinks (None: plain text) on the parts of the Links section that show ``text``."""
    return {segment.style.link if segment.style else None
            for segment in segments(app, "#detail-links") if text in segment.text}


def all_links(app: ReadlistApp) -> set[str]:
    return {segment.style.link for segment in segments(app, "#detail-links") if segment.style and segment.style.link}


async def test_safe_links_are_hyperlinks(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, SPLATS_CODE)
        paper = app.paper_list.current
        assert paper is not None and paper.links == [SPLATS_CODE]
        assert links_of(app, paper.url) == {paper.url}
        assert links_of(app, SPLATS_CODE) == {SPLATS_CODE}
        assert links_of(app, "[y]") == links_of(app, "[Y]") == {None}  # the key hints are plain text
        # What goes to the terminal: an OSC 8 sequence around the URL.
        rendered = "".join(
            app.query_one("#detail-links", Static).render_line(y).render(app.console) for y in range(2)
        )
        assert f";{SPLATS_CODE}\x1b\\" in rendered and "\x1b]8;" in rendered


async def test_unsafe_links_stay_plain_text(app: ReadlistApp) -> None:
    hostile = [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://example.org/a b",
        "https://example.org/\x1b]8;;https://evil.example\x1b\\",
    ]
    paper = Paper(paper_id("Unsafe"), "Unsafe links", "No links here.", extra_links=hostile)
    async with app.run_test(size=SIZE) as pilot:
        await first_paper_shown(pilot, app)
        app.detail.show(paper, PaperState())
        await settle(pilot, app, "file:///etc/passwd")
        assert links_of(app, "javascript:alert(1)") == {None}
        assert links_of(app, "file:///etc/passwd") == {None}
        assert links_of(app, "https://example.org/a b") == {None}
        assert all_links(app) == {paper.url}  # only the paper's own page
        rendered = "".join(
            app.query_one("#detail-links", Static).render_line(y).render(app.console) for y in range(6)
        )
        assert "\x1b]8;;https://evil" not in rendered and "\x1b]8;id" in rendered  # one real link only


async def test_a_non_ascii_url_is_shown_as_it_is_and_linked_percent_encoded(app: ReadlistApp) -> None:
    url = "https://exämple.org/ü?q=%20"
    paper = Paper(paper_id("Umlaut"), "Umlaut", f"See {url} for code.")
    async with app.run_test(size=SIZE) as pilot:
        await first_paper_shown(pilot, app)
        app.detail.show(paper, PaperState())
        await settle(pilot, app, url)
        assert links_of(app, url) == {"https://ex%C3%A4mple.org/%C3%BC?q=%20"}


async def test_markup_links_in_paper_text_never_become_links(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await first_paper_shown(pilot, app)
        await pilot.press("j")  # the paper whose abstract carries [link=https://evil.example]click[/link]
        shown = "[link=https://evil.example]click[/link]"
        await wait_for(pilot, lambda: shown in "".join(s.text for s in segments(app, "#detail-abstract")))
        abstract = segments(app, "#detail-abstract")
        assert not any(s.style and (s.style.link or "@click" in s.style.meta) for s in abstract)
