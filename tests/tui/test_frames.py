"""What a key draws: all of its changes in one frame, drawn as soon as they are made.

Textual draws on a timer; the main screen draws a change it asks for (a star, the rows of a
search) at once instead (``readlist.tui.frames``). These tests stop the timer, so that a change
reaches the screen only if the app draws it itself, and record which widgets each frame redrew.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from textual.screen import Screen

from readlist.tui.app import ReadlistApp
from tests.helpers.pilot import SIZE, detail_text, row_text, wait_for
from tests.helpers.waiting import LIMIT

FULL = "the whole screen"


async def until(condition: Callable[[], object]) -> None:
    """Like ``wait_for``, without the Pilot's pause, which draws the screen itself."""
    deadline = time.monotonic() + LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {LIMIT:g} s")
        await asyncio.sleep(0.01)


class Frames:
    """The frames the app draws, each as the ids of the widgets it redrew (or ``FULL``); once a
    frame redraws ``stop_after``, the screen's update timer never ticks again."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, stop_after: str | None = None) -> None:
        self.drawn: list[set[str] | str] = []
        self.stop_after = stop_after
        draw = Screen._on_timer_update

        def drawing(screen: Screen[object]) -> None:
            frame: set[str] | str = FULL if screen._repaint_required else set()
            if isinstance(frame, set):
                frame = {w.id or type(w).__name__ for w in screen._dirty_widgets}
            if frame:
                self.drawn.append(frame)
            draw(screen)
            if self.stop_after is not None and self.stop_after in frame:
                self.stop_timer(screen)

        self.monkeypatch = monkeypatch
        monkeypatch.setattr(Screen, "_on_timer_update", drawing)

    def stop_timer(self, screen: Screen[object]) -> None:
        timer = screen._update_timer
        timer.pause()
        self.monkeypatch.setattr(timer, "resume", lambda: None)


async def test_a_star_is_drawn_at_once_in_one_frame_with_the_pane_and_the_status(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = Frames(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames.stop_timer(app.screen)
        frames.drawn.clear()
        await pilot.press("s")
        assert "★" in row_text(app, 0)
        await until(lambda: frames.drawn)
        first = frames.drawn[0]
        # Not the whole screen ("saving…" once repainted all of it), and nothing left for a later frame.
        assert first != FULL and {"papers", "detail", "status"} <= first


async def test_a_search_draws_its_rows_without_waiting_for_the_timer(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = Frames(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        frames.drawn.clear()
        frames.stop_after = "filter"  # the timer draws the letter's echo, and nothing after it
        await pilot.press("q")
        await until(lambda: "Quantization" in detail_text(app, "title"))
        await until(lambda: any("papers" in frame and "detail" in frame for frame in frames.drawn))


async def test_a_star_keeps_the_reader_where_they_are_in_the_pane(app: ReadlistApp) -> None:
    async with app.run_test(size=(90, 12)) as pilot:
        await pilot.pause()
        detail = app.main.detail
        await wait_for(pilot, lambda: detail.max_scroll_y >= 3)
        detail.scroll_to(y=3, animate=False, immediate=True)
        await pilot.press("s")
        await wait_for(pilot, lambda: "★ starred" in detail_text(app, "facts"))
        assert detail.scroll_y == 3
        await pilot.press("j")  # another paper starts from its top
        await wait_for(pilot, lambda: detail.scroll_y == 0)


async def test_a_scroll_that_stops_between_lines_shows_the_nearest_line(app: ReadlistApp) -> None:
    """An animated scroll (End, PgDn) can stop a hair short of a line: the pane draws the line the
    scrollbar shows (the list draws its rows the same way), so the end of a paper is on screen after End."""
    async with app.run_test(size=(90, 12)) as pilot:
        await pilot.pause()
        detail = app.main.detail
        await wait_for(pilot, lambda: detail.max_scroll_y >= 3)
        detail.scroll_y = detail.max_scroll_y - 1e-9
        bottom = "".join(segment.text for segment in detail.render_line(detail.size.height - 1))
        assert bottom.strip() == detail._lines[-1].content.plain.strip()
