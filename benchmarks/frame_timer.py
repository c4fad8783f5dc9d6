"""A minimal reproduction of why readlist draws some changes itself (``readlist/tui/frames.py``).

Textual draws a screen on a 60 Hz interval timer that is paused after each frame and resumed when
something is to be drawn. After an idle spell, the first tick comes at once (a key's echo); if
more is to be drawn right after it (the rows of the search that key started), the next tick comes
two periods after the grid point it should use: 17 to 33 ms later rather than at most 17.

This builds the same timer in a bare app and prints when the two ticks come:

    python benchmarks/frame_timer.py
"""

from __future__ import annotations

import asyncio
import statistics
import time

from textual.app import App

RUNS = 20


class TwoTicks(App[None]):
    """Resumes a paused 60 Hz timer after an idle spell, and again right after its first tick."""

    def on_mount(self) -> None:
        self.ticks: list[float] = []
        self.started = 0.0
        self.timer = self.set_interval(1 / 60, self.tick, pause=True)
        self.timer.resume()  # one tick at start, as a first frame, then idle
        self.set_timer(0.3 + 0.011, self.resume)  # off the 60 Hz grid, as a key is

    def resume(self) -> None:
        self.started = time.perf_counter()
        self.timer.resume()

    def tick(self) -> None:
        self.timer.pause()
        if not self.started:
            return
        self.ticks.append((time.perf_counter() - self.started) * 1000)
        if len(self.ticks) == 1:
            self.timer.resume()  # more to draw right after the first frame
        else:
            self.exit()


async def measure() -> tuple[list[float], list[float]]:
    first, second = [], []
    for _ in range(RUNS):
        app = TwoTicks()
        async with app.run_test() as pilot:
            while len(app.ticks) < 2:
                await pilot.pause(0.05)
        first.append(app.ticks[0])
        second.append(app.ticks[1] - app.ticks[0])
    return first, second


def main() -> None:
    first, second = asyncio.run(measure())
    for name, values in (("first tick after the resume", first), ("next tick after that", second)):
        print(
            f"{name}: median {statistics.median(values):.1f} ms, "
            f"min {min(values):.1f}, max {max(values):.1f} ({RUNS} runs; one period is 16.7 ms)"
        )


if __name__ == "__main__":
    main()
