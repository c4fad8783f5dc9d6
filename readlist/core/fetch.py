"""Fetching the Daily Papers of a day, a week or a month from the Hub into the library.

The Hub's answer goes through the reader of a saved ``daily_papers.json`` (json_input.py) and
merges exactly as that file's import would, stamped with the time of the answer so that its
counts replace older ones (see library.merge_into). A day is the Hub's day, in UTC.

The days the Hub answered for in full are recorded in the library, so that ``--since`` skips
them; a day counts as done only when it was fetched after it ended, since its list keeps growing
while it lasts. An answer with a bad entry still merges its good ones (as an import does), but
its days are not recorded as done.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from readlist.core.digest import Digest
from readlist.core.hub import DAILY_PATH, HubClient, HubError
from readlist.core.json_input import day_label, read_daily_papers
from readlist.core.library import ImportReport, Library

MERGE_EVERY = 7  # a long --since saves its days a week at a time: an interruption loses little
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def utc_today(now: float | None = None) -> dt.date:
    """The Hub's day now (its days are UTC days)."""
    return dt.datetime.fromtimestamp(time.time() if now is None else now, dt.UTC).date()


def _day_end(day: dt.date) -> float:
    """When ``day`` ends: midnight UTC after it, in seconds since the epoch."""
    return calendar.timegm((day + dt.timedelta(days=1)).timetuple())


@dataclass(frozen=True, slots=True)
class Period:
    """What one request series asks the Hub for: the API's ``date``, ``week`` or ``month``."""

    kind: str  # date, week or month
    value: str  # 2025-03-14, 2025-W11 or 2025-03
    first: dt.date
    last: dt.date

    @classmethod
    def day(cls, day: dt.date) -> Period:
        return cls("date", day.isoformat(), day, day)

    @classmethod
    def parse(cls, kind: str, text: str) -> Period:
        """``kind`` (date, week, month) from the text a user typed; ValueError saying what is wrong."""
        text = text.strip()
        try:
            if kind == "date" and _DATE.match(text):
                return cls.day(dt.date.fromisoformat(text))
            week = _WEEK.match(text)
            if kind == "week" and week:
                monday = dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
                return cls(kind, text, monday, monday + dt.timedelta(days=6))
            month = _MONTH.match(text)
            if kind == "month" and month:
                first = dt.date(int(month[1]), int(month[2]), 1)
                last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
                return cls(kind, text, first, last)
        except ValueError:
            pass
        example = {
            "date": "YYYY-MM-DD, like 2025-03-14",
            "week": "YYYY-Www, like 2025-W11",
            "month": "YYYY-MM, like 2025-03",
        }[kind]
        raise ValueError(f"{text!r} is not a {'day' if kind == 'date' else kind}: use {example}")

    def days(self, today: dt.date) -> list[str]:
        """The days of the period up to ``today``, as ISO dates."""
        last = min(self.last, today)
        return [(self.first + dt.timedelta(days=n)).isoformat() for n in range((last - self.first).days + 1)]


def days_since(library: Library, since: dt.date, today: dt.date, refresh: bool = False) -> list[Period]:
    """Each day from ``since`` to ``today``, but for days fetched after they ended (unless
    ``refresh``); today is never over, so it is always fetched."""
    periods = []
    for n in range((today - since).days + 1):
        day = since + dt.timedelta(days=n)
        fetched_at = library.fetched.get(day.isoformat())
        if refresh or day == today or fetched_at is None or fetched_at < _day_end(day):
            periods.append(Period.day(day))
    return periods


@dataclass(slots=True)
class Fetched:
    """One period's answer, read into digests; ``days`` are the days it covers in full."""

    period: Period
    url: str
    digests: list[Digest]
    days: dict[str, float]


def fetch_period(hub: HubClient, period: Period, now: float) -> Fetched:
    """Ask the Hub for ``period`` and read its answer (HubError if that fails)."""
    items = hub.daily_papers(**{period.kind: period.value})
    url = hub.url(DAILY_PATH, {period.kind: period.value})
    if not items:  # nothing featured (yet): no digest, and nothing wrong
        return Fetched(period, url, [], {day: now for day in period.days(utc_today(now))})
    one_day = period.value if period.kind == "date" else None
    digests = read_daily_papers(items, url, day_label(one_day) if one_day else period.value, one_day)
    digests.sort(key=lambda digest: digest.date or "")  # a week's days in order, as they came about
    for digest in digests:
        for entry in digest.entries:
            entry.hub_at = now
    complete = not any(problem for digest in digests for problem in digest.problems)
    return Fetched(
        period, url, digests, {day: now for day in period.days(utc_today(now))} if complete else {}
    )


@dataclass(slots=True)
class FetchReport:
    """What a fetch did: the import summary of what it merged, the periods it fetched, those
    that failed (with the one-line reason) and those not tried once the Hub could not be reached."""

    imported: ImportReport = field(default_factory=ImportReport)
    fetched: list[Fetched] = field(default_factory=list)
    failed: list[tuple[Period, str]] = field(default_factory=list)
    not_tried: list[Period] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_tried and self.imported.ok

    def empty_days(self) -> list[str]:
        """Days asked for one by one that had no papers."""
        return [f.period.value for f in self.fetched if f.period.kind == "date" and not f.digests]


def fetch_into(
    library: Library,
    hub: HubClient,
    periods: Sequence[Period],
    *,
    clock: Callable[[], float] = time.time,
    progress: Callable[[int, int, Period], None] | None = None,
) -> FetchReport:
    """Fetch each period and merge what came into the library, some days at a time (and what
    was fetched before an interruption). A failed period changes nothing and the others go on,
    unless the Hub could not be reached at all: then the rest are not tried."""
    report = FetchReport()
    pending: list[Fetched] = []
    try:
        for n, period in enumerate(periods, 1):
            if progress is not None:
                progress(n, len(periods), period)
            try:
                fetched = fetch_period(hub, period, clock())
            except HubError as exc:
                report.failed.append((period, str(exc)))
                if not exc.reached:
                    report.not_tried = list(periods[n:])
                    break
                continue
            report.fetched.append(fetched)
            pending.append(fetched)
            if len(pending) >= MERGE_EVERY:
                _merge(library, pending, report.imported)
                pending = []
    finally:
        if pending:
            _merge(library, pending, report.imported)
    return report


def _merge(library: Library, fetched: list[Fetched], report: ImportReport) -> None:
    library.import_digests(
        [digest for f in fetched for digest in f.digests],
        report,
        fetched={day: at for f in fetched for day, at in f.days.items()},
    )
