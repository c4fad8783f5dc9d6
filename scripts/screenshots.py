"""Regenerate the SVG screenshots in screenshots/ from the real app.

Run: python scripts/screenshots.py  (uses a throwaway library with the bundled sample)
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from readlist.cli import sample_digest
from readlist.core.importer import import_files
from readlist.core.library import Library
from readlist.tui.app import make_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 36)


async def shoot() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder))
        import_files(library, [str(sample_digest())])
        app = make_app(library, copy=lambda text: True, save_delay=0.0)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # A reader's morning: two papers read, one starred with a note.
            await pilot.press("r", "j", "r", "j", "j", "s")
            library.state.update(app.paper_list.current.id, note="Compare with the 2020 scaling laws; check Table 3.")
            await pilot.press("j", "j", "j")
            await pilot.pause(0.3)
            app.save_screenshot(str(OUT / "list-and-detail.svg"))

            await pilot.press("slash", *"gausian splating")
            for _ in range(20):
                await pilot.pause(0.05)
                if len(app.paper_list.rows) < len(library.papers):
                    break
            await pilot.press("enter")
            await pilot.pause(0.2)
            app.save_screenshot(str(OUT / "filter-with-typo.svg"))

            await pilot.press("escape", "n")
            await pilot.pause(0.2)
            await pilot.press(*"Read alongside NeRF. ", "enter", *"Idea: try on our lab scans [todo].")
            await pilot.pause(0.2)
            app.save_screenshot(str(OUT / "note-editor.svg"))
            await pilot.press("escape", "question_mark")
            await pilot.pause(0.2)
            app.save_screenshot(str(OUT / "help.svg"))
        library.close()


if __name__ == "__main__":
    asyncio.run(shoot())
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.svg')))}")
