"""Command line: import digests, list, export and mark papers, keep saved searches, or open the TUI.

The TUI is imported only when it is about to run, so ``import``, ``list`` and
``mark`` stay fast and work without a terminal; what only one command needs is
imported by that command, so opening the app waits for none of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist import __version__
from readlist.core.errors import CorruptFileError, ReadlistError
from readlist.core.export import EXTENSIONS, FORMATS, paper_json
from readlist.core.importer import STDIN, import_files, read_inputs
from readlist.core.library import ImportReport, Library
from readlist.core.model import marks
from readlist.core.paths import data_dir
from readlist.core.query import needs_index, parse
from readlist.core.storage import write_atomic
from readlist.core.text import one_line, plural
from readlist.core.views import Sort, View

if TYPE_CHECKING:
    import datetime as dt

    from readlist.core.fetch import FetchReport, Period
    from readlist.core.foryou import ForYou
    from readlist.core.hub import HubClient
    from readlist.core.model import Paper

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("import", "fetch", "resolve", "list", "export", "mark", "search", "remove", "sync", "doctor")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        """An option the command does not have is named first, before what it lacks besides."""
        given = list(sys.argv[1:] if args is None else args)
        options = given[: given.index("--")] if "--" in given else given
        for arg in options:
            name = arg.split("=", 1)[0]
            if (
                name.startswith("-")
                and len(name) > 1
                and not name[1:2].isdigit()
                and not any(option.startswith(name) for option in self._option_string_actions)
            ):
                self.error(f"no option {name} (see {self.prog} --help)")
        return super().parse_args(given, namespace)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the library lives (default: $READLIST_DATA_DIR or the user data dir)",
    )


def build_parsers() -> dict[str, argparse.ArgumentParser]:
    tui = _Parser(
        prog="readlist",
        description="Triage research-paper digests from the keyboard.",
        epilog=f"Subcommands: {', '.join(COMMANDS)} (readlist COMMAND --help).",
    )
    _common(tui)
    tui.add_argument("--version", action="version", version=f"readlist {__version__}")
    tui.add_argument(
        "--demo", action="store_true", help="open the two bundled sample digests in a throwaway library"
    )
    tui.add_argument(
        "--fetch", action="store_true", help="fetch today's papers from the Hub first (as readlist fetch)"
    )
    tui.add_argument("digests", nargs="*", metavar="DIGEST", help="digest files to import before opening")

    imp = _Parser(
        prog="readlist import",
        description="Import digest files into the library: saved Daily Papers "
        "pages, the Hub's JSON, a readlist JSON export, or BibTeX (.bib). What is which is read from the "
        "content; a text file that looks like none of them is refused.",
    )
    _common(imp)
    imp.add_argument("digests", nargs="+", metavar="DIGEST", help="digest files; - reads standard input")
    imp.add_argument(
        "--force",
        action="store_true",
        help="import a text file as a digest page even when it does not look like one",
    )

    fetch = _Parser(
        prog="readlist fetch",
        description="Fetch the Hub's Daily Papers into the library (today's, "
        "by default; a day is the Hub's day, in UTC). Base URL from $HF_ENDPOINT, token from $HF_TOKEN.",
    )
    _common(fetch)
    when = fetch.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="one day")
    when.add_argument("--week", metavar="YYYY-Www", help="an ISO week, like 2025-W11")
    when.add_argument("--month", metavar="YYYY-MM", help="a month")
    when.add_argument(
        "--since", metavar="YYYY-MM-DD", help="each day from this one to today, but days already fetched"
    )
    fetch.add_argument(
        "--refresh", action="store_true", help="with --since: fetch the days already fetched again"
    )

    resolve = _Parser(
        prog="readlist resolve",
        description="Find the arXiv id of papers without one through the "
        "Hub's paper search (exact titles only, two requests a second).",
    )
    _common(resolve)
    resolve.add_argument(
        "--retry-misses", action="store_true", help="ask again about titles the Hub did not know"
    )
    resolve.add_argument("--limit", type=_positive, metavar="N", help="look up at most N papers")

    lst = _Parser(prog="readlist list", description="List papers, best match first with --query.")
    _common(lst)
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    _filters(lst)

    export = _Parser(
        prog="readlist export",
        description="Write papers and their state as Markdown notes, "
        "BibTeX, RIS, CSV or JSON ('readlist import' reads JSON and BibTeX back).",
    )
    _common(export)
    export.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        help="the format (default: from the -o file's extension; markdown on standard output)",
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output"
    )
    _filters(export)

    mark = _Parser(prog="readlist mark", description="Change a paper's read / starred / note / tags state.")
    _common(mark)
    mark.add_argument("id", metavar="ID", help="paper id (or a unique prefix, or an arXiv id)")
    read = mark.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_const", const=True)
    read.add_argument("--unread", dest="read", action="store_const", const=False)
    star = mark.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True)
    star.add_argument("--unstar", dest="starred", action="store_const", const=False)
    mark.add_argument("--note", metavar="TEXT", help="replace the note ('' clears it)")
    mark.add_argument(
        "--tags", metavar="TAGS", help="replace the tags, separated by spaces or commas ('' clears them)"
    )

    search = _Parser(
        prog="readlist search",
        description="Saved searches: named queries for 'list --saved', 'export --saved' and the app.",
    )
    _common(search)
    actions = search.add_subparsers(dest="action", required=True, metavar="ACTION", parser_class=_Parser)
    save = actions.add_parser(
        "save",
        help="save QUERY as NAME, replacing a search of that name",
        description="Save QUERY as NAME, replacing a search of that name.",
    )
    save.add_argument("name", metavar="NAME")
    save.add_argument("query", metavar="QUERY")
    shown = actions.add_parser(
        "list",
        help="list the saved searches: name, a tab, the query",
        description="List the saved searches: name, a tab, the query.",
    )
    delete = actions.add_parser(
        "delete", help="delete the saved search NAME", description="Delete the saved search NAME."
    )
    delete.add_argument("name", metavar="NAME")
    for sub in (save, shown, delete):  # --data-dir after the action too
        sub.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    remove = _Parser(
        prog="readlist remove",
        description="Take papers out of the library. They are kept, with "
        "their read marks, stars, notes and tags, in backups/removed-*.json, which readlist import brings "
        "back.",
    )
    _common(remove)
    what = remove.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "ids",
        nargs="*",
        metavar="ID",
        default=[],
        help="papers by id (or a unique start of one, or an arXiv id)",
    )
    what.add_argument(
        "--digest", metavar="LABEL", help='a digest ("Mar 14") and the papers no other digest holds'
    )
    what.add_argument(
        "--last-import",
        action="store_true",
        help="undo the last import: the papers and digests it added (papers it only updated stay)",
    )
    what.add_argument("--query", "-q", metavar="Q", help="the papers a search shows (its strong matches)")

    sync = _Parser(
        prog="readlist sync",
        description="Sync the library with a git repository that your other "
        "machines sync with too: commit what changed here, fetch, merge, push. Read marks, stars, notes "
        "and tags merge per paper and per field (the later change wins; two different notes are both kept).",
    )
    _common(sync)
    sync.add_argument(
        "remote",
        nargs="?",
        metavar="REMOTE",
        help="the first time (or to change it): the repository "
        "to sync with: an ssh or https URL, a local path or a bare repository, empty or made by readlist",
    )
    what = sync.add_mutually_exclusive_group()
    what.add_argument(
        "--status",
        action="store_true",
        help="how many papers changed here and on the remote since "
        "the last sync, and when it was (fetches, merges nothing)",
    )
    what.add_argument("--auto", choices=("on", "off"), help="sync when the app starts and when it quits")

    doctor = _Parser(prog="readlist doctor", description="Check the data files and backups.")
    _common(doctor)
    doctor.add_argument(
        "--restore", action="store_true", help="replace damaged files with their newest good backup"
    )
    return {
        "tui": tui,
        "import": imp,
        "fetch": fetch,
        "resolve": resolve,
        "list": lst,
        "export": export,
        "mark": mark,
        "search": search,
        "remove": remove,
        "sync": sync,
        "doctor": doctor,
    }


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _filters(parser: argparse.ArgumentParser) -> None:
    """The options that choose papers, shared by ``list`` and ``export`` (see ``_selected``)."""
    for flag, text in (("starred", "starred papers"), ("notes", "papers with a note")):
        parser.add_argument(f"--{flag}", action="store_true", help=f"only {text}")
    read = parser.add_mutually_exclusive_group()  # no paper is both
    read.add_argument("--unread", action="store_true", help="only unread papers")
    read.add_argument("--read", action="store_true", help="only read papers")
    parser.add_argument(
        "--query",
        "-q",
        metavar="Q",
        help="search titles, abstracts, notes and tags (typo-tolerant), with is:unread is:read "
        'is:starred has:note has:tags has:link has:code has:summary tag:NAME digest:"Mar 14" '
        "title:WORD abstract:WORD author:NAME upvotes:>20 published:>2024-06 "
        'published:2024-01..2024-06 "exact phrase" -word, and a OR b, a | b, NOT a, ( )',
    )
    parser.add_argument(
        "--saved",
        metavar="NAME",
        help="the saved search NAME ('readlist search list' shows them); with --query both must hold",
    )
    parser.add_argument(
        "--sort",
        choices=[s.value for s in Sort],
        default=Sort.DIGEST.value,
        help="order: digest (best match first with --query), published, title, starred, upvotes, "
        "foryou (most like what you starred, tagged and wrote notes on; unread first)",
    )


def _split_command(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The subcommand (or ``tui``) and the remaining arguments."""
    args = list(argv)
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--data-dir":
            skip = True
            continue
        if arg == "--":
            break
        if not arg.startswith("-") or arg == "-":
            if arg in COMMANDS:
                return arg, args[:i] + args[i + 1 :]
            break
    return "tui", args


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command, rest = _split_command(argv)
    args = None
    try:
        args = build_parsers()[command].parse_args(rest)
        handler = {
            "tui": run_tui,
            "import": cmd_import,
            "fetch": cmd_fetch,
            "resolve": cmd_resolve,
            "list": cmd_list,
            "export": cmd_export,
            "mark": cmd_mark,
            "search": cmd_search,
            "remove": cmd_remove,
            "sync": cmd_sync,
            "doctor": cmd_doctor,
        }[command]
        code = handler(args)
        if sys.stdout is not None:  # None when started with standard output closed
            sys.stdout.flush()  # a reader gone from the pipe (``| head``) shows here, not at exit
        return code
    except UsageError as exc:
        print(one_line(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except CorruptFileError as exc:
        from readlist.core.backup import corrupt_hint

        folder = data_dir(getattr(args, "data_dir", None))
        print(f"readlist: {one_line(corrupt_hint(folder, exc))}", file=sys.stderr)
        return EXIT_INPUT
    except ReadlistError as exc:
        print(f"readlist: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_OK
    except OSError as exc:
        print(
            f"readlist: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr
        )
        return EXIT_INPUT


def _discard_stdout() -> None:
    """The reader of the output went away: send what is still buffered to the null device, or
    Python's flush at exit fails on it again (a traceback-like message and exit status 120)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (output captured in a test)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _print_problems(report: ImportReport) -> None:
    """Warnings, then problems, one line each on stderr."""
    for message in (*report.warnings, *report.problems):
        print(one_line(message), file=sys.stderr)


def _print_report(report: ImportReport) -> None:
    for f in report.files:
        print(
            f"{one_line(f.source)}: {plural(f.entries, f.unit)} "
            f"({one_line(f.label)}): {f.new} new, {f.known} already known"
            + (f", {f.repeats} repeated" if f.repeats else "")
            + (f", {f.updated} updated" if f.updated else "")
            + (f", state restored for {f.restored}" if f.restored else "")
        )
    _print_problems(report)
    print(f"total: {report.totals()}")


def _open(args: argparse.Namespace) -> Library:
    """Open the library and, once a day, back up its files before anything changes them."""
    from readlist.core.backup import backup_daily

    library = Library.open(data_dir(args.data_dir))
    for notice in library.notices:
        print(f"readlist: {one_line(notice)}", file=sys.stderr)
    backup_daily(library.folder, known_good=library.clean_versions())
    return library


def _index_new_papers(library: Library, report: ImportReport) -> None:
    """Index what an import brought while the command still runs: the app's next start then
    loads the index instead of building it (seconds at 100k papers) while the reader types."""
    if report.new or report.updated:
        from readlist.core.search import SearchIndex

        SearchIndex.update_cache(library)


def cmd_import(args: argparse.Namespace) -> int:
    report = ImportReport()
    digests = read_inputs(args.digests, report, force=args.force)
    if digests:  # with nothing readable the library is left alone, not even its folder is made
        library = _open(args)
        try:
            library.import_digests(digests, report)
            _index_new_papers(library, report)
        finally:
            library.close()
    _print_report(report)
    return EXIT_OK if report.ok else EXIT_INPUT


@dataclass(slots=True)
class _Chosen:
    rows: list[int]  # indices into ``library.papers``, in the order to show them
    for_you: ForYou | None = None  # with --sort foryou: why each paper was suggested


def _query_text(library: Library, args: argparse.Namespace) -> str:
    """--query, and the saved search --saved names: both must hold."""
    text = args.query or ""
    if getattr(args, "saved", None) is None:
        return text
    from readlist.core.saved import SavedSearches

    saved = SavedSearches(library.folder).get(args.saved)
    if saved is None:
        raise ReadlistError(f"no saved search named {args.saved!r} ('readlist search list' shows them)")
    return f"({saved}) ({text})" if text.strip() else saved


def _selected(library: Library, args: argparse.Namespace) -> _Chosen:
    """The papers the filter options choose."""
    from readlist.core.selection import Columns, select_papers

    text = _query_text(library, args)
    sort = Sort(getattr(args, "sort", Sort.DIGEST.value))
    index = None
    if needs_index(parse(text)) or sort is Sort.FORYOU:
        from readlist.core.search import SearchIndex

        index = SearchIndex.for_library(library)
    views = [View(name) for name in ("starred", "unread", "read", "notes") if getattr(args, name, False)]
    columns = Columns(library)
    selection = select_papers(library, text, index=index, columns=columns, views=views, sort=sort)
    for hint in dict.fromkeys(selection.hints):
        print(f"readlist: {one_line(hint)}", file=sys.stderr)
    weaker = len(selection.indices) - selection.strong
    if weaker:  # what the app shows below its "weaker matches" divider
        noun = "match" if weaker == 1 else "matches"
        print(
            f"readlist: {weaker} weaker {noun} left out (they miss a word or score far below the best)",
            file=sys.stderr,
        )
    for_you = columns.for_you(index) if sort is Sort.FORYOU and index is not None else None
    return _Chosen(
        selection.strong_indices, for_you if for_you is not None and for_you.hint is None else None
    )


def make_hub(**options: Any) -> HubClient:
    """The Hub client the commands use: $HF_ENDPOINT, $HF_TOKEN (tests swap this for a faster one)."""
    from readlist.core.hub import HubClient

    return HubClient.from_env(**options)


class _Progress:
    """How far a long run is, on stderr: one line rewritten in place on a terminal, a line per
    step otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = False

    def __call__(self, text: str) -> None:
        text = one_line(text)
        if self.tty:
            sys.stderr.write(f"\r\x1b[K{text[:200]}")
        else:
            sys.stderr.write(f"{text}\n")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _period(args: argparse.Namespace, today: dt.date) -> Period:
    """The period ``readlist fetch`` asks for (for --since, its first day); UsageError for one
    it cannot."""
    from readlist.core.fetch import Period

    if args.refresh and not args.since:
        raise UsageError("readlist fetch: --refresh goes with --since")
    kind, text = next(
        (
            (kind, value)
            for kind in ("date", "week", "month", "since")
            if (value := getattr(args, kind)) is not None
        ),
        ("date", today.isoformat()),
    )
    try:
        period = Period.parse("date" if kind == "since" else kind, text)
    except ValueError as exc:
        raise UsageError(f"readlist fetch: --{kind}: {exc}") from None
    if period.first > today:
        raise UsageError(
            f"readlist fetch: --{kind}: {text} is after today ({today.isoformat()} on the Hub, in UTC)"
        )
    return period


def run_fetch(library: Library, periods: list[Period]) -> FetchReport:
    """Fetch ``periods`` into the library, with progress on stderr when there are several."""
    from readlist.core.fetch import fetch_into

    progress = _Progress()

    def step(n: int, total: int, period: Period) -> None:
        progress(f"fetching {period.value} ({n}/{total})")

    try:
        with make_hub() as hub:
            return fetch_into(library, hub, periods, progress=step if len(periods) > 1 else None)
    finally:
        progress.done()


def _print_fetch_report(library: Library, report: FetchReport) -> None:
    imported = report.imported
    for f in imported.files:
        info = library.digests.get(f.label)
        day = info.date if info is not None and info.date else f.label
        print(
            f"{day} ({one_line(f.label)}): {f.entries} paper{'' if f.entries == 1 else 's'}: {f.new} new, "
            f"{f.known} already known, "
            f"{f.updated} updated" + (f", {f.repeats} repeated" if f.repeats else "")
        )
    for day in report.empty_days():
        print(f"{day}: no papers on the Hub")
    _print_problems(imported)
    for _, message in report.failed:
        print(f"readlist: {one_line(message)}", file=sys.stderr)
    failed, skipped = [p.value for p, _ in report.failed], [p.value for p in report.not_tried]
    if (failed or skipped) and len(failed) + len(skipped) + len(report.fetched) > 1:
        # Several days asked for: say which are missing, and why.
        missing = [f"failed: {_days(failed)}"] if failed else []
        if skipped:
            missing.append(f"not tried, as the Hub could not be reached: {_days(skipped)}")
        if report.fetched:
            saved = len(report.fetched)
            missing.append(f"the other {plural(saved, 'day')} {'is' if saved == 1 else 'are'} saved")
        print(f"readlist: {'; '.join(missing)}", file=sys.stderr)
    print(
        f"total: {imported.new} new, {imported.known} already known, {imported.updated} updated"
        + (f", {len(failed)} failed" if failed else "")
        + (f", {len(skipped)} not tried" if skipped else "")
    )


def _days(days: list[str]) -> str:
    """Days named one by one when they are few, else how many and from when to when."""
    return ", ".join(days) if len(days) <= 3 else f"{len(days)} days, {days[0]} to {days[-1]}"


def cmd_fetch(args: argparse.Namespace) -> int:
    from readlist.core.fetch import days_since, utc_today

    today = utc_today()
    period = _period(args, today)
    library = _open(args)
    try:
        periods = days_since(library, period.first, today, args.refresh) if args.since else [period]
        report = run_fetch(library, periods)
        _index_new_papers(library, report.imported)
    finally:
        library.close()
    _print_fetch_report(library, report)
    return EXIT_OK if report.ok else EXIT_INPUT


def cmd_resolve(args: argparse.Namespace) -> int:
    from readlist.core.resolve import resolve

    library = _open(args)
    progress = _Progress()

    def step(n: int, total: int, paper: Paper) -> None:
        progress(f"resolving {n}/{total}: {paper.title[:80]}")

    try:
        with make_hub() as hub:
            report = resolve(library, hub, retry_misses=args.retry_misses, limit=args.limit, progress=step)
    finally:
        progress.done()
        library.close()
    for pid, arxiv_id in report.found:
        print(f"{pid}  {arxiv_id}  {one_line(library.by_id[pid].title)}")
    for pid, arxiv_id in report.conflicts:
        print(
            f"readlist: {pid}: the Hub's {arxiv_id} is another paper of the library; left as it is",
            file=sys.stderr,
        )
    if report.error:
        print(f"readlist: {one_line(report.error)}", file=sys.stderr)
    summary = [f"{len(report.found)} found", f"{len(report.missed)} not on the Hub"]
    if report.failed:
        summary.append(f"{report.failed} failed")
    if report.skipped:
        summary.append(f"{report.skipped} not asked again (--retry-misses asks)")
    if report.remaining:
        summary.append(f"{report.remaining} not looked up" + (" (stopped)" if report.error else " (--limit)"))
    print(f"resolved: {', '.join(summary)}")
    return EXIT_OK if report.ok else EXIT_INPUT


def cmd_list(args: argparse.Namespace) -> int:
    library = _open(args)
    papers = library.papers
    chosen = _selected(library, args)
    for_you = chosen.for_you
    if args.json:
        rows = []
        for i in chosen.rows:
            row = paper_json(papers[i], library.state_of(papers[i].id))
            if for_you is not None:
                row["for_you"] = {"share": round(for_you.share(i), 3), "words": for_you.words(i)}
            rows.append(row)
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for i in chosen.rows:
        paper = papers[i]
        state = library.state_of(paper.id)
        digest = one_line(library.newest_digest(paper))
        tags = "".join(f"  #{tag}" for tag in state.tags)
        why = ""
        if for_you is not None and (words := for_you.words(i, limit=4)):
            why = f"  ~ {', '.join(words)}"
        print(f"{paper.id}  {''.join(marks(state))}  {digest:<7}  {one_line(paper.title)}{tags}{why}")
    if not chosen.rows:
        print(
            "readlist: no paper matches"
            if papers
            else "readlist: the library is empty (readlist fetch, or readlist import DIGEST)",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format or (EXTENSIONS.get(Path(args.output).suffix.lower()) if args.output else "markdown")
    if fmt is None:
        suffix = Path(args.output).suffix
        raise UsageError(
            f"readlist export: {'no known format ends in ' + suffix if suffix else 'a file name without an extension'}"
            f": choose a --format ({', '.join(FORMATS[:-1])} or {FORMATS[-1]})"
        )
    library = _open(args)
    text, count = library.export(_selected(library, args).rows, fmt)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomic(Path(args.output), text.encode("utf-8"))
    except OSError as exc:
        print(f"readlist: cannot write {one_line(args.output)}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{plural(count, 'paper')} written to {one_line(args.output)} ({fmt})")
    return EXIT_OK


def cmd_mark(args: argparse.Namespace) -> int:
    changes = {
        k: v
        for k, v in (("read", args.read), ("starred", args.starred), ("tags", args.tags))
        if v is not None
    }
    if args.note is not None:
        from readlist.core.text import clean_note

        changes["note"] = clean_note(args.note)
    if not changes:
        raise UsageError(
            "readlist mark: nothing to change (use --read, --unread, --star, --unstar, --note or --tags)"
        )
    library = _open(args)
    try:
        paper = library.lookup(args.id)
        # Explicit writes, so that this wins over what a running app saved meanwhile.
        state = library.state.update(paper.id, **changes)
    finally:
        library.close()
    flags = [
        ("read" if state.read else "unread"),
        *(["starred"] if state.starred else []),
        *(["note"] if state.note else []),
        *(f"#{tag}" for tag in state.tags),
    ]
    print(f"{paper.id}  {', '.join(flags)}  {one_line(paper.title)}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from readlist.core.saved import SavedSearches

    searches = SavedSearches(data_dir(args.data_dir))
    if args.action == "list":
        saved = searches.all()
        for name, query in saved.items():
            print(f"{one_line(name)}\t{one_line(query)}")
        if not saved:
            print(
                "readlist: no saved searches yet ('readlist search save NAME QUERY' saves one)",
                file=sys.stderr,
            )
        return EXIT_OK
    if args.action == "delete":
        if not searches.delete(args.name):
            print(f"readlist: no saved search named {one_line(args.name)!r}", file=sys.stderr)
            return EXIT_INPUT
        print(f"deleted {one_line(args.name)!r}")
        return EXIT_OK
    for hint in parse(args.query).hints:  # saved all the same: it may be finished in the app
        print(f"readlist: {one_line(hint)}", file=sys.stderr)
    name = searches.save(args.name, args.query)
    print(f"saved {one_line(name)!r}: {one_line(searches.get(name) or '')}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from readlist.core.removal import remove_digest, remove_papers, undo_last_import

    library = _open(args)
    try:
        if args.last_import:
            removal = undo_last_import(library)
        elif args.digest is not None:
            removal = remove_digest(library, args.digest)
        elif args.query is not None:
            removal = remove_papers(library, {library.papers.ids[i] for i in _selected(library, args).rows})
        else:
            removal = remove_papers(library, {library.lookup(ref).id for ref in args.ids})
    finally:
        library.close()
    gone = [plural(removal.papers, "paper")] + [f"the digest {one_line(label)}" for label in removal.digests]
    print(
        f"removed {' and '.join(gone)}"
        + (
            (
                f"; kept with its state in {removal.kept} (readlist import brings it back)"
                if removal.papers == 1
                else f"; kept with their state in {removal.kept} (readlist import brings them back)"
            )
            if removal.kept
            else ""
        )
    )
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from readlist.core.sync import run

    if args.remote is not None and (args.status or args.auto):
        raise UsageError("readlist sync: give REMOTE without --status or --auto (set it up first, then ask)")
    folder = data_dir(args.data_dir)
    if args.auto:
        run.set_auto(folder, args.auto == "on")
        print(
            "the app now syncs when it starts and when it quits"
            if args.auto == "on"
            else "the app no longer syncs by itself (readlist sync, or Sync now in its palette, still do)"
        )
        return EXIT_OK
    library = _open(args)
    try:
        if args.status:
            return _print_sync_status(run.status(folder, library))
        report = run.sync(folder, args.remote, library=library)
    finally:
        library.close()
    for problem in report.received.problems:
        print(f"readlist: {one_line(problem)}", file=sys.stderr)
    print(one_line(report.summary()))
    return EXIT_OK


def _print_sync_status(found: Any) -> int:
    import time

    from readlist.core.text import ago

    last = (
        "never"
        if found.last_sync is None
        else (
            f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(found.last_sync))} ({ago(found.last_sync, time.time())})"
        )
    )
    print(f"remote: {one_line(found.remote)}")
    print(f"last sync: {last}")
    print(f"ahead: {plural(found.ahead, 'paper')} changed here since the last sync")
    print(
        "behind: unknown (the remote could not be asked)"
        if found.behind is None
        else f"behind: {plural(found.behind, 'paper')} changed on the remote since the last sync"
    )
    print(f"sync at the app's start and quit: {'on' if found.auto else 'off'}")
    if found.error:
        print(f"readlist: {one_line(found.error)}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from readlist.core.backup import check, restore

    folder = data_dir(args.data_dir)
    findings = check(folder)
    if args.restore:
        for name in ("library.json", "state.json"):
            if any(not f.ok and name in f.message and "damaged" in f.message for f in findings):
                backup, moved = restore(folder, name)
                print(
                    f"restored {name} from {backup.name}"
                    + (f"; the damaged file is now {moved.name}" if moved else "")
                )
        findings = check(folder)
    for finding in findings:
        print(one_line(str(finding)))
    return EXIT_OK if all(f.ok for f in findings) else EXIT_INPUT


def _no_such_file(name: str) -> bool:
    """True when nothing is at ``name``; other trouble (permissions...) the import reports."""
    try:
        Path(name).stat()
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        pass
    return False


def _fetch_today(library: Library, report: ImportReport | None) -> ImportReport:
    """``readlist --fetch``: today's papers before the app opens, their summary (and any failure)
    added to the import report the app shows."""
    from readlist.core.fetch import FetchReport, Period, utc_today
    from readlist.core.hub import HubError

    report = report or ImportReport()
    try:
        fetched = run_fetch(library, [Period.day(utc_today())])
    except HubError as exc:  # no client at all (HF_ENDPOINT is no address): the app opens all the same
        fetched = FetchReport()
        fetched.imported.errors.append(str(exc))
    report.files += fetched.imported.files
    report.errors += fetched.imported.errors + [message for _, message in fetched.failed]
    return report


def run_tui(args: argparse.Namespace) -> int:
    # A name that is no file is more likely a mistyped command than a digest: stop before the
    # library is opened, let alone the app.
    missing = next((name for name in args.digests if name != STDIN and _no_such_file(name)), None)
    if missing is not None:
        raise UsageError(f"readlist: {missing}: no such file (commands: {', '.join(COMMANDS)})")
    with ExitStack() as stack:
        if args.demo:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="readlist-demo-")))
        else:
            folder = data_dir(args.data_dir)
        names = list(args.digests)
        library = Library.open(folder)
        stack.callback(library.close)
        if args.demo:
            from readlist.core.demo import import_demo

            report: ImportReport | None = import_demo(library, names)
        else:
            report = import_files(library, names) if names else None
        if args.fetch:
            report = _fetch_today(library, report)
        if report is not None:
            _print_problems(report)
        from readlist.tui.app import run

        code = run(library, report=report, demo=args.demo)
    if code:
        return code  # the app crashed (Textual has shown why); the state was saved or kept all the same
    return EXIT_OK if report is None or report.ok else EXIT_INPUT
