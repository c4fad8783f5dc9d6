"""Talking to the Hugging Face Hub: the Daily Papers list and the paper search.

One httpx client that follows the Hub ecosystem's conventions: the base URL comes from
``HF_ENDPOINT`` (default https://huggingface.co), an ``HF_TOKEN`` goes along as a bearer token,
and the User-Agent names readlist and its version. Every request has connect and read timeouts.
A 429, a 5xx, a dropped or refused connection and a timeout are retried with exponential backoff
and jitter; a ``Retry-After`` (seconds or an HTTP date) is waited for, unless it asks for longer
than a cap, which is reported instead of slept through. A name that does not resolve (offline)
and a failed TLS handshake are not retried: waiting does not fix them.

Whatever goes wrong becomes one ``HubError`` whose message is one line naming the URL and what
happened. Sleeping, both clocks and the jitter are injected, so tests are fast and repeatable.
"""

from __future__ import annotations

import email.utils
import errno
import math
import os
import random
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import orjson

from readlist import __version__
from readlist.core.errors import ReadlistError

DEFAULT_ENDPOINT = "https://huggingface.co"
ENDPOINT_VAR = "HF_ENDPOINT"
TOKEN_VAR = "HF_TOKEN"
USER_AGENT = f"readlist/{__version__} (httpx/{httpx.__version__})"
DAILY_PATH = "/api/daily_papers"
SEARCH_PATH = "/api/papers/search"
PAGE_SIZE = 100  # asked for; a server may answer with fewer per page (see ``daily_papers``)
MAX_PAGES = 200  # a list longer than this is a server gone wrong, not a month of papers


class HubError(ReadlistError):
    """A request to the Hub failed; the message is one line: ``URL: what went wrong``.
    ``reached`` is False when no answer came at all (offline, refused, timed out): the next
    request would most likely fail the same way."""

    def __init__(self, url: str, problem: str, reached: bool = True) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.reached = reached


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds to wait for a connection, and then for each part of the answer."""

    connect: float = 10.0
    read: float = 30.0


@dataclass(frozen=True, slots=True)
class Retries:
    attempts: int = 5  # tries in all, the first one included
    backoff: float = 1.0  # the wait before the first retry; it doubles with each retry
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # a Retry-After asking for longer is reported, not waited for

    def delay(self, retry: int, rng: random.Random) -> float:
        """The wait before retry number ``retry`` (from 1): exponential up to ``max_backoff``,
        half of it random so that clients that failed together do not retry together."""
        full = min(self.max_backoff, self.backoff * 2 ** (retry - 1))
        return full / 2 + rng.uniform(0, full / 2)


class Clock(Protocol):
    def time(self) -> float: ...  # the wall clock, for Retry-After dates
    def monotonic(self) -> float: ...  # for spacing requests
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds, or an HTTP date
    (``Wed, 21 Oct 2015 07:28:00 GMT``) compared with ``now``; None if there is none or it is
    unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - now  # a date without a zone is read as UTC
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _transport_problem(exc: httpx.RequestError, host: str, timeouts: Timeouts) -> tuple[str, bool]:
    """What a failed request means for the reader, and whether trying again may help."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {timeouts.connect:g} s", True
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeouts.read:g} s", True
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects", False
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "not an http(s) address", False
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve {host} (offline, or a DNS failure)", False
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed ({cause.reason or cause.__class__.__name__})", False
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused", True
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable (offline?)", True
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection without an answer", True
    if isinstance(exc, httpx.NetworkError):
        return f"connection failed ({exc or exc.__class__.__name__})", True
    return f"request failed ({exc or exc.__class__.__name__})", False


def _status(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


def _entries(answer: Any, url: str) -> list[dict[str, Any]]:
    """The answer as a list of objects, or a HubError saying how its shape is wrong."""
    if not isinstance(answer, list):
        raise HubError(url, f"JSON of the wrong shape: {_kind(answer)}, not a list of papers")
    for n, item in enumerate(answer, 1):
        if not isinstance(item, dict):
            raise HubError(url, f"JSON of the wrong shape: entry {n} is {_kind(item)}, not a paper")
    return answer


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _paper_key(item: dict[str, Any]) -> Any:
    """What tells two entries of a list apart: the paper's id, when it has one."""
    paper = item.get("paper")
    key = paper.get("id") if isinstance(paper, dict) else item.get("id")
    return key if isinstance(key, str) else id(item)


class HubClient:
    """A connection to the Hub. ``min_interval`` spaces the starts of requests (0.5: at most two
    a second). Use as a context manager, or ``close()`` it."""

    def __init__(
        self,
        endpoint: str = DEFAULT_ENDPOINT,
        token: str | None = None,
        *,
        timeouts: Timeouts | None = None,
        retries: Retries | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        min_interval: float = 0.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HubError(endpoint, f"{ENDPOINT_VAR} must be an http(s) address, like {DEFAULT_ENDPOINT}")
        self.endpoint = endpoint.rstrip("/")
        self.host = parts.hostname
        self.token = token
        self.timeouts = timeouts or Timeouts()
        self.retries = retries or Retries()
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.min_interval = min_interval
        self._last_start: float | None = None
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.endpoint,
            headers=headers,
            follow_redirects=True,
            transport=transport,
            timeout=httpx.Timeout(self.timeouts.read, connect=self.timeouts.connect),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> HubClient:
        """A client for ``$HF_ENDPOINT`` (default the Hub) with ``$HF_TOKEN`` if it is set."""
        environ = os.environ if environ is None else environ
        endpoint = environ.get(ENDPOINT_VAR, "").strip() or DEFAULT_ENDPOINT
        token = environ.get(TOKEN_VAR, "").strip() or None
        return cls(endpoint, token, **options)

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def url(self, path: str, params: Mapping[str, str | int]) -> str:
        """The full address of a request, as error messages name it."""
        return str(self._client.build_request("GET", path, params=dict(params)).url)

    # -- one request ------------------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, str | int]) -> Any:
        """The parsed JSON answer to ``GET path?params``, retried as the module docstring says."""
        url = self.url(path, params)
        attempts = max(1, self.retries.attempts)
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= attempts
            after = f" (after {attempts} attempts)" if attempts > 1 else ""
            self._pace()
            try:
                response = self._client.get(path, params=dict(params))
            except httpx.RequestError as exc:
                problem, worth_retrying = _transport_problem(exc, self.host, self.timeouts)
                if not worth_retrying or last:
                    raise HubError(url, problem + (after if worth_retrying else ""), reached=False) from None
                self.clock.sleep(self.retries.delay(attempt, self.rng))
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                wait = retry_after(response.headers.get("Retry-After"), self.clock.time())
                if wait is not None and wait > self.retries.max_retry_after:
                    raise HubError(
                        url, f"{_status(response)}: the Hub asks to wait {wait:.0f} s; try again later"
                    )
                if last:
                    busy = ": too many requests, try again later" if status == 429 else ""
                    raise HubError(url, f"{_status(response)}{busy}{after}")
                self.clock.sleep(wait if wait is not None else self.retries.delay(attempt, self.rng))
                continue
            if status >= 400:
                raise HubError(url, self._refusal(response))
            try:
                return orjson.loads(response.content)
            except orjson.JSONDecodeError as exc:
                raise HubError(url, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None

    def _refusal(self, response: httpx.Response) -> str:
        status = response.status_code
        custom = self.endpoint != DEFAULT_ENDPOINT
        if status == 401:
            return f"{_status(response)}: " + (
                f"the Hub refused {TOKEN_VAR}" if self.token else f"the Hub wants a token (set {TOKEN_VAR})"
            )
        if status == 403:
            return f"{_status(response)}" + (f": {TOKEN_VAR} has no access to this" if self.token else "")
        if status == 404:
            return f"{_status(response)}" + (f": is {ENDPOINT_VAR} right?" if custom else "")
        return _status(response)

    def _pace(self) -> None:
        if self.min_interval > 0 and self._last_start is not None:
            waited = self.clock.monotonic() - self._last_start
            if waited < self.min_interval:
                self.clock.sleep(self.min_interval - waited)
        self._last_start = self.clock.monotonic()

    # -- the Hub's lists --------------------------------------------------------------------------

    def daily_papers(
        self,
        *,
        date: str | None = None,
        week: str | None = None,
        month: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> list[dict[str, Any]]:
        """Every entry of the Daily Papers of one day (``2025-03-14``), ISO week (``2025-W11``)
        or month (``2025-03``), page after page.

        A server may send fewer entries per page than asked for, so a page as long as the
        longest so far is followed by another; the list ends at an empty page, a shorter one,
        or one that brings no entry not seen before (a server that ignores ``p``).
        """
        chosen = {key: value for key, value in (("date", date), ("week", week), ("month", month)) if value}
        if len(chosen) != 1:
            raise ValueError("daily_papers: give exactly one of date, week, month")
        items: list[dict[str, Any]] = []
        seen: set[Any] = set()
        longest = 0
        for page in range(MAX_PAGES):
            params = {**chosen, "p": page, "limit": page_size}
            entries = _entries(self.get_json(DAILY_PATH, params), self.url(DAILY_PATH, params))
            fresh = [item for item in entries if _paper_key(item) not in seen]
            seen.update(map(_paper_key, fresh))
            items += fresh
            if not fresh or len(entries) < longest:
                return items
            longest = max(longest, len(entries))
        raise HubError(self.url(DAILY_PATH, params), f"still more after {MAX_PAGES} pages; stopped")

    def search_papers(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        """The Hub's paper search for ``query``: entries shaped like the Daily Papers'."""
        params = {"q": query, "limit": limit}
        return _entries(self.get_json(SEARCH_PATH, params), self.url(SEARCH_PATH, params))
