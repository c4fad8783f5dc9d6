"""The screens of readlist, from the real app: the SVGs in screenshots/ and the snapshot tests.

    python scripts/screenshots.py   # regenerate screenshots/*.svg

A throwaway library with the bundled sample digests, imported as ``readlist --demo`` does (the
second day arrived since the last visit; the Hub's fields for some papers), then a reader's
second morning. ``shoot()`` returns every screen as SVG text; tests/tui/test_screens.py
compares them with the files here, so a change to what the reader sees is a change to them.
What moves on its own is held still before each picture: notifications are cleared, cursors do
not blink, and each scene waits for the workers it needs.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from readlist.core.demo import import_demo
from readlist.core.library import Library
from readlist.tui.app import ReadlistApp, make_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 36)
NARROW = (56, 34)


async def settle(pilot: Pilot[None], done: Callable[[], bool] = lambda: True) -> None:
    """Wait for a worker's result (a search, the index), then for the screen to stop changing."""
    for _ in range(600):
        if done():
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)


async def go_to(pilot: Pilot[None], app: ReadlistApp, title: str) -> None:
    """Put the cursor on the first paper shown whose title starts with ``title``."""
    papers = app.library.papers
    rows = app.main.paper_list.rows
    app.main.paper_list.cursor = next(n for n, i in enumerate(rows) if papers[i].title.startswith(title))
    await pilot.pause()


async def picture(pilot: Pilot[None], app: ReadlistApp) -> str:
    """The screen as SVG, with nothing on it that moves by itself."""
    app.clear_notifications()
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await settle(pilot)
    return app.export_screenshot(title="readlist")


async def shoot() -> dict[str, str]:
    """Every screen, by file name."""
    shots: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder))
        import_demo(library)
        app = make_app(library, copy=lambda text: True, save_delay=0.0)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: app.index is not None and app.digest_counts is not None)
            # A reader's second morning: yesterday's digest half read, a few papers starred and tagged.
            await go_to(pilot, app, "Attention Is All You Need")
            for _ in range(12):
                await pilot.press("r", "j")
            await go_to(pilot, app, "Denoising Diffusion Implicit Models")
            await pilot.press("s", "t", *"diffusion sampling", "enter")
            app.change(
                [app.main.paper_list.current.id],
                "note",
                note="Deterministic sampler: try 50 steps on our scans and compare FID with DDPM.",
            )
            await go_to(pilot, app, "Classifier-Free Diffusion Guidance")
            await pilot.press("t", *"diffusion", "enter", "s")
            await go_to(pilot, app, "Denoising Diffusion Implicit Models")
            shots["list-and-detail.svg"] = await picture(pilot, app)

            await pilot.press("O")
            shots["link-chooser.svg"] = await picture(pilot, app)
            await pilot.press("escape")

            await pilot.press("slash", *"difusion modles")
            await settle(pilot, lambda: app.main.shown.text == "difusion modles")
            await pilot.press("enter")
            shots["filter-with-typo.svg"] = await picture(pilot, app)

            await pilot.press("escape", "slash", *'is:unread tag:diffusion -latent "diffusion guidance"')
            await settle(pilot, lambda: app.main.shown.text.endswith('guidance"'))
            shots["query-language.svg"] = await picture(pilot, app)

            await pilot.press("escape", "escape", "d")
            await settle(pilot, lambda: app.main.digest_panel is not None and app.main.digest_panel.display)
            shots["digests-panel.svg"] = await picture(pilot, app)

            await pilot.press("d")
            await go_to(pilot, app, "Longformer")
            await pilot.press("n")
            await pilot.press(
                *"Sliding windows plus a few global tokens. ",
                "enter",
                *"Idea: try it on our [long-context] logs.",
            )
            shots["note-editor.svg"] = await picture(pilot, app)

            await pilot.press("escape", "t", *"long-context dif")
            shots["tags-editor.svg"] = await picture(pilot, app)

            await pilot.press("escape", "question_mark")
            shots["help.svg"] = await picture(pilot, app)

            await pilot.press("escape", "ctrl+p", *"sync")
            await settle(pilot, lambda: bool(app.screen.query("CommandList Option")))
            shots["command-palette.svg"] = await picture(pilot, app)

            await pilot.press("escape")
            await go_to(pilot, app, "Denoising Diffusion Implicit Models")
            await pilot.resize_terminal(*NARROW)
            shots["narrow.svg"] = await picture(pilot, app)
        library.close()
    return shots


def main() -> None:
    OUT.mkdir(exist_ok=True)
    shots = asyncio.run(shoot())
    for name, svg in shots.items():
        (OUT / name).write_text(svg, encoding="utf-8")
    print(f"wrote {', '.join(sorted(shots))}", file=sys.stderr)


if __name__ == "__main__":
    main()
