"""Links in the detail pane are terminal hyperlinks (OSC 8), but only safe http(s) ones."""

from __future__ import annotations

from rich.segment import Segment
from textual.pilot import Pilot
from textual.strip import Strip

from readlist.core.model import Paper, PaperState, paper_id
from readlist.tui.app import ReadlistApp
from tests.helpers.pilot import wait_for

SIZE = (120, 40)
SPLATS_CODE = "https://github.com/example/splats"


def strips(app: ReadlistApp, section: str) -> list[Strip]:
    """The lines the detail pane draws for one section (scrolled to the top, as a new paper is)."""
    pane = app.main.detail
    return [pane.render_line(y) for y in pane.rows_of(section)]


def segments(app: ReadlistApp, section: str) -> list[Segment]:
    return [segment for strip in strips(app, section) for segment in strip]


async def settle(pilot, app: ReadlistApp, text: str) -> None:
    """Wait until the Links section shows ``text``."""
    for _ in range(100):
        if any(text in segment.text for segment in segments(app, "links")):
            return
        await pilot.pause(0.03)
    raise AssertionError(f"{text!r} never shown")


async def first_paper_shown(pilot: Pilot[None], app: ReadlistApp) -> None:
    """Wait until the pane shows the list's first paper: that redraw would replace a paper shown by hand."""
    for _ in range(100):
        current = app.main.paper_list.current
        if current and app.main.detail.section("title") == current.title:
            return
        await pilot.pause(0.03)
    raise AssertionError("the first paper was never shown")


def links_of(app: ReadlistApp, text: str) -> set[str | None]:
    """The hyperlinks (None: plain text) on the parts of the Links section that show ``text``."""
    return {
        segment.style.link if segment.style else None
        for segment in segments(app, "links")
        if text in segment.text
    }


def all_links(app: ReadlistApp) -> set[str]:
    return {segment.style.link for segment in segments(app, "links") if segment.style and segment.style.link}


async def test_safe_links_are_hyperlinks(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, SPLATS_CODE)
        paper = app.main.paper_list.current
        assert paper is not None and paper.links == [SPLATS_CODE]
        assert links_of(app, paper.url) == {paper.url}
        assert links_of(app, SPLATS_CODE) == {SPLATS_CODE}
        # Labelled as the chooser labels them, with the copying key; labels and keys are plain text.
        page = "Hub page (y)" if paper.arxiv_id else "arXiv search (y)"
        assert links_of(app, page) == links_of(app, "Code (Y)") == {None}
        # What goes to the terminal: an OSC 8 sequence around the URL.
        rendered = "".join(strip.render(app.console) for strip in strips(app, "links"))
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
        app.main.detail.show(paper, PaperState())
        await settle(pilot, app, "file:///etc/passwd")
        assert links_of(app, "javascript:alert(1)") == {None}
        assert links_of(app, "file:///etc/passwd") == {None}
        assert links_of(app, "https://example.org/a b") == {None}
        assert all_links(app) == {paper.url}  # only the paper's own page
        rendered = "".join(strip.render(app.console) for strip in strips(app, "links"))
        assert "\x1b]8;;https://evil" not in rendered and "\x1b]8;id" in rendered  # one real link only


async def test_a_non_ascii_url_is_shown_as_it_is_and_linked_percent_encoded(app: ReadlistApp) -> None:
    url = "https://exämple.org/ü?q=%20"
    paper = Paper(paper_id("Umlaut"), "Umlaut", f"See {url} for code.")
    async with app.run_test(size=SIZE) as pilot:
        await first_paper_shown(pilot, app)
        app.main.detail.show(paper, PaperState())
        await settle(pilot, app, url)
        assert links_of(app, url) == {"https://ex%C3%A4mple.org/%C3%BC?q=%20"}


async def test_markup_links_in_paper_text_never_become_links(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await first_paper_shown(pilot, app)
        await pilot.press("j")  # the paper whose abstract carries [link=https://evil.example]click[/link]
        shown = "[link=https://evil.example]click[/link]"
        await wait_for(pilot, lambda: shown in "".join(s.text for s in segments(app, "abstract")))
        abstract = segments(app, "abstract")
        assert not any(s.style and (s.style.link or "@click" in s.style.meta) for s in abstract)
