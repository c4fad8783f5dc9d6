"""A Hub on 127.0.0.1 for the tests: real HTTP, answers shaped like the Hub's, faults on request.

``FakeHub`` serves ``/api/daily_papers`` (``date``, ``week`` or ``month``, ``p`` and ``limit``,
with the page size capped at ``cap`` like a server that sends fewer than asked) from ``entries``,
and ``/api/papers/search`` (``q``, ``limit``) from the same entries. Replies put in ``script``
are sent first, one per request, whatever was asked: a 429, a 500, broken JSON; a reply in
``faults`` is sent for every request of that ``date``. Every request is kept in ``requests``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from readlist.core.text import fold


@dataclass
class Reply:
    status: int = 200
    body: Any = b"[]"  # bytes as they are; anything else as JSON
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


def entry(
    title: str,
    arxiv_id: str,
    day: str,
    *,
    abstract: str = "",
    upvotes: int = 0,
    comments: int = 0,
    authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
    **paper: Any,
) -> dict[str, Any]:
    """One item as ``/api/daily_papers`` lists it (the shape the DESIGN notes describe)."""
    stamp = f"{day}T08:00:00.000Z"
    return {
        "paper": {
            "id": arxiv_id,
            "authors": [{"_id": f"a{i}", "name": name, "hidden": False} for i, name in enumerate(authors)],
            "publishedAt": stamp,
            "submittedOnDailyAt": stamp,
            "title": title,
            "summary": abstract or f"About {title}.",
            "upvotes": upvotes,
            "discussionId": f"d{arxiv_id}",
            **paper,
        },
        "publishedAt": stamp,
        "title": title,
        "summary": abstract or f"About {title}.",
        "thumbnail": f"https://cdn.example/{arxiv_id}.png",
        "numComments": comments,
        "submittedBy": {"name": "reader", "fullname": "A Reader"},
        "isAuthorParticipating": False,
    }


def _day(item: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(item["paper"]["submittedOnDailyAt"][:10])


class FakeHub:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.cap: int | None = None
        self.script: deque[Reply] = deque()
        self.faults: dict[str, Reply] = {}
        self.requests: list[Seen] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                parts = urlsplit(self.path)
                params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                hub.requests.append(Seen(parts.path, params, dict(self.headers.items())))
                reply = (
                    hub.script.popleft()
                    if hub.script
                    else hub.faults.get(params.get("date", "")) or hub.answer(parts.path, params)
                )
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def daily_requests(self) -> list[dict[str, str]]:
        return [seen.params for seen in self.requests if seen.path == "/api/daily_papers"]

    def answer(self, path: str, params: dict[str, str]) -> Reply:
        if path == "/api/daily_papers":
            found = [item for item in self.entries if self._on(item, params)]
            limit = int(params.get("limit", 50))
            size = min(limit, self.cap) if self.cap else limit
            page = int(params.get("p", 0))
            return Reply(body=found[page * size : (page + 1) * size])
        if path == "/api/papers/search":
            words = set(fold(params.get("q", "")).split())
            found = [item for item in self.entries if words & set(fold(item["title"]).split())]
            return Reply(body=found[: int(params.get("limit", 20))])
        return Reply(404, {"error": "Not Found"})

    @staticmethod
    def _on(item: dict[str, Any], params: dict[str, str]) -> bool:
        day = _day(item)
        if "date" in params:
            return day.isoformat() == params["date"]
        if "week" in params:
            year, week = params["week"].split("-W")
            return day.isocalendar()[:2] == (int(year), int(week))
        if "month" in params:
            return day.isoformat()[:7] == params["month"]
        return True


@contextmanager
def silent_server() -> Iterator[str]:
    """An address that takes connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def closed_port() -> str:
    """An address on this machine where nothing listens (the connection is refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class FakeClock:
    """Time that passes only when slept through: the waits a client chose, with no waiting."""

    def __init__(self, now: float = 1_741_910_400.0) -> None:  # 2025-03-14 00:00 UTC
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
