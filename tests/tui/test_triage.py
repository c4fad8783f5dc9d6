"""Pilot tests for the power-user keys: tags, undo / redo, bulk read, sort, the query language."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from readlist.core.library import Library
from readlist.tui.app import ReadlistApp, make_app
from readlist.tui.screens.confirm import ConfirmScreen
from readlist.tui.screens.help import help_rows
from readlist.tui.screens.tags import TagsScreen
from tests.helpers.pilot import (
    SIZE,
    background_done,
    detail_text,
    notices,
    row_text,
    saved_state,
    static_text,
    wait_for,
)
from tests.tui.conftest import Clipboard


def titles(app: ReadlistApp) -> list[str]:
    return [app.library.papers[i].title for i in app.main.paper_list.rows]


async def test_tags_editor_sets_tags_shown_in_list_and_detail(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("t")
        assert isinstance(app.screen, TagsScreen)
        await pilot.press(*"RL, robots", "enter")
        assert not isinstance(app.screen, TagsScreen)
        assert library.state_of(paper.id).tags == ("rl", "robots")
        assert "#rl #robots" in row_text(app, 0)
        await wait_for(pilot, lambda: "#rl #robots" in detail_text(app, "facts"))
        await wait_for(
            pilot, lambda: saved_state(isolated_data).get(paper.id, {}).get("tags") == ["rl", "robots"]
        )


async def test_tags_editor_completes_from_tags_in_use_and_esc_keeps_the_text(
    app: ReadlistApp, library: Library
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", *"robots rl", "enter")
        await pilot.press("j", "t")
        await pilot.press("r")
        editor = app.screen.query_one(Input)
        assert editor._suggestion == "rl"  # most used first, then by name: both used once
        await pilot.press("tab", "space", *"new")
        await pilot.press("escape")
        assert library.state_of(app.main.paper_list.current.id).tags == ("rl", "new")


async def test_plain_words_find_tags(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "t", *"optics", "enter")
        await background_done(pilot)
        await pilot.press("slash", *"optics")
        await wait_for(pilot, lambda: titles(app) == ["Post-Training Quantization for Vision Transformers"])
        await pilot.press("escape")
        await pilot.press("slash", *"tag:optics")
        await wait_for(pilot, lambda: titles(app) == ["Post-Training Quantization for Vision Transformers"])


async def test_undo_and_redo(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("s", "r")
        await pilot.press("u")
        assert library.state_of(paper.id).starred and not library.state_of(paper.id).read
        assert "●" in row_text(app, 0)
        await pilot.press("u")
        assert not library.state_of(paper.id).starred
        await pilot.press("u")  # nothing left: a notice, no change
        assert notices(app)[-1] == "Nothing to undo."
        assert not library.state_of(paper.id).starred and not library.state_of(paper.id).read
        assert "★" not in row_text(app, 0) and "●" in row_text(app, 0)
        await pilot.press("ctrl+r")
        assert library.state_of(paper.id).starred and "★" in row_text(app, 0)


async def test_undo_takes_back_a_note_and_tags(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("n", *"hours of thinking", "escape")
        await pilot.press("t", *"x", "enter")
        await pilot.press("u")
        assert library.state_of(paper.id).tags == ()
        await pilot.press("u")
        assert library.state_of(paper.id).note == ""
        await pilot.press("ctrl+r")
        assert library.state_of(paper.id).note == "hours of thinking"


async def test_mark_all_shown_read_asks_first_and_is_one_undo_step(
    app: ReadlistApp, library: Library
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await background_done(pilot)
        await pilot.press("slash", *"quantization", "enter")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)
        await pilot.press("R")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert not any(s.read for s in library.state.all().values())
        await pilot.press("escape")  # clear the filter: all four papers shown
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 4)
        await pilot.press("R", "y")
        assert all(library.state_of(pid).read for pid in library.papers.ids)
        assert "0 unread" in static_text(app, "#status")
        await pilot.press("u")
        assert not any(library.state_of(pid).read for pid in library.papers.ids)


async def test_sort_cycles_through_orders(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        digest_order = titles(app)
        await pilot.press("S")  # published: the one paper with a date first
        await wait_for(pilot, lambda: app.main.shown == app.main.list_query)  # the sorted rows are in
        assert "sort: newest published" in static_text(app, "#status")
        assert titles(app)[0].startswith("3D Gaussian")
        await pilot.press("S")
        await wait_for(pilot, lambda: titles(app) == sorted(digest_order, key=str.casefold))
        assert "sort: title A–Z" in static_text(app, "#status")
        await pilot.press("j", "s", "S")  # starred first
        await wait_for(pilot, lambda: "sort: starred first" in static_text(app, "#status"))
        await wait_for(
            pilot, lambda: app.library.state_of(app.library.papers.ids[app.main.paper_list.rows[0]]).starred
        )
        await pilot.press("S")
        await wait_for(pilot, lambda: titles(app) == digest_order)


async def test_query_language_in_the_filter_with_inline_hints(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await background_done(pilot)
        await pilot.press("j", "s")
        await pilot.press("slash", *"is:starred")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)
        assert not app.main.hint.display
        await pilot.press(*" colour:red")
        await wait_for(pilot, lambda: app.main.hint.display)
        assert "unknown operator colour:" in static_text(app, "#hint")
        assert len(app.main.paper_list.rows) == 1  # the rest of the query still applies
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 4 and not app.main.hint.display)


async def test_undo_history_survives_a_restart(library: Library, clipboard: Clipboard) -> None:
    first = make_app(library, copy=clipboard, save_delay=0.0)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = first.main.paper_list.current.id
        await pilot.press("s", "q")
    second = make_app(library, copy=clipboard, save_delay=0.0)
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert library.state_of(pid).starred
        await pilot.press("u")
        assert not library.state_of(pid).starred


def test_new_keys_are_in_the_help() -> None:
    keys = {keys for keys, _ in help_rows()}
    assert {"t", "u", "Ctrl+R", "R", "S", "c", "b", "e", "d", "m"} <= keys


async def test_copy_the_paper_as_markdown_and_bibtex(app: ReadlistApp, clipboard: Clipboard) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "b")
        markdown, bibtex = clipboard.copied
        assert (
            markdown.startswith("## 3D Gaussian Splatting")
            and "https://huggingface.co/papers/2308.04079" in markdown
        )
        assert bibtex.startswith("@misc{") and "eprint = {2308.04079}" in bibtex


async def test_export_writes_the_papers_shown(app: ReadlistApp, tmp_path: Path) -> None:
    from readlist.tui.screens.export import ExportScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await background_done(pilot)
        await pilot.press("slash", *"quantization", "enter")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        target = tmp_path / "out" / "picked.bib"
        target.parent.mkdir()
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists() and not isinstance(app.screen, ExportScreen))
        text = target.read_text()
        assert text.count("@misc{") == 1 and "Post-Training Quantization" in text
        await pilot.press("e")
        missing = tmp_path / "missing" / "x.md"
        app.screen.query_one("#export-path", Input).value = str(missing)
        await pilot.press("enter")  # a folder that does not exist: the dialog says why and stays
        hint = app.screen.query_one("#export-hint", Static)
        await wait_for(pilot, lambda: "Could not write" in str(hint.render()))
        assert str(hint.render()).startswith(f"Could not write {missing}: No such file or directory")
        assert not missing.parent.exists() and isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_export_format_buttons_change_the_file_extension(app: ReadlistApp) -> None:
    from readlist.tui.screens.export import ExportScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value.endswith(".md")
        await pilot.click("#format-json")
        await wait_for(pilot, lambda: path_input.value.endswith(".json"))
        # Tab leaves the name for nothing else: typing and Enter always reach it.
        await pilot.press("tab", "shift+tab", "ctrl+u", *"notes.csv")
        assert path_input.has_focus and path_input.value == "notes.csv" and app.screen.fmt == "csv"


SECOND_DIGEST = """Mar 15

Sparse Gaussian Splatting on Phones

Splatting radiance fields with fewer Gaussians lets phones render scenes in real time, with quality close to the desktop method.

A Study of Reading Habits

We survey how researchers read papers and find that most skim abstracts first.
"""


def option_texts(app: ReadlistApp) -> list[str]:
    panel = app.main.digest_panel
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


async def test_digests_panel_shows_progress_and_narrows_the_list(
    library: Library, clipboard: Clipboard
) -> None:
    from readlist.core.digest import parse_text

    library.import_digests([parse_text(SECOND_DIGEST, "mar15.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.digest_panel is None  # made when first asked for
        await wait_for(pilot, lambda: app.digest_counts is not None)
        await pilot.press("d")
        assert app.main.digest_panel.display and app.main.digest_panel.has_focus
        texts = option_texts(app)
        assert texts[0] == "All digests"
        assert (
            texts[1].startswith("Mar 15") and "0/2" in texts[1] and "new" in texts[1]
        )  # a first visit: all new
        assert texts[2].startswith("Mar 14") and "0/4" in texts[2]
        await pilot.press("down", "down", "enter")  # Mar 14
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 4)
        assert app.main.paper_list.has_focus and "digest: Mar 14" in static_text(app, "#status")
        await pilot.press("r")
        await pilot.press("d")
        assert "1/4" in option_texts(app)[2]
        await pilot.press("d")  # from the panel: hide it
        assert not app.main.digest_panel.display
        await pilot.press("escape")  # steps back: the whole list again
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 6)
        assert "digest:" not in static_text(app, "#status")


async def test_new_digests_since_the_last_visit_are_announced(library: Library, clipboard: Clipboard) -> None:
    from readlist.core.digest import parse_text

    first = make_app(library, copy=clipboard, save_delay=0.0)
    async with first.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: first.digest_counts is not None)
        await pilot.press("q")
    library.import_digests([parse_text(SECOND_DIGEST, "mar15.txt")])
    second = make_app(library, copy=clipboard, save_delay=0.0)
    async with second.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: second.digest_counts is not None)
        await pilot.pause()
        assert any("1 new digest since your last visit" in n for n in notices(second))
        await pilot.press("d")
        texts = option_texts(second)
        assert "new" in texts[1] and "new" not in texts[2]


async def test_more_like_this_lists_similar_papers(library: Library, clipboard: Clipboard) -> None:
    from readlist.core.digest import parse_text

    library.import_digests([parse_text(SECOND_DIGEST, "mar15.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.similar is not None)
        await pilot.press("j", "j")
        assert app.main.paper_list.current.title.startswith("3D Gaussian Splatting")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.main.shown.similar_to is not None)
        assert titles(app)[0] == "Sparse Gaussian Splatting on Phones"
        assert not any(t.startswith("3D Gaussian") for t in titles(app))
        assert "like: 3D Gaussian Splatting" in static_text(app, "#status")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 6)


async def test_typing_in_the_tag_editor_adds_to_the_tags_there(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("t", *"cli ext", "enter")
        await pilot.press("t", *"added", "enter")
        assert library.state_of(paper.id).tags == ("cli", "ext", "added")


async def test_the_bulk_confirm_shows_its_question(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R")
        question = app.screen.query_one("#confirm-question", Static)
        assert "Mark all 4 papers shown as read?" in str(question.render())
        assert question.size.width >= 40 and question.size.height >= 1
        await pilot.press("n")


async def test_slash_again_keeps_the_query_for_more_words(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"quant", "enter", "slash", *" vision")
        assert app.main.filter_input.value == "quant vision"


async def test_more_like_this_looks_past_the_filter_and_says_when_nothing_is_alike(
    library: Library, clipboard: Clipboard
) -> None:
    from readlist.core.digest import parse_text

    odd_one = "Mar 16\n\nZyzzyva Quokka Xylophone\n\nFrobnicate wibble wobble, snarf quux.\n"
    library.import_digests([parse_text(SECOND_DIGEST, "mar15.txt"), parse_text(odd_one, "mar16.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.similar is not None)
        await pilot.press("slash", *"3d gaussian", "enter")
        await wait_for(pilot, lambda: titles(app) and titles(app)[0].startswith("3D Gaussian"))
        await pilot.press("m")
        await wait_for(pilot, lambda: titles(app)[:1] == ["Sparse Gaussian Splatting on Phones"])
        assert "sort: similarity" in static_text(app, "#status")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 7)
        await pilot.press("g", "m")  # the newest digest's only paper shares no word with any other
        await wait_for(pilot, lambda: app.main.shown.similar_to is not None)
        await wait_for(pilot, lambda: "No other paper" in detail_text(app, "facts"))
        assert not app.main.paper_list.rows


async def test_j_and_k_move_in_the_digests_panel(library: Library, clipboard: Clipboard) -> None:
    from readlist.core.digest import parse_text

    library.import_digests([parse_text(SECOND_DIGEST, "mar15.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.digest_counts is not None)
        await pilot.press("d", "j", "j")
        assert app.main.digest_panel.highlighted == 2
        await pilot.press("k")
        assert app.main.digest_panel.highlighted == 1


async def test_arrows_in_the_export_file_name_pick_the_format(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "down")
        path_input = app.screen.query_one("#export-path", Input)
        await wait_for(pilot, lambda: path_input.value.endswith(".bib"))
        await pilot.press("up", "up")
        await wait_for(pilot, lambda: path_input.value.endswith(".json"))


async def test_long_digest_labels_are_cut_with_an_ellipsis(isolated_data: Path, clipboard: Clipboard) -> None:
    from readlist.core.digest import parse_text

    library = Library(isolated_data)
    library.import_digests(
        [
            parse_text(
                "A Paper Without A Dated Page\n\nSome abstract text that is long enough.\n",
                "noheader.txt",
                default_label="noheader",
            )
        ]
    )
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert row_text(app, 0).rstrip().endswith("nohead…")
    library.close()


async def test_export_asks_before_replacing_a_file(app: ReadlistApp, tmp_path: Path) -> None:
    from readlist.tui.screens.export import ExportScreen

    target = tmp_path / "notes.md"
    target.write_text("my edited notes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, ExportScreen) and target.read_text() == "my edited notes"
        assert "exists" in str(app.screen.query_one("#export-hint", Static).render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.read_text().startswith("# Reading notes"))


async def test_notes_written_before_the_index_is_ready_are_searchable(
    library: Library, clipboard: Clipboard
) -> None:
    app = make_app(library, copy=clipboard, save_delay=0.0)
    app.build_index = lambda: None  # hold the index back
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"zeppelin", "escape", "t", *"airship", "enter")
        from readlist.core.search import SearchIndex
        from readlist.core.similar import MoreLikeThis

        index = SearchIndex(library.papers, {}, library.order)  # built before the note was written
        app.post_message(app.IndexReady(index, MoreLikeThis(index)))
        await wait_for(pilot, lambda: app.index is index)
        await pilot.press("slash", *"zeppelin airship")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 1)


async def test_undo_says_what_it_undid_in_one_pattern(app: ReadlistApp) -> None:
    """``Undone: <what changed>: <paper>`` whatever the change."""
    from readlist.tui.screens.note import NoteScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = app.main.paper_list.current.title
        await pilot.press("s", "r", "t", *"splats", "enter")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press(*"worth a read", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        await pilot.press("u", "u", "u", "u")
        said = [n for n in notices(app) if n.startswith("Undone: ")]
        assert [n.split(": ")[1] for n in said] == ["note changed", "tags changed", "marked read", "starred"]
        assert all(n.split(": ", 2)[2].startswith(title[:20]) for n in said), said
