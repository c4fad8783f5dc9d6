"""The digests panel on its own, in a tiny app: rows, literal labels, picking, refreshing."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from readlist.core.digests import DigestRow
from readlist.tui.widgets.digests import ALL_DIGESTS, DigestPanel, progress_mark

ROWS = [
    DigestRow("Mar 15", "2025-03-15", 120, 37, True),
    DigestRow("[b]Mar[/] 14 [/]", "2025-03-14", 3, 3, False),
    DigestRow("Mar 13", "2025-03-13", 5, 0, False),
] + [DigestRow(f"Feb {d}", f"2025-02-{d:02}", 100, d, False) for d in range(1, 29)]


class PanelApp(App[None]):
    def __init__(self, rows: list[DigestRow]) -> None:
        super().__init__()
        self.rows = rows
        self.picked: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield DigestPanel(self.rows)
        yield Static("elsewhere")

    def on_digest_panel_picked(self, message: DigestPanel.Picked) -> None:
        self.picked.append(message.label)


def line(panel: DigestPanel, y: int) -> str:
    """The text on line ``y`` of the panel's viewport."""
    return "".join(segment.text for segment in panel.render_line(y))


def prompt(panel: DigestPanel, index: int) -> str:
    return str(panel.get_option_at_index(index).prompt)


async def test_rows_show_all_digests_then_each_with_progress_and_news() -> None:
    app = PanelApp(ROWS)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        panel = app.query_one(DigestPanel)
        assert panel.outer_size.width == 24
        assert panel.border_title == "Digests" and panel.border_subtitle == "1 new"
        assert line(panel, 0).strip() == ALL_DIGESTS
        assert line(panel, 1).split() == ["Mar", "15", "37/120", "◔", "new"]
        # The label is shown literally (brackets and all), cut to fit the narrow panel.
        assert line(panel, 2).startswith("[b]Ma…") and "3/3" in line(panel, 2) and "●" in line(panel, 2)
        assert line(panel, 3).split() == ["Mar", "13", "0/5", "○"]
        assert "new" not in line(panel, 3)
        assert all(len(line(panel, y)) == len(line(panel, 1)) for y in range(1, 6))  # columns line up
        new = next(seg for seg in panel.render_line(1) if seg.text == "new")
        label = next(seg for seg in panel.render_line(1) if "Mar" in seg.text)
        assert new.style.bold and new.style.color != label.style.color


async def test_enter_and_click_post_picked_with_the_label() -> None:
    app = PanelApp(ROWS)
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(DigestPanel)
        panel.focus()
        await pilot.press("down", "enter")
        await pilot.press("home", "enter")
        await pilot.click(DigestPanel, offset=(3, 3))  # the border, then the rows: y 3 is row 2
        await pilot.pause()
        assert app.picked == ["Mar 15", None, "[b]Mar[/] 14 [/]"]


async def test_set_rows_updates_counts_and_keeps_the_highlighted_digest() -> None:
    app = PanelApp(ROWS)
    async with app.run_test(size=(60, 12)) as pilot:
        panel = app.query_one(DigestPanel)
        panel.focus()
        await pilot.press("end")  # the last row: scrolled far down
        await pilot.pause()
        assert panel.highlighted_label == "Feb 28"
        fresh = [
            DigestRow("Mar 16", "2025-03-16", 10, 0, True),
            *[DigestRow(r.label, r.day, r.total, r.total, False) for r in ROWS],
        ]
        panel.set_rows(fresh)
        await pilot.pause()
        assert panel.highlighted_label == "Feb 28"
        assert panel.highlighted == len(fresh)
        assert panel.scroll_y > 0  # still showing the highlighted row
        assert panel.border_subtitle == "1 new"
        panel.highlighted = 2
        panel.set_rows(ROWS)
        assert panel.highlighted_label == "Mar 15" and "37/120" in prompt(panel, 1)
        panel.set_rows([r for r in ROWS if r.label != "Mar 15"])  # gone: back to all digests
        assert panel.highlighted == 0 and panel.highlighted_label is None
        assert panel.border_subtitle is None


async def test_an_empty_library_shows_only_all_digests() -> None:
    app = PanelApp([])
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        panel = app.query_one(DigestPanel)
        assert panel.option_count == 1 and line(panel, 0).strip() == ALL_DIGESTS


def test_progress_mark() -> None:
    assert [progress_mark(r, 12) for r in (0, 1, 4, 6, 8, 11, 12)] == ["○", "◔", "◑", "◑", "◕", "◕", "●"]
    assert progress_mark(0, 0) == " "
