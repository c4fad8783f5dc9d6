"""What the reader sees: readlist in a pseudo-terminal, keys written to it, the screen read back.

    python benchmarks/terminal.py                      # seeds, 10k and 100k
    python benchmarks/terminal.py --sizes seeds 10000  # some of them

For every key it times, from the moment the key is written to the terminal, the first change
of the screen (what the reader first sees) and the last change before the screen goes quiet
(when it has settled: list, detail pane and status all drawn). The screen is a pyte terminal
emulator fed with the bytes the app writes, stamped as they arrive; changes of colour count,
so a moved highlight is a change. The floor is a bare Textual app (benchmarks/floor_app.py:
an OptionList, a Static detail pane updated on every move, an Input and a Footer) driven with
the same keys in the same run. At 100k papers it also starts readlist right after a fresh
import (no caches) and presses a key every quarter second for the first ten seconds.

Figures are milliseconds on this machine; compare them with the floor beside them.
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import json
import os
import platform
import select
import shutil
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyte

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
SEEDS = ROOT.parent / "shared" / "seeds"
ROWS, COLS = 36, 120
QUIET = 0.25  # no output for this long: the screen has settled (the cursor blinks every 0.5 s)
LIMIT = 5.0  # a key whose screen is still changing after this long is cut off there
QUERIES = ["diffusion", "gausian splating", "reward model"]


@dataclass
class Timing:
    first: float | None  # seconds from the key to the first change of the screen
    settled: float | None  # ... to the last change before it went quiet


class Terminal:
    """One program on the slave side of a pty, its screen emulated by pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.started = time.perf_counter()

    def snapshot(self) -> tuple:
        """The screen's characters and their colours and attributes."""
        return tuple(
            tuple(row[x] for x in range(COLS)) for row in (self.screen.buffer[y] for y in range(ROWS))
        )

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _chunks(self, quiet: float, limit: float) -> list[tuple[float, bytes]]:
        """Bytes as they arrive, stamped, until nothing came for ``quiet`` seconds."""
        chunks: list[tuple[float, bytes]] = []
        start = last = time.perf_counter()
        while True:
            now = time.perf_counter()
            wait = min(last + quiet, start + limit) - now
            if wait <= 0:
                return chunks
            ready, _, _ = select.select([self.master], [], [], wait)
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    return chunks
                last = time.perf_counter()
                chunks.append((last, data))

    def settle(self, quiet: float = QUIET, limit: float = LIMIT) -> None:
        for _, data in self._chunks(quiet, limit):
            self.stream.feed(data)

    def cpu_seconds(self) -> float:
        """CPU time the program has used so far (all its threads)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def idle(self, quiet: float = 1.0, limit: float = 300.0) -> None:
        """Wait until the program has used no CPU for ``quiet`` seconds: the work a start sets off
        in the background (loading or building the index, counting, the backup) is done."""
        deadline = time.perf_counter() + limit
        used = self.cpu_seconds()
        while time.perf_counter() < deadline:
            self.settle(quiet=quiet, limit=quiet)
            now = self.cpu_seconds()
            if now - used < 0.02:
                return
            used = now

    def wait_for(self, text: str, limit: float = 120.0) -> float:
        """Read until ``text`` is on the screen; the seconds since the start."""
        deadline = time.perf_counter() + limit
        while text not in self.text:
            if time.perf_counter() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"never showed {text!r}:\n{self.text}")
            for _, data in self._chunks(0.05, 0.5):
                self.stream.feed(data)
        return time.perf_counter() - self.started

    def press(self, key: bytes, quiet: float = QUIET) -> Timing:
        before = self.snapshot()
        sent = time.perf_counter()
        os.write(self.master, key)
        first = settled = None
        for stamp, data in self._chunks(quiet, LIMIT):
            self.stream.feed(data)
            now = self.snapshot()
            if now != before:
                first = first if first is not None else stamp - sent
                settled = stamp - sent
                before = now
        return Timing(first, settled)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def environment(data: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "READLIST_DATA_DIR": str(data),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "COLUMNS": str(COLS),
        "LINES": str(ROWS),
    }
    env.pop("TEXTUAL", None)
    return env


def readlist(data: Path) -> Terminal:
    return Terminal([sys.executable, "-m", "readlist"], environment(data))


def floor(data: Path) -> Terminal:
    return Terminal([sys.executable, str(HERE / "floor_app.py"), str(data)], environment(data))


# -- what is pressed ---------------------------------------------------------------------------


def moves(term: Terminal, count: int = 30) -> list[Timing]:
    """``j`` then ``k``, down and back up: the detail pane changes every time."""
    return [term.press(b"j" if i < count // 2 else b"k") for i in range(count)]


def toggles(term: Terminal, count: int = 10) -> list[Timing]:
    return [term.press(b"s") for _ in range(count)]


def typing(term: Terminal, leave: bytes) -> list[Timing]:
    """Each query typed letter by letter after ``/``, then cleared."""
    timings = []
    for query in QUERIES:
        term.press(b"/")
        timings += [term.press(letter.encode()) for letter in query]
        for key in leave:
            term.press(bytes([key]))
    return timings


def first_start(data: Path, seconds: float = 10.0, every: float = 0.25) -> list[Timing]:
    """A key every ``every`` seconds for the first ``seconds`` after the first frame of the first
    start of a day, right after the day's digest was imported: how long each waits to be seen."""
    day = time.strftime("%b %d").replace(" 0", " ")
    digest = CACHE / "today.txt"
    digest.write_text(
        f"new\n\n{day}\n\n"
        + "".join(
            f"A Paper of Today Number {n} on Terminal Latency\n\nWe measure the time from a key to the screen, "
            f"case {n}, in a pseudo-terminal read back by a terminal emulator.\n\n"
            for n in range(40)
        )
    )
    subprocess.run(
        [sys.executable, "-m", "readlist", "import", str(digest)],
        check=True,
        env=environment(data),
        capture_output=True,
    )
    shutil.rmtree(data / "backups", ignore_errors=True)  # the first start of the day takes its backup
    term = readlist(data)
    try:
        term.wait_for(" papers · ")
        timings = []
        end = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < end:
            timings.append(term.press(b"jk"[i % 2 : i % 2 + 1], quiet=every))
            i += 1
        return timings
    finally:
        term.close()


# -- figures -----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Figures:
    name: str
    first: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    unchanged: int = 0

    def add(self, timings: list[Timing]) -> Figures:
        for t in timings:
            if t.first is None or t.settled is None:
                self.unchanged += 1
            else:
                self.first.append(t.first * 1000)
                self.settled.append(t.settled * 1000)
        return self

    def row(self) -> dict[str, float | int]:
        if not self.first:
            return {"n": 0, "unchanged": self.unchanged}
        return {
            "n": len(self.first),
            "unchanged": self.unchanged,
            "first_p50": statistics.median(self.first),
            "first_p95": pct(self.first, 0.95),
            "settled_p50": statistics.median(self.settled),
            "settled_p95": pct(self.settled, 0.95),
            "settled_max": max(self.settled),
        }


def measure(data: Path, label: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for who, start in (("floor", floor), ("readlist", readlist)):
        term = start(data)
        try:
            term.wait_for("Star" if who == "floor" else " papers · ")
            term.idle()
            out[f"{who} move"] = Figures("move").add(moves(term)).row()
            out[f"{who} toggle"] = Figures("toggle").add(toggles(term)).row()
            leave = b"\r" if who == "floor" else b"\x1b"
            out[f"{who} typing"] = Figures("typing").add(typing(term, leave)).row()
        finally:
            term.close()
        print(f"  {label} {who} done", file=sys.stderr, flush=True)
    return out


def library(size: str) -> Path:
    """The seeds, or a generated library of ``size`` papers (made once, kept in benchmarks/.cache)."""
    if size == "seeds":
        folder = CACHE / "term-seeds"
        if not (folder / "library.json").exists():
            files = sorted(SEEDS.glob("*.txt"))
            if not files:
                raise SystemExit("../shared/seeds is not here")
            subprocess.run(
                [sys.executable, "-m", "readlist", "import", *map(str, files)],
                check=True,
                env=environment(folder),
                capture_output=True,
            )
        return folder
    folder = CACHE / f"lib-{size}"
    if not (folder / "library.json").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), size, str(folder)], check=True)
    return folder


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def report(results: dict[str, dict[str, dict]]) -> str:
    lines = [
        "| library | what | readlist first p50 / p95 | floor first p50 / p95 | readlist settled p50 / p95 "
        "| floor settled p50 / p95 |",
        "|---|---|---|---|---|---|",
    ]
    for size, figures in results.items():
        for what in ("move", "toggle", "typing"):
            mine, base = figures.get(f"readlist {what}"), figures.get(f"floor {what}")
            if not mine or not mine.get("n"):
                continue
            lines.append(
                f"| {size} | {what} | {ms(mine['first_p50'])} / {ms(mine['first_p95'])} "
                f"| {ms(base['first_p50'])} / {ms(base['first_p95'])} "
                f"| {ms(mine['settled_p50'])} / {ms(mine['settled_p95'])} "
                f"| {ms(base['settled_p50'])} / {ms(base['settled_p95'])} |"
            )
        start = figures.get("first start")
        if start and start.get("n"):
            lines.append(
                f"| {size} | keys in the first 10 s after a fresh import | {ms(start['first_p50'])} / "
                f"{ms(start['first_p95'])} (max {ms(start['first_max'])}) | | | |"
            )
    return "\n".join(lines)


def targets(results: dict[str, dict[str, dict]]) -> list[str]:
    """Each target of the terminal-level budget, with what this run measured."""
    lines = []

    def check(name: str, measured: float, limit: float) -> None:
        lines.append(
            f"{'ok  ' if measured <= limit else 'MISS'} {name}: {measured:.0f} ms (limit {limit:.0f} ms)"
        )

    for size, figures in results.items():
        mine, base = figures.get("readlist move"), figures.get("floor move")
        if mine and base and mine.get("n") and base.get("n"):
            check(
                f"{size}: move, first change p50 <= 1.5x floor + 3",
                mine["first_p50"],
                1.5 * base["first_p50"] + 3,
            )
            check(f"{size}: move, settled p95 <= 2x floor", mine["settled_p95"], 2 * base["settled_p95"])
        mine, base = figures.get("readlist toggle"), figures.get("floor toggle")
        if mine and base and mine.get("n") and base.get("n"):
            check(f"{size}: toggle visible p50 <= 1.5x floor", mine["first_p50"], 1.5 * base["first_p50"])
        mine, base = figures.get("readlist typing"), figures.get("floor typing")
        if size in ("10000", "100000") and mine and base and mine.get("n") and base.get("n"):
            check(f"{size}: typing echo p50 <= 1.5x floor", mine["first_p50"], 1.5 * base["first_p50"])
            check(f"{size}: typing settled p95", mine["settled_p95"], 60 if size == "10000" else 120)
        start = figures.get("first start")
        if start and start.get("n"):
            check(f"{size}: slowest key in the first 10 s after a fresh import", start["first_max"], 100)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description="terminal-level latency of readlist against a bare Textual app"
    )
    parser.add_argument("--sizes", nargs="+", default=["seeds", "10000", "100000"])
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    compileall.compile_dir(ROOT / "readlist", quiet=1)  # as installed: byte-compiled
    results: dict[str, dict[str, dict]] = {}
    for size in args.sizes:
        data = library(size)
        print(f"measuring {size}…", file=sys.stderr, flush=True)
        results[size] = measure(data, size)
        if size == "100000":
            timings = first_start(data)
            row = Figures("first start").add(timings).row()
            row["first_max"] = max((t.first or 0) * 1000 for t in timings)
            row["each"] = [round((t.first or 0) * 1000, 1) for t in timings]  # in the order pressed
            results[size]["first start"] = row
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = report(results)
    print(f"machine: {machine}\n{text}\n")
    print("\n".join(targets(results)))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"terminal-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2))
    print(f"figures: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
