"""Regenerate the SVG screenshots in screenshots/ from the real app.

Run: python scripts/screenshots.py  (a throwaway library with the two bundled sample digests,
imported as ``readlist --demo`` does: the second one arrived since the last visit)
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from readlist.core.demo import import_demo
from readlist.core.library import Library
from readlist.tui.app import ReadlistApp, make_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 36)


async def settle(pilot: Pilot, done: Callable[[], bool]) -> None:
    """Wait for a worker's result (a search, the index), then for the screen to catch up."""
    for _ in range(100):
        if done():
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)


async def go_to(pilot: Pilot, app: ReadlistApp, title: str) -> None:
    await pilot.press("home")
    while app.main.paper_list.current is not None and not app.main.paper_list.current.title.startswith(title):
        await pilot.press("j")


async def shoot() -> None:
    OUT.mkdir(exist_ok=True)
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
            library.change([app.main.paper_list.current.id], "note",
                           note="Deterministic sampler: try 50 steps on our scans and compare FID with DDPM.")
            await go_to(pilot, app, "Classifier-Free Diffusion Guidance")
            await pilot.press("t", *"diffusion", "enter", "s")
            await go_to(pilot, app, "Denoising Diffusion Implicit Models")
            await settle(pilot, lambda: True)
            app.save_screenshot(str(OUT / "list-and-detail.svg"))

            await pilot.press("slash", *"difusion modles")
            await settle(pilot, lambda: app.main.shown.text == "difusion modles")
            await pilot.press("enter")
            await settle(pilot, lambda: True)
            app.save_screenshot(str(OUT / "filter-with-typo.svg"))

            await pilot.press("escape", "slash", *'is:unread tag:diffusion -latent "diffusion guidance"')
            await settle(pilot, lambda: app.main.shown.text.endswith('guidance"'))
            app.save_screenshot(str(OUT / "query-language.svg"))

            await pilot.press("escape", "escape", "d")
            await settle(pilot, lambda: app.main.digest_panel.display)
            app.save_screenshot(str(OUT / "digests-panel.svg"))

            await pilot.press("d")
            await go_to(pilot, app, "Longformer")
            await pilot.press("n")
            await pilot.pause(0.2)
            await pilot.press(*"Sliding windows plus a few global tokens. ", "enter",
                              *"Idea: try it on our [long-context] logs.")
            await settle(pilot, lambda: True)
            app.save_screenshot(str(OUT / "note-editor.svg"))

            await pilot.press("escape", "t", *"long-context dif")
            await settle(pilot, lambda: True)
            app.save_screenshot(str(OUT / "tags-editor.svg"))

            await pilot.press("escape", "question_mark")
            await settle(pilot, lambda: True)
            app.save_screenshot(str(OUT / "help.svg"))
        library.close()


if __name__ == "__main__":
    asyncio.run(shoot())
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.svg')))}")
