"""readlist fetch, readlist resolve and readlist --fetch against a Hub on 127.0.0.1 (HF_ENDPOINT).

The issue's "Done when": text digests imported first, then a fetch of their day gives every paper
of the day its arXiv id and Hub link, keeps every note and star and adds no paper; the same fetch
again only updates counts; every fault is one line and changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from readlist import cli
from readlist.cli import main
from readlist.core.digest import read_digest
from readlist.core.fetch import utc_today
from readlist.core.hub import HubClient, Retries, Timeouts
from readlist.core.json_input import day_label
from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library
from readlist.core.text import title_key
from tests.conftest import FIXTURES
from tests.helpers.durability import run_readlist
from tests.helpers.fake_hub import FakeClock, FakeHub, Reply, closed_port, entry, silent_server

BASIC = FIXTURES / "basic.txt"
DAY_JSON = FIXTURES / "hub" / "daily_2025-03-14.json"
DAY = "2025-03-14"
COUNTS = ("upvotes", "comments", "github_stars", "hub_at")


@pytest.fixture(autouse=True)
def quick_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' client, with the waits it chooses not slept and a short read timeout."""

    def make_hub(**options: Any) -> HubClient:
        return HubClient.from_env(
            clock=FakeClock(),
            retries=Retries(attempts=2),
            timeouts=Timeouts(connect=2.0, read=0.3),
            **options,
        )

    monkeypatch.setattr(cli, "make_hub", make_hub)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def files(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in (LIBRARY_FILE, STATE_FILE)}


def records(data: Path) -> dict[str, dict[str, Any]]:
    library = Library(data)
    try:
        return {p.id: p.to_record() for p in library.papers}
    finally:
        library.close()


def changed_fields(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> set[str]:
    assert before.keys() == after.keys()
    return {key for pid in before for key in before[pid] if before[pid][key] != after[pid][key]}


@pytest.fixture
def triaged(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> dict[str, tuple[bool, str]]:
    """basic.txt (Mar 14) imported as text, every paper starred or noted; title → (starred, note)."""
    assert run(capsys, "import", str(BASIC))[0] == 0
    library = Library(isolated_data)
    marks = {}
    for n, paper in enumerate(library.papers):
        marks[paper.title] = (n % 2 == 0, f"note {n}\n\nwith a second paragraph")
        library.state.update(
            paper.id, starred=marks[paper.title][0], note=marks[paper.title][1], tags=["mine"]
        )
    library.close()
    return marks


# -- the "Done when", on a fixture of our own ----------------------------------------------


def test_a_fetch_gives_a_text_digests_papers_their_ids_and_keeps_everything(
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    fake_hub: FakeHub,
    triaged: dict[str, tuple[bool, str]],
) -> None:
    fake_hub.entries = json.loads(DAY_JSON.read_text())
    state_before, papers_before = (isolated_data / STATE_FILE).read_bytes(), records(isolated_data)

    code, out, err = run(capsys, "fetch", "--date", DAY)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "2025-03-14 (Mar 14): 3 papers: 0 new, 3 already known, 3 updated",
        "total: 0 new, 3 already known, 3 updated",
    ]
    assert (isolated_data / STATE_FILE).read_bytes() == state_before  # notes and stars untouched
    rows = {row["title"]: row for row in json.loads(run(capsys, "list", "--json")[1])}
    assert len(rows) == len(papers_before)  # no paper added
    expected_ids = {item["title"]: item["paper"]["id"] for item in fake_hub.entries}
    for title, (starred, note) in triaged.items():
        row = rows[title]
        assert row["arxiv_id"] == expected_ids[title]
        assert row["url"] == f"https://huggingface.co/papers/{expected_ids[title]}"
        assert (row["starred"], row["note"], row["tags"]) == (starred, note, ["mine"])
    sparse = rows["Sparse Gaussian Splatting for Real-Time Scene Capture"]
    assert (sparse["upvotes"], sparse["comments"], sparse["github_stars"]) == (42, 3, 311)
    assert (sparse["github_repo"], sparse["project_page"]) == (
        "https://github.com/example-lab/sparse-gs",
        "https://example-lab.github.io/sparse-gs",
    )
    assert sparse["ai_summary"].startswith("Pruning Gaussian primitives")
    assert sparse["ai_keywords"] == ["Gaussian splatting", "pruning", "real-time rendering"]
    assert sparse["author_names"] == ["Mira Okafor", "Tomas Lindqvist", "Priya Raman"]
    assert sparse["abstract"].startswith("We render captured scenes")  # the page's longer abstract stays
    library = Library(isolated_data)
    assert {label: info.date for label, info in library.digests.items()} == {"Mar 14": DAY}  # one digest
    library.close()

    # The same fetch again: nothing to update. Then the counts moved on the Hub: only they change.
    fetched_once = records(isolated_data)
    code, out, _ = run(capsys, "fetch", "--date", DAY)
    assert (code, out.splitlines()[0]) == (
        0,
        "2025-03-14 (Mar 14): 3 papers: 0 new, 3 already known, 0 updated",
    )
    assert records(isolated_data) == fetched_once
    for item in fake_hub.entries:
        item["paper"]["upvotes"] -= 1  # a vote taken back: the newer count wins all the same
        item["numComments"] += 2
        if "githubStars" in item["paper"]:
            item["paper"]["githubStars"] += 10
    code, out, _ = run(capsys, "fetch", "--date", DAY)
    assert (code, out.splitlines()[0]) == (
        0,
        "2025-03-14 (Mar 14): 3 papers: 0 new, 3 already known, 3 updated",
    )
    assert changed_fields(fetched_once, records(isolated_data)) == set(COUNTS)
    assert (isolated_data / STATE_FILE).read_bytes() == state_before


def fault_cases() -> list[Any]:
    body = json.loads(DAY_JSON.read_text())
    return [
        pytest.param(
            Reply(401, {"error": "Invalid credentials"}),
            "HTTP 401 Unauthorized: the Hub wants a token (set HF_TOKEN)",
            id="401",
        ),
        pytest.param(Reply(403, b""), "HTTP 403 Forbidden", id="403"),
        pytest.param(
            Reply(404, {"error": "Not Found"}), "HTTP 404 Not Found: is HF_ENDPOINT right?", id="404"
        ),
        pytest.param(Reply(503, b"down"), "HTTP 503 Service Unavailable (after 2 attempts)", id="5xx"),
        pytest.param(Reply(body=json.dumps(body).encode()[:-40]), "not valid JSON (line", id="malformed"),
        pytest.param(
            Reply(body={"papers": body}),
            "JSON of the wrong shape: an object, not a list of papers",
            id="object",
        ),
        pytest.param(
            Reply(body=["2503.10101"]),
            "JSON of the wrong shape: entry 1 is a string, not a paper",
            id="strings",
        ),
    ]


@pytest.mark.parametrize(("reply", "problem"), fault_cases())
def test_every_answer_that_is_a_fault_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    fake_hub: FakeHub,
    triaged: object,
    reply: Reply,
    problem: str,
) -> None:
    fake_hub.faults[DAY] = reply
    before = files(isolated_data)
    code, out, err = run(capsys, "fetch", "--date", DAY)
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith(f"readlist: {fake_hub.url}/api/daily_papers?date={DAY}&p=0&limit=100: {problem}")
    assert out == "total: 0 new, 0 already known, 0 updated, 1 failed\n"
    assert files(isolated_data) == before


def test_no_answer_at_all_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, monkeypatch: pytest.MonkeyPatch, triaged: object
) -> None:
    before = files(isolated_data)
    refused = closed_port()

    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with silent_server() as silent:
        for endpoint, problem in (
            (refused, "connection refused (after 2 attempts)"),
            (silent, "no answer within 0.3 s (after 2 attempts)"),
            ("https://hub.invalid", "cannot resolve hub.invalid (offline, or a DNS failure)"),
        ):
            monkeypatch.setenv("HF_ENDPOINT", endpoint)
            with monkeypatch.context() as patched:
                if "invalid" in endpoint:
                    patched.setattr(socket, "getaddrinfo", no_dns)
                code, _, err = run(capsys, "fetch", "--date", DAY)
            assert code == 1
            assert err == f"readlist: {endpoint}/api/daily_papers?date={DAY}&p=0&limit=100: {problem}\n"
    assert files(isolated_data) == before


def test_a_process_reads_hf_endpoint_and_fails_in_one_line(
    isolated_data: Path, fake_hub: FakeHub, triaged: object
) -> None:
    """As a user runs it: a real process, the defaults of the real client, HF_ENDPOINT set."""
    fake_hub.entries = json.loads(DAY_JSON.read_text())
    result = run_readlist(isolated_data, "fetch", "--date", DAY)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("2025-03-14 (Mar 14): 3 papers: 0 new, 3 already known, 3 updated\n")
    assert fake_hub.requests[0].headers["User-Agent"].startswith("readlist/")
    before = files(isolated_data)
    fake_hub.faults[DAY] = Reply(404, b"")
    result = run_readlist(isolated_data, "fetch", "--date", DAY)
    assert result.returncode == 1
    assert result.stderr == (
        f"readlist: {fake_hub.url}/api/daily_papers?date={DAY}&p=0&limit=100: "
        "HTTP 404 Not Found: is HF_ENDPOINT right?\n"
    )
    assert files(isolated_data) == before


# -- the Done when, on the real digests --------------------------------------------------------------


def test_fetching_the_seeds_days_adds_ids_and_keeps_every_note_and_star(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, fake_hub: FakeHub, seeds: list[Path]
) -> None:
    assert run(capsys, "import", *map(str, seeds))[0] == 0
    ids: dict[str, str] = {}
    days: dict[str, str] = {}  # label → day
    for seed in seeds:
        digest = read_digest(seed)
        day = dt.date(2025, int(digest.date[2:4]), int(digest.date[5:7])).isoformat()
        days[digest.label] = day
        listed: set[str] = set()
        for e in digest.entries:
            key = title_key(e.title)
            if key in listed:  # a paper twice in one digest: the Hub lists it once
                continue
            listed.add(key)
            arxiv_id = ids.setdefault(key, f"2503.{len(ids) + 10000:05d}")
            fake_hub.entries.append(
                entry(
                    e.title,
                    arxiv_id,
                    day,
                    abstract=e.abstract,
                    upvotes=(e.upvotes or 0) + 3,
                    comments=int(arxiv_id[-1]) % 4,
                )
            )
    library = Library(isolated_data)
    count = len(library.papers)
    for n, paper in enumerate(library.papers):
        if n % 3 == 0:
            library.state.update(paper.id, starred=True, note=f"seed note {n}")
    library.close()
    state = (isolated_data / STATE_FILE).read_bytes()

    for label, day in days.items():
        code, out, err = run(capsys, "fetch", "--date", day)
        assert (code, err) == (0, ""), err
        assert out.startswith(f"{day} ({label}): ") and " 0 new, " in out
    library = Library(isolated_data)
    assert len(library.papers) == count
    for paper in library.papers:
        arxiv_id = ids[title_key(paper.title)]
        assert (paper.arxiv_id, paper.url) == (arxiv_id, f"https://huggingface.co/papers/{arxiv_id}")
    assert {label: info.date for label, info in library.digests.items()} == days
    before = {p.id: p.to_record() for p in library.papers}
    library.close()
    assert (isolated_data / STATE_FILE).read_bytes() == state

    first_label, first_day = next(iter(days.items()))
    for item in fake_hub.entries:
        item["paper"]["upvotes"] += 5
    code, out, _ = run(capsys, "fetch", "--date", first_day)
    assert code == 0 and " 0 new, " in out
    after = records(isolated_data)
    assert changed_fields(before, after) == {"upvotes", "hub_at"}
    assert {pid for pid in before if before[pid] != after[pid]} == {
        pid for pid, rec in before.items() if first_label in rec["digests"]
    }
    assert (isolated_data / STATE_FILE).read_bytes() == state


# -- several days ----------------------------------------------------------------------------------


@pytest.fixture
def three_days(fake_hub: FakeHub) -> list[str]:
    today = utc_today()
    days = [(today - dt.timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    fake_hub.entries = [entry(f"A Paper of {day}", f"2503.{n:05d}", day) for n, day in enumerate(days)]
    return days


def test_since_keeps_the_good_days_and_names_the_failed_one(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, three_days: list[str]
) -> None:
    first, middle, today = three_days
    fake_hub.faults[middle] = Reply(500, b"")
    code, out, err = run(capsys, "fetch", "--since", first)
    assert code == 1
    assert out.splitlines() == [
        f"{first} ({day_label(first)}): 1 paper: 1 new, 0 already known, 0 updated",
        f"{today} ({day_label(today)}): 1 paper: 1 new, 0 already known, 0 updated",
        "total: 2 new, 0 already known, 0 updated, 1 failed",
    ]
    assert err.splitlines() == [
        f"fetching {first} (1/3)",
        f"fetching {middle} (2/3)",
        f"fetching {today} (3/3)",
        f"readlist: {fake_hub.url}/api/daily_papers?date={middle}&p=0&limit=100: "
        "HTTP 500 Internal Server Error (after 2 attempts)",
        f"readlist: failed: {middle}; the other 2 days are saved",
    ]
    titles = {row["title"] for row in json.loads(run(capsys, "list", "--json")[1])}
    assert titles == {f"A Paper of {first}", f"A Paper of {today}"}


def test_since_counts_a_long_run_of_failed_days(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, three_days: list[str]
) -> None:
    today = dt.date.fromisoformat(three_days[2])
    days = [(today - dt.timedelta(days=n)).isoformat() for n in range(5, 0, -1)]
    for day in days:
        fake_hub.faults[day] = Reply(500, b"")
    code, out, err = run(capsys, "fetch", "--since", days[0])
    assert code == 1
    assert (
        err.splitlines()[-1] == f"readlist: failed: 5 days, {days[0]} to {days[-1]}; the other 1 day is saved"
    )
    assert out.splitlines()[-1] == "total: 1 new, 0 already known, 0 updated, 5 failed"


def test_since_stops_when_the_hub_cannot_be_reached(
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    three_days: list[str],
) -> None:
    refused = closed_port()
    monkeypatch.setenv("HF_ENDPOINT", refused)
    code, out, err = run(capsys, "fetch", "--since", three_days[0])
    assert code == 1
    assert err.splitlines()[1:] == [
        f"readlist: {refused}/api/daily_papers?date={three_days[0]}&p=0&limit=100: connection refused "
        "(after 2 attempts)",
        f"readlist: failed: {three_days[0]}; not tried, as the Hub could not be reached: "
        f"{three_days[1]}, {three_days[2]}",
    ]
    assert out == "total: 0 new, 0 already known, 0 updated, 1 failed, 2 not tried\n"
    assert not (isolated_data / LIBRARY_FILE).exists()
    # A long way back: the days not tried are counted, not listed.
    first = (dt.date.fromisoformat(three_days[2]) - dt.timedelta(days=30)).isoformat()
    code, out, err = run(capsys, "fetch", "--since", first)
    assert code == 1 and len(err.splitlines()) == 3  # fetching…, why, what is missing
    second = (dt.date.fromisoformat(first) + dt.timedelta(days=1)).isoformat()
    assert err.splitlines()[-1] == (
        f"readlist: failed: {first}; not tried, as the Hub could not be reached: "
        f"30 days, {second} to {three_days[2]}"
    )
    assert out == "total: 0 new, 0 already known, 0 updated, 1 failed, 30 not tried\n"


def test_since_skips_the_days_already_done_unless_refreshed(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, three_days: list[str]
) -> None:
    first, middle, today = three_days
    assert run(capsys, "fetch", "--since", first)[0] == 0
    fake_hub.requests.clear()
    code, out, err = run(capsys, "fetch", "--since", first)
    assert code == 0 and err == ""  # one day: no progress lines
    assert {r["date"] for r in fake_hub.daily_requests()} == {
        today
    }  # the others ended before they were fetched
    fake_hub.requests.clear()
    assert run(capsys, "fetch", "--since", first, "--refresh")[0] == 0
    assert [r["date"] for r in fake_hub.daily_requests() if r["p"] == "0"] == [first, middle, today]


def test_week_and_month(capsys: pytest.CaptureFixture[str], fake_hub: FakeHub) -> None:
    fake_hub.entries = json.loads(DAY_JSON.read_text()) + [
        entry("Friday the 7th", "2503.07007", "2025-03-07")
    ]
    code, out, _ = run(capsys, "fetch", "--week", "2025-W11")
    assert (code, out.splitlines()[0]) == (
        0,
        "2025-03-14 (Mar 14): 3 papers: 3 new, 0 already known, 0 updated",
    )
    code, out, _ = run(capsys, "fetch", "--month", "2025-03")
    assert code == 0 and out.splitlines()[:2] == [
        "2025-03-07 (Mar 7): 1 paper: 1 new, 0 already known, 0 updated",
        "2025-03-14 (Mar 14): 3 papers: 0 new, 3 already known, 0 updated",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--date", "14 March"],
            "readlist fetch: --date: '14 March' is not a day: use YYYY-MM-DD, like 2025-03-14",
        ),
        (
            ["--week", "2025-W99"],
            "readlist fetch: --week: '2025-W99' is not a week: use YYYY-Www, like 2025-W11",
        ),
        (["--month", "2999-01"], "readlist fetch: --month: 2999-01 is after today"),
        (["--refresh"], "readlist fetch: --refresh goes with --since"),
    ],
)
def test_fetch_usage_errors_touch_nothing(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "fetch", *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert not isolated_data.exists()


def test_today_is_the_default(capsys: pytest.CaptureFixture[str], fake_hub: FakeHub) -> None:
    today = utc_today().isoformat()
    code, out, _ = run(capsys, "fetch")
    assert (code, out) == (0, f"{today}: no papers on the Hub\ntotal: 0 new, 0 already known, 0 updated\n")
    assert fake_hub.daily_requests()[0]["date"] == today


# -- what the fields give the other commands ------------------------------------------------------


def test_sort_and_query_over_the_hubs_counts(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, triaged: object
) -> None:
    fake_hub.entries = json.loads(DAY_JSON.read_text())
    assert run(capsys, "fetch", "--date", DAY)[0] == 0
    code, out, _ = run(capsys, "list", "--json", "--sort", "upvotes")
    assert [row["upvotes"] for row in json.loads(out)] == [42, 17, 8]
    code, out, _ = run(capsys, "list", "--json", "--query", "upvotes:>10 has:summary")
    assert [row["upvotes"] for row in json.loads(out)] == [42, 17]
    code, out, _ = run(capsys, "list", "--json", "--query", "has:code", "--sort", "upvotes")
    assert [row["upvotes"] for row in json.loads(out)] == [42, 8]


def test_a_json_export_carries_the_hubs_fields_back(
    capsys: pytest.CaptureFixture[str],
    fake_hub: FakeHub,
    isolated_data: Path,
    tmp_path: Path,
    triaged: object,
) -> None:
    fake_hub.entries = json.loads(DAY_JSON.read_text())
    assert run(capsys, "fetch", "--date", DAY)[0] == 0
    exported = tmp_path / "all.json"
    assert run(capsys, "export", "-o", str(exported))[0] == 0
    other = tmp_path / "other"
    assert run(capsys, "import", "--data-dir", str(other), str(exported))[0] == 0

    def comparable(data: Path) -> dict[str, dict[str, Any]]:
        return {
            pid: {k: v for k, v in rec.items() if k not in ("seq", "pos", "rev")}
            for pid, rec in records(data).items()
        }

    assert comparable(other) == comparable(isolated_data)


# -- resolve ---------------------------------------------------------------------------------------


def test_resolve_finds_exact_titles_and_remembers_misses(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, triaged: object
) -> None:
    hub_items = json.loads(DAY_JSON.read_text())
    quant = copy.deepcopy(hub_items[1])
    quant["title"] = quant["paper"]["title"] = (
        "POST-TRAINING quantization of language models, without calibration data"
    )
    fake_hub.entries = [quant]
    code, out, err = run(capsys, "resolve")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].endswith(
        "  2503.10202  Post-Training Quantization of Language Models Without Calibration Data"
    )
    assert lines[1] == "resolved: 1 found, 2 not on the Hub"
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "resolving 1/3",
        "resolving 2/3",
        "resolving 3/3",
    ]
    code, out, err = run(capsys, "resolve")
    assert (code, out, err) == (
        0,
        "resolved: 0 found, 0 not on the Hub, 2 not asked again (--retry-misses asks)\n",
        "",
    )
    fake_hub.entries = hub_items
    code, out, _ = run(capsys, "resolve", "--retry-misses", "--limit", "1")
    assert out.splitlines()[-1] == "resolved: 1 found, 0 not on the Hub, 1 not looked up (--limit)"


def test_resolve_fails_in_one_line_and_keeps_what_it_found(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, triaged: object
) -> None:
    hub_items = json.loads(DAY_JSON.read_text())
    fake_hub.script.extend([Reply(body=hub_items), Reply(503, b""), Reply(503, b"")])
    code, out, err = run(capsys, "resolve")
    assert code == 1
    assert err.splitlines()[-1].endswith("limit=10: HTTP 503 Service Unavailable (after 2 attempts)")
    assert out.splitlines()[-1] == "resolved: 1 found, 0 not on the Hub, 1 failed, 1 not looked up (stopped)"


# -- readlist --fetch --------------------------------------------------------------------------------


def test_fetch_flag_fetches_today_then_opens_the_app(
    capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = utc_today().isoformat()
    fake_hub.entries = [entry("Today's Paper", "2503.09999", today)]
    opened: list[tuple[list[str], list[str]]] = []

    def app(library: Library, *, report: Any, demo: bool) -> None:
        opened.append(([p.title for p in library.papers], report.errors))

    import readlist.tui.app

    monkeypatch.setattr(readlist.tui.app, "run", app)
    assert run(capsys, "--fetch")[0] == 0
    assert opened == [(["Today's Paper"], [])]
    fake_hub.faults[today] = Reply(500, b"")
    code, _, err = run(capsys, "--fetch")  # the app still opens, and shows the failure
    assert code == 1
    assert opened[-1][1][0].endswith("HTTP 500 Internal Server Error (after 2 attempts)")
    assert err.count("\n") == 1
    monkeypatch.setenv("HF_ENDPOINT", "huggingface.co")  # no address at all: the app opens all the same
    code, _, err = run(capsys, "--fetch")
    assert code == 1 and len(opened) == 3
    assert err == "huggingface.co: HF_ENDPOINT must be an http(s) address, like https://huggingface.co\n"
