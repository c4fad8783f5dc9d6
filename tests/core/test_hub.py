"""The Hub client against a real HTTP server on 127.0.0.1: paging, retries, and every fault in one line."""

from __future__ import annotations

import random
import socket
from email.utils import formatdate
from typing import Any

import pytest

from readlist import __version__
from readlist.core.hub import DEFAULT_ENDPOINT, HubClient, HubError, Retries, Timeouts, retry_after
from tests.helpers.fake_hub import FakeClock, FakeHub, Reply, closed_port, entry, silent_server

DAY = "2025-03-14"


def client(url: str, *, clock: FakeClock | None = None, attempts: int = 3, **options: Any) -> HubClient:
    return HubClient(
        url, clock=clock or FakeClock(), rng=random.Random(7), retries=Retries(attempts=attempts), **options
    )


def fill(hub: FakeHub, count: int, day: str = DAY) -> list[str]:
    first = len(hub.entries)
    hub.entries += [entry(f"Paper {n}", f"2503.{n:05d}", day) for n in range(first, first + count)]
    return [f"2503.{n:05d}" for n in range(first, first + count)]


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["paper"]["id"] for item in items]


def failure(call: Any) -> str:
    with pytest.raises(HubError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    return message


# -- conventions -----------------------------------------------------------------------------------


def test_endpoint_token_and_user_agent_come_from_the_environment(fake_hub: FakeHub) -> None:
    with HubClient.from_env({"HF_ENDPOINT": fake_hub.url + "/", "HF_TOKEN": " hf_secret\n"}) as hub:
        hub.daily_papers(date=DAY)
    with HubClient.from_env({"HF_ENDPOINT": fake_hub.url}) as hub:
        hub.search_papers("anything")
    first, anonymous = fake_hub.requests  # an empty day is one page
    assert first.headers["Authorization"] == "Bearer hf_secret"
    assert first.headers["User-Agent"].startswith(f"readlist/{__version__} ")
    assert first.params == {"date": DAY, "p": "0", "limit": "100"}
    assert "Authorization" not in anonymous.headers
    assert (anonymous.path, anonymous.params) == ("/api/papers/search", {"q": "anything", "limit": "10"})
    with HubClient.from_env({}) as default:
        assert default.endpoint == DEFAULT_ENDPOINT == "https://huggingface.co"


@pytest.mark.parametrize("endpoint", ["huggingface.co", "ftp://mirror.example", "http://"])
def test_an_endpoint_that_is_not_http_is_one_line(endpoint: str) -> None:
    assert "HF_ENDPOINT must be an http(s) address" in failure(lambda: HubClient(endpoint))


# -- pages -----------------------------------------------------------------------------------------


def test_pages_are_followed_when_the_server_caps_their_size(fake_hub: FakeHub) -> None:
    expected = fill(fake_hub, 7)
    fake_hub.cap = 3  # fewer than the 5 asked for: a page of 3 is not the end
    assert ids(client(fake_hub.url).daily_papers(date=DAY, page_size=5)) == expected
    assert [(r["p"], r["limit"]) for r in fake_hub.daily_requests()] == [("0", "5"), ("1", "5"), ("2", "5")]


def test_a_shorter_page_or_an_empty_one_ends_the_list(fake_hub: FakeHub) -> None:
    expected = fill(fake_hub, 7)
    assert ids(client(fake_hub.url).daily_papers(date=DAY, page_size=5)) == expected
    assert [r["p"] for r in fake_hub.daily_requests()] == ["0", "1"]
    fake_hub.requests.clear()
    assert client(fake_hub.url).daily_papers(date="2025-03-15") == []
    assert [r["p"] for r in fake_hub.daily_requests()] == ["0"]


def test_week_and_month_are_the_apis_own_parameters(fake_hub: FakeHub) -> None:
    fill(fake_hub, 2, "2025-03-10")
    fill(fake_hub, 1, "2025-03-31")
    hub = client(fake_hub.url)
    assert len(hub.daily_papers(week="2025-W11")) == 2
    assert len(hub.daily_papers(month="2025-03")) == 3
    assert [(r.get("week"), r.get("month")) for r in fake_hub.daily_requests()][::2] == [
        ("2025-W11", None),
        (None, "2025-03"),
    ]


def test_a_server_that_ignores_the_page_number_does_not_loop(fake_hub: FakeHub) -> None:
    page = [entry("One", "2503.00001", DAY), entry("Two", "2503.00002", DAY)]
    fake_hub.script.extend([Reply(body=page), Reply(body=page), Reply(body=page)])
    assert ids(client(fake_hub.url).daily_papers(date=DAY, page_size=2)) == ["2503.00001", "2503.00002"]
    assert len(fake_hub.requests) == 2


# -- retries ---------------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says(fake_hub: FakeHub) -> None:
    fill(fake_hub, 1)
    clock = FakeClock()
    fake_hub.script.extend(
        [
            Reply(429, {"error": "slow down"}, {"Retry-After": "7"}),
            Reply(429, b"", {"Retry-After": formatdate(clock.now + 37, usegmt=True)}),
        ]
    )
    assert len(client(fake_hub.url, clock=clock).daily_papers(date=DAY)) == 1
    assert clock.slept == [7.0, pytest.approx(30.0)]  # the date is 37 s after the start, 7 s have passed


def test_a_retry_after_beyond_the_cap_is_reported_not_slept_through(fake_hub: FakeHub) -> None:
    fake_hub.script.append(Reply(429, b"", {"Retry-After": "3600"}))
    clock = FakeClock()
    message = failure(lambda: client(fake_hub.url, clock=clock).daily_papers(date=DAY))
    assert message == (
        f"{fake_hub.url}/api/daily_papers?date={DAY}&p=0&limit=100: HTTP 429 Too Many Requests: "
        "the Hub asks to wait 3600 s; try again later"
    )
    assert (clock.slept, len(fake_hub.requests)) == ([], 1)


def test_a_500_then_success_backs_off_once(fake_hub: FakeHub) -> None:
    fill(fake_hub, 1)
    fake_hub.script.append(Reply(500, b"oops"))
    clock = FakeClock()
    assert len(client(fake_hub.url, clock=clock).daily_papers(date=DAY)) == 1
    [waited] = clock.slept
    assert 0.5 <= waited <= 1.0  # the first backoff (1 s), half of it jitter


def test_5xx_after_every_retry_is_one_line(fake_hub: FakeHub) -> None:
    fake_hub.script.extend(Reply(503, b"") for _ in range(3))
    clock = FakeClock()
    message = failure(lambda: client(fake_hub.url, clock=clock).daily_papers(date=DAY))
    assert message.endswith(": HTTP 503 Service Unavailable (after 3 attempts)")
    assert len(fake_hub.requests) == 3
    assert 0.5 <= clock.slept[0] <= 1.0 <= clock.slept[1] <= 2.0  # growing, with jitter


def test_429_after_every_retry_says_to_come_back_later(fake_hub: FakeHub) -> None:
    fake_hub.script.extend(Reply(429, b"", {"Retry-After": "1"}) for _ in range(3))
    message = failure(lambda: client(fake_hub.url).daily_papers(date=DAY))
    assert message.endswith(
        ": HTTP 429 Too Many Requests: too many requests, try again later (after 3 attempts)"
    )


def test_backoff_grows_up_to_its_cap_with_jitter() -> None:
    retries, rng = Retries(backoff=1.0, max_backoff=8.0), random.Random(1)
    delays = [retries.delay(n, rng) for n in range(1, 7)]
    for n, delay in enumerate(delays, 1):
        full = min(8.0, 2.0 ** (n - 1))
        assert full / 2 <= delay <= full
    assert len(set(delays)) == len(delays)  # jittered, not in step


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("1.5", 1.5),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
        ("Fri, 14 Mar 2025 00:01:00 GMT", 60.0),
        ("Thu, 13 Mar 2025 00:00:00 GMT", 0.0),
    ],
)
def test_retry_after_reads_seconds_and_dates(header: str | None, seconds: float | None) -> None:
    assert retry_after(header, 1_741_910_400.0) == seconds


# -- faults ----------------------------------------------------------------------------------------


def test_malformed_json_is_not_retried(fake_hub: FakeHub) -> None:
    fake_hub.script.append(Reply(body=b'[{"paper": {"id": "2503.00001", "title": '))
    message = failure(lambda: client(fake_hub.url).daily_papers(date=DAY))
    assert message.startswith(
        f"{fake_hub.url}/api/daily_papers?date={DAY}&p=0&limit=100: not valid JSON (line 1"
    )
    assert len(fake_hub.requests) == 1


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"papers": []}, "JSON of the wrong shape: an object, not a list of papers"),
        ([{"paper": {}}, "2503.00001"], "JSON of the wrong shape: entry 2 is a string, not a paper"),
        (None, "JSON of the wrong shape: null, not a list of papers"),
    ],
)
def test_json_of_the_wrong_shape(fake_hub: FakeHub, body: Any, problem: str) -> None:
    fake_hub.script.append(Reply(body=body))
    assert failure(lambda: client(fake_hub.url).daily_papers(date=DAY)).endswith(f"&p=0&limit=100: {problem}")


@pytest.mark.parametrize(
    ("status", "token", "problem"),
    [
        (401, None, "HTTP 401 Unauthorized: the Hub wants a token (set HF_TOKEN)"),
        (401, "hf_x", "HTTP 401 Unauthorized: the Hub refused HF_TOKEN"),
        (403, "hf_x", "HTTP 403 Forbidden: HF_TOKEN has no access to this"),
        (404, None, "HTTP 404 Not Found: is HF_ENDPOINT right?"),
        (400, None, "HTTP 400 Bad Request"),
    ],
)
def test_refusals_are_not_retried(fake_hub: FakeHub, status: int, token: str | None, problem: str) -> None:
    fake_hub.script.append(Reply(status, {"error": "no"}))
    message = failure(lambda: client(fake_hub.url, token=token).search_papers("x"))
    assert message == f"{fake_hub.url}/api/papers/search?q=x&limit=10: {problem}"
    assert len(fake_hub.requests) == 1


def test_a_server_that_never_answers_times_out() -> None:
    with silent_server() as url:
        hub = client(url, attempts=2, timeouts=Timeouts(connect=2.0, read=0.2))
        message = failure(lambda: hub.daily_papers(date=DAY))
    assert (
        message
        == f"{url}/api/daily_papers?date={DAY}&p=0&limit=100: no answer within 0.2 s (after 2 attempts)"
    )


def test_nothing_listening_is_connection_refused() -> None:
    url = closed_port()
    clock = FakeClock()
    message = failure(lambda: client(url, clock=clock).search_papers("x"))
    assert message == f"{url}/api/papers/search?q=x&limit=10: connection refused (after 3 attempts)"
    assert len(clock.slept) == 2


def test_offline_or_a_dns_failure_is_said_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def no_dns(host: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    clock = FakeClock()
    message = failure(lambda: client("https://hub.invalid", clock=clock).daily_papers(date=DAY))
    assert message == (
        f"https://hub.invalid/api/daily_papers?date={DAY}&p=0&limit=100: "
        "cannot resolve hub.invalid (offline, or a DNS failure)"
    )
    assert (asked, clock.slept) == (["hub.invalid"], [])


# -- pacing ----------------------------------------------------------------------------------------


def test_min_interval_spaces_the_requests(fake_hub: FakeHub) -> None:
    clock = FakeClock()
    hub = client(fake_hub.url, clock=clock, min_interval=0.5)
    hub.search_papers("a")
    hub.search_papers("b")
    clock.now += 0.3  # time spent elsewhere counts
    hub.search_papers("c")
    clock.now += 2.0
    hub.search_papers("d")
    assert clock.slept == [0.5, pytest.approx(0.2)]
    assert len(fake_hub.requests) == 4
