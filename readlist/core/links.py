"""URLs in abstracts, arXiv ids, and the link a paper opens to."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import quote_plus, urlsplit

_URL = re.compile(r"""https?://[^\s<>"'{}|\\^`\[\]]+""", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = rf"(?:{_ARXIV_NEW}|{_ARXIV_OLD})"
# A line that is nothing but a reference to the entry's own paper.
_ID_LINE = re.compile(
    rf"""^(?:
        arxiv:\s*(?P<a>{_ARXIV_ID})(?:v\d+)?
      | (?:https?://)?(?:www\.)?(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)/
        (?P<b>{_ARXIV_ID})(?:v\d+)?(?:\.pdf)?/?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BARE_ID = re.compile(rf"^{_ARXIV_ID}$")


def _trim(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from a URL's end."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[str]:
    """Every distinct http(s) URL in ``text``, in order, without trailing punctuation."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if len(url) > len("https://") + 3 and urlsplit(url).hostname:
            seen.setdefault(url, None)
    return list(seen)


def arxiv_id_from_line(line: str) -> str | None:
    """The arXiv id if ``line`` is solely a link to (or id of) a paper."""
    match = _ID_LINE.match(line.strip())
    if match:
        return match.group("a") or match.group("b")
    return None


def is_arxiv_id(text: str) -> bool:
    return bool(_BARE_ID.match(text))


class Link(NamedTuple):
    """A labelled link of a paper. ``kind`` is one of hub, abs, pdf, search, code, project, other."""

    label: str
    url: str
    kind: str


# Where research code lives: a link to one of these (with a path) is a link to code.
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


def is_code_url(url: str) -> bool:
    """A link to a repository (or a user's page) on a code host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").removeprefix("www.")
    return host in CODE_HOSTS and parts.path.strip("/") != ""


def arxiv_abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def arxiv_pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


def paper_url(title: str, arxiv_id: str | None) -> str:
    """The paper's page when its id is known, else an arXiv search for the exact title."""
    if arxiv_id:
        return f"https://huggingface.co/papers/{arxiv_id}"
    query = quote_plus(f'"{title}"')
    return f"https://arxiv.org/search/?query={query}&searchtype=title"


def is_safe_to_open(url: str) -> bool:
    """Only plain http(s) URLs with a host and no spaces, control or format (bidi, zero-width) characters."""
    if not url or any(
        ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160 or unicodedata.category(ch) == "Cf" for ch in url
    ):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
