"""Measure readlist at 1k / 10k / 100k papers against naive baselines, in one run.

    python benchmarks/bench.py                 # all sizes, table + benchmarks/results/*.json
    python benchmarks/bench.py --sizes 1000    # just one size

Each size runs in its own process (so peak RSS is that size's), on a library made
by generate.py and cached under benchmarks/.cache/. Figures are wall-clock times on
this machine; compare them with the baselines measured in the same run. "model key" is the
search behind the filter alone, for each prefix of the queries; "app key" is a keystroke in the
app until the list shows its result (the search waits for the frame that shows the typed
letter). What the reader sees on a terminal is measured by benchmarks/terminal.py.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
SEEDS = HERE.parent.parent / "shared" / "seeds"

# Typed one character at a time: words, a typo, a phrase, and a query matching nothing.
QUERIES = [
    "diffusion",
    "gausian splating",
    "quantisation",
    "low rank adaptation",
    "efficient training of",
    "xqzvbnwk",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": pct(values, 0.95), "max": max(values), "n": len(values)}


# -- start to first frame, measured in fresh processes ---------------------------

# The first frame counts once the whole screen is drawn: the keys at the bottom (Textual's Footer
# adds them a frame or two after mounting) and, for readlist, the detail pane showing the paper
# under the cursor. readlist starts through the console script's main(), as a reader starts it.
# Prints the seconds to the first frame drawn at all, then to the complete one.
FIRST_FRAME = r"""
import os, sys, time
t0 = float(os.environ["BENCH_T0"])


def watch(app, complete):
    display, painted = app._display, []

    def timed(screen, update):
        display(screen, update)
        if update is None:
            return
        app.frames += 1
        painted.append(time.time() - t0)
        if complete(screen):
            print(painted[0], painted[-1], flush=True)
            app._display = display
            app.exit()

    app.frames = 0
    app._display = timed


if sys.argv[1] == "floor":
    from textual.app import App
    from textual.widgets import Footer, OptionList
    from textual.widgets._footer import FooterKey

    class Floor(App):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):
            yield OptionList("one paper")
            yield Footer()

    def keys_drawn(screen):
        keys, visible = list(screen.query(FooterKey)), screen._compositor.visible_widgets
        return bool(keys) and all(key in visible for key in keys)

    floor = Floor()
    watch(floor, keys_drawn)
    floor.run(headless=True, size=(120, 36))
else:
    import readlist.tui.app as tui
    from readlist.tui.screens.main import MainScreen
    from readlist.tui.widgets.key_bar import KeyBar

    class Timed(tui.ReadlistApp):
        shown_at = None  # frames drawn before the detail pane last showed a paper

        def run(self, **kwargs):
            return super().run(headless=True, size=(120, 36))

    show_current = MainScreen.show_current

    def timed_show(screen):
        show_current(screen)
        screen.app.shown_at = screen.app.frames

    MainScreen.show_current = timed_show

    def make_app(library, **kwargs):
        app = Timed(library, **kwargs)
        watch(app, lambda screen: app.shown_at is not None and app.frames > app.shown_at
              and bool(screen.query_one(KeyBar)._spans))
        return app

    tui.make_app = make_app
    from readlist.cli import main

    main(["--data-dir", sys.argv[2]])
"""


def first_frames(kinds: dict[str, tuple[str, Path | None]], runs: int = 11) -> dict[str, dict[str, float]]:
    """Median seconds to the first painted and the first complete frame, per named kind; the
    kinds' runs take turns, so that a busy spell on the machine hits them alike."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in kinds}
    for _ in range(runs):
        for name, (kind, folder) in kinds.items():
            env = {**os.environ, "BENCH_T0": repr(time.time())}
            out = subprocess.run(
                [sys.executable, "-c", FIRST_FRAME, kind, str(folder or "")],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            painted, complete = map(float, out.stdout.strip().splitlines()[-1].split())
            times[name].append((painted, complete))
    return {
        name: {
            "painted": statistics.median(p for p, _ in pairs),
            "complete": statistics.median(c for _, c in pairs),
        }
        for name, pairs in times.items()
    }


# -- in-process measurements through the real app ---------------------------------

PAINTED: dict[str, list[float]] = {}


async def timed_key(app, key: str, condition, name: str = "") -> float:
    """Seconds from a key event reaching the app until ``condition()`` holds (the app has handled it
    and the list holds the new rows or cursor). The time to the next painted frame, which adds
    Textual's frame pacing (at most 60 frames a second), is kept in PAINTED[name]."""
    from textual import events

    char = {"space": " "}.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    start = time.perf_counter()
    app._driver.send_message(event)
    while not condition():
        await asyncio.sleep(0.0002)
    handled = time.perf_counter() - start
    painted = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: painted.done() or painted.set_result(None))
    await painted
    PAINTED.setdefault(name, []).append(time.perf_counter() - start)
    return handled


def model_keystrokes(app: object) -> dict[str, float]:
    """The model alone: what the search behind the filter costs for each prefix a reader types
    (select_papers over the app's own index and columns), without the app around it."""
    from readlist.core.selection import Columns, select_papers

    library, index = app.library, app.index  # type: ignore[attr-defined]
    columns = Columns(library)
    times = []
    for query in QUERIES:
        for n in range(1, len(query) + 1):
            start = time.perf_counter()
            select_papers(library, query[:n], index=index, columns=columns)
            times.append(time.perf_counter() - start)
    return summary(times)


async def measure_app(folder: Path) -> dict[str, object]:
    from readlist.core.library import Library
    from readlist.tui.app import ReadlistApp

    library = Library(folder)
    app = ReadlistApp(library, copy=lambda text: True)
    figures: dict[str, object] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        start = time.perf_counter()
        while app.index is None:  # the index loads (or builds, first time) in a worker
            await asyncio.sleep(0.01)
        figures["index_ready"] = time.perf_counter() - start
        figures["model_keystroke"] = model_keystrokes(app)
        await pilot.press("slash")
        keystrokes: list[float] = []
        for query in QUERIES:
            typed = ""
            for ch in query:
                typed += ch
                key = "space" if ch == " " else ch
                keystrokes.append(
                    await timed_key(app, key, lambda q=typed: app.main.shown.text == q, "keystroke")
                )
            await pilot.press("ctrl+a", "ctrl+k")  # clear the field for the next query
            while app.main.shown.text != "":
                await asyncio.sleep(0.001)
        figures["keystroke"] = summary(keystrokes)
        await pilot.press("escape")

        moves = []
        for _ in range(150):
            target = app.main.paper_list.cursor + 1
            moves.append(
                await timed_key(app, "j", lambda t=target: app.main.paper_list.cursor == t, "cursor_move")
            )
        figures["cursor_move"] = summary(moves)
        pages = []
        await pilot.press("home")
        last = len(app.main.paper_list.rows) - 1
        for _ in range(30):
            if app.main.paper_list.cursor >= last:
                await pilot.press("home")
            before = app.main.paper_list.cursor
            pages.append(
                await timed_key(app, "pagedown", lambda b=before: app.main.paper_list.cursor > b, "page_down")
            )
        figures["page_down"] = summary(pages)

        visible, durable = [], []
        state_file = folder / "state.json"
        for _ in range(10):
            await pilot.press("j")
            paper = app.main.paper_list.current
            starred = not library.state_of(paper.id).starred
            before = state_file.stat().st_mtime_ns
            start = time.perf_counter()

            def shown(pid=paper.id, want=starred) -> bool:
                row = app.main.paper_list.cursor - int(app.main.paper_list.scroll_y)
                text = "".join(seg.text for seg in app.main.paper_list.render_line(row))
                return library.state_of(pid).starred is want and ("★" in text) is want

            visible.append(await timed_key(app, "s", shown, "toggle_visible"))
            while state_file.stat().st_mtime_ns == before or library.state.dirty:
                await asyncio.sleep(0.002)
            durable.append(time.perf_counter() - start)
        figures["toggle_visible"] = summary(visible)
        figures["toggle_durable"] = summary(durable)
        figures["painted"] = {name: summary(values) for name, values in PAINTED.items()}
        await pilot.press("q")
    figures["state_records"] = len(library.state.all())
    library.close()
    return figures


MATCHER = r"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))
from pathlib import Path
from textual.fuzzy import Matcher
from readlist.core.library import Library
titles = [p.title for p in Library(Path(sys.argv[1])).papers]
matcher = Matcher(sys.argv[2])
start = time.perf_counter()
sorted(((matcher.match(t), i) for i, t in enumerate(titles)), reverse=True)[:50]
print(time.perf_counter() - start)
"""


def matcher_baseline(folder: Path, query: str) -> float | None:
    """textual.fuzzy.Matcher over titles, in a process capped at 4 GB and 120 s: it can blow up."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", MATCHER, str(folder), query], capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        return None
    return float(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def baselines(folder: Path) -> dict[str, object]:
    """The same final queries through the approaches DESIGN.md warns about."""
    from rapidfuzz import fuzz, process, utils

    from readlist.core.library import Library

    library = Library(folder)
    texts = [f"{p.title} {p.abstract}" for p in library.papers]
    naive = []
    for query in QUERIES:
        start = time.perf_counter()
        process.extract(query, texts, scorer=fuzz.partial_ratio, processor=utils.default_process, limit=50)
        naive.append(time.perf_counter() - start)
    raw = sum(len(p.title.encode()) + len(p.abstract.encode()) for p in library.papers)
    library.close()
    matcher = {query: matcher_baseline(folder, query) for query in QUERIES}
    finished = [t for t in matcher.values() if t is not None]
    return {
        "rapidfuzz_partial_ratio": summary(naive),
        "raw_text_bytes": raw,
        "textual_fuzzy_matcher": summary(finished) if finished else None,
        "textual_fuzzy_matcher_failed": [q for q, t in matcher.items() if t is None],
    }


def more_like_this(folder: Path, samples: int = 50) -> dict[str, object]:
    """The "more like this" lookup for random papers, on the cached index the app loads, and its
    one-off preparation (it counts every paper's words)."""
    import random

    from readlist.core.library import Library
    from readlist.core.search import SearchIndex
    from readlist.core.similar import MoreLikeThis

    library = Library(folder)
    index = SearchIndex.open(library.cache / "index", library.papers, library.state.notes(), library.order)
    finder = MoreLikeThis(index)
    start = time.perf_counter()
    finder.prepare()
    prepare = time.perf_counter() - start
    times, found = [], []
    for i in random.Random(5).sample(range(len(library.papers)), min(samples, len(library.papers))):
        start = time.perf_counter()
        found.append(len(finder.find(i)))
        times.append(time.perf_counter() - start)
    library.close()
    return {"prepare": prepare, "lookup": summary(times), "found_p50": statistics.median(found)}


PREPARE = r"""
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generate import build
from readlist.core.search import SearchIndex
library = build(int(sys.argv[2]), Path(sys.argv[3]))
SearchIndex.open(library.cache / "index", library.papers, library.state.notes(), library.order)
library.close()
"""


def run_one(size: int) -> dict[str, object]:
    """Measure one size. Building the library and its caches happens in another process, so the
    peak RSS below is the app's own."""
    folder = CACHE / f"lib-{size}"
    subprocess.run([sys.executable, "-c", PREPARE, str(HERE), str(size), str(folder)], check=True)
    figures: dict[str, object] = {"size": size}
    figures["first_frame"] = first_frames({"app": ("app", folder)}, runs=5)["app"]["complete"]
    figures.update(asyncio.run(measure_app(folder)))
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["more_like_this"] = more_like_this(folder)
    figures.update(baselines(folder))
    return figures


def seeds_first_frame() -> dict[str, float] | None:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        return None
    from readlist.core.importer import import_files
    from readlist.core.library import Library

    folder = CACHE / "lib-seeds"
    library = Library(folder)
    import_files(library, [str(f) for f in files])
    library.close()
    frames = first_frames({"app": ("app", folder), "floor": ("floor", None)})
    return {
        "app": frames["app"]["complete"],
        "floor": frames["floor"]["complete"],
        "app_painted": frames["app"]["painted"],
        "floor_painted": frames["floor"]["painted"],
    }


def ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def _matcher(r: dict) -> str:
    done, failed = r["textual_fuzzy_matcher"], r["textual_fuzzy_matcher_failed"]
    text = f"{ms(done['p50'])} ms" if done else "-"
    return text + (f" ({len(failed)} of {len(QUERIES)} blew up)" if failed else "")


def table(results: list[dict], seeds: dict | None, floor: float) -> str:
    lines = [f"minimal Textual app (floor), first complete frame: {ms(floor)} ms"]
    if seeds:
        lines.append(
            f"four seed digests, first complete frame: {ms(seeds['app'])} ms "
            f"({seeds['app'] / seeds['floor']:.2f}x the floor measured alongside: {ms(seeds['floor'])} ms); "
            f"first frame drawn at all: {ms(seeds['app_painted'])} ms, floor {ms(seeds['floor_painted'])} ms"
        )
    header = (
        "papers",
        "first frame",
        "model key p50",
        "model key p95",
        "model key max",
        "app key p95",
        "naive p50",
        "vs naive",
        "Matcher p50",
        "move p95",
        "pgdn p95",
        "toggle vis p95",
        "durable p95",
        "frame p95 key/move",
        "like p50/p95",
        "peak RSS",
        "RSS limit",
    )
    lines.append(" | ".join(header))
    lines.append(" | ".join("---" for _ in header))
    for r in results:
        key, naive = r["model_keystroke"], r["rapidfuzz_partial_ratio"]
        limit = 3 * r["raw_text_bytes"] / 2**20 + 100
        lines.append(
            " | ".join(
                [
                    f"{r['size']:,}",
                    f"{ms(r['first_frame'])} ms",
                    f"{ms(key['p50'])} ms",
                    f"{ms(key['p95'])} ms",
                    f"{ms(key['max'])} ms",
                    f"{ms(r['keystroke']['p95'])} ms",
                    f"{ms(naive['p50'])} ms",
                    f"{naive['p50'] / key['p95']:.0f}x",
                    _matcher(r),
                    f"{ms(r['cursor_move']['p95'])} ms",
                    f"{ms(r['page_down']['p95'])} ms",
                    f"{ms(r['toggle_visible']['p95'])} ms",
                    f"{ms(r['toggle_durable']['p95'])} ms",
                    f"{ms(r['painted']['keystroke']['p95'])} / {ms(r['painted']['cursor_move']['p95'])} ms",
                    f"{ms(r['more_like_this']['lookup']['p50'])} / {ms(r['more_like_this']['lookup']['p95'])} ms",
                    f"{r['peak_rss_mb']:.0f} MB",
                    f"{limit:.0f} MB",
                ]
            )
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="readlist benchmarks")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    CACHE.mkdir(exist_ok=True)
    # Byte-compiled, as an installed readlist is (pip compiles it, like Textual in site-packages):
    # a checkout run with PYTHONDONTWRITEBYTECODE would compile its sources again at every start.
    compileall.compile_dir(HERE.parent / "readlist", quiet=1)
    results = []
    for size in args.sizes:
        print(f"measuring {size:,} papers…", file=sys.stderr, flush=True)
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    floor = first_frames({"floor": ("floor", None)}, runs=5)["floor"]["complete"]
    seeds = seeds_first_frame()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    text = table(results, seeds, floor)
    print(f"machine: {machine}\n{text}")
    RESULTS.mkdir(exist_ok=True)
    out_file = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out_file.write_text(
        json.dumps({"machine": machine, "floor": floor, "seeds": seeds, "sizes": results}, indent=2)
    )
    print(f"figures: {out_file}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
