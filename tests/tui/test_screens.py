"""The screens in screenshots/ are what the app draws: any change to what a reader sees shows
here, and is made on purpose by running scripts/screenshots.py (and looking at the result)."""

from __future__ import annotations

from pathlib import Path

from scripts.screenshots import OUT, shoot


async def test_every_screen_is_drawn_as_the_screenshots_show(tmp_path: Path) -> None:
    shots = await shoot()
    assert sorted(shots) == sorted(path.name for path in OUT.glob("*.svg"))
    changed = sorted(name for name, svg in shots.items() if (OUT / name).read_text(encoding="utf-8") != svg)
    for name in changed:
        (tmp_path / name).write_text(shots[name], encoding="utf-8")
    assert not changed, (
        f"screenshots/ differs from what the app draws now ({', '.join(changed)}: see "
        f"{tmp_path}): if the change is meant, run python scripts/screenshots.py and look at them"
    )
