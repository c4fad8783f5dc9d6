"""Every test runs against a temporary data dir, never the user's real one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.disk_full import DiskFull

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "readlist" / "sample" / "daily_papers_sample.txt"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point READLIST_DATA_DIR, HOME and XDG dirs into the test's temporary folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("READLIST_DATA_DIR", str(data))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    return data


@pytest.fixture
def seeds() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip("../shared/seeds is not present")
    return files


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> Iterator[DiskFull]:
    """A disk that is full for the files given to ``disk_full.fill()``. There is room again once
    the test is over, before the fixtures it asked for first close their libraries and save."""
    disk = DiskFull(monkeypatch)
    yield disk
    disk.free()
