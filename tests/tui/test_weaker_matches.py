"""The divider between strong and weaker matches, and bulk actions that stop at it."""

from __future__ import annotations

from pathlib import Path

from readlist.core.digest import parse_text
from readlist.core.library import Library
from readlist.tui.app import make_app
from readlist.tui.screens.confirm import ConfirmScreen
from readlist.tui.screens.export import ExportScreen
from tests.helpers.pilot import SIZE, background_done, static_text, wait_for
from tests.tui.conftest import Clipboard

DIGEST = """Subscribe

Mar 14

Unlearning Benchmarks for Language Models

We collect benchmarks that measure how well unlearning removes a fact from a trained network.

Machine Unlearning Without Retraining

Removing the influence of some training data from a trained network, quickly.

Knowledge Editing at Scale

Editing facts stored in a network changes what it answers.
"""


async def test_weaker_matches_sit_below_a_divider_and_bulk_actions_leave_them(
    isolated_data: Path, clipboard: Clipboard
) -> None:
    library = Library(isolated_data)
    library.import_digests([parse_text(DIGEST, "test.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await background_done(pilot)
            await pilot.press("slash", *"unlearning benchmarks", "enter")
            await wait_for(pilot, lambda: app.main.shown.text == "unlearning benchmarks")
            papers = library.papers
            assert [papers[i].title for i in app.main.paper_list.rows] == [
                "Unlearning Benchmarks for Language Models",
                "Machine Unlearning Without Retraining",
            ]
            assert app.main.paper_list.strong_rows == app.main.paper_list.rows[:1]
            lines = ["".join(s.text for s in app.main.paper_list.render_line(y)) for y in range(3)]
            assert "Unlearning Benchmarks" in lines[0]
            assert "1 weaker match" in lines[1] and "Machine" not in lines[1]
            assert lines[1].rstrip() == " ── 1 weaker match: missing a word ──"  # what fits beside the pane
            await pilot.resize_terminal(30, 24)  # too narrow for the reason: no word cut in half
            await wait_for(pilot, lambda: app.main.paper_list.size.width == 30)
            divider = "".join(s.text for s in app.main.paper_list.render_line(1))
            assert divider.rstrip() == " ── 1 weaker match ──"
            await pilot.resize_terminal(*SIZE)
            assert "Machine Unlearning" in lines[2]
            assert "1 shown + 1 weaker" in static_text(app, "#status")

            await pilot.press("j")  # the cursor steps over the divider to the weaker match
            assert app.main.paper_list.current is not None and app.main.paper_list.current.title.startswith(
                "Machine"
            )

            await pilot.press("R")
            assert isinstance(app.screen, ConfirmScreen)
            question = str(app.screen.query_one("#confirm-question").render())
            assert "Mark all 1 papers shown as read?" in question and "1 weaker match" in question
            await pilot.press("y")
            read = {papers[i].title for i in range(len(papers)) if library.state_of(papers[i].id).read}
            assert read == {"Unlearning Benchmarks for Language Models"}

            await pilot.press("e")
            assert isinstance(app.screen, ExportScreen)
            title = str(app.screen.query_one("#export-title").render())
            assert "Export the 1 paper shown (not the 1 weaker match)" in title
            await pilot.press("escape")
    finally:
        library.close()
