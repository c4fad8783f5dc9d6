"""Pilot tests: press the keys a reader presses, check state and what is shown."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from readlist.core.library import Library
from readlist.core.query import HAS_VALUES
from readlist.core.views import Sort
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.note import NoteScreen
from tests.helpers.durability import state_on_disk
from tests.helpers.pilot import SIZE, detail_text, notices, row_text, saved_state, static_text, wait_for
from tests.helpers.tui_manual_saver import ManualSaver
from tests.tui.conftest import HOSTILE, Clipboard


async def test_list_shows_papers_with_digest_date_and_counts(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.main.paper_list.rows) == 4
        assert "3D Gaussian Splatting" in row_text(app, 0)
        assert "Mar 14" in row_text(app, 0)
        assert "●" in row_text(app, 0)  # unread marker
        status = static_text(app, "#status")
        assert "4 papers" in status and "4 unread" in status and "0 starred" in status


async def test_the_status_line_names_the_view_and_the_order_only_when_they_are_not_the_usual(
    app: ReadlistApp,
) -> None:
    """Every paper in digest order is "4 papers"; a view, a sort or a search is said, so that
    at 80 columns the line still ends with what is unusual about the list."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert static_text(app, "#status") == " saved · 4 papers · 4 unread · 0 starred"
        await pilot.press("S")  # newest published first
        await wait_for(pilot, lambda: app.main.shown == app.main.list_query)
        assert (
            static_text(app, "#status") == " saved · 4 papers · 4 unread · 0 starred · sort: newest published"
        )
        await pilot.press("3")  # the starred view
        await wait_for(pilot, lambda: app.main.shown == app.main.list_query)
        assert static_text(app, "#status") == (
            " saved · 0 shown / 4 total · 4 unread · 0 starred · view: Starred · sort: newest published"
        )


async def test_cursor_keys_move_and_never_mark_read(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        assert app.main.paper_list.cursor == 1
        await pilot.press("down", "down")
        assert app.main.paper_list.cursor == 3
        await pilot.press("k")
        assert app.main.paper_list.cursor == 2
        await pilot.press("up")
        assert app.main.paper_list.cursor == 1
        await pilot.press("G")
        assert app.main.paper_list.cursor == 3
        await pilot.press("g")
        assert app.main.paper_list.cursor == 0
        await pilot.press("end")
        assert app.main.paper_list.cursor == 3
        await pilot.press("home")
        assert app.main.paper_list.cursor == 0
        assert not any(s.read for s in library.state.all().values())


async def test_detail_follows_cursor(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3D Gaussian Splatting" in detail_text(app, "title")
        facts = detail_text(app, "facts")
        assert "published Aug 8, 2023" in facts and "4 authors" in facts and "▲ 12" in facts
        assert "https://huggingface.co/papers/2308.04079" in detail_text(app, "links")
        assert "https://github.com/example/splats" in detail_text(app, "links")
        await pilot.press("j", "j")
        assert "Post-Training Quantization" in detail_text(app, "title")


async def test_markup_in_titles_is_shown_literally(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        assert HOSTILE in row_text(app, 1)
        assert detail_text(app, "title") == HOSTILE
        assert "[link=https://evil.example]click[/link]" in detail_text(app, "abstract")


async def test_read_and_star_toggle_and_reach_disk(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("r", "s")
        assert library.state_of(paper.id).read and library.state_of(paper.id).starred
        assert "★" in row_text(app, 0) and "●" not in row_text(app, 0)
        await wait_for(pilot, lambda: saved_state(isolated_data).get(paper.id, {}).get("starred") is True)
        assert saved_state(isolated_data)[paper.id]["read"] is True
        assert "1 starred" in static_text(app, "#status") and "3 unread" in static_text(app, "#status")
        await pilot.press("r", "s")
        assert not library.state_of(paper.id).read and not library.state_of(paper.id).starred
        await wait_for(pilot, lambda: saved_state(isolated_data)[paper.id]["starred"] is False)


async def test_note_editor_saves_on_escape_and_ctrl_s(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"check [bold] table 3")
        await pilot.press("escape")
        assert not isinstance(app.screen, NoteScreen)
        assert library.state_of(paper.id).note == "check [bold] table 3"
        assert "✎" in row_text(app, 0)
        assert "check [bold] table 3" in detail_text(app, "note")
        await pilot.press("n")
        assert app.screen.query_one(TextArea).text == "check [bold] table 3"
        await pilot.press("end", *" and fig 2", "ctrl+s")
        assert library.state_of(paper.id).note == "check [bold] table 3 and fig 2"
        await wait_for(
            pilot,
            lambda: (
                saved_state(isolated_data).get(paper.id, {}).get("note") == "check [bold] table 3 and fig 2"
            ),
        )


async def test_filter_is_fuzzy_and_enter_keeps_it(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"quantisation")  # British spelling: a typo for the index
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)
        assert "Quantization" in row_text(app, 0)
        await pilot.press("enter")
        assert app.focused is app.main.paper_list
        assert len(app.main.paper_list.rows) == 1
        assert app.main.filter_input.value == "quantisation"  # the filter bar keeps showing it
        assert "sort: relevance" in static_text(app, "#status")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 4)
        assert app.query_one("#filter", Input).value == ""


async def test_filter_searches_notes_and_ranks_title_first(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("G", "n", *"revisit gaussian", "ctrl+s")
        await pilot.press("slash", *"gaussian")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 2)
        assert "3D Gaussian Splatting" in row_text(app, 0)  # title hit first, note hit second
        assert "Low-Rank" in row_text(app, 1)


async def test_copy_link_uses_clipboard(app: ReadlistApp, clipboard: Clipboard) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert clipboard.copied == ["https://huggingface.co/papers/2308.04079"]
        await pilot.press("Y")
        assert clipboard.copied[-1] == "https://github.com/example/splats"
        await pilot.press("j", "j", "y")
        assert clipboard.copied[-1].startswith("https://arxiv.org/search/?query=%22Post-Training")


async def test_copy_falls_back_to_osc52(library: Library) -> None:
    app = ReadlistApp(library, copy=Clipboard(works=False), save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == "https://huggingface.co/papers/2308.04079"
        assert any("OSC 52" in n for n in notices(app))


async def test_copy_code_link_without_links_warns(app: ReadlistApp, clipboard: Clipboard) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("G", "Y")
        assert clipboard.copied == []
        assert any("no code or project link" in n for n in notices(app))


async def test_open_uses_the_browser(library: Library) -> None:
    opened: list[str] = []
    app = ReadlistApp(
        library, copy=Clipboard(), browser=lambda url: opened.append(url) or True, save_delay=0.0
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await wait_for(pilot, lambda: opened == ["https://huggingface.co/papers/2308.04079"])
        await wait_for(pilot, lambda: any("Opened in the browser" in n for n in notices(app)))


async def test_open_without_a_browser_copies_the_link_instead(library: Library) -> None:
    clipboard = Clipboard()
    app = ReadlistApp(library, copy=clipboard, browser=lambda url: False, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await wait_for(pilot, lambda: clipboard.copied == ["https://huggingface.co/papers/2308.04079"])
        assert any("no browser here" in n for n in notices(app))


async def test_views_switch_with_one_key(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", "j", "r")
        await pilot.press("v")  # unread
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 3)
        assert "view: Unread" in static_text(app, "#status")
        await pilot.press("v")  # starred
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)
        assert "3D Gaussian" in row_text(app, 0)
        await pilot.press("v")  # with notes
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 0)
        assert "No paper here" in detail_text(app, "title")
        await pilot.press("1")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 4)
        await pilot.press("3")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)


async def test_help_lists_every_key(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        for key in ("/", "r", "s", "n", "y", "Y", "o", "v", "q", "j k", "g G"):
            assert key in text
        for sort in Sort:  # every order S steps through
            assert sort.label() in text.replace("\n", " ") or sort is Sort.DIGEST
        for value in HAS_VALUES:  # every has: the filter knows
            assert f"has:{value}" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_actions(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.readlist_commands()]
        for label in ("Read", "Star", "Note", "Copy ", "Copy code", "Open", "View: Starred", "Help"):
            assert any(title.startswith(label) for title in titles), label
        star = next(c for c in app.readlist_commands() if c.title.startswith("Star"))
        await star.callback()
        assert app.library.state_of(app.main.paper_list.current.id).starred


async def test_quit_saves_and_state_survives_reopen(
    app: ReadlistApp, library: Library, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("readlist.tui.app.Saver", ManualSaver)  # nothing saved but by quitting
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("s", "r", "n", *"keep me", "escape")
        assert pid not in state_on_disk(isolated_data)  # the saver never saved on its own
        await pilot.press("q")
        await asyncio.sleep(0)
    reopened = Library(isolated_data)
    state = reopened.state_of(pid)
    assert state.starred and state.read and state.note == "keep me"
    reopened.close()


async def test_cursor_row_keeps_its_markers_visible(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        segments = list(app.main.paper_list.render_line(0))
        cursor_bg = segments[0].style.bgcolor
        for segment in segments[1:3]:  # ● and ★ on the cursor row
            assert segment.text in "●★"
            assert segment.style.color != cursor_bg


async def test_read_rows_are_dimmer_than_unread(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", "j", "j")  # row 0 read, cursor away from rows 0 and 1

        def brightness(y: int) -> int:
            title = max(app.main.paper_list.render_line(y), key=lambda segment: len(segment.text))
            return sum(title.style.color.get_truecolor())

        assert brightness(0) < brightness(1)


async def test_closing_the_terminal_keeps_the_note_being_typed(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("n", *"half-typed thought")
        app._save_and_exit()  # what SIGTERM and SIGHUP run
        await pilot.pause()
    assert Library(isolated_data).state_of(pid).note == "half-typed thought"


async def test_ctrl_q_in_the_editor_keeps_the_note(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("n", *"typed then ctrl q", "ctrl+q")
        await pilot.pause()
    assert Library(isolated_data).state_of(pid).note == "typed then ctrl q"


async def test_note_changed_elsewhere_while_editing_keeps_both(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("n", *"mine")
        library.state.update(pid, note="theirs")  # as if another process saved it meanwhile
        await pilot.press("escape")
        note = library.state_of(pid).note
        assert note.startswith("mine") and note.endswith("theirs")


async def test_tab_moves_between_list_and_detail_only(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        assert app.focused is app.main.detail
        await pilot.press("tab")
        assert app.focused is app.main.paper_list
        await pilot.press("n", "tab")  # in the editor Tab indents
        assert "    " in app.screen.query_one(TextArea).text or "\t" in app.screen.query_one(TextArea).text


async def test_empty_library_says_how_to_start(isolated_data: Path) -> None:
    library = Library(isolated_data)
    app = ReadlistApp(library, copy=Clipboard(), save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "empty" in detail_text(app, "title")
        assert "readlist --demo" in detail_text(app, "facts")
    library.close()
