"""The key bar and the first frame: what a reader sees before pressing anything."""

from __future__ import annotations

import pytest

from readlist.core.library import Library
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.help import HelpScreen
from readlist.tui.widgets.key_bar import KeyBar
from tests.helpers.pilot import SIZE, detail_text, wait_for


def bar_text(app: ReadlistApp) -> str:
    bar = app.screen.query_one(KeyBar)
    return "".join(segment.text for segment in bar.render_line(0))


def item_x(app: ReadlistApp, description: str) -> int:
    """The column where the key bar drew the item with this description."""
    bar = app.screen.query_one(KeyBar)
    bar.render_line(0)
    return next(start for start, _, key in bar._spans if key.description == description)


async def test_first_frame_shows_the_paper_and_the_keys(app: ReadlistApp) -> None:
    """The very first frame drawn is complete: the detail pane shows the paper under the cursor
    and the key bar its keys, with no frame of empty panes before them."""
    first: dict[str, str] = {}
    display = app._display

    def record(screen, update) -> None:
        display(screen, update)
        if update is not None and not first:
            first["title"] = detail_text(app, "title")
            first["keys"] = bar_text(app)

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3D Gaussian Splatting" in first["title"]
        assert "/ Filter" in first["keys"] and "s Star" in first["keys"] and "q Quit" in first["keys"]


async def test_every_move_shows_its_paper_at_once(app: ReadlistApp) -> None:
    """The detail pane follows the cursor on every key, in the same turn: showing a paper is one
    wrap of its text, with nothing to lay out, so there is nothing to wait for."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in "jjjk":
            await pilot.press(key)
            assert detail_text(app, "title") == app.main.paper_list.current.title


async def test_key_bar_lists_the_keys_in_binding_order_and_the_palette(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = bar_text(app)
        order = [
            text.index(f" {label}") for label in ("Filter", "Read", "Star", "Note", "Copy", "Help", "Quit")
        ]
        assert order == sorted(order)
        assert text.rstrip().endswith("Ctrl+P Palette")
        assert "Redo" not in text  # a key kept out of the bar (it is in help and the palette)


async def test_click_on_a_key_presses_it(app: ReadlistApp, library: Library) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.click(KeyBar, offset=(item_x(app, "Star") + 1, 0))
        await pilot.pause()
        assert library.state_of(paper.id).starred
        await pilot.click(KeyBar, offset=(item_x(app, "Help") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_hover_marks_the_key_under_the_mouse(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        plain = bar.render_line(0)
        await pilot.hover(KeyBar, offset=(item_x(app, "Read") + 1, 0))
        await pilot.pause()
        assert bar._hover is not None and bar._hover.description == "Read"
        assert bar.render_line(0).text == plain.text
        assert bar.render_line(0) != plain  # same text, another background under "Read"


@pytest.mark.parametrize("width", [56, 60, 80])
async def test_narrow_key_bar_keeps_what_fits_and_always_help_quit_and_the_palette(
    app: ReadlistApp, width: int
) -> None:
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert len(text) == width
        assert "/ Filter" in text and "Digests" not in text  # what does not fit is left out …
        assert text.rstrip().endswith(
            "? Help  q Quit  Ctrl+P Palette" if width >= 70 else "? Help  q Quit  Ctrl+P"
        )  # … but never these (narrow: the palette's key without its name, to leave room)
        assert "s Star" in text


async def test_key_bar_follows_the_bindings_of_the_focused_widget(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "s Star" in bar_text(app)
        await pilot.press("slash")  # the filter takes letters: its keys replace the list's
        await pilot.pause()
        assert app.main.filter_input.has_focus
        assert "s Star" not in bar_text(app)
        assert bar_text(app).startswith(" Enter Results  Esc Clear ")  # how to leave it
        await pilot.press("enter")
        await pilot.pause()
        assert "s Star" in bar_text(app) and "Results" not in bar_text(app)
        await pilot.press("tab")  # the detail pane: the same keys act on the paper, and j k scroll
        await pilot.pause()
        assert bar_text(app).startswith(" j k Scroll ") and "s Star" in bar_text(app)


def brightness(color) -> float:
    red, green, blue = color.get_truecolor()
    return (red + green + blue) / (3 * 255)


async def test_hover_and_separator_blend_with_the_bar(app: ReadlistApp) -> None:
    """Translucent theme colours are blended with the bar: the hovered key gets a tint of the
    bar's own colour (not an opaque white block), and the separator is dimmer than the labels."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        background = bar.rich_style.bgcolor
        await pilot.hover(KeyBar, offset=(item_x(app, "Read") + 1, 0))
        await pilot.pause()
        segments = list(bar.render_line(0))
        hovered = next(s for s in segments if s.text == "Read ").style
        assert hovered.bgcolor != background
        assert abs(brightness(hovered.bgcolor) - brightness(background)) < 0.2
        assert abs(brightness(hovered.color) - brightness(hovered.bgcolor)) > 0.4  # still readable
        separator = next(s for s in segments if s.text == "▏").style
        label = next(s for s in segments if s.text == "Quit ").style
        assert abs(brightness(separator.color) - brightness(background)) < abs(
            brightness(label.color) - brightness(background)
        )


async def test_keys_arriving_together_after_slash_all_reach_the_filter(
    app: ReadlistApp, library: Library
) -> None:
    """A paste, or keys batched over a slow link: "/" and what follows arrive in one go, and none
    of the letters may run a list command (s stars, u undoes, n opens the note editor)."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, char in [("slash", "/"), *((c, c) for c in "suns")]:
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: app.main.filter_input.value == "suns")  # every key has arrived
        assert not any(state.starred for state in library.state.all().values())
        assert app.screen is app.screen_stack[0]  # no note editor opened
        await pilot.press("slash")  # in the filter, / is a letter like any other
        assert app.main.filter_input.value == "suns/"
        await pilot.press("escape", "n", *"a/b", "escape")  # and in the note editor
        assert library.state_of(app.main.paper_list.current.id).note == "a/b"


async def test_keys_typed_while_starting_go_to_the_list(library: Library, clipboard) -> None:
    from textual import events

    from readlist.tui.app import ReadlistApp as Base

    class Early(Base):
        def on_mount(self) -> None:  # runs before the app's own on_mount: the reader is quick
            self.post_message(events.Key("j", "j"))

    early = Early(library, copy=clipboard, save_delay=0.0)
    async with early.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: early.main.paper_list.cursor == 1)  # the j moved the list
        assert early.main.filter_input.value == ""
        assert early.main.paper_list.has_focus


async def test_under_the_command_palette_the_key_bar_shows_the_palettes_keys(app: ReadlistApp) -> None:
    """The palette has no key bar of its own: the one beneath it says how to leave it, and none
    of the list's keys, which do not work while it is open."""
    from textual.command import CommandPalette

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause()
        under = "".join(segment.text for segment in app.main.query_one(KeyBar).render_line(0))
        assert "Esc Exit the command palette" in under
        assert "s Star" not in under and "q Quit" not in under
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main)
        await pilot.pause()
        assert "s Star" in bar_text(app)


async def test_notifications_leave_the_status_line_and_the_key_bar_in_view(app: ReadlistApp) -> None:
    from textual.widgets._toast import Toast

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify("A notice that stays while the test looks", timeout=600)
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        toast = app.screen.query_one(Toast).region
        assert toast.bottom <= app.main.status.region.y
