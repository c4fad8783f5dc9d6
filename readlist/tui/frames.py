"""Drawing a change in one frame, at once, rather than at the update timer's next tick.

Textual draws a screen on a 60 Hz timer that pauses between frames. Resumed right after a frame
that followed an idle spell, the timer skips a tick: the search's rows, which arrive a few
milliseconds after the typed letter's echo was drawn, wait 17 to 33 ms for their frame where the
timer means at most 17 (``benchmarks/frame_timer.py`` shows it with a bare timer). A screen that
mixes in ``DrawsAtOnce`` can ask for the changes of the current turn to be drawn as soon as it is
idle, all in one frame.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widget import Widget


class DrawsAtOnce(Screen[None]):
    """A screen that can draw its pending changes as soon as it is idle."""

    _draw_at_once = False

    def draw_at_once(self) -> None:
        """Draw what changed in this turn as soon as the screen is idle, without a timer tick."""
        # Each widget reports a repaint or layout when it next idles, in its own time; asked now,
        # all the reports are in the screen's queue before the screen idles: one frame, not two.
        for widget in self.walk_children(Widget):
            widget._check_refresh()
            if widget._vertical_scrollbar is not None:  # not a child, but drawn with the widget
                widget._vertical_scrollbar._check_refresh()
        self._draw_at_once = True

    async def _on_idle(self, event: events.Idle) -> None:
        if self._draw_at_once and self.is_current and not self.app._batch_count:
            self._draw_at_once = False
            self._on_timer_update()  # what the update timer does on its tick
        await super()._on_idle(event)
