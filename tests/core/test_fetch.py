"""Fetching days, weeks and months from a Hub on 127.0.0.1 into the library."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.core.fetch import FetchReport, Period, days_since, fetch_into, utc_today
from readlist.core.hub import HubClient, Retries
from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library
from readlist.core.model import paper_id
from tests.core.conftest import MAR14, open_with
from tests.helpers.fake_hub import FakeClock, FakeHub, Reply, closed_port, entry

NOW = calendar.timegm((2025, 3, 20, 12, 0, 0))  # the tests' "now": noon UTC on 2025-03-20
TODAY = dt.date(2025, 3, 20)
GAUSS = "Gaussian Splatting in the Wild"


@pytest.fixture
def library(isolated_data: Path) -> Iterator[Library]:
    yield from open_with(isolated_data, (MAR14, "mar14.txt"))


def hub_for(fake: FakeHub) -> HubClient:
    return HubClient(fake.url, clock=FakeClock(), rng=random.Random(1), retries=Retries(attempts=2))


def fetch(library: Library, fake: FakeHub, *periods: Period) -> FetchReport:
    with hub_for(fake) as hub:
        return fetch_into(library, hub, periods, clock=lambda: NOW)


def day(text: str) -> Period:
    return Period.parse("date", text)


# -- periods -------------------------------------------------------------------------------------


def test_periods_parse_and_list_their_days() -> None:
    week = Period.parse("week", "2025-W12")
    assert (week.first, week.last) == (dt.date(2025, 3, 17), dt.date(2025, 3, 23))
    assert week.days(TODAY) == ["2025-03-17", "2025-03-18", "2025-03-19", "2025-03-20"]  # none after today
    leap = Period.parse("month", "2024-02")
    assert (leap.first, leap.last, len(leap.days(TODAY))) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), 29)
    assert day(" 2025-03-14 ") == Period("date", "2025-03-14", dt.date(2025, 3, 14), dt.date(2025, 3, 14))


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("date", "2025-3-14"),
        ("date", "2025-02-30"),
        ("date", "20250314"),
        ("week", "2025-W54"),
        ("week", "2025-11"),
        ("month", "2025-13"),
        ("month", "March"),
    ],
)
def test_bad_periods_say_what_to_type(kind: str, text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a .*: use YYYY"):
        Period.parse(kind, text)


def test_utc_today_is_the_hubs_day() -> None:
    assert utc_today(calendar.timegm((2025, 3, 14, 23, 59, 0))) == dt.date(2025, 3, 14)
    assert utc_today(calendar.timegm((2025, 3, 15, 0, 0, 1))) == dt.date(2025, 3, 15)


def test_since_skips_days_fetched_after_they_ended(library: Library) -> None:
    end_of_17 = calendar.timegm((2025, 3, 18, 0, 0, 0))
    library.import_digests(
        [],
        fetched={
            "2025-03-16": end_of_17 - 43_200,  # on the 17th: done
            "2025-03-17": end_of_17 - 60,  # while the day lasted: again
            "2025-03-18": end_of_17 + 86_400 * 2,  # after it ended: done
            "2025-03-20": NOW,
        },
    )  # today: never done
    assert [p.value for p in days_since(library, dt.date(2025, 3, 16), TODAY)] == [
        "2025-03-17",
        "2025-03-19",
        "2025-03-20",
    ]
    assert len(days_since(library, dt.date(2025, 3, 16), TODAY, refresh=True)) == 5


# -- fetching ------------------------------------------------------------------------------------


def test_a_day_merges_into_the_text_digest_and_is_recorded(library: Library, fake_hub: FakeHub) -> None:
    fake_hub.entries = [
        entry(GAUSS, "2503.01111", "2025-03-14", upvotes=9),
        entry("Only on the Hub", "2503.02222", "2025-03-14"),
    ]
    report = fetch(library, fake_hub, day("2025-03-14"))
    assert report.ok and not report.failed
    assert [(f.label, f.new, f.known) for f in report.imported.files] == [("Mar 14", 1, 1)]
    gauss = library.by_id[paper_id(GAUSS)]
    assert (gauss.arxiv_id, gauss.upvotes, gauss.hub_at) == ("2503.01111", 9, NOW)
    assert library.digests["Mar 14"].date == "2025-03-14"
    assert library.fetched == {"2025-03-14": NOW}


def test_an_empty_day_is_recorded_and_adds_no_digest(library: Library, fake_hub: FakeHub) -> None:
    report = fetch(library, fake_hub, day("2025-03-16"))
    assert report.ok and report.empty_days() == ["2025-03-16"]
    assert list(library.digests) == ["Mar 14"]
    assert library.fetched == {"2025-03-16": NOW}


def test_a_week_is_one_request_series_and_a_digest_per_day(library: Library, fake_hub: FakeHub) -> None:
    fake_hub.entries = [
        entry("Monday Paper", "2503.03001", "2025-03-17"),
        entry("Wednesday Paper", "2503.03002", "2025-03-19"),
        entry("Another Monday Paper", "2503.03003", "2025-03-17"),
    ]
    report = fetch(library, fake_hub, Period.parse("week", "2025-W12"))
    assert [(f.label, f.new) for f in report.imported.files] == [("Mar 17", 2), ("Mar 19", 1)]
    assert {r["week"] for r in fake_hub.daily_requests()} == {"2025-W12"}
    assert sorted(library.fetched) == ["2025-03-17", "2025-03-18", "2025-03-19", "2025-03-20"]


def test_a_bad_entry_still_merges_the_good_ones_but_the_day_is_not_done(
    library: Library, fake_hub: FakeHub
) -> None:
    fake_hub.entries = [
        entry("Good One", "2503.04001", "2025-03-18"),
        entry("Odd One", "2503.04002", "2025-03-18", upvotes="many"),
    ]
    report = fetch(library, fake_hub, day("2025-03-18"))
    assert not report.ok
    assert report.imported.problems == [
        f"{fake_hub.url}/api/daily_papers?date=2025-03-18: entry 2: 'upvotes' is not valid; left out"
    ]
    assert library.by_id[paper_id("Odd One")].upvotes is None
    assert library.fetched == {}


def test_a_failed_day_changes_nothing_and_the_others_go_on(
    library: Library, fake_hub: FakeHub, isolated_data: Path
) -> None:
    fake_hub.entries = [
        entry("Day One", "2503.05001", "2025-03-17"),
        entry("Day Three", "2503.05003", "2025-03-19"),
    ]
    fake_hub.faults["2025-03-18"] = Reply(500, b"")
    report = fetch(library, fake_hub, *days_since(library, dt.date(2025, 3, 17), dt.date(2025, 3, 19)))
    assert [
        (p.value, message.endswith("HTTP 500 Internal Server Error (after 2 attempts)"))
        for p, message in report.failed
    ] == [("2025-03-18", True)]
    assert [f.label for f in report.imported.files] == ["Mar 17", "Mar 19"]
    assert sorted(library.fetched) == ["2025-03-17", "2025-03-19"]

    library.state.update(paper_id(GAUSS), starred=True, note="mine")
    library.state.flush()
    before = {name: (isolated_data / name).read_bytes() for name in (LIBRARY_FILE, STATE_FILE)}
    again = fetch(library, fake_hub, day("2025-03-18"))
    assert len(again.failed) == 1 and again.imported.files == []
    assert {name: (isolated_data / name).read_bytes() for name in before} == before


def test_when_the_hub_cannot_be_reached_the_rest_is_not_tried(library: Library) -> None:
    url = closed_port()
    with HubClient(url, clock=FakeClock(), retries=Retries(attempts=2)) as hub:
        report = fetch_into(library, hub, [day("2025-03-17"), day("2025-03-18"), day("2025-03-19")])
    assert [p.value for p, _ in report.failed] == ["2025-03-17"]
    assert [p.value for p in report.not_tried] == ["2025-03-18", "2025-03-19"]
    assert not report.ok


def test_what_was_fetched_before_an_interruption_is_kept(library: Library, fake_hub: FakeHub) -> None:
    fake_hub.entries = [
        entry(f"Paper of the {n}th", f"2503.060{n:02d}", f"2025-03-{n:02d}") for n in (15, 16, 17)
    ]

    def interrupt(n: int, total: int, period: Period) -> None:
        if period.value == "2025-03-17":
            raise KeyboardInterrupt

    with hub_for(fake_hub) as hub, pytest.raises(KeyboardInterrupt):
        fetch_into(
            library, hub, [day("2025-03-15"), day("2025-03-16"), day("2025-03-17")], progress=interrupt
        )
    assert sorted(library.fetched) == ["2025-03-15", "2025-03-16"]
    assert {p.title for p in library.papers} >= {"Paper of the 15th", "Paper of the 16th"}
