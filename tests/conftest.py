"""Every test runs against a temporary data dir, never the user's real one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.disk_full import DiskFull
from tests.helpers.fake_hub import FakeHub

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "readlist" / "sample" / "daily_papers_sample.txt"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point READLIST_DATA_DIR, HOME and XDG dirs into the test's temporary folder; no git config."""
    data = tmp_path / "data"
    monkeypatch.setenv("READLIST_DATA_DIR", str(data))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    # No git configuration of the machine's or the user's (sync runs git): tests see git as installed.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_CONFIG_GLOBAL",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_SSH_COMMAND",
    ):
        monkeypatch.delenv(name, raising=False)
    # No test reaches the real Hub: one that forgets its local server finds nothing listening.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    return data


@pytest.fixture(autouse=True)
def imports_on_the_last_day_of_the_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests are dated as if imported on Dec 31 of this year: the fixtures' year-less dates
    (Mar 14, May 6…) all fall in it, and the digests without a date come after them. Imported on
    Mar 20, a May 6 digest would be last year's, and the order of digests would depend on the
    day the suite runs. (Only the digests' days: when they arrived, for "new since your last
    visit", stays the real time.)"""
    from readlist.core import library

    monkeypatch.setattr(
        library, "import_day", lambda imported_at: dt.date(dt.date.fromtimestamp(imported_at).year, 12, 31)
    )


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A Hub on 127.0.0.1 (see tests/helpers/fake_hub.py), with HF_ENDPOINT pointing at it."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):  # the local server is reached directly
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    hub = FakeHub()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    yield hub
    hub.close()


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
