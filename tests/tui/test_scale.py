"""What keeps a large library cheap in the app: papers stay columns, long-lived data leaves the
garbage collector's walk."""

from __future__ import annotations

import gc
from pathlib import Path

from readlist.core.digest import parse_text
from readlist.core.library import Library
from readlist.tui.app import make_app
from tests.helpers.pilot import SIZE, background_done, wait_for

COUNT = 300


def big_digest() -> str:
    entries = [
        f"Paper number {n} about topic {n % 7}\n\nAn abstract for paper {n} on topic {n % 7}.\n"
        for n in range(COUNT)
    ]
    return "new\n\nSubscribe\n\nMar 14\n\n" + "\n".join(entries)


def made(library: Library) -> int:
    return sum(paper is not None for paper in library.papers._objects)


async def test_the_list_makes_objects_only_of_papers_it_shows(isolated_data: Path) -> None:
    first = Library(isolated_data)
    first.import_digests([parse_text(big_digest(), "big.txt")])
    first.close()
    library = Library(isolated_data)  # reopened: the papers are columns again
    app = make_app(library, copy=lambda text: True, save_delay=0.0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await background_done(pilot)
            await pilot.press("slash", *str(COUNT - 1))  # the last paper comes first
            await wait_for(pilot, lambda: app.main.shown.text == str(COUNT - 1))
            wanted = app.main.paper_list.current
            assert wanted is not None and wanted.title.startswith(f"Paper number {COUNT - 1} ")
            await pilot.press("escape")  # every paper again, the cursor still on that one
            await wait_for(
                pilot, lambda: app.main.shown.text == "" and len(app.main.paper_list.rows) == COUNT
            )
            assert app.main.paper_list.current is not None and app.main.paper_list.current.id == wanted.id
            assert app.main.paper_list.cursor == COUNT - 1
            assert made(library) < 3 * SIZE[1]  # the rows drawn, not the 300 passed over
    finally:
        library.close()


async def test_long_lived_data_is_frozen_out_of_the_collector(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        frozen_at_start = gc.get_freeze_count()
        assert frozen_at_start > 0  # modules, library and widgets, from the first frame on
        await background_done(pilot)
        await pilot.pause()
        assert gc.get_freeze_count() > frozen_at_start  # the search index joins them
