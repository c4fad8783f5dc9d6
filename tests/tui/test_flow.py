"""What got in the way of a day's triage, fixed: scrolling help, dialogs that can be cancelled and
show their own keys, the export dialog keeping the name as typed, going back from "more like
this", the narrow layout, ↓ from the filter, advancing after r / s, the demo saying what it is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input

from readlist.core.library import Library
from readlist.core.settings import Settings
from readlist.tui.app import ReadlistApp, make_app
from readlist.tui.screens.export import ExportScreen
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.note import NoteScreen
from readlist.tui.screens.tags import TagsScreen
from readlist.tui.widgets.key_bar import KeyBar
from tests.helpers.pilot import SIZE, background_done, detail_text, notices, static_text, wait_for
from tests.tui.conftest import Clipboard


def bar_text(app: ReadlistApp) -> str:
    return app.screen.query_one(KeyBar).render_line(0).text


async def test_help_scrolls_with_the_keys(app: ReadlistApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        view = app.screen.query_one(VerticalScroll)
        await pilot.pause()
        assert view.max_scroll_y > 0  # at 80x24 the help is longer than the screen
        await pilot.press("j", "down")
        await pilot.pause()
        assert view.scroll_y == 2
        await pilot.press("end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home", "pagedown")
        await pilot.pause()
        assert view.scroll_y > 2
        assert "Esc Close" in bar_text(app)  # the dialog's own keys, not the list's
        assert "s Star" not in bar_text(app)


async def test_the_export_dialog_keeps_the_name_as_typed(app: ReadlistApp, tmp_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#export-path", Input)
        await pilot.press("down")  # BibTeX: the extension follows, the cursor stays at the end
        await pilot.pause()
        assert path_input.value.endswith(".bib") and path_input.cursor_position == len(path_input.value)
        await pilot.press("ctrl+u", *str(tmp_path / "all.csv"))
        await pilot.pause()
        assert path_input.value == str(tmp_path / "all.csv")
        assert app.screen.fmt == "csv"  # a typed extension picks its format
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "all.csv").exists())
        assert (tmp_path / "all.csv").read_text().startswith("id,title,url")
        await wait_for(pilot, lambda: any(" as CSV to " in notice for notice in notices(app)))


async def test_a_failed_export_keeps_the_dialog_and_the_name(app: ReadlistApp, tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "notes.md"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(missing)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Could not write" in str(app.screen.query_one("#export-hint").render()))
        assert isinstance(app.screen, ExportScreen)
        assert app.screen.query_one("#export-path", Input).value == str(missing)
        missing.parent.mkdir()
        await pilot.press("enter")  # fixed: the same dialog writes it
        await wait_for(pilot, lambda: missing.exists() and not isinstance(app.screen, ExportScreen))


async def test_esc_from_more_like_this_goes_back_to_the_paper_it_started_from(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.similar is not None)
        await pilot.press("j", "j")
        start = app.main.paper_list.current.id
        await pilot.press("m")
        await wait_for(pilot, lambda: app.main.shown.similar_to == start)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.main.shown.similar_to is None)
        assert app.main.paper_list.current.id == start


async def test_a_narrow_status_line_still_says_what_narrows_the_list(app: ReadlistApp) -> None:
    """The status line is cut at the terminal's edge: the paper "more like this" started from and
    the digest come right after the count, before the totals, view and sort."""
    async with app.run_test(size=(50, 24)) as pilot:
        await wait_for(pilot, lambda: app.similar is not None)
        title = app.main.paper_list.current.title
        await pilot.press("m")
        await wait_for(pilot, lambda: app.main.shown.similar_to is not None)
        status = static_text(app, "#status")
        assert status.index("like: " + title[:10]) < status.index("unread")
        await pilot.press("escape")
        app.main.list_query = replace(app.main.list_query, digest=app.library.papers[0].digests[0])
        await wait_for(pilot, lambda: "digest: " in static_text(app, "#status"))
        status = static_text(app, "#status")
        assert status.index("digest: ") < status.index("unread")


async def test_changing_the_sort_keeps_the_paper_under_the_cursor(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j")
        kept = app.main.paper_list.current.id
        for _ in range(3):
            await pilot.press("S")
            await wait_for(pilot, lambda: app.main.shown == app.main.list_query)
            assert app.main.paper_list.current.id == kept


async def test_note_and_tag_editors_can_be_left_without_saving(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("n", *"keep this", "escape")
        assert library.state_of(pid).note == "keep this"
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        assert "Discard changes" in bar_text(app) and "s Star" not in bar_text(app)
        await pilot.press(*" and not this", "ctrl+g")
        assert not isinstance(app.screen, NoteScreen)
        assert library.state_of(pid).note == "keep this"
        await pilot.press("t", *"rl", "ctrl+g")
        assert not isinstance(app.screen, TagsScreen)
        assert library.state_of(pid).tags == ()
        app.main.save_open_editors()  # a discarded editor has nothing left to save at exit
        assert library.state_of(pid).note == "keep this"


async def test_down_in_the_filter_moves_to_the_results(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        await pilot.press("slash", *"quantization")
        assert app.main.filter_input.has_focus
        await pilot.press("down")
        assert app.main.paper_list.has_focus and app.main.filter_input.value == "quantization"


async def test_advance_moves_on_after_r_and_s_and_is_remembered(
    app: ReadlistApp, library: Library, isolated_data: Path, clipboard: Clipboard
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert app.main.paper_list.cursor == 0  # off by default
        await pilot.press("a", "r")
        assert app.main.paper_list.cursor == 1 and "r/s advance" in static_text(app, "#status")
        await pilot.press("s")
        assert app.main.paper_list.cursor == 2
    assert Settings.load(isolated_data).advance
    again = make_app(library, copy=clipboard, save_delay=0.0)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert again.main.paper_list.cursor == 1


async def test_a_narrow_terminal_puts_the_detail_pane_under_the_list(app: ReadlistApp) -> None:
    async with app.run_test(size=(50, 30)) as pilot:
        await pilot.pause()
        assert app.main.has_class("-narrow")
        papers, detail = app.main.paper_list.region, app.main.detail.region
        assert detail.y >= papers.bottom and detail.width >= 40 and detail.height >= 5
        assert detail_text(app, "abstract") and "Help" in bar_text(app) and "Quit" in bar_text(app)


async def test_the_demo_says_it_keeps_nothing(library: Library, clipboard: Clipboard) -> None:
    app = make_app(library, copy=clipboard, save_delay=0.0, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert static_text(app, "#status").startswith(" DEMO: a throwaway library")
        await pilot.press("s")  # "saving…", until the state and the undo history are written …
        await wait_for(pilot, lambda: "DEMO" in static_text(app, "#status"))  # … then DEMO again
        assert not library.state.dirty and library.state_of(app.main.paper_list.current.id).starred


async def test_keys_that_need_a_paper_are_dimmed_and_do_nothing_without_one(
    app: ReadlistApp, library: Library
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        await pilot.press("slash", *"zzqqxxnothing", "enter")
        await wait_for(pilot, lambda: not app.main.paper_list.rows)
        bar = app.main.query_one(KeyBar)
        star = next(key for key in bar.keys[0] if key.description == "Star")
        assert not star.enabled
        await pilot.press("s", "r", "n", "y")
        assert not isinstance(app.screen, NoteScreen)
        assert library.state.counts() == (0, 0)
