"""What the peers do, in the app: papers picked for bulk actions, how alike "more like this"
finds them, why a paper is "for you", saved searches, and undoing the last import."""

from __future__ import annotations

from pathlib import Path

import rispy

from readlist.core.digest import parse_text
from readlist.core.library import Library
from readlist.core.saved import SavedSearches
from readlist.tui.app import ReadlistApp, make_app
from readlist.tui.screens.confirm import ConfirmScreen
from readlist.tui.screens.export import ExportScreen
from readlist.tui.screens.prompt import PromptScreen
from tests.helpers.pilot import SIZE, background_done, detail_text, notices, row_text, static_text, wait_for
from tests.tui.conftest import Clipboard


async def test_pick_three_star_them_export_them_as_ris_and_undo_the_star_in_one_step(
    app: ReadlistApp, library: Library, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "space", "j", "space")  # the first, second and fourth papers
        rows = app.main.paper_list.rows
        picked = [library.papers.ids[i] for i in (rows[0], rows[1], rows[3])]
        assert row_text(app, 0).startswith("▌") and not row_text(app, 2).startswith("▌")
        assert "3 picked" in static_text(app, "#status")
        await pilot.press("s")
        assert [library.state_of(pid).starred for pid in library.papers.ids if pid in picked] == [True] * 3
        assert not library.state_of(library.papers.ids[rows[2]]).starred
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen) and app.screen.rows == [rows[0], rows[1], rows[3]]
        target = tmp_path / "picked.ris"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists() and not isinstance(app.screen, ExportScreen))
        records = rispy.loads(target.read_text())
        assert sorted(r["title"] for r in records) == sorted(library.get(pid).title for pid in picked)
        await pilot.press("u")  # the star of all three, one step
        assert not any(library.state_of(pid).starred for pid in picked)
        await pilot.press("escape")  # lets the picked papers go
        assert "picked" not in static_text(app, "#status") and not row_text(app, 0).startswith("▌")


async def test_picked_papers_get_tags_added_and_their_links_copied(
    app: ReadlistApp, library: Library, clipboard: Clipboard
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.main.paper_list.current.id
        await pilot.press("t", *"old", "enter")
        await pilot.press("asterisk")  # every paper shown
        assert f"{len(app.main.paper_list.rows)} picked" in static_text(app, "#status")
        await pilot.press("t", *"batch", "enter")
        assert library.state_of(first).tags == ("old", "batch")  # added to what it had
        assert all("batch" in library.state_of(pid).tags for pid in library.papers.ids)
        await pilot.press("y")
        assert clipboard.copied[-1].splitlines() == [library.papers[i].url for i in app.main.paper_list.rows]


async def test_more_like_this_says_how_alike(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.similar is not None)
        await pilot.press("m")
        await wait_for(pilot, lambda: app.main.shown.similar_to is not None)
        shares = [
            int(row_text(app, y).split("% alike")[0].split()[-1])
            for y in range(len(app.main.paper_list.rows))
            if "% alike" in row_text(app, y)
        ]
        assert shares and shares == sorted(shares, reverse=True) and all(0 < share <= 100 for share in shares)
        like = app.library.get(app.main.shown.similar_to)
        # Said in the detail pane too, where the rows have no room for it.
        assert detail_text(app, "reason") == f"{shares[0]}% alike to {like.title}"


TOPICS = [
    (
        "Gaussian Splatting for Cities",
        "We render large city scenes with gaussian splats in real time on one graphics card.",
    ),
    ("Tokenizers for Code", "A study of tokenizers for source code models and their vocabularies."),
    ("Gaussian Splatting on Phones", "Mobile rasterization of gaussian splats with small memory budgets."),
    (
        "Reward Models for Dialogue",
        "Learning reward models from pairwise human preferences over dialogue turns.",
    ),
    ("Sparse Attention at Scale", "Attention that skips most token pairs keeps long contexts affordable."),
    (
        "Protein Folding with Diffusion",
        "A diffusion model generates protein backbones that fold as designed.",
    ),
    (
        "Federated Learning on Edge Devices",
        "Training across many phones without sending their data to a server.",
    ),
    (
        "Speech Recognition for Few Languages",
        "Self-supervised speech models transfer to languages with little audio.",
    ),
]


async def test_for_you_says_which_words_put_a_paper_there(isolated_data: Path, clipboard: Clipboard) -> None:
    library = Library(isolated_data)
    library.import_digests(
        [parse_text("Mar 14\n\n" + "".join(f"{t}\n\n{a}\n\n" for t, a in TOPICS), "t.txt")]
    )
    library.change([library.papers.ids[0]], "star", starred=True)
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        while app.main.list_query.sort.value != "foryou":
            await pilot.press("S")
        await wait_for(pilot, lambda: app.main.shown.sort.value == "foryou")
        await pilot.press("home")
        assert app.main.paper_list.current.title == "Gaussian Splatting on Phones"
        assert "gaussian" in detail_text(app, "reason") and "splat" in detail_text(app, "reason")
    library.close()


async def test_a_search_is_saved_and_recalled_from_the_palette(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await background_done(pilot)
        await pilot.press("slash", *"quantization", "enter")
        app.main.ask_search_name()
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"quant", "enter")
        assert SavedSearches(library.folder).all() == {"quant": "quantization"}
        await pilot.press("escape")
        assert app.main.filter_input.value == ""
        recall = next(c for c in app.readlist_commands() if c.title == "Search: quant")
        recall.callback()
        await wait_for(pilot, lambda: app.main.shown.text == "quantization")


async def test_the_last_import_can_be_undone_from_the_palette(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    other = Library(isolated_data)
    other.import_digests(
        [parse_text("Mar 15\n\nAn Unwanted Paper\n\nIt came in by mistake, and goes again.\n", "mistake.txt")]
    )
    other.close()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 5)
        undo = next(c for c in app.readlist_commands() if c.title == "Undo the last import")
        undo.callback()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 4)
        await wait_for(
            pilot, lambda: any("Took out 1 paper and the digest Mar 15" in n for n in notices(app))
        )
