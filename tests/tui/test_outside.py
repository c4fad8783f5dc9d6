"""What the running app shows of the world around it: changes another readlist process saved,
saves that fail, and the problems of the import it was opened with."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from readlist.core.importer import import_files
from readlist.core.library import STATE_FILE, Library
from readlist.core.undo import UNDO_FILE
from readlist.core.views import ListQuery
from readlist.tui.app import ReadlistApp, make_app
from tests.helpers.disk_full import DiskFull
from tests.helpers.durability import DEFAULTS, state_on_disk
from tests.helpers.pilot import SIZE, background_done, detail_text, notices, row_text, static_text, wait_for
from tests.tui.conftest import Clipboard


def read_in_digest(app: ReadlistApp) -> int:
    """How many papers of the (one) digest the digests panel counts as read."""
    assert app.digest_counts is not None
    (row,) = app.digest_counts.rows(None)
    return row.read


async def test_changes_saved_by_another_process_show_in_the_running_app(
    app: ReadlistApp, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 0.05)  # the app looks often, so the test is quick
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        first, second = (app.library.papers.ids[i] for i in app.main.paper_list.rows[:2])
        other = Library(isolated_data)  # another readlist process on the same folder
        other.change([first], "star", starred=True, note="discussed at the reading group")
        other.change([second], "read", read=True)
        other.close()

        # The status line is the last thing the app updates once it has seen the change (the rows
        # may show it sooner: they read the state whenever they are drawn).
        await wait_for(pilot, lambda: "3 unread · 1 starred" in static_text(app, "#status"))
        assert "★" in row_text(app, 0)
        assert "●" not in row_text(app, 1)  # the read mark: no unread dot any more
        assert "discussed at the reading group" in detail_text(app, "note")  # the paper shown
        assert read_in_digest(app) == 1
        await pilot.press("slash", *"reading group")  # the new note is searchable
        await wait_for(
            pilot, lambda: [app.library.papers.ids[i] for i in app.main.paper_list.rows] == [first]
        )


async def test_papers_another_process_added_come_in_with_their_state(
    app: ReadlistApp, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A digest imported elsewhere, one of its papers starred there: the paper is never shown
    without its star, however slowly the state is read."""
    from readlist.core.digest import parse_text

    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 3600.0)  # the test says when to look
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        before = len(app.library.papers)
        other = Library(isolated_data)
        other.import_digests([parse_text(MISTAKE, "mistake.txt")])
        added = other.papers.ids[before]
        other.change([added], "star", starred=True)
        other.close()
        state, real = app.library.state, app.library.state.refresh

        def slow_refresh() -> set[str]:
            if state.storage.changed_on_disk():
                time.sleep(0.2)  # the papers must wait for it
            return real()

        monkeypatch.setattr(state, "refresh", slow_refresh)
        app.poll_outside()
        await wait_for(pilot, lambda: len(app.library.papers) > before)
        assert app.library.state_of(added).starred


async def test_a_search_shown_while_the_index_caught_up_is_found_again(
    app: ReadlistApp, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Papers came in and a search ran on the index from before them: when the index that
    holds them arrives, the search is run again and finds them. An index built for papers
    the app no longer has, arriving late, is not taken."""
    from readlist.core.digest import parse_text
    from readlist.core.search import SearchIndex

    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        before, stale = len(app.library.papers), app.index
        assert stale is not None
        other = Library(isolated_data)
        other.import_digests([parse_text(MISTAKE, "mistake.txt")])
        other.close()
        release, real = threading.Event(), SearchIndex.for_library

        def held(library: Library) -> SearchIndex:
            release.wait(30)
            return real(library)

        monkeypatch.setattr(SearchIndex, "for_library", held)
        app.poll_outside()
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == before + 2)
        await pilot.press("slash", *"came in by mistake", "enter")
        await wait_for(pilot, lambda: app.main.shown.text == "came in by mistake")
        assert "Mistake" not in detail_text(app, "title")  # the index from before knows no such paper
        release.set()
        await wait_for(pilot, lambda: "Mistake" in detail_text(app, "title"))
        await background_done(pilot)
        fresh = app.index
        assert fresh is not None and len(fresh.position) == before + 2
        app.post_message(app.IndexReady(stale, app.similar))  # the late one
        await pilot.pause()
        assert app.index is fresh


async def test_a_note_written_while_the_index_is_rebuilt_is_searchable(
    app: ReadlistApp, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Papers came in elsewhere, so the index is built again; a note written meanwhile goes into
    the old index and into the new one, which read the notes before it was written."""
    from readlist.core.digest import parse_text
    from readlist.core.search import SearchIndex

    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        before = len(app.library.papers)
        other = Library(isolated_data)
        other.import_digests([parse_text(MISTAKE, "mistake.txt")])
        other.close()
        started, release, real = threading.Event(), threading.Event(), SearchIndex.for_library

        def held(library: Library) -> SearchIndex:
            index = real(library)  # the notes as they are now
            started.set()
            release.wait(30)
            return index

        monkeypatch.setattr(SearchIndex, "for_library", held)
        app.poll_outside()
        await wait_for(pilot, started.is_set)
        pid = app.main.paper_list.current.id
        app.change([pid], "note", note="read with the zeppelin group")
        release.set()
        await wait_for(pilot, lambda: app.index is not None and len(app.index.position) == before + 2)
        await pilot.press("slash", *"zeppelin", "enter")
        await wait_for(pilot, lambda: app.main.shown.text == "zeppelin")
        assert [app.library.papers.ids[i] for i in app.main.paper_list.rows] == [pid]


async def test_a_save_reports_what_another_process_changed_meanwhile(
    app: ReadlistApp, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's own save merges in what another process saved; the papers it changed are redrawn
    then, without waiting for the app to look."""
    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.digest_counts is not None)
        first, second = (app.library.papers.ids[i] for i in app.main.paper_list.rows[:2])
        other = Library(isolated_data)
        other.change([second], "read", read=True)
        other.close()
        await pilot.press("s")  # stars the first paper; its save finds the second one read
        await wait_for(pilot, lambda: read_in_digest(app) == 1)
        assert "●" not in row_text(app, 1)
        await wait_for(pilot, lambda: static_text(app, "#status").startswith(" saved"))
    assert state_on_disk(isolated_data)[first]["starred"] is True
    assert state_on_disk(isolated_data)[second] == {**DEFAULTS, "read": True}


@pytest.mark.parametrize("name", [STATE_FILE, UNDO_FILE])
async def test_a_failed_save_is_shown_and_q_twice_quits_anyway(
    app: ReadlistApp, library: Library, isolated_data: Path, disk_full: DiskFull, name: str
) -> None:
    disk_full.fill(isolated_data / name)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("s")
        await wait_for(
            pilot,
            lambda: any(
                n.startswith("Could not save: ") and "No space left on device" in n for n in notices(app)
            ),
        )
        assert static_text(app, "#status").startswith(" NOT SAVED (retrying)")
        assert library.state_of(pid).starred  # kept in memory

        await pilot.press("q")
        await wait_for(pilot, lambda: any("Press q again to quit anyway" in n for n in notices(app)))
        assert app.return_code is None  # still running: the reader has been told and may free space
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code == 0)
    assert disk_full.refused  # the saves failed for want of room, not by chance


async def test_import_problems_are_announced_when_the_app_opens(
    library: Library, clipboard: Clipboard, tmp_path: Path
) -> None:
    from tests.conftest import FIXTURES

    hostile = str(tmp_path / "bad\x1b[2Jname.txt")  # the terminal must never get that escape
    names = [
        str(FIXTURES / "missing_abstract.txt"),
        hostile,
        *(str(tmp_path / f"gone{i}.txt") for i in range(2)),
    ]
    report = import_files(library, names)
    app = make_app(library, report=report, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (notice,) = notices(app, title="Import problems")
    lines = notice.splitlines()
    assert lines[0] == "Imported 1 file: 4 new, 0 already known, 4 problems."  # the missing ones are problems
    assert lines[1].endswith("has no abstract")
    assert lines[2] == str(tmp_path / "badname.txt") + ": no such file"  # the escape sequence left out
    assert lines[3] == str(tmp_path / "gone0.txt") + ": no such file"
    assert lines[4:] == ["…and 1 more"]


async def test_a_clean_import_is_summed_up_when_the_app_opens(library: Library, clipboard: Clipboard) -> None:
    from tests.conftest import FIXTURES

    report = import_files(library, [str(FIXTURES / "week1.txt")])
    app = make_app(library, report=report, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert notices(app) == ["Imported 1 file: 4 new, 0 already known."]


MISTAKE = (
    "Mar 20\n\nA First Paper That Came In By Mistake\n\nIt goes again.\n\n"
    "A Second Paper That Came In By Mistake\n\nIt goes again too.\n"
)


@pytest.mark.parametrize("query", ["", "mistake"])
async def test_papers_taken_out_elsewhere_leave_the_app_showing_the_rest(
    library: Library, clipboard: Clipboard, isolated_data: Path, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """Papers removed by another process (readlist remove, an undone import) while the cursor,
    a search and a pick were on them: the app goes on with the papers that stay."""
    from readlist.core.digest import parse_text
    from readlist.core.removal import undo_last_import

    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 0.05)
    library.import_digests([parse_text(MISTAKE, "mistake.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        staying = len(app.library.papers) - 2
        if query:
            await pilot.press("slash", *query, "enter")
            await wait_for(pilot, lambda: app.main.shown.text == query)
        assert "By Mistake" in detail_text(app, "title")  # the newest digest comes first
        await pilot.press("space")  # picked, and the cursor moves on to the next paper
        await wait_for(pilot, lambda: "Second Paper" in detail_text(app, "title"))
        other = Library(isolated_data)
        undo_last_import(other)
        other.close()
        await wait_for(pilot, lambda: len(app.library.papers) == staying)
        await wait_for(pilot, lambda: "Mistake" not in detail_text(app, "title"))
        await pilot.press("escape", "escape")  # back to every paper
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == staying)
        assert app.is_running and app.main.paper_list.selected == set()  # the picked paper went
        titles = [app.library.papers[row].title for row in app.main.paper_list.rows]
        assert not any("Mistake" in title for title in titles)
        await pilot.press("j", "s")
        assert app.main.paper_list.current is not None


@pytest.mark.parametrize("narrowed", ["more like this", "digest"])
async def test_a_list_narrowed_to_what_went_elsewhere_goes_back_to_every_paper(
    library: Library,
    clipboard: Clipboard,
    isolated_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    narrowed: str,
) -> None:
    """More like a paper, or the papers of a digest, that another process took out."""
    from readlist.core.digest import parse_text
    from readlist.core.removal import undo_last_import

    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 0.05)
    library.import_digests([parse_text(MISTAKE, "mistake.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        assert "By Mistake" in detail_text(app, "title")
        if narrowed == "digest":
            app.main.list_query = replace(app.main.list_query, digest="Mar 20")
            await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 2)
        else:
            await pilot.press("m")
            await wait_for(pilot, lambda: app.main.shown.similar_to is not None)
        other = Library(isolated_data)
        undo_last_import(other)
        other.close()
        await wait_for(pilot, lambda: app.main.list_query == ListQuery())
        await background_done(pilot)
        assert app.is_running and len(app.main.paper_list.rows) == len(app.library.papers) > 0
