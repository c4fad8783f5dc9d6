"""Hostile digests through `readlist import`: every input either imports or is a one-line error
(exit 1, no traceback), stored state is never touched, and no control character gets through.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import stat
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.cli import main
from readlist.core.importer import import_files
from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library
from readlist.core.links import is_safe_to_open
from readlist.core.storage import load_json
from tests.helpers.durability import SAMPLE, readlist_cmd, run_readlist, subprocess_env

# What must never reach a terminal: C0 controls except tab/newline, DEL, C1 (ESC, BEL, CSI, OSC...).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CHROME = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"
ABSTRACT = (
    "We propose a method that is evaluated on several benchmarks and improves over strong "
    "baselines by a clear margin while using fewer parameters."
)


def digest(*titles: str, date: str = "Mar 14", abstracts: list[str] | None = None) -> str:
    body = "\n".join(f"{t}\n\n{(abstracts or [ABSTRACT] * len(titles))[i]}\n" for i, t in enumerate(titles))
    return f"{CHROME}{date}\n\n{body}"


@dataclass
class Stored:
    data: Path
    ids: list[str]
    state: bytes
    library: bytes

    def assert_state_untouched(self) -> None:
        assert (self.data / STATE_FILE).read_bytes() == self.state, "state.json was rewritten by an import"

    def assert_library_untouched(self) -> None:
        assert (self.data / LIBRARY_FILE).read_bytes() == self.library, (
            "library.json changed on a failed import"
        )

    def assert_loads(self) -> Library:
        library = Library(self.data)
        library.close()
        state = library.state.get(self.ids[0])
        assert (state.starred, state.note) == (True, "before the hostile import")
        return library


def run_in_process(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def stored(isolated_data: Path) -> Stored:
    """A library with the sample imported and one paper starred with a note (so state.json exists)."""
    assert run_in_process("import", str(SAMPLE))[0] == 0
    library = Library(isolated_data)
    ids = [library.papers[i].id for i in library.order]
    library.close()
    code, _, err = run_in_process("mark", ids[0], "--star", "--note", "before the hostile import")
    assert (code, err) == (0, "")
    return Stored(
        isolated_data,
        ids,
        (isolated_data / STATE_FILE).read_bytes(),
        (isolated_data / LIBRARY_FILE).read_bytes(),
    )


def _summary(stdout: str) -> tuple[int, int]:
    """The problems and the warnings that the summary line counts."""
    match = re.search(
        r"^total: \d+ new, \d+ already known(?:, \d+ repeated)?(?:, \d+ updated)?, (\d+) problems?(?:, (\d+) warnings?)?$",
        stdout,
        re.MULTILINE,
    )
    assert match, stdout
    return int(match[1]), int(match[2] or 0)


def check_run(result: subprocess.CompletedProcess[str], code: int | tuple[int, ...]) -> list[str]:
    """Exit code as expected, one line per problem on stderr, no traceback, no control characters."""
    codes = code if isinstance(code, tuple) else (code,)
    assert result.returncode in codes, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert not CONTROL.search(result.stdout), repr(result.stdout)
    assert not CONTROL.search(result.stderr), repr(result.stderr)
    errors = result.stderr.splitlines()
    assert all(line.strip() for line in errors)
    if result.stdout:  # a warning is printed too, but fails nothing
        problems, warnings = _summary(result.stdout)
        assert len(errors) == problems + warnings, "a problem took more than one line"
        assert (result.returncode == 0) == (problems == 0)
    else:
        assert bool(errors) == (result.returncode != 0)
    return errors


def import_proc(
    data: Path, *paths: Path | str, timeout: float = 60, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    return run_readlist(data, "import", *map(str, paths), timeout=timeout, **kwargs)


def listed(data: Path) -> tuple[str, list[dict[str, Any]]]:
    """`readlist list` and `readlist list --json` (in-process: the same code, the same output)."""
    assert os.environ["READLIST_DATA_DIR"] == str(data)
    code, plain, err = run_in_process("list")
    assert (code, err) == (0, "")
    code, as_json, err = run_in_process("list", "--json")
    assert (code, err) == (0, "")
    return plain, json.loads(as_json)


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


# -- inputs that cannot be read, or hold no papers ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no papers found in this file"),
        ("blank.txt", b"  \n\t\n\r\n \xc2\xa0 \n\n", "no papers found in this file"),
        (
            "image.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
            "not a text file (binary data)",
        ),
        ("chrome-only.txt", CHROME.encode() + b"Jun 30\n", "no papers found in this file"),
        ("bom-only.txt", b"\xef\xbb\xbf\r\n", "no papers found in this file"),
    ],
)
def test_files_without_papers_are_one_line_errors(
    stored: Stored, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    errors = check_run(import_proc(stored.data, path), 1)
    assert errors == [f"{path}: {message}"]
    stored.assert_state_untouched()
    stored.assert_library_untouched()
    stored.assert_loads()


def test_a_directory_and_a_missing_path(stored: Stored, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.txt"
    folder.mkdir()
    missing = tmp_path / "gone.txt"
    errors = check_run(import_proc(stored.data, folder, missing), 1)
    assert errors == [f"{folder}: is a directory, not a digest file", f"{missing}: no such file"]
    stored.assert_state_untouched()
    stored.assert_library_untouched()
    stored.assert_loads()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_an_unreadable_file(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(digest("A Paper Nobody May Read"), encoding="utf-8")
    path.chmod(0)
    try:
        errors = check_run(import_proc(stored.data, path), 1)
    finally:
        path.chmod(0o600)
    assert errors == [f"{path}: permission denied"]
    stored.assert_state_untouched()
    stored.assert_library_untouched()


def test_a_permission_error_in_process(
    stored: Stored, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same as the chmod 000 test, but also when running as root: the read itself fails."""
    path = tmp_path / "secret.txt"
    path.write_text(digest("A Paper Nobody May Read"), encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", read_bytes)
        code = main(["import", str(path)])
    out, err = capsys.readouterr()
    assert (code, err.splitlines()) == (1, [f"{path}: permission denied"])
    assert _summary(out) == (1, 0)
    stored.assert_state_untouched()
    stored.assert_library_untouched()


def test_binary_on_stdin(stored: Stored) -> None:
    result = subprocess.run(
        readlist_cmd("import", "-"),
        input=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        capture_output=True,
        env=subprocess_env(stored.data),
        timeout=60,
    )
    decoded = subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )
    assert check_run(decoded, 1) == ["<stdin>: not a text file (binary data)"]
    stored.assert_state_untouched()


def test_a_single_100k_character_line(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("x" * 50_000 + " " + "word " * 10_000, encoding="utf-8")
    errors = check_run(import_proc(stored.data, path), 1)
    assert errors and all(len(line) < 300 for line in errors)
    stored.assert_state_untouched()
    stored.assert_library_untouched()
    stored.assert_loads()


def test_a_100k_character_abstract_is_kept(stored: Stored, tmp_path: Path) -> None:
    long_abstract = ("Very long abstract sentence number one goes here. " * 2000)[:100_000].strip()
    path = tmp_path / "long-abstract.txt"
    path.write_text(digest("A Paper With An Endless Abstract", abstracts=[long_abstract]), encoding="utf-8")
    check_run(import_proc(stored.data, path), 0)
    _, rows = listed(stored.data)
    (row,) = [r for r in rows if r["title"] == "A Paper With An Endless Abstract"]
    assert row["abstract"] == long_abstract
    stored.assert_state_untouched()


# Regression (was a bug, found by this test): read_digest (readlist/core/digest.py:123-132) checks
# is_dir() and st_size, then path.read_bytes(): a FIFO blocks for ever (and /dev/zero reads until
# memory runs out)
def test_a_fifo_is_an_error_not_a_hang(stored: Stored, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    try:
        result = import_proc(stored.data, fifo)  # a hang never ends; the limit is only reached by one
    except subprocess.TimeoutExpired:
        pytest.fail("readlist import hung on a FIFO")
    errors = check_run(result, 1)
    assert len(errors) == 1 and str(fifo) in errors[0]
    stored.assert_state_untouched()


def _limit_memory() -> None:
    limit = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# Regression (was a bug, found by this test): read_digest (readlist/core/digest.py:132) reads a
# character device with no size limit: `readlist import /dev/zero` exhausts memory (MemoryError
# traceback under a 1 GiB limit)
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_an_error(stored: Stored) -> None:
    try:
        result = import_proc(stored.data, "/dev/zero", preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail("readlist import /dev/zero did not finish")
    errors = check_run(result, 1)
    assert len(errors) == 1 and "/dev/zero" in errors[0]
    stored.assert_state_untouched()


# -- big inputs ---------------------------------------------------------------------------------


def test_a_50_mb_digest_imports(stored: Stored, tmp_path: Path) -> None:
    """How long it takes is for benchmarks/ to measure; here the generous limit only stops a hang."""
    sample = SAMPLE.read_text(encoding="utf-8")
    head, body = sample.split("Nov 20\n", 1)
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{head}Nov 21\n")
        while out.tell() < 50 * 2**20:
            out.write("\n" + body)
    assert path.stat().st_size >= 50 * 2**20
    result = import_proc(stored.data, path, timeout=300)
    check_run(result, 0)
    library = stored.assert_loads()
    assert len(library.papers) == 29
    assert "Nov 21" in library.digests
    stored.assert_state_untouched()


# -- odd encodings and characters ---------------------------------------------------------------


def test_windows_1252_text(stored: Stored, tmp_path: Path) -> None:
    title = "Caf\u00e9 Models: \u201cNa\u00efve\u201d Scaling Costs \u20ac5 \u2013 Really"
    path = tmp_path / "cp1252.txt"
    path.write_bytes(digest(title, abstracts=[ABSTRACT + " R\u00e9sum\u00e9 \u2014 fin."]).encode("cp1252"))
    result = import_proc(stored.data, path)
    errors = check_run(result, 0)  # read in full: a warning, not a failure
    assert errors == [f"{path}:11: not UTF-8; read as Windows-1252 text"]  # the title's line
    assert result.stdout.splitlines()[-1] == "total: 1 new, 0 already known, 0 problems, 1 warning"
    _, rows = listed(stored.data)
    (row,) = [r for r in rows if r["title"] == title]
    assert row["abstract"].endswith("R\u00e9sum\u00e9 \u2014 fin.")
    stored.assert_state_untouched()


def test_latin1_with_c1_bytes_never_stores_controls(stored: Stored, tmp_path: Path) -> None:
    """Bytes 0x80-0x9f in a non-UTF-8 file: some are C1 controls in Latin-1, none may be stored."""
    raw = (
        digest("Placeholder Title For Bytes")
        .encode("latin-1")
        .replace(
            b"Placeholder Title For Bytes", b"Na\xefve \x9b31m Bytes \x81\x8d\x8f\x90\x9d Title \xe9t\xe9"
        )
    )
    path = tmp_path / "latin1.txt"
    path.write_bytes(raw)
    check_run(import_proc(stored.data, path), (0, 1))
    plain, rows = listed(stored.data)
    assert not CONTROL.search(plain)
    for value in strings_in(rows):
        assert not CONTROL.search(value), repr(value)
    assert any(r["title"].startswith("Na\u00efve") for r in rows)
    stored.assert_state_untouched()


MARKUP_TITLES = [
    "[bold]Bold[/bold] Claims About [CLS] Tokens",
    "Closing [/] Tags and [link=https://x]y[/link] Links",
    "[red on white]Styled[/] and \\[escaped] [ALL] [MASK] Text",
    "[@click=app.quit]Quit[/] Is Just Text",
]


def test_markup_in_titles_is_stored_and_listed_literally(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "markup.txt"
    path.write_text(
        digest(
            *MARKUP_TITLES,
            abstracts=[f"Abstract with {t} inside it, kept as written." for t in MARKUP_TITLES],
        ),
        encoding="utf-8",
    )
    check_run(import_proc(stored.data, path), 0)
    plain, rows = listed(stored.data)
    by_title = {r["title"]: r for r in rows}
    for title in MARKUP_TITLES:
        assert title in by_title
        assert by_title[title]["abstract"] == f"Abstract with {title} inside it, kept as written."
        assert title in plain
    assert len({by_title[t]["id"] for t in MARKUP_TITLES}) == len(MARKUP_TITLES)
    stored.assert_state_untouched()


HOSTILE_TITLE = (
    "Evil \x1b[31mRed\x1b[0m Title \x07with Bell \x1b]0;owned\x07 and "
    "\x1b]8;;https://evil.example\x1b\\Hyperlink\x1b]8;;\x1b\\ \u009b2J\u0085\u009d0;x\u009c End\x7f"
)
HOSTILE_ABSTRACT = (
    "Abstract that writes the clipboard \x1b]52;c;ZXZpbA==\x07 and clears the screen "
    "\x1b[2J\x1b[H and rings \x07\x07 with C1 \u0090DCS\u009c and \u008dRI and \x1bc reset, "
    "plus a tab\tin the middle of words that keep going on for a while."
)


def test_escape_sequences_and_controls_never_reach_storage_or_output(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "escapes.txt"
    path.write_text(
        digest(
            HOSTILE_TITLE,
            "Plain \x1b[1mSecond\x1b[0m Paper",
            abstracts=[HOSTILE_ABSTRACT, ABSTRACT + "\x1b[?1049h\x1b[?25l"],
        ),
        encoding="utf-8",
    )
    check_run(import_proc(stored.data, path), 0)
    raw = load_json(stored.data / LIBRARY_FILE)
    for value in strings_in(raw):
        assert not CONTROL.search(value), f"stored: {value!r}"
    plain, rows = listed(stored.data)
    assert not CONTROL.search(plain), repr(plain)
    for value in strings_in(rows):
        assert not CONTROL.search(value), f"list --json: {value!r}"
    titles = [r["title"] for r in rows]
    assert any(t.startswith("Evil Red Title") and t.endswith("End") for t in titles), titles
    assert "Plain Second Paper" in titles
    stored.assert_state_untouched()


# Regression (was a bug, found by this test): a digest without a date line is labelled with the file
# name unfiltered (readlist/core/digest.py:139 passes path.stem, used raw at :155), and `readlist
# list` prints the label without one_line() (readlist/cli.py:177): ESC/BEL from a file name reach the
# terminal and list --json
def test_control_characters_in_a_file_name_never_reach_output(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b]0;owned\x07\x1b[2Jname.txt"
    path.write_text("A Paper From A Hostile File Name\n\n" + ABSTRACT + "\n", encoding="utf-8")
    check_run(import_proc(stored.data, path), 0)
    plain, rows = listed(stored.data)
    assert not CONTROL.search(plain), repr(plain)
    for value in strings_in(rows):
        assert not CONTROL.search(value), f"list --json: {value!r}"


UNICODE_TITLES = [
    "\u0646\u0645\u0648\u0630\u062c \u0644\u063a\u0648\u064a \u0643\u0628\u064a\u0631 for Arabic and "
    "\u05e2\u05d1\u05e8\u05d9\u05ea Translation",
    "\U0001f680 Rocket-Fast Training \U0001f525 with Emoji",
    "\u5927\u89c4\u6a21\u8bed\u8a00\u6a21\u578b\u7684\u9ad8\u6548\u8bad\u7ec3",
    "\u65e5\u672c\u8a9e\u306e\u30bf\u30a4\u30c8\u30eb and \ud55c\uad6d\uc5b4 \uc81c\ubaa9",
    "S$^{2}$FT: $\\mathcal{O}(n^{2})$ Attention for \\$184M Models",
    "Na\u0308ive Combining Marks and \u1e9e\u00df Case Folding",
]


def test_rtl_emoji_cjk_and_latex_titles_are_kept_exactly(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_text(digest(*UNICODE_TITLES), encoding="utf-8")
    check_run(import_proc(stored.data, path), 0)
    plain, rows = listed(stored.data)
    by_title = {r["title"]: r for r in rows}
    for title in UNICODE_TITLES:
        assert title in by_title, title
        assert title in plain
    assert len({by_title[t]["id"] for t in UNICODE_TITLES}) == len(UNICODE_TITLES)
    stored.assert_state_untouched()


def test_bidi_overrides_are_removed_from_rtl_titles(stored: Stored, tmp_path: Path) -> None:
    title = "\u05e9\u05dc\u05d5\u05dd Safe \u202eevil.exe\u202c Title \u2067isolated\u2069 End"
    path = tmp_path / "bidi.txt"
    path.write_text(digest(title), encoding="utf-8")
    check_run(import_proc(stored.data, path), 0)
    _, rows = listed(stored.data)
    (row,) = [r for r in rows if r["title"].startswith("\u05e9\u05dc\u05d5\u05dd")]
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", row["title"])
    assert row["title"] == "\u05e9\u05dc\u05d5\u05dd Safe evil.exe Title isolated End"


# Regression (was a bug, found by this test): clean_line() deletes U+200C/U+200D (_INVISIBLE in
# readlist/core/text.py:21), which are part of the text in Persian/Indic words and emoji sequences;
# they neither hide nor reorder text
def test_joiners_inside_words_and_emoji_are_kept(stored: Stored, tmp_path: Path) -> None:
    title = (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Models for the \U0001f469\u200d\U0001f52c Scientist"
    )
    path = tmp_path / "joiners.txt"
    path.write_text(digest(title), encoding="utf-8")
    check_run(import_proc(stored.data, path), 0)
    _, rows = listed(stored.data)
    assert title in {r["title"] for r in rows}


# Regression (was a bug, found by this test): titles without letters or digits all get the same
# identity: title_key() keeps only \w (readlist/core/text.py:64), so every emoji-only title has key ''
# and paper_id sha1('') (readlist/core/model.py:16); the second such paper is silently merged into the
# first
def test_emoji_only_titles_are_different_papers(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "emoji.txt"
    path.write_text(
        digest("\U0001f680\U0001f525", "\u2728", "\U0001f9e0 \u2192 \U0001f4bb"), encoding="utf-8"
    )
    check_run(import_proc(stored.data, path), 0)
    _, rows = listed(stored.data)
    titles = {r["title"] for r in rows}
    assert {"\U0001f680\U0001f525", "\u2728", "\U0001f9e0 \u2192 \U0001f4bb"} <= titles


# -- links ----------------------------------------------------------------------------------------

DANGEROUS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "file:///etc/passwd",
    "file://localhost/home/user/.ssh/id_rsa",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://evil.example/\x1b]52;c;ZXZpbA==\x07",
    "http:///no-host",
]


@pytest.mark.parametrize("url", DANGEROUS)
def test_is_safe_to_open_rejects(url: str) -> None:
    assert not is_safe_to_open(url)


def test_javascript_and_file_urls_in_an_abstract_are_never_the_paper_link(
    stored: Stored, tmp_path: Path
) -> None:
    abstract = (
        "Click javascript:alert(document.cookie) or file:///etc/passwd or "
        "data:text/html,<script>x</script> for the code; the real code is at https://github.com/ok/repo."
    )
    titles = ["A Paper With Hostile Links", "javascript:alert(1) As A Title", "file:///etc/passwd"]
    path = tmp_path / "links.txt"
    path.write_text(digest(*titles, abstracts=[abstract] * 3), encoding="utf-8")
    check_run(import_proc(stored.data, path), 0)
    _, rows = listed(stored.data)
    for row in (r for r in rows if r["title"] in titles):
        assert row["url"].startswith(("https://huggingface.co/papers/", "https://arxiv.org/search/"))
        assert is_safe_to_open(row["url"])
        assert row["links"] == ["https://github.com/ok/repo"]
        assert all(is_safe_to_open(link) for link in row["links"])
    library = Library(stored.data)
    try:
        for paper in library.papers:
            assert is_safe_to_open(paper.url)
            for link in paper.links:
                assert link.lower().startswith(("http://", "https://")) and is_safe_to_open(link)
    finally:
        library.close()


# -- anything at all ----------------------------------------------------------------------------

FRAGMENTS = [
    "",
    "",
    "",
    "Mar 14",
    "Dec 9, 2024 2",
    "Feb 30",
    "  \u2022 6 authors",
    "\u00b7",
    "12",
    "new",
    "Subscribe",
    "A Title Line",
    "Another Title",
    ABSTRACT,
    "https://arxiv.org/abs/2401.00001",
    "arXiv:2401.00002v2",
    "[/]",
    "[CLS] [bold]x",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;ZXZpbA==\x07",
    "\u009b2J",
    "\r",
    "\t",
    "\u202e",
    "\ufeff",
    "\u00a0\u00a0",
    "x" * 500,
    "\U0001f680",
    "\ud800",
]


@st.composite
def digest_texts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=400))
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=30))
    return "\n".join(parts)


def test_any_text_either_imports_or_fails_with_one_line_errors(stored: Stored, tmp_path: Path) -> None:
    path = tmp_path / "any.txt"

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=digest_texts(), crlf=st.booleans(), bom=st.booleans())
    def check(text: str, crlf: bool, bom: bool) -> None:
        if crlf:
            text = text.replace("\n", "\r\n")
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", errors="surrogatepass"))
        code, stdout, stderr = run_in_process("import", str(path))
        assert code in (0, 1), (code, stderr)
        errors = stderr.splitlines()
        problems, warnings = _summary(stdout)
        assert (code == 0) == (problems == 0)
        assert len(errors) == problems + warnings
        assert not CONTROL.search(stdout) and not CONTROL.search(stderr), (stdout, stderr)
        assert "Traceback" not in stderr
        stored.assert_state_untouched()
        library = Library(stored.data)  # a fresh Library loads
        try:
            for paper in library.papers:
                assert not CONTROL.search(paper.title + paper.abstract + "".join(paper.digests)), paper.title
                assert paper.title.strip() == paper.title and paper.title
        finally:
            library.close()

    check()
    stored.assert_loads()


def test_import_files_in_process_with_every_bad_kind_at_once(stored: Stored, tmp_path: Path) -> None:
    """The core API: unreadable inputs become report errors, the good file still imports."""
    bad_dir = tmp_path / "dir"
    bad_dir.mkdir()
    binary = tmp_path / "bin.dat"
    binary.write_bytes(b"GIF89a\x00\x01\x00")
    good = tmp_path / "good.txt"
    good.write_text(digest("The One Good Paper Among Bad Files"), encoding="utf-8")
    library = Library(stored.data)
    try:
        report = import_files(library, [str(bad_dir), str(binary), str(tmp_path / "missing"), str(good)])
    finally:
        library.close()
    assert len(report.errors) == 3 and all("\n" not in e for e in report.errors)
    assert report.new == 1
    stored.assert_state_untouched()
    assert stat.S_IMODE((stored.data / LIBRARY_FILE).stat().st_mode) == 0o600
